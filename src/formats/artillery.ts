/**
 * Artillery JSON reports (`artillery run --output report.json`): v2 (`aggregate.summaries`, DDSketch
 * percentiles in ms) and the 1.x layout (`aggregate.latency`, with raw per-request latencies when present).
 * Scenarios: the overall `http.response_time`, each endpoint of the metrics-by-endpoint plugin, and
 * `vusers.session_length`. The aggregate is one trial.
 */
import type { MetricValue, Trial } from '../results/model.js'
import type { ResultsFormat } from './format.js'
import { parseJsonText } from './json-text.js'
import { asObject, child, entries, isJsonObject, jsonRoot, numberAt, optionalNumberAt, type JsonNode } from './json-reader.js'
import { buildResults, isoTimestamp, metricValue, ScenarioCollector } from './results-builder.js'

const SUMMARY_STATS: Record<string, string> = {
  min: 'min',
  max: 'max',
  mean: 'mean',
  median: 'p50',
  p50: 'p50',
  p75: 'p75',
  p90: 'p90',
  p95: 'p95',
  p99: 'p99',
  p999: 'p99.9'
}
const ENDPOINT_PREFIX = 'plugins.metrics-by-endpoint.response_time.'

export const artilleryFormat: ResultsFormat = {
  name: 'artillery',
  description: 'Artillery run --output JSON report (v2, and the 1.x layout)',
  detect(text) {
    if (!/^\s*\{/.test(text) || !/"aggregate"\s*:\s*\{/.test(text)) return false
    return /"summaries"\s*:/.test(text) || (/"latency"\s*:/.test(text) && /"rps"\s*:/.test(text))
  },
  parse(text, source) {
    const root = jsonRoot(parseJsonText(text, source), source)
    asObject(root, 'an Artillery report object')
    const aggregate = child(root, 'aggregate')
    asObject(aggregate, 'the "aggregate" report object')
    const collector = new ScenarioCollector()
    if (isJsonObject(child(aggregate, 'summaries').value)) readV2(aggregate, collector)
    else readV1(aggregate, child(root, 'intermediate'), collector)
    const first = optionalNumberAt(child(aggregate, 'firstCounterAt'))
    // v2 says when its first counter was taken (ms since the epoch); 1.x stamps its aggregate.
    const createdAt = isoTimestamp(child(aggregate, 'timestamp').value) ?? (first !== undefined ? isoTimestamp(first) : undefined)
    return buildResults('artillery', collector.scenarios(), source, {
      ...(createdAt ? { createdAt } : {}),
      nothingFound: 'no response times in the Artillery report (did any request complete?)'
    })
  }
}

function summaryMetrics(summary: JsonNode, unit: string): Record<string, MetricValue> {
  const metrics: Record<string, MetricValue> = {}
  for (const [key, value] of entries(summary)) {
    const name = SUMMARY_STATS[key]
    if (!name) continue
    const number = optionalNumberAt(value)
    if (number !== undefined) metrics[name] = metricValue(number, unit)
  }
  return metrics
}

function readV2(aggregate: JsonNode, collector: ScenarioCollector): void {
  const counters = child(aggregate, 'counters')
  const counter = (name: string): number | undefined => optionalNumberAt(child(counters, name))
  const counterNames = isJsonObject(counters.value) ? Object.keys(counters.value) : []
  const first = optionalNumberAt(child(aggregate, 'firstCounterAt'))
  const last = optionalNumberAt(child(aggregate, 'lastCounterAt'))
  const durationSeconds = first !== undefined && last !== undefined && last > first ? (last - first) / 1000 : undefined
  const failureShare = (prefix: string, requests: number | undefined, extraErrors: number): MetricValue | undefined => {
    if (!requests) return undefined
    const non2xx = counterNames
      .filter((name) => name.startsWith(`${prefix}codes.`) && !name.slice(`${prefix}codes.`.length).startsWith('2'))
      .reduce((sum, name) => sum + (counter(name) ?? 0), 0)
    return metricValue((100 * (non2xx + extraErrors)) / requests, '%')
  }
  const withDuration = (metrics: Record<string, MetricValue>): Trial => ({ metrics, ...(durationSeconds ? { durationSeconds } : {}) })
  for (const [name, summary] of entries(child(aggregate, 'summaries'))) {
    if (name === 'http.response_time') {
      const metrics = summaryMetrics(summary, 'ms')
      const requests = counter('http.requests')
      if (requests !== undefined && durationSeconds) metrics.rps = metricValue(requests / durationSeconds, 'req/s')
      const errors = counterNames.filter((key) => key.startsWith('errors.')).reduce((sum, key) => sum + (counter(key) ?? 0), 0)
      const share = failureShare('http.', requests, errors)
      if (share) metrics.errors = share
      collector.addTrial(name, withDuration(metrics), { kind: 'load' })
    } else if (name.startsWith(ENDPOINT_PREFIX)) {
      const endpoint = name.slice(ENDPOINT_PREFIX.length)
      const metrics = summaryMetrics(summary, 'ms')
      const prefix = `plugins.metrics-by-endpoint.${endpoint}.`
      const sumOf = (start: string): number => counterNames.filter((key) => key.startsWith(start)).reduce((sum, key) => sum + (counter(key) ?? 0), 0)
      // Requests that got no response (ETIMEDOUT, ECONNRESET) are counted per endpoint as `<prefix>errors.<code>`:
      // they are failures, and requests, though no status code counts them.
      const noResponse = sumOf(`${prefix}errors.`)
      const share = failureShare(prefix, sumOf(`${prefix}codes.`) + noResponse, noResponse)
      if (share) metrics.errors = share
      collector.addTrial(endpoint, withDuration(metrics), { kind: 'load' })
    } else if (name === 'vusers.session_length') {
      collector.addTrial(name, withDuration(summaryMetrics(summary, 'ms')), { kind: 'load' })
    }
  }
}

function readV1(aggregate: JsonNode, intermediate: JsonNode, collector: ScenarioCollector): void {
  const metrics = summaryMetrics(child(aggregate, 'latency'), 'ms')
  if (Object.keys(metrics).length === 0) return
  const rps = optionalNumberAt(child(child(aggregate, 'rps'), 'mean'))
  if (rps !== undefined) metrics.rps = metricValue(rps, 'req/s')
  const completed = optionalNumberAt(child(aggregate, 'requestsCompleted'))
  if (completed) {
    const codes = isJsonObject(child(aggregate, 'codes').value) ? entries(child(aggregate, 'codes')) : []
    const non2xx = codes.filter(([code]) => !code.startsWith('2')).reduce((sum, [, count]) => sum + numberAt(count), 0)
    const errors = isJsonObject(child(aggregate, 'errors').value) ? entries(child(aggregate, 'errors')).reduce((sum, [, count]) => sum + numberAt(count), 0) : 0
    metrics.errors = metricValue((100 * (non2xx + errors)) / (completed + errors), '%')
  }
  const trial: Trial = { metrics }
  // Artillery 1.x kept every request as [timestamp, id, latency in ns, status code], in aggregate.latencies or, per
  // reporting period, in intermediate[].latencies (the aggregate then often has none).
  const raw = child(aggregate, 'latencies').value
  const periods = Array.isArray(intermediate.value) ? intermediate.value : []
  const requests =
    Array.isArray(raw) && raw.length > 0
      ? raw
      : periods.flatMap((period: unknown) => (isJsonObject(period) && Array.isArray(period.latencies) ? period.latencies : []))
  const samples = requests.flatMap((entry: unknown) => (Array.isArray(entry) && typeof entry[2] === 'number' ? [entry[2] as number] : []))
  if (samples.length > 0) trial.distributions = { latency: { unit: 'ns', samples } }
  collector.addTrial('http.response_time', trial, { kind: 'load' })
}
