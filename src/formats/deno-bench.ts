/**
 * `deno bench --json` (Deno 1.x/2.x, version 1 of its JSON): benches[] with results[].ok statistics in ns. One scenario
 * per bench, named `<group> > <name>` when it has a group; one trial: `time` (avg), `min` `max` `p75` `p99` `p99.5`
 * `p99.9`, and `ops` (1e9 / avg). Deno writes no samples. A bench whose result is `failed` is a run failure.
 */
import { RunError } from '../errors.js'
import type { EnvironmentFingerprint, MetricValue, Trial } from '../results/model.js'
import type { ResultsFormat } from './format.js'
import { parseJsonText } from './json-text.js'
import { asObject, child, isJsonObject, items, jsonRoot, numberAt, optionalNumberAt, optionalStringAt, stringAt } from './json-reader.js'
import { buildResults, metricValue, ScenarioCollector } from './results-builder.js'

const TIME_FIELDS: Array<[field: string, metric: string]> = [
  ['avg', 'time'],
  ['min', 'min'],
  ['max', 'max'],
  ['p75', 'p75'],
  ['p99', 'p99'],
  ['p995', 'p99.5'],
  ['p999', 'p99.9']
]

export const denoBenchFormat: ResultsFormat = {
  name: 'deno',
  description: 'deno bench --json',
  detect(text) {
    return /^\s*\{/.test(text) && /"runtime"\s*:\s*"Deno\//.test(text) && /"benches"\s*:/.test(text)
  },
  parse(text, source) {
    const root = jsonRoot(parseJsonText(text, source), source)
    asObject(root, 'an object with "benches" (deno bench --json)')
    const collector = new ScenarioCollector()
    for (const bench of items(child(root, 'benches'))) {
      asObject(bench)
      const group = optionalStringAt(child(bench, 'group'))
      const name = `${group ? `${group} > ` : ''}${stringAt(child(bench, 'name'))}`
      const trials: Trial[] = []
      for (const result of items(child(bench, 'results'))) {
        const failed = child(result, 'failed').value
        if (failed !== undefined)
          throw new RunError(`${source}: ${result.pointer}: bench "${name}" failed: ${typeof failed === 'string' ? failed : JSON.stringify(failed)}`)
        const ok = child(result, 'ok')
        asObject(ok, 'an object { "ok": { ...statistics } } or { "failed": ... }')
        const metrics: Record<string, MetricValue> = { time: metricValue(numberAt(child(ok, 'avg')), 'ns') }
        for (const [field, metric] of TIME_FIELDS.slice(1)) {
          const value = optionalNumberAt(child(ok, field))
          if (value !== undefined) metrics[metric] = metricValue(value, 'ns')
        }
        if (metrics.time!.value > 0) metrics.ops = metricValue(1e9 / metrics.time!.value, 'ops/s')
        trials.push({ metrics })
      }
      collector.addBenchmark(name, trials, { source, at: bench.pointer }, { kind: 'benchmark' })
    }
    const document = asObject(root)
    const environment: EnvironmentFingerprint = {}
    if (typeof document.cpu === 'string' && document.cpu) environment.cpuModel = document.cpu
    const target = typeof document.runtime === 'string' ? /-(linux|darwin|windows)/.exec(document.runtime)?.[1] : undefined
    if (target) environment.os = target
    return buildResults('deno', collector.scenarios(), source, {
      environment,
      ...(isJsonObject(document) && typeof document.runtime === 'string' ? { producerVersion: document.runtime } : {}),
      nothingFound: 'no Deno benches found'
    })
  }
}
