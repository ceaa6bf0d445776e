/**
 * tinybench output: `console.table(bench.table())` text, `JSON.stringify(bench.table())`, or the task results
 * (`JSON.stringify(bench.tasks.map(({ name, result }) => ({ name, result })))`), whose latency samples
 * (with `retainSamples: true`) are kept as a distribution. One trial per task. Reads tinybench 2 to 6 columns.
 */
import { InputError, RunError } from '../errors.js'
import type { MetricValue, Trial } from '../results/model.js'
import type { ResultsFormat } from './format.js'
import { parseJsonText } from './json-text.js'
import { asObject, child, isJsonObject, items, jsonRoot, numbersAt, optionalNumberAt, stringAt, type JsonNode } from './json-reader.js'
import { buildResults, metricValue, percentileMetricName, ScenarioCollector } from './results-builder.js'
import { lineError, numberedLines, type TextLine } from './text-lines.js'

/** Statistics fields of a tinybench ≥ 3 latency object and the metric each becomes. */
const LATENCY_FIELDS: Record<string, string> = {
  mean: 'mean',
  min: 'min',
  max: 'max',
  sd: 'stdev',
  p50: 'p50',
  p75: 'p75',
  p99: 'p99',
  p995: 'p99.5',
  p999: 'p99.9'
}

export const tinybenchFormat: ResultsFormat = {
  name: 'tinybench',
  description: 'tinybench console.table(bench.table()) text, bench.table() JSON, or task results JSON',
  detect(text) {
    if (/[│|]\s*\(index\)\s*[│|]\s*Task [Nn]ame\s*[│|]/.test(text)) return true
    if (/^\s*\[/.test(text) && /"Task [Nn]ame"\s*:/.test(text)) return true
    return /^\s*\[/.test(text) && /"result"\s*:\s*\{/.test(text) && /"(latency|hz)"\s*:/.test(text) && /"name"\s*:/.test(text)
  },
  parse(text, source) {
    const collector = new ScenarioCollector()
    if (/^\s*\[/.test(text)) {
      const root = jsonRoot(parseJsonText(text, source), source)
      for (const row of items(root, 'an array of tinybench rows or tasks')) {
        asObject(row)
        const table = asObject(row)
        if ('result' in table) collector.addBenchmark(stringAt(child(row, 'name')), [taskTrial(row)], { source, at: row.pointer }, { kind: 'benchmark' })
        else {
          const name = String(table['Task name'] ?? table['Task Name'] ?? '')
          if (!name) throw new InputError(`${source}: ${row.pointer}: expected a "Task name" field`)
          const metrics = tableMetrics(
            Object.entries(table).map(([key, value]) => [key, String(value)]),
            `${source}: ${row.pointer}`
          )
          collector.addBenchmark(name, [{ metrics }], { source, at: row.pointer }, { kind: 'benchmark' })
        }
      }
    } else {
      readConsoleTable(text, source, collector)
    }
    return buildResults('tinybench', collector.scenarios(), source, { nothingFound: 'no tinybench tasks found' })
  }
}

function readConsoleTable(text: string, source: string, collector: ScenarioCollector): void {
  let header: string[] | undefined
  // console.table draws a box: a table opened by "┌" must be closed by "└", or rows after the cut would be lost.
  let open: TextLine | undefined
  for (const line of numberedLines(text)) {
    const trimmed = line.text.trim()
    if (trimmed.startsWith('┌')) open = line
    if (trimmed.startsWith('└')) open = undefined
    if (!/^[│|]/.test(trimmed)) continue
    if (!/[│|]$/.test(trimmed)) throw lineError(source, line, 'a table row ending in "│"; the file looks truncated')
    const cells = trimmed
      .replace(/^[│|]|[│|]$/g, '')
      .split(/[│|]/)
      .map((cell) => cell.trim().replace(/^'(.*)'$/, '$1'))
    if (!header) {
      header = cells
      continue
    }
    if (cells.length !== header.length) throw lineError(source, line, `a table row of ${header.length} cells like the header`)
    const row = header.map((name, index): [string, string] => [name, cells[index] ?? ''])
    const name = row.find(([key]) => /^Task [Nn]ame$/.test(key))?.[1]
    if (!name) continue
    // A task that threw has an Error cell and empty figures: a failed run (exit 2), as in the JSON forms.
    const error = row.find(([key]) => /^Error$/i.test(key))?.[1]
    if (error) throw new RunError(`${source}:${line.number}: task "${name}" did not complete (error: ${error})`)
    collector.addTrial(name, { metrics: tableMetrics(row, `${source}:${line.number}`) }, { kind: 'benchmark' })
  }
  if (open) throw new InputError(`${source}:${open.number}: the table that opens here has no closing "└" border; the file looks truncated`)
}

/** Leading number of a table cell: "63768 ± 4.02%" → 63768, "1,234" → 1234. */
function cellNumber(text: string, where: string, column: string): number {
  const match = /^[-+]?[\d,]*\.?\d+(e[-+]?\d+)?/i.exec(text.trim().replace(/^±/, ''))
  if (!match) throw new InputError(`${where}: column "${column}": expected a number, got ${JSON.stringify(text)}`)
  return Number(match[0].replace(/,/g, ''))
}

function tableMetrics(row: Array<[string, string]>, where: string): Record<string, MetricValue> {
  const metrics: Record<string, MetricValue> = {}
  for (const [column, text] of row) {
    const unit = /\(([^)]+)\)\s*$/.exec(column)?.[1]
    if (/^Latency avg/i.test(column) || /^Average Time/i.test(column)) metrics.mean = metricValue(cellNumber(text, where, column), unit ?? 'ns')
    else if (/^Latency med/i.test(column)) metrics.p50 = metricValue(cellNumber(text, where, column), unit ?? 'ns')
    else if (/^Throughput avg/i.test(column) || /^ops\/sec$/i.test(column)) metrics.ops = metricValue(cellNumber(text, where, column), 'ops/s')
  }
  if (Object.keys(metrics).length === 0) throw new InputError(`${where}: expected tinybench columns such as "Latency avg (ns)" or "ops/sec"`)
  return metrics
}

function taskTrial(row: JsonNode): Trial {
  const result = child(row, 'result')
  asObject(result)
  const state = child(result, 'state').value
  const error = child(result, 'error').value
  if (state === 'errored' || state === 'aborted' || error !== undefined) {
    throw new RunError(`${row.source}: ${row.pointer}: task "${stringAt(child(row, 'name'))}" did not complete (${state ?? 'error'})`)
  }
  const latency = child(result, 'latency')
  const metrics: Record<string, MetricValue> = {}
  const trial: Trial = { metrics }
  if (isJsonObject(latency.value)) {
    // tinybench ≥ 3: Statistics objects, latency in ms.
    for (const [field, name] of Object.entries(LATENCY_FIELDS)) {
      const value = optionalNumberAt(child(latency, field))
      if (value !== undefined) metrics[name] = metricValue(value, 'ms')
    }
    const ops = optionalNumberAt(child(child(result, 'throughput'), 'mean'))
    if (ops !== undefined) metrics.ops = metricValue(ops, 'ops/s')
    if (Array.isArray(child(latency, 'samples').value)) trial.distributions = { latency: { unit: 'ms', samples: numbersAt(child(latency, 'samples')) } }
  } else {
    // tinybench 2: flat fields, times in ms.
    for (const [field, name] of [
      ['mean', 'mean'],
      ['min', 'min'],
      ['max', 'max'],
      ['sd', 'stdev'],
      ['p75', 'p75'],
      ['p99', 'p99'],
      ['p995', percentileMetricName(99.5)],
      ['p999', 'p99.9']
    ] as const) {
      const value = optionalNumberAt(child(result, field))
      if (value !== undefined) metrics[name] = metricValue(value, 'ms')
    }
    const hz = optionalNumberAt(child(result, 'hz'))
    if (hz !== undefined) metrics.ops = metricValue(hz, 'ops/s')
    if (Array.isArray(child(result, 'samples').value)) trial.distributions = { latency: { unit: 'ms', samples: numbersAt(child(result, 'samples')) } }
  }
  return trial
}
