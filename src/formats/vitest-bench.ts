/**
 * vitest bench `--outputJson` (vitest 1 to 4): files → groups → benchmarks, each a tinybench result in ms. One
 * scenario per benchmark, named `<group fullName> > <name>` (the group's full name starts with the file's path
 * relative to the project). One trial per benchmark (two benchmarks of one name in one group are refused); raw samples, when the file has them (vitest 4 writes `[]`),
 * are kept as the `latency` distribution.
 */
import type { MetricValue, Trial } from '../results/model.js'
import type { ResultsFormat } from './format.js'
import { parseJsonText } from './json-text.js'
import { asObject, child, items, jsonRoot, numbersAt, optionalNumberAt, stringAt, type JsonNode } from './json-reader.js'
import { buildResults, metricValue, ScenarioCollector } from './results-builder.js'

/** vitest benchmark fields in ms and the metric each becomes. */
const TIME_FIELDS: Array<[field: string, metric: string]> = [
  ['mean', 'time'],
  ['min', 'min'],
  ['max', 'max'],
  ['median', 'p50'],
  ['p75', 'p75'],
  ['p99', 'p99'],
  ['p995', 'p99.5'],
  ['p999', 'p99.9'],
  ['sd', 'stdev']
]

export const vitestBenchFormat: ResultsFormat = {
  name: 'vitest',
  description: 'vitest bench --outputJson',
  detect(text) {
    return /^\s*\{\s*"files"\s*:/.test(text) && /"groups"\s*:/.test(text) && /"fullName"\s*:/.test(text) && /"benchmarks"\s*:/.test(text)
  },
  parse(text, source) {
    const root = jsonRoot(parseJsonText(text, source), source)
    asObject(root, 'an object with "files" (vitest bench --outputJson)')
    const collector = new ScenarioCollector()
    for (const file of items(child(root, 'files'))) {
      for (const group of items(child(file, 'groups'))) {
        const groupName = stringAt(child(group, 'fullName'))
        for (const benchmark of items(child(group, 'benchmarks'))) {
          asObject(benchmark)
          const name = `${groupName} > ${stringAt(child(benchmark, 'name'))}`
          collector.addBenchmark(name, [benchmarkTrial(benchmark)], { source, at: benchmark.pointer }, { kind: 'benchmark' })
        }
      }
    }
    return buildResults('vitest', collector.scenarios(), source, { nothingFound: 'no vitest benchmarks found (expected files[].groups[].benchmarks[])' })
  }
}

function benchmarkTrial(benchmark: JsonNode): Trial {
  const metrics: Record<string, MetricValue> = {}
  for (const [field, metric] of TIME_FIELDS) {
    const value = optionalNumberAt(child(benchmark, field))
    if (value !== undefined) metrics[metric] = metricValue(value, 'ms')
  }
  const hz = optionalNumberAt(child(benchmark, 'hz'))
  if (hz !== undefined) metrics.ops = metricValue(hz, 'ops/s')
  const trial: Trial = { metrics }
  const samples = child(benchmark, 'samples')
  if (Array.isArray(samples.value) && samples.value.length > 0) trial.distributions = { latency: { unit: 'ms', samples: numbersAt(samples) } }
  const total = optionalNumberAt(child(benchmark, 'totalTime'))
  if (total !== undefined) trial.durationSeconds = total / 1000
  return trial
}
