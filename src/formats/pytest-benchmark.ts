/**
 * pytest-benchmark `--benchmark-json`: one scenario per test (its fullname); each round in `stats.data` is one
 * trial (`time` in s). Files saved without data give one trial of the aggregates.
 */
import type { EnvironmentFingerprint, MetricValue } from '../results/model.js'
import type { ResultsFormat } from './format.js'
import { parseJsonText } from './json-text.js'
import {
  asObject,
  child,
  isJsonObject,
  items,
  jsonRoot,
  numberAt,
  numbersAt,
  optionalNumberAt,
  optionalStringAt,
  stringAt,
  type JsonNode
} from './json-reader.js'
import { buildResults, isoTimestamp, metricValue, ScenarioCollector } from './results-builder.js'

export const pytestBenchmarkFormat: ResultsFormat = {
  name: 'pytest-benchmark',
  description: 'pytest-benchmark --benchmark-json (each round is a trial)',
  detect(text) {
    return /^\s*\{/.test(text) && /"benchmarks"\s*:/.test(text) && /"fullname"\s*:/.test(text) && /"stats"\s*:/.test(text)
  },
  parse(text, source) {
    const root = jsonRoot(parseJsonText(text, source), source)
    asObject(root, 'an object with "benchmarks" (pytest-benchmark --benchmark-json)')
    const collector = new ScenarioCollector()
    for (const benchmark of items(child(root, 'benchmarks'))) {
      asObject(benchmark)
      const name = optionalStringAt(child(benchmark, 'fullname')) ?? stringAt(child(benchmark, 'name'))
      const labels: Record<string, string> = {}
      const group = optionalStringAt(child(benchmark, 'group'))
      if (group) labels.group = group
      const param = child(benchmark, 'param').value
      if (param !== undefined && param !== null) labels.param = String(param)
      const stats = child(benchmark, 'stats')
      asObject(stats)
      const data = child(stats, 'data')
      const trials =
        data.value !== undefined && data.value !== null
          ? numbersAt(data).map((seconds) => ({ metrics: { time: metricValue(seconds, 's') } }))
          : [{ metrics: aggregateMetrics(stats) }]
      collector.addBenchmark(name, trials, { source, at: benchmark.pointer }, { kind: 'benchmark', labels })
    }
    return buildResults('pytest-benchmark', collector.scenarios(), source, {
      environment: environmentOf(child(root, 'machine_info')),
      createdAt: isoTimestamp(asObject(root).datetime),
      producerVersion: typeof asObject(root).version === 'string' ? (asObject(root).version as string) : undefined
    })
  }
}

function aggregateMetrics(stats: JsonNode): Record<string, MetricValue> {
  const metrics: Record<string, MetricValue> = { time: metricValue(numberAt(child(stats, 'mean')), 's') }
  for (const [field, name] of [
    ['median', 'median'],
    ['min', 'min'],
    ['max', 'max'],
    ['stddev', 'stdev']
  ] as const) {
    const value = optionalNumberAt(child(stats, field))
    if (value !== undefined) metrics[name] = metricValue(value, 's')
  }
  // Files of the 2015 layout have no "ops": it is one over the mean, as later versions compute it.
  const ops = optionalNumberAt(child(stats, 'ops')) ?? (metrics.time!.value > 0 ? 1 / metrics.time!.value : undefined)
  if (ops !== undefined) metrics.ops = metricValue(ops, 'ops/s')
  return metrics
}

function environmentOf(machine: JsonNode): EnvironmentFingerprint {
  if (!isJsonObject(machine.value)) return {}
  const info = machine.value
  const cpu = isJsonObject(info.cpu) ? info.cpu : {}
  const environment: EnvironmentFingerprint = {}
  if (typeof info.system === 'string' && info.system) environment.os = info.system
  if (typeof info.machine === 'string' && info.machine) environment.arch = info.machine
  const brand = cpu.brand_raw ?? cpu.brand
  if (typeof brand === 'string' && brand) environment.cpuModel = brand
  if (typeof cpu.count === 'number' && Number.isInteger(cpu.count) && cpu.count > 0) environment.cores = cpu.count
  return environment
}
