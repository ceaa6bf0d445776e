/**
 * JMH `-rf json`: one scenario per benchmark (and parameter set); every measurement iteration of every fork is a
 * trial (`ops` in throughput mode, `time` in the others). Secondary metrics (e.g. `-prof gc`) join the same
 * trials. JMH writes non-finite numbers as the strings "NaN", "+INF" and "-INF"; those values are left out.
 */
import type { MetricValue, Trial } from '../results/model.js'
import type { ResultsFormat } from './format.js'
import { parseJsonText } from './json-text.js'
import { asObject, child, entries, isJsonObject, items, jsonError, jsonRoot, stringAt, type JsonNode } from './json-reader.js'
import { buildResults, metricValue, ScenarioCollector } from './results-builder.js'

const RATE_FACTORS: Record<string, number> = { s: 1, ms: 1e3, us: 1e6, µs: 1e6, ns: 1e9, min: 1 / 60 }

export const jmhFormat: ResultsFormat = {
  name: 'jmh',
  description: 'JMH -rf json (every measurement iteration is a trial)',
  detect(text) {
    return /^\s*\[/.test(text) && /"primaryMetric"\s*:/.test(text) && /"benchmark"\s*:/.test(text)
  },
  parse(text, source) {
    const root = jsonRoot(parseJsonText(text, source), source)
    const benchmarks = items(root, 'an array of JMH benchmark results')
    const names = benchmarks.map((node) => baseName(node))
    const collector = new ScenarioCollector()
    benchmarks.forEach((node, index) => {
      const mode = stringAt(child(node, 'mode'))
      // With -bm all the same benchmark appears once per mode: keep them apart.
      const name = names.filter((other) => other === names[index]).length > 1 ? `${names[index]} [${mode}]` : names[index]!
      const primary = child(node, 'primaryMetric')
      asObject(primary)
      const primaryName = mode === 'thrpt' ? 'ops' : 'time'
      const series: Array<{ name: string; values: Array<MetricValue | undefined> }> = [
        { name: primaryName, values: metricValues(primary, mode === 'thrpt' ? 'higher' : 'lower') }
      ]
      const secondaries = child(node, 'secondaryMetrics')
      if (isJsonObject(secondaries.value)) {
        for (const [key, metric] of entries(secondaries)) {
          const unit = typeof child(metric, 'scoreUnit').value === 'string' ? (child(metric, 'scoreUnit').value as string) : ''
          // Profiler metrics (allocation rate, GC time, …) are better lower; per-method scores of @Group benchmarks follow the mode.
          series.push({ name: key.replace(/^[·.]+/, ''), values: metricValues(metric, /^ops\//.test(unit) ? 'higher' : 'lower') })
        }
      }
      const trials = series[0]!.values.length
      const iterations = Array.from({ length: trials }, (_, trial): Trial => {
        const metrics: Record<string, MetricValue> = {}
        for (const entry of series) {
          const value = entry.values.length === trials ? entry.values[trial] : undefined
          if (value) metrics[entry.name] = value
        }
        return { metrics }
      })
      collector.addBenchmark(name, iterations, { source, at: node.pointer }, { kind: 'benchmark', labels: { mode } })
      // A secondary metric sampled a different number of times (gc.count only in iterations that collected…) cannot
      // share the primary's trials: its values are the trials of a scenario of their own, "<benchmark>:<metric>".
      for (const entry of series.slice(1).filter((other) => other.values.length !== trials)) {
        for (const value of entry.values)
          if (value) collector.addTrial(`${name}:${entry.name}`, { metrics: { [entry.name]: value } }, { kind: 'benchmark', labels: { mode } })
      }
    })
    return buildResults('jmh', collector.scenarios(), source, { nothingFound: 'no JMH benchmark results with finite scores' })
  }
}

function baseName(node: JsonNode): string {
  const benchmark = stringAt(child(node, 'benchmark'))
  const params = child(node, 'params')
  if (!isJsonObject(params.value) || Object.keys(params.value).length === 0) return benchmark
  return `${benchmark}(${entries(params)
    .map(([key, value]) => `${key}=${String(value.value)}`)
    .join(', ')})`
}

/** A JMH number: finite numbers, or undefined for "NaN", "+INF", "-INF". */
function jmhNumber(node: JsonNode): number | undefined {
  if (typeof node.value === 'number' && Number.isFinite(node.value)) return node.value
  if (node.value === 'NaN' || node.value === '+INF' || node.value === '-INF' || node.value === 'Infinity' || node.value === '-Infinity') return undefined
  throw jsonError(node, 'a number (or "NaN", "+INF", "-INF")')
}

/** JMH units: "ops/ms" → ops/s (with a factor), "us/op" → µs, others kept. */
function unitOf(scoreUnit: string): { unit: string; factor: number } {
  const rate = /^ops\/(s|ms|us|µs|ns|min)$/.exec(scoreUnit)
  if (rate) return { unit: 'ops/s', factor: RATE_FACTORS[rate[1]!]! }
  const time = /^(s|ms|us|µs|ns|min)\/op$/.exec(scoreUnit)
  if (time) return { unit: time[1]!, factor: 1 }
  return { unit: scoreUnit, factor: 1 }
}

/** Per-iteration values of one metric: rawData (all forks' iterations in order), the means of rawDataHistogram, or the score. */
function metricValues(metric: JsonNode, direction: 'lower' | 'higher'): Array<MetricValue | undefined> {
  const { unit, factor } = unitOf(stringAt(child(metric, 'scoreUnit')))
  const make = (value: number | undefined): MetricValue | undefined => (value === undefined ? undefined : metricValue(value * factor, unit, direction))
  const raw = child(metric, 'rawData')
  if (Array.isArray(raw.value) && raw.value.length > 0) {
    return items(raw).flatMap((fork) => items(fork, 'an array of iteration scores').map((value) => make(jmhNumber(value))))
  }
  const histogram = child(metric, 'rawDataHistogram')
  if (Array.isArray(histogram.value) && histogram.value.length > 0) {
    // SampleTime mode: per iteration, [[value, count], ...].
    return items(histogram).flatMap((fork) =>
      items(fork).map((iteration) => {
        let total = 0
        let count = 0
        for (const pair of items(iteration, 'an array of [value, count] pairs')) {
          const [value, times] = items(pair, 'a [value, count] pair').map((entry) => jmhNumber(entry))
          if (value === undefined || times === undefined) continue
          total += value * times
          count += times
        }
        return make(count > 0 ? total / count : undefined)
      })
    )
  }
  return [make(jmhNumber(child(metric, 'score')))]
}
