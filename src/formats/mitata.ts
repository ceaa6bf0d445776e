/**
 * mitata 1.x JSON (`run({ format: 'json' })`, or `format: 'json'` in its CLI runner): benchmarks[].runs[], each run
 * (one per argument set) a scenario named by its run name, prefixed by its group's name when it has one
 * (`fib > fib(10)`). Times are ns. One trial per run; its samples (per-iteration times, ns) are kept as the
 * `latency` distribution. The `context` block (mitata's own noop calibration) is not read.
 */
import { RunError } from '../errors.js'
import type { MetricValue, Trial } from '../results/model.js'
import type { ResultsFormat } from './format.js'
import { parseJsonText } from './json-text.js'
import { asObject, child, isJsonObject, items, jsonRoot, numbersAt, optionalNumberAt, optionalStringAt, stringAt, type JsonNode } from './json-reader.js'
import { buildResults, metricValue, ScenarioCollector } from './results-builder.js'

const TIME_FIELDS: Array<[field: string, metric: string]> = [
  ['avg', 'time'],
  ['min', 'min'],
  ['max', 'max'],
  ['p25', 'p25'],
  ['p50', 'p50'],
  ['p75', 'p75'],
  ['p99', 'p99'],
  ['p999', 'p99.9']
]

export const mitataFormat: ResultsFormat = {
  name: 'mitata',
  description: "mitata JSON (run({ format: 'json' }))",
  detect(text) {
    return /^\s*\{\s*"layout"\s*:/.test(text) && /"benchmarks"\s*:/.test(text) && /"runs"\s*:/.test(text)
  },
  parse(text, source) {
    const root = jsonRoot(parseJsonText(text, source), source)
    asObject(root, 'an object with "layout" and "benchmarks" (mitata JSON)')
    const layout = Array.isArray(child(root, 'layout').value) ? (child(root, 'layout').value as unknown[]) : []
    const collector = new ScenarioCollector()
    for (const benchmark of items(child(root, 'benchmarks'))) {
      asObject(benchmark)
      const groupIndex = optionalNumberAt(child(benchmark, 'group'))
      const group = groupIndex !== undefined && isJsonObject(layout[groupIndex]) ? layout[groupIndex].name : undefined
      const prefix = typeof group === 'string' && group !== '' ? `${group} > ` : ''
      for (const run of items(child(benchmark, 'runs'))) {
        asObject(run)
        const name = optionalStringAt(child(run, 'name')) ?? stringAt(child(benchmark, 'alias'))
        const error = child(run, 'error').value
        if (error !== undefined && error !== null) {
          throw new RunError(`${source}: ${run.pointer}: benchmark "${name}" failed: ${isJsonObject(error) ? String(error.message ?? 'error') : String(error)}`)
        }
        collector.addBenchmark(`${prefix}${name}`, [runTrial(child(run, 'stats'))], { source, at: run.pointer }, { kind: 'benchmark' })
      }
    }
    return buildResults('mitata', collector.scenarios(), source, { nothingFound: 'no mitata benchmark runs found' })
  }
}

function runTrial(stats: JsonNode): Trial {
  asObject(stats)
  const metrics: Record<string, MetricValue> = {}
  for (const [field, metric] of TIME_FIELDS) {
    const value = optionalNumberAt(child(stats, field))
    if (value !== undefined) metrics[metric] = metricValue(value, 'ns')
  }
  if (metrics.time && metrics.time.value > 0) metrics.ops = metricValue(1e9 / metrics.time.value, 'ops/s')
  const trial: Trial = { metrics }
  const samples = child(stats, 'samples')
  if (Array.isArray(samples.value) && samples.value.length > 0) trial.distributions = { latency: { unit: 'ns', samples: numbersAt(samples) } }
  return trial
}
