/**
 * Google Benchmark `--benchmark_format=json` (or `--benchmark_out`): one scenario per run_name; each iteration
 * row (one per `--benchmark_repetitions` repetition) is a trial. When only aggregates were reported
 * (`--benchmark_report_aggregates_only`), one trial holds the mean, median and stddev.
 */
import { InputError, RunError } from '../errors.js'
import type { EnvironmentFingerprint, MetricValue } from '../results/model.js'
import type { ResultsFormat } from './format.js'
import { parseJsonText } from './json-text.js'
import { asObject, child, entries, isJsonObject, items, jsonError, jsonRoot, numberAt, optionalStringAt, stringAt, type JsonNode } from './json-reader.js'
import { buildResults, isoTimestamp, metricValue, ScenarioCollector } from './results-builder.js'

/** Row fields that are not counters. */
const ROW_FIELDS = new Set([
  'name',
  'family_index',
  'per_family_instance_index',
  'run_name',
  'run_type',
  'repetitions',
  'repetition_index',
  'threads',
  'iterations',
  'real_time',
  'cpu_time',
  'time_unit',
  'aggregate_name',
  'aggregate_unit',
  'error_occurred',
  'error_message',
  'skipped',
  'skip_message',
  'label',
  'big_o',
  'rms',
  'complexity_n'
])

/** Counters whose meaning the library fixes. Other user counters have no unit in the JSON. */
const KNOWN_COUNTERS: Record<string, string> = { bytes_per_second: 'B/s', items_per_second: 'items/s' }

/** Aggregate rows of versions that wrote no aggregate_name: "BM_x/8_mean". */
const AGGREGATE_SUFFIX = /^(.+)_(mean|median|stddev|cv)$/

/**
 * A rate counter (`kIsRate`, shown as "/s" on the console) is higher-is-better. The JSON carries no flags, so the
 * unit comes from the name: counters ending in `_per_second`, `PerSecond`, `/s` or `_rate` are per second.
 */
const RATE_COUNTER = /(_per_second|PerSecond|\/s|_rate)$/

interface Row {
  node: JsonNode
  runName: string
  runType: 'iteration' | 'aggregate'
  aggregateName?: string
}

export const googleBenchmarkFormat: ResultsFormat = {
  name: 'google-benchmark',
  description: 'Google Benchmark JSON (repetitions become trials; aggregates when only they were reported)',
  detect(text) {
    return /^\s*\{/.test(text) && /"benchmarks"\s*:/.test(text) && /"context"\s*:/.test(text) && /"real_time"\s*:/.test(text)
  },
  parse(text, source) {
    const root = jsonRoot(parseJsonText(text, source), source)
    asObject(root, 'an object with "context" and "benchmarks" (Google Benchmark JSON)')
    const rows = items(child(root, 'benchmarks'))
      .map((node) => readRow(node))
      .filter((row): row is Row => row !== undefined)
    const runNames = [...new Set(rows.map((row) => row.runName))]
    const collector = new ScenarioCollector()
    for (const runName of runNames) {
      const own = rows.filter((row) => row.runName === runName)
      const iterations = own.filter((row) => row.runType === 'iteration')
      refuseDuplicateRows(own, runName)
      if (iterations.length > 0) {
        for (const row of iterations) collector.addTrial(runName, { metrics: rowMetrics(row.node) }, { kind: 'benchmark' })
        continue
      }
      const byAggregate = new Map(own.map((row) => [row.aggregateName, row]))
      const mean = byAggregate.get('mean')
      if (!mean) continue
      const metrics = rowMetrics(mean.node)
      const median = byAggregate.get('median')
      if (median) metrics.median = timeMetric(median.node, 'real_time')
      const stddev = byAggregate.get('stddev')
      if (stddev) metrics.stdev = timeMetric(stddev.node, 'real_time')
      collector.addTrial(runName, { metrics }, { kind: 'benchmark' })
    }
    const context = child(root, 'context')
    return buildResults('google-benchmark', collector.scenarios(), source, {
      environment: environmentOf(context),
      createdAt: isJsonObject(context.value) ? isoTimestamp(context.value.date) : undefined,
      producerVersion: isJsonObject(context.value) && typeof context.value.library_version === 'string' ? context.value.library_version : undefined
    })
  }
}

function readRow(node: JsonNode): Row | undefined {
  const row = asObject(node)
  const name = stringAt(child(node, 'name'))
  if (row.error_occurred === true) {
    const message = typeof row.error_message === 'string' ? row.error_message : 'no message'
    throw new RunError(`${node.source}: ${node.pointer}: benchmark "${name}" reported an error: ${message}`)
  }
  if (row.skipped === true || (typeof row.skipped === 'string' && row.skipped !== 'NotSkipped')) return undefined
  // Versions before aggregate_name (and before run_type) name aggregate rows "<run>_mean", "<run>_median"...
  const suffix = AGGREGATE_SUFFIX.exec(name)
  const runType = row.run_type === undefined ? (suffix && row.run_name === undefined ? 'aggregate' : 'iteration') : row.run_type
  if (runType !== 'iteration' && runType !== 'aggregate') throw jsonError(child(node, 'run_type'), '"iteration" or "aggregate"')
  const aggregateName = typeof row.aggregate_name === 'string' ? row.aggregate_name : runType === 'aggregate' ? suffix?.[2] : undefined
  const runName = optionalStringAt(child(node, 'run_name')) ?? (runType === 'aggregate' && suffix ? suffix[1]! : name)
  return { node, runName, runType, ...(aggregateName ? { aggregateName } : {}) }
}

/**
 * Rows of one run_name are the repetitions of one benchmark (`repetition_index` 0, 1, …) and its aggregates. Two rows
 * of one run_name with the same repetition index or aggregate are two benchmarks registered under one name: pooled, a
 * real change of either would read as noise. They are refused (exit 3), naming both rows.
 */
function refuseDuplicateRows(rows: readonly Row[], runName: string): void {
  const seen = new Map<string, Row>()
  for (const row of rows) {
    const index = child(row.node, 'repetition_index').value
    // Versions before repetition_index number nothing: their repeated rows are repetitions.
    const key = row.runType === 'aggregate' ? `aggregate ${row.aggregateName ?? ''}` : typeof index === 'number' ? `repetition ${index}` : undefined
    if (key === undefined) continue
    const first = seen.get(key)
    if (first) {
      throw new InputError(
        `${row.node.source}: ${row.node.pointer}: a second benchmark named "${runName}" (the first is at ${first.node.pointer}, the same ${key}); perf-gate matches benchmarks by name, so the two would be pooled as one: give them different names`
      )
    }
    seen.set(key, row)
  }
}

function timeMetric(row: JsonNode, field: 'real_time' | 'cpu_time'): MetricValue {
  return metricValue(numberAt(child(row, field)), stringAt(child(row, 'time_unit')))
}

function rowMetrics(row: JsonNode): Record<string, MetricValue> {
  const metrics: Record<string, MetricValue> = { time: timeMetric(row, 'real_time'), cpu: timeMetric(row, 'cpu_time') }
  for (const [field, value] of entries(row)) {
    if (ROW_FIELDS.has(field) || typeof value.value !== 'number') continue
    metrics[field] = metricValue(numberAt(value), KNOWN_COUNTERS[field] ?? (RATE_COUNTER.test(field) ? '/s' : ''))
  }
  return metrics
}

function environmentOf(context: JsonNode): EnvironmentFingerprint {
  if (!isJsonObject(context.value)) return {}
  const cores = context.value.num_cpus
  return typeof cores === 'number' && Number.isInteger(cores) && cores > 0 ? { cores } : {}
}
