/**
 * autocannon `--json` results: one JSON document, or several (one per line, e.g. `autocannon --json ... >> out`),
 * each a trial of the scenario named by its title or URL. autocannon records whole milliseconds and has no p95.
 */
import { InputError } from '../errors.js'
import type { MetricValue, Trial } from '../results/model.js'
import type { ResultsFormat } from './format.js'
import { parseJsonText } from './json-text.js'
import { asObject, child, isJsonObject, jsonError, jsonRoot, numberAt, optionalNumberAt, optionalStringAt, type JsonNode } from './json-reader.js'
import { buildResults, isoTimestamp, metricValue, percentileMetricName, ScenarioCollector, urlScenarioName } from './results-builder.js'

/** autocannon's percentile keys that carry perf-gate's usual percentiles (p95 does not exist there). */
const LATENCY_PERCENTILES: Array<[string, number]> = [
  ['p50', 50],
  ['p75', 75],
  ['p90', 90],
  ['p97_5', 97.5],
  ['p99', 99],
  ['p99_9', 99.9]
]

export const autocannonFormat: ResultsFormat = {
  name: 'autocannon',
  description: 'autocannon --json output (one JSON per line; several runs become trials)',
  detect(text) {
    return (
      /^\s*\{/.test(text) &&
      /"latency"\s*:\s*\{/.test(text) &&
      /"requests"\s*:\s*\{/.test(text) &&
      /"throughput"\s*:\s*\{/.test(text) &&
      /"p97_5"\s*:/.test(text)
    )
  },
  parse(text, source) {
    const collector = new ScenarioCollector()
    for (const document of jsonDocuments(text, source)) {
      asObject(document, 'an autocannon result object')
      const url = optionalStringAt(child(document, 'url'))
      const name = optionalStringAt(child(document, 'title')) ?? (url ? urlScenarioName(url) : undefined)
      if (!name) throw jsonError(child(document, 'url'), 'the URL (or a title) the run targeted')
      collector.addTrial(name, trialOf(document), { kind: 'load', ...(url ? { labels: { url } } : {}) })
    }
    // The file's time is its first run's start.
    const createdAt = collector
      .scenarios()
      .flatMap((scenario) => scenario.trials.map((trial) => trial.startedAt))
      .find((at) => at !== undefined)
    return buildResults('autocannon', collector.scenarios(), source, createdAt ? { createdAt } : {})
  }
}

/** The whole text as one JSON document, or one document per non-empty line (NDJSON). */
function jsonDocuments(text: string, source: string): JsonNode[] {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '')
  if (lines.length > 1 && lines.every((line) => /^\s*\{.*\}\s*$/.test(line))) {
    return text.split(/\r?\n/).flatMap((line, index) => {
      if (line.trim() === '') return []
      const where = `${source}:${index + 1}`
      return [jsonRoot(parseJsonText(line, where), where)]
    })
  }
  return [jsonRoot(parseJsonText(text, source), source)]
}

function trialOf(document: JsonNode): Trial {
  const latency = child(document, 'latency')
  asObject(latency)
  const metrics: Record<string, MetricValue> = {}
  for (const [key, percent] of LATENCY_PERCENTILES) {
    const value = optionalNumberAt(child(latency, key))
    if (value !== undefined) metrics[percentileMetricName(percent)] = metricValue(value, 'ms')
  }
  metrics.mean = metricValue(numberAt(child(latency, 'mean')), 'ms')
  for (const [key, name] of [
    ['stddev', 'stdev'],
    ['min', 'min'],
    ['max', 'max']
  ] as const) {
    const value = optionalNumberAt(child(latency, key))
    if (value !== undefined) metrics[name] = metricValue(value, 'ms')
  }
  const durationSeconds = numberAt(child(document, 'duration'))
  if (durationSeconds <= 0) throw jsonError(child(document, 'duration'), 'a positive duration in seconds')
  const requests = child(document, 'requests')
  const completed = numberAt(child(requests, 'total'))
  metrics.rps = metricValue(completed / durationSeconds, 'req/s')
  const bytes = optionalNumberAt(child(child(document, 'throughput'), 'total'))
  if (bytes !== undefined) metrics.throughput = metricValue(bytes / durationSeconds, 'B/s')
  const failed = (optionalNumberAt(child(document, 'errors')) ?? 0) + (optionalNumberAt(child(document, 'non2xx')) ?? 0)
  const attempted = Math.max(optionalNumberAt(child(requests, 'sent')) ?? 0, completed + (optionalNumberAt(child(document, 'errors')) ?? 0))
  if (attempted > 0) metrics.errors = metricValue((100 * failed) / attempted, '%')
  const trial: Trial = { metrics, durationSeconds }
  const startedAt = isJsonObject(document.value) ? isoTimestamp(document.value.start) : undefined
  if (startedAt) trial.startedAt = startedAt
  if (completed === 0 && failed === 0) throw new InputError(`${document.source}: ${document.pointer || '/'}: the run completed no requests`)
  return trial
}
