/**
 * hey output: the default text report (several reports in one file become trials) or `-o csv` (one row per
 * successful request, summarised here, with the raw latencies kept as a distribution). Times are in seconds.
 * hey does not print the URL, so the scenario is named after the suite that ran it, else "hey": never after the file
 * name, so that a baseline and a current result saved under different names still meet.
 */
import { InputError, RunError } from '../errors.js'
import type { MetricValue, Trial } from '../results/model.js'
import { parseCsv } from './csv.js'
import type { ResultsFormat } from './format.js'
import { buildResults, metricValue, percentileMetricName, ScenarioCollector, summarizeSamples } from './results-builder.js'
import { lineError, numberedLines, type TextLine } from './text-lines.js'

const CSV_HEADER = 'response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset'

export const heyFormat: ResultsFormat = {
  name: 'hey',
  description: 'hey text report or hey -o csv',
  detect(text) {
    if (text.trimStart().startsWith(CSV_HEADER)) return true
    return /^Summary:\s*$/m.test(text) && /^\s*Requests\/sec:\s/m.test(text) && /^\s*Total:\s+[\d.]+ secs/m.test(text)
  },
  parse(text, source, context = {}) {
    const name = context.suite ?? 'hey'
    const csv = text.trimStart().startsWith(CSV_HEADER)
    // hey ends every line with a line break: a last line without one was cut off mid-write.
    if (!/\n\s*$/.test(text)) {
      const lines = numberedLines(text.trimEnd())
      throw lineError(source, lines[lines.length - 1]!, `a complete ${csv ? 'CSV row' : 'line'} ending in a line break; the file looks truncated`)
    }
    const trials = csv ? [csvTrial(text, source)] : textTrials(text, source)
    const collector = new ScenarioCollector()
    for (const trial of trials) collector.addTrial(name, trial, { kind: 'load' })
    return buildResults('hey', collector.scenarios(), source, { nothingFound: 'no hey report found (expected a "Summary:" section)' })
  }
}

function textTrials(text: string, source: string): Trial[] {
  const lines = numberedLines(text)
  const starts = lines.filter((line) => /^Summary:\s*$/.test(line.text.trim()))
  return starts.map((start, index) => {
    const end = starts[index + 1]?.number ?? lines.length + 1
    return textTrial(lines.slice(start.number, end - 1), start, source)
  })
}

function seconds(line: TextLine, text: string, source: string, expected: string): number {
  const value = Number(text)
  if (!Number.isFinite(value)) throw lineError(source, line, expected)
  return value
}

function textTrial(lines: TextLine[], start: TextLine, source: string): Trial {
  const metrics: Record<string, MetricValue> = {}
  let durationSeconds: number | undefined
  let section = 'summary'
  let statusTotal = 0
  let non2xx = 0
  let errorTotal = 0
  let firstError: string | undefined
  // hey averages the successful requests only: with none, it prints "Average: NaN secs".
  let nanAverage: TextLine | undefined
  for (const line of lines) {
    const trimmed = line.text.trim()
    if (trimmed === '') continue
    if (/^[A-Z][^:]*:$/.test(trimmed)) {
      section = trimmed.slice(0, -1).toLowerCase()
      continue
    }
    if (section === 'summary') {
      const field = /^(Total|Slowest|Fastest|Average|Requests\/sec):\s*(\S+)/.exec(trimmed)
      if (!field) continue
      if (field[1] === 'Average' && field[2] === 'NaN') {
        nanAverage = line
        continue
      }
      const value = seconds(line, field[2]!, source, `"${field[1]}: <number>${field[1] === 'Requests/sec' ? '' : ' secs'}"`)
      if (field[1] === 'Total') durationSeconds = value
      else if (field[1] === 'Slowest') metrics.max = metricValue(value, 's')
      else if (field[1] === 'Fastest') metrics.min = metricValue(value, 's')
      else if (field[1] === 'Average') metrics.mean = metricValue(value, 's')
      else metrics.rps = metricValue(value, 'req/s')
    } else if (section === 'latency distribution') {
      const match = /^(\d+(?:\.\d+)?)%\s+in\s+(\S+)\s+secs$/.exec(trimmed)
      if (!match) throw lineError(source, line, '"NN% in X secs"')
      metrics[percentileMetricName(Number(match[1]))] = metricValue(seconds(line, match[2]!, source, '"NN% in X secs"'), 's')
    } else if (section === 'status code distribution') {
      const match = /^\[(\d+)\]\s+(\d+)\s+responses?$/.exec(trimmed)
      if (!match) throw lineError(source, line, '"[200] N responses"')
      const count = Number(match[2])
      statusTotal += count
      if (!match[1]!.startsWith('2')) non2xx += count
    } else if (section === 'error distribution') {
      const match = /^\[(\d+)\]\s/.exec(trimmed)
      if (!match) throw lineError(source, line, '"[N] error message"')
      errorTotal += Number(match[1])
      firstError ??= trimmed.replace(/^\[\d+\]\s+/, '')
    }
  }
  if (metrics.rps === undefined || durationSeconds === undefined) {
    throw new InputError(`${source}:${start.number}: the hey report is incomplete: expected "Total: X secs" and "Requests/sec: N" in its Summary`)
  }
  // hey ends each report with its status code (and error) distribution: without one the report was cut off.
  if (statusTotal + errorTotal === 0) {
    throw new InputError(
      `${source}:${start.number}: the hey report that starts here has no "Status code distribution:" or "Error distribution:" block, its end; the file looks truncated`
    )
  }
  // Every request failed: no latency was measured, and the rps counts failures. The run failed (exit 2), as a
  // crashed benchmark does in other formats; it must never gate as a pass.
  if (statusTotal === 0) {
    throw new RunError(`${source}:${start.number}: all ${errorTotal} requests of this hey run failed; the first error: ${firstError}`)
  }
  if (nanAverage) throw lineError(source, nanAverage, '"Average: <number> secs" (NaN only when every request failed)')
  const attempted = statusTotal + errorTotal
  if (attempted > 0) metrics.errors = metricValue((100 * (non2xx + errorTotal)) / attempted, '%')
  return { metrics, durationSeconds }
}

function csvTrial(text: string, source: string): Trial {
  const records = parseCsv(text.trimStart(), source).slice(1)
  const latencies: number[] = []
  let endSeconds = 0
  let non2xx = 0
  for (const record of records) {
    const [responseTime, , , , , , status, offset] = record.fields.map((field) => Number(field))
    if (record.fields.length !== 8 || !Number.isFinite(responseTime) || !Number.isFinite(status) || !Number.isFinite(offset)) {
      throw new InputError(`${source}:${record.line}: expected 8 numbers as in the header (${CSV_HEADER}), got ${JSON.stringify(record.fields.join(','))}`)
    }
    latencies.push(responseTime!)
    endSeconds = Math.max(endSeconds, offset! + responseTime!)
    if (status! < 200 || status! >= 300) non2xx++
  }
  // hey writes a CSV row only for a request that was answered: a header alone is a run in which every request failed.
  if (latencies.length === 0) {
    throw new RunError(
      `${source}: the hey CSV has a header but no request rows: hey writes rows only for answered requests, so every request of this run failed (hey's text report names the errors)`
    )
  }
  const metrics = summarizeSamples(latencies, 's')
  if (endSeconds > 0) metrics.rps = metricValue(latencies.length / endSeconds, 'req/s')
  metrics.errors = metricValue((100 * non2xx) / latencies.length, '%')
  return {
    metrics,
    ...(endSeconds > 0 ? { durationSeconds: endSeconds } : {}),
    distributions: { latency: { unit: 's', samples: latencies } }
  }
}
