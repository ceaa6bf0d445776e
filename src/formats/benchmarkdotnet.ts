/**
 * BenchmarkDotNet's JSON exporter reports: `*-report-full.json` (and `-full-compressed`, `-brief`, `-brief-compressed`,
 * the default `-report.json`). One scenario per benchmark (its FullName, which carries the parameters:
 * `Puzzles.Solve(input: 001)`; with the same benchmark under several jobs, the job is appended: `… [.NET 8.0]`).
 *
 * Trials: every `Workload`/`Result` measurement (BenchmarkDotNet's actual workload iterations with its overhead
 * estimate subtracted, upper outliers removed: the values its own Mean/StdDev table is computed from) is a trial of
 * `time`, ns per operation (Nanoseconds / Operations). Reports without measurements (`-brief`) keep the same values
 * in `Statistics.OriginalValues` (ns per operation): each is a trial of `time`. A report with neither gives one trial
 * from `Statistics`: `time` (Mean), `median` `min` `max` `stdev` `p90` `p95`. Allocated bytes per operation (`bytes`), GC
 * collections per 1000 operations (`gen0` `gen1` `gen2`) and other diagnosers' metrics are measured once per benchmark:
 * they sit in the first trial only (one value per run, never more trials than were measured). A benchmark without
 * statistics is one BenchmarkDotNet could not run: a run failure.
 */
import { InputError, RunError } from '../errors.js'
import type { EnvironmentFingerprint, MetricValue, Trial } from '../results/model.js'
import type { ResultsFormat } from './format.js'
import { parseJsonText } from './json-text.js'
import { asObject, child, isJsonObject, items, jsonRoot, numberAt, numbersAt, optionalNumberAt, optionalStringAt, type JsonNode } from './json-reader.js'
import { buildResults, metricValue, ScenarioCollector } from './results-builder.js'

/** `Statistics` fields of a report without measurements, as perf-gate metrics (ns). */
const STATISTICS_FIELDS: Array<[field: string, metric: string]> = [
  ['Mean', 'time'],
  ['Median', 'median'],
  ['Min', 'min'],
  ['Max', 'max'],
  ['StandardDeviation', 'stdev']
]

/** BenchmarkDotNet metric descriptor ids with the perf-gate names of the same quantities. */
const METRIC_NAMES: Record<string, string> = { 'Allocated Memory': 'bytes', Gen0Collects: 'gen0', Gen1Collects: 'gen1', Gen2Collects: 'gen2' }

export const benchmarkDotNetFormat: ResultsFormat = {
  name: 'benchmarkdotnet',
  description: 'BenchmarkDotNet JSON report (*-report-full.json, -brief, -compressed)',
  detect(text) {
    return /^\s*\{/.test(text) && /"Benchmarks"\s*:\s*\[/.test(text) && /"(HostEnvironmentInfo|BenchmarkDotNetCaption)"\s*:/.test(text)
  },
  resembles(text) {
    return /^\s*\{/.test(text) && (/"BenchmarkDotNet(Caption|Version)"/.test(text) || (/"Benchmarks"\s*:/.test(text) && /"DisplayInfo"\s*:/.test(text)))
  },
  parse(text, source) {
    const root = jsonRoot(parseJsonText(text, source), source)
    asObject(root, 'an object with "Benchmarks" (a BenchmarkDotNet JSON report)')
    const benchmarks = items(child(root, 'Benchmarks'))
    const fullNames = benchmarks.map((benchmark) => fullNameOf(benchmark))
    const collector = new ScenarioCollector()
    benchmarks.forEach((benchmark, index) => {
      const fullName = fullNameOf(benchmark)
      const job = jobOf(benchmark)
      // The same benchmark under several jobs (runtimes, toolchains) in one report: the job tells them apart.
      const repeated = fullNames.filter((name) => name === fullName).length > 1
      const name = repeated && job ? `${fullName} [${job}]` : fullName
      const trials = benchmarkTrials(benchmark, name, source)
      collector.addBenchmark(name, trials, { source, at: benchmark.pointer }, { kind: 'benchmark', ...(job ? { labels: { job } } : {}) })
      if (trials.length === 0) throw new InputError(`${source}: /Benchmarks/${index}: benchmark "${name}" has no time`)
    })
    return buildResults('benchmarkdotnet', collector.scenarios(), source, {
      environment: environmentOf(child(root, 'HostEnvironmentInfo')),
      ...(versionOf(root) ? { producerVersion: versionOf(root) } : {}),
      nothingFound: 'no benchmarks in this BenchmarkDotNet report'
    })
  }
}

function fullNameOf(benchmark: JsonNode): string {
  asObject(benchmark)
  const fullName = optionalStringAt(child(benchmark, 'FullName'))
  if (fullName) return fullName
  const parts = ['Namespace', 'Type', 'Method'].map((field) => optionalStringAt(child(benchmark, field))).filter((part) => part !== undefined)
  if (parts.length === 0) throw new InputError(`${benchmark.source}: ${benchmark.pointer}: a benchmark without FullName, Type or Method`)
  return parts.join('.')
}

/** The job's id from DisplayInfo (`Type.Method: ShortRun(IterationCount=3) [n=1]` → `ShortRun`). */
function jobOf(benchmark: JsonNode): string | undefined {
  const display = optionalStringAt(child(benchmark, 'DisplayInfo'))
  const colon = display?.indexOf(': ') ?? -1
  if (!display || colon < 0) return undefined
  const job = display
    .slice(colon + 2)
    .replace(/\s*\[[^\]]*\]\s*$/, '')
    .replace(/\(.*\)\s*$/, '')
    .trim()
  return job === '' ? undefined : job
}

function benchmarkTrials(benchmark: JsonNode, name: string, source: string): Trial[] {
  const statistics = child(benchmark, 'Statistics')
  const measured = workloadResults(child(benchmark, 'Measurements'))
  if ((statistics.value === null || statistics.value === undefined) && measured.length === 0) {
    throw new RunError(
      `${source}: ${benchmark.pointer}: benchmark "${name}" has no results (Statistics is null): BenchmarkDotNet could not run it; see its log`
    )
  }
  const original = child(statistics, 'OriginalValues')
  // -brief reports drop Measurements but keep OriginalValues: the same workload results (ns per operation) the
  // statistics were computed from. One trial of the Mean alone would leave a real change "inconclusive".
  const originalValues = Array.isArray(original.value) && original.value.length > 0 ? numbersAt(original) : []
  const trials: Trial[] =
    measured.length > 0
      ? measured.map((measurement) => ({ metrics: { time: metricValue(perOperation(measurement), 'ns') } }))
      : originalValues.length > 0
        ? originalValues.map((nanoseconds) => ({ metrics: { time: metricValue(nanoseconds, 'ns') } }))
        : [statisticsTrial(statistics)]
  const once = onceMeasured(benchmark)
  if (trials[0] && Object.keys(once).length > 0) trials[0].metrics = { ...trials[0].metrics, ...once }
  return trials
}

/** The Workload/Result measurements (IterationMode `Result` in reports before 0.11). */
function workloadResults(measurements: JsonNode): JsonNode[] {
  if (!Array.isArray(measurements.value)) return []
  return items(measurements).filter((measurement) => {
    const mode = isJsonObject(measurement.value) ? measurement.value.IterationMode : undefined
    const stage = isJsonObject(measurement.value) ? measurement.value.IterationStage : undefined
    return (mode === 'Workload' && stage === 'Result') || mode === 'Result'
  })
}

function perOperation(measurement: JsonNode): number {
  const operations = numberAt(child(measurement, 'Operations'))
  if (operations <= 0) throw new InputError(`${measurement.source}: ${measurement.pointer}/Operations: expected a positive number, got ${operations}`)
  return numberAt(child(measurement, 'Nanoseconds')) / operations
}

function statisticsTrial(statistics: JsonNode): Trial {
  asObject(statistics, 'an object of statistics')
  const metrics: Record<string, MetricValue> = {}
  for (const [field, metric] of STATISTICS_FIELDS) {
    const value = field === 'Mean' ? numberAt(child(statistics, field)) : optionalNumberAt(child(statistics, field))
    if (value !== undefined) metrics[metric] = metricValue(value, 'ns')
  }
  const percentiles = child(statistics, 'Percentiles')
  for (const percent of [90, 95]) {
    const value = isJsonObject(percentiles.value) ? optionalNumberAt(child(percentiles, `P${percent}`)) : undefined
    if (value !== undefined) metrics[`p${percent}`] = metricValue(value, 'ns')
  }
  return { metrics }
}

/** Diagnoser metrics (allocations, GC counts, threading…), measured once per benchmark. */
function onceMeasured(benchmark: JsonNode): Record<string, MetricValue> {
  const metrics: Record<string, MetricValue> = {}
  const list = child(benchmark, 'Metrics')
  if (Array.isArray(list.value)) {
    for (const entry of items(list)) {
      const descriptor = child(entry, 'Descriptor')
      const id = optionalStringAt(child(descriptor, 'Id'))
      const value = optionalNumberAt(child(entry, 'Value'))
      if (!id || value === undefined) continue
      const unit = optionalStringAt(child(descriptor, 'Unit')) ?? ''
      const higher = child(descriptor, 'TheGreaterTheBetter').value === true
      metrics[METRIC_NAMES[id] ?? id] = metricValue(value, unit === 'Count' ? 'count' : unit, higher ? 'higher' : 'lower')
    }
  }
  const memory = child(benchmark, 'Memory')
  const allocated = optionalNumberAt(child(memory, 'BytesAllocatedPerOperation'))
  // GcStats.Empty (all zero, no operations) stands for "not measured" (null in newer versions): per operation of
  // none is not 0 B.
  const operations = optionalNumberAt(child(memory, 'TotalOperations')) ?? 0
  if (!metrics.bytes && allocated !== undefined && operations > 0) metrics.bytes = metricValue(allocated, 'B')
  return metrics
}

function versionOf(root: JsonNode): string | undefined {
  const version = child(child(root, 'HostEnvironmentInfo'), 'BenchmarkDotNetVersion').value
  return typeof version === 'string' && version !== '' ? version : undefined
}

function environmentOf(host: JsonNode): EnvironmentFingerprint {
  if (!isJsonObject(host.value)) return {}
  const info = host.value
  const environment: EnvironmentFingerprint = {}
  const osVersion = typeof info.OsVersion === 'string' ? info.OsVersion : ''
  if (/windows/i.test(osVersion)) environment.os = 'win32'
  else if (/macos|darwin|os x/i.test(osVersion)) environment.os = 'darwin'
  else if (/linux|ubuntu|debian|fedora|alpine|centos|red hat/i.test(osVersion)) environment.os = 'linux'
  if (typeof info.Architecture === 'string' && info.Architecture) environment.arch = info.Architecture
  if (typeof info.ProcessorName === 'string' && info.ProcessorName) environment.cpuModel = info.ProcessorName
  if (typeof info.LogicalCoreCount === 'number' && info.LogicalCoreCount > 0) environment.cores = info.LogicalCoreCount
  return environment
}
