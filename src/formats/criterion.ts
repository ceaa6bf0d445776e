/**
 * Criterion.rs results: cargo-criterion `--message-format=json` (one JSON message per line, with every sample),
 * or a single file of Criterion's `target/criterion/<id>/new/` folder: `sample.json` (each sample a trial) or
 * `estimates.json` (one trial of the estimates). Times are nanoseconds per iteration. A single file does not name
 * its benchmark, so the id is taken from the path (`target/criterion/<id>/new/estimates.json`).
 */
import { InputError } from '../errors.js'
import type { MetricValue, Trial } from '../results/model.js'
import type { ResultsFormat } from './format.js'
import { parseJsonText } from './json-text.js'
import { asObject, child, isJsonObject, items, jsonError, jsonRoot, numberAt, numbersAt, optionalStringAt, stringAt, type JsonNode } from './json-reader.js'
import { buildResults, metricValue, ScenarioCollector } from './results-builder.js'

/** estimates.json keys, current (snake_case) and pre-0.3 (PascalCase), and the metric each becomes. */
const ESTIMATES: Array<[string[], string]> = [
  [['mean', 'Mean'], 'mean'],
  [['median', 'Median'], 'median'],
  [['std_dev', 'StdDev'], 'stdev'],
  [['median_abs_dev', 'MedianAbsDev'], 'mad']
]

export const criterionFormat: ResultsFormat = {
  name: 'criterion',
  description: 'Criterion.rs: cargo-criterion --message-format=json, or new/sample.json or new/estimates.json',
  detect(text) {
    if (/"reason"\s*:\s*"benchmark-complete"/.test(text)) return true
    if (/^\s*\{\s*"(Mean|mean)"\s*:\s*\{\s*"confidence_interval"/.test(text)) return true
    if (/^\s*\{/.test(text) && /"iters"\s*:\s*\[/.test(text) && /"times"\s*:\s*\[/.test(text)) return true
    if (/^\s*\{\s*"group_id"\s*:/.test(text) && /"full_id"\s*:/.test(text)) return true
    return /^\s*\[\s*\[\s*[\d.]/.test(text)
  },
  parse(text, source) {
    const collector = new ScenarioCollector()
    if (/"reason"\s*:/.test(text) && /^\s*\{[^\n]*"reason"/.test(text)) {
      readMessages(text, source, collector)
      return buildResults('criterion', collector.scenarios(), source, { nothingFound: 'no "benchmark-complete" messages from cargo-criterion' })
    }
    const root = jsonRoot(parseJsonText(text, source), source)
    const name = benchmarkIdFromPath(source)
    if (Array.isArray(root.value)) {
      // Pre-0.3 sample.json: [[iterations...], [total times in ns...]].
      const [iters, times] = items(root, 'sample.json: [[iterations...], [times...]]')
      if (!iters || !times) throw jsonError(root, 'two arrays: iteration counts and measured times')
      collector.addBenchmark(name, sampleTrials(iters, times), { source, at: '/' }, { kind: 'benchmark' })
    } else {
      const document = asObject(root, 'a Criterion sample.json or estimates.json object')
      if ('iters' in document || 'times' in document)
        collector.addBenchmark(name, sampleTrials(child(root, 'iters'), child(root, 'times')), { source, at: '/' }, { kind: 'benchmark' })
      else if ('group_id' in document && 'full_id' in document) {
        throw new InputError(`${source}: this is Criterion's benchmark.json, which holds no measurements; give new/sample.json or new/estimates.json`)
      } else collector.addTrial(name, { metrics: estimateMetrics(root) }, { kind: 'benchmark' })
    }
    return buildResults('criterion', collector.scenarios(), source)
  }
}

function readMessages(text: string, source: string, collector: ScenarioCollector): void {
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return
    const where = `${source}:${index + 1}`
    const message = jsonRoot(parseJsonText(line, where), where)
    if (!isJsonObject(message.value) || message.value.reason !== 'benchmark-complete') return
    const id = stringAt(child(message, 'id'))
    const unit = optionalStringAt(child(message, 'unit')) ?? 'ns'
    collector.addBenchmark(
      id,
      sampleTrials(child(message, 'iteration_count'), child(message, 'measured_values'), unit),
      { source, at: `line ${index + 1}` },
      {
        kind: 'benchmark'
      }
    )
  })
}

/** Each sample (a measured time for a count of iterations) becomes one trial of time per iteration. */
function sampleTrials(itersNode: JsonNode, timesNode: JsonNode, unit = 'ns'): Trial[] {
  const iters = numbersAt(itersNode)
  const times = numbersAt(timesNode)
  if (iters.length !== times.length) throw jsonError(timesNode, `${iters.length} measured times, one per iteration count`)
  return iters.map((count, index) => {
    if (count <= 0) throw jsonError({ ...itersNode, pointer: `${itersNode.pointer}/${index}`, value: count }, 'a positive iteration count')
    return { metrics: { time: metricValue(times[index]! / count, unit) } }
  })
}

function estimateMetrics(root: JsonNode): Record<string, MetricValue> {
  const document = asObject(root)
  const keys = Object.keys(document)
  if (keys.length > 0 && keys.every((key) => ['mean', 'Mean', 'median', 'Median'].includes(key))) {
    throw new InputError(`${root.source}: this looks like Criterion's change/estimates.json (relative changes, not times); give new/estimates.json`)
  }
  const point = (key: string): number => numberAt(child(child(root, key), 'point_estimate'))
  const metrics: Record<string, MetricValue> = {}
  for (const [names, metric] of ESTIMATES) {
    const key = names.find((name) => isJsonObject(document[name]))
    if (key) metrics[metric] = metricValue(point(key), 'ns')
  }
  // Criterion's headline time is the slope when it sampled linearly, the mean otherwise.
  const slopeKey = ['slope', 'Slope'].find((name) => isJsonObject(document[name]))
  const headline = slopeKey ? point(slopeKey) : metrics.mean?.value
  if (headline === undefined) throw jsonError(child(root, 'mean'), 'an estimate object with point_estimate')
  return { time: metricValue(headline, 'ns'), ...metrics }
}

/**
 * `target/criterion/fib/20/new/estimates.json` → `fib/20`; elsewhere "criterion": the file holds no name, and a name
 * made from the file's own name would keep a renamed copy from ever comparing with the original.
 */
function benchmarkIdFromPath(source: string): string {
  const normalized = source.replace(/\\/g, '/')
  const match = /^(?:.*\/)?criterion\/(.+?)\/(?:new|base)\/[^/]+$/.exec(normalized)
  if (match) return match[1]!
  const folder = /(?:^|\/)([^/]+)\/(?:new|base)\/[^/]+$/.exec(normalized)
  if (folder) return folder[1]!
  return 'criterion'
}
