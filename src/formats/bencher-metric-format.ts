/**
 * Bencher Metric Format (BMF, Bencher's `json` adapter): `{ "<benchmark>": { "<measure>": { "value": n,
 * "lower_value"?: n, "upper_value"?: n } } }`. One scenario per benchmark, one trial; each measure a metric. Bencher's
 * built-in measures get their units and directions (`latency` ns lower, `throughput` ops/s higher, `file-size` B,
 * `build-time` s); any other measure is unitless and lower-is-better, as Bencher's default. The bounds are not kept.
 */
import type { Direction, MetricValue } from '../results/model.js'
import type { ResultsFormat } from './format.js'
import { parseJsonText } from './json-text.js'
import { asObject, child, entries, isJsonObject, jsonRoot, numberAt } from './json-reader.js'
import { buildResults, metricValue, ScenarioCollector } from './results-builder.js'

/** Bencher's built-in measures: metric name, unit and direction. */
const BUILT_IN_MEASURES: Record<string, { metric: string; unit: string; direction: Direction }> = {
  latency: { metric: 'time', unit: 'ns', direction: 'lower' },
  throughput: { metric: 'ops', unit: 'ops/s', direction: 'higher' },
  'file-size': { metric: 'file-size', unit: 'B', direction: 'lower' },
  'build-time': { metric: 'build-time', unit: 's', direction: 'lower' }
}

export const bencherMetricFormat: ResultsFormat = {
  name: 'bmf',
  description: 'Bencher Metric Format JSON ({ benchmark: { measure: { value } } })',
  detect(text) {
    if (!/^\s*\{/.test(text) || !/"value"\s*:/.test(text)) return false
    try {
      const root = JSON.parse(text) as unknown
      if (!isJsonObject(root) || Object.keys(root).length === 0) return false
      return Object.values(root).every(
        (measures) =>
          isJsonObject(measures) &&
          Object.keys(measures).length > 0 &&
          Object.values(measures).every(
            (measure) =>
              isJsonObject(measure) && typeof measure.value === 'number' && Object.keys(measure).every((key) => /^(value|lower_value|upper_value)$/.test(key))
          )
      )
    } catch {
      return false
    }
  },
  parse(text, source) {
    const root = jsonRoot(parseJsonText(text, source), source)
    asObject(root, 'a Bencher Metric Format object ({ "benchmark": { "measure": { "value": n } } })')
    const collector = new ScenarioCollector()
    for (const [benchmark, measures] of entries(root)) {
      const metrics: Record<string, MetricValue> = {}
      for (const [measure, node] of entries(measures, 'an object of measures ({ "latency": { "value": n } })')) {
        asObject(node, 'an object with "value"')
        const known = BUILT_IN_MEASURES[measure]
        const value = numberAt(child(node, 'value'))
        metrics[known?.metric ?? measure] = known ? metricValue(value, known.unit, known.direction) : metricValue(value, 'count', 'lower')
      }
      collector.addTrial(benchmark, { metrics }, { kind: 'benchmark' })
    }
    return buildResults('bmf', collector.scenarios(), source, { nothingFound: 'no benchmarks in this Bencher Metric Format object' })
  }
}
