/**
 * k6 end-of-test summaries: the legacy `--summary-export` JSON, the `handleSummary(data)` object written with
 * JSON.stringify, and the machine-readable summary (schema 1.0.0). Every Trend metric (sub-metrics such as
 * `http_req_duration{name:login}` included) becomes a scenario; request rate and failure rate join
 * `http_req_duration`, iteration rate joins `iteration_duration`. k6 keeps no per-sample data in a summary.
 */
import type { MetricValue } from '../results/model.js'
import type { ResultsFormat } from './format.js'
import { parseJsonText } from './json-text.js'
import { asObject, child, entries, isJsonObject, items, jsonError, jsonRoot, numberAt, stringAt, type JsonNode } from './json-reader.js'
import { buildResults, metricValue, ScenarioCollector } from './results-builder.js'

type K6MetricType = 'trend' | 'counter' | 'rate' | 'gauge'

interface K6Metric {
  name: string
  type: K6MetricType
  /** "time", "data" or "default"; unknown in the legacy export. */
  contains?: string
  values: JsonNode
}

/** Built-in k6 trends measured in milliseconds (the legacy export does not say which trends are times). */
const BUILTIN_TIME_TRENDS = /^(http_req_[a-z_]+|iteration_duration|group_duration|ws_[a-z_]+|grpc_req_duration|browser_[a-z_]+)(\{.*\})?$/

const TREND_STATS: Record<string, string> = { avg: 'mean', min: 'min', max: 'max', med: 'p50' }

export const k6Format: ResultsFormat = {
  name: 'k6',
  description: 'k6 --summary-export JSON (legacy), handleSummary JSON, or the machine-readable summary',
  detect(text) {
    if (!/^\s*\{/.test(text) || !/"metrics"\s*:/.test(text)) return false
    return /"root_group"\s*:/.test(text) || /"k6Version"\s*:/.test(text) || (/"type"\s*:\s*"trend"/.test(text) && /"contains"\s*:/.test(text))
  },
  resembles(text) {
    return /^\s*\{/.test(text) && /"metrics"\s*:/.test(text) && /"(http_req_duration|iteration_duration|vus|data_received)"/.test(text)
  },
  parse(text, source) {
    const root = jsonRoot(parseJsonText(text, source), source)
    asObject(root, 'a k6 summary object')
    const metrics = readMetrics(root)
    const byName = new Map(metrics.map((metric) => [metric.name, metric]))
    const durationSeconds = testDurationSeconds(root)
    const collector = new ScenarioCollector()
    for (const metric of metrics) {
      if (metric.type !== 'trend') continue
      const trial = { metrics: trendMetrics(metric), ...(durationSeconds !== undefined ? { durationSeconds } : {}) }
      if (metric.name === 'http_req_duration') {
        const requests = byName.get('http_reqs')
        if (requests && typeof child(requests.values, 'rate').value === 'number') {
          trial.metrics.rps = metricValue(numberAt(child(requests.values, 'rate')), 'req/s')
        }
        const failed = byName.get('http_req_failed')
        if (failed) trial.metrics.errors = metricValue(100 * rateValue(failed), '%')
      }
      if (metric.name === 'iteration_duration') {
        const iterations = byName.get('iterations')
        if (iterations && typeof child(iterations.values, 'rate').value === 'number') {
          trial.metrics.ops = metricValue(numberAt(child(iterations.values, 'rate')), 'ops/s')
        }
      }
      collector.addTrial(metric.name, trial, { kind: 'load' })
    }
    const k6Version = child(child(root, 'metadata'), 'k6Version').value
    return buildResults('k6', collector.scenarios(), source, {
      nothingFound: 'no Trend metrics (such as http_req_duration) in this k6 summary',
      producerVersion: typeof k6Version === 'string' ? k6Version : undefined
    })
  }
}

function readMetrics(root: JsonNode): K6Metric[] {
  const results = child(root, 'results')
  if (isJsonObject(results.value) && Array.isArray(results.value.metrics)) {
    // Machine-readable summary: results.metrics is an array of {name, type, contains, values}.
    return items(child(results, 'metrics')).map((node) => ({
      name: stringAt(child(node, 'name')),
      type: metricType(child(node, 'type')),
      contains: typeof child(node, 'contains').value === 'string' ? (child(node, 'contains').value as string) : undefined,
      values: objectNode(child(node, 'values'))
    }))
  }
  return entries(child(root, 'metrics'), 'an object of k6 metrics').map(([name, node]) => {
    const metric = asObject(node)
    if ('values' in metric) {
      // handleSummary: {type, contains, values}.
      return {
        name,
        type: metricType(child(node, 'type')),
        contains: typeof metric.contains === 'string' ? metric.contains : undefined,
        values: objectNode(child(node, 'values'))
      }
    }
    // Legacy --summary-export: the values sit flat in the metric object; the kind shows in its keys.
    return { name, type: legacyType(node), values: node }
  })
}

function objectNode(node: JsonNode): JsonNode {
  asObject(node)
  return node
}

function metricType(node: JsonNode): K6MetricType {
  const type = node.value
  if (type === 'trend' || type === 'counter' || type === 'rate' || type === 'gauge') return type
  throw jsonError(node, 'one of "trend", "counter", "rate", "gauge"')
}

function legacyType(node: JsonNode): K6MetricType {
  const values = asObject(node)
  if ('avg' in values || 'med' in values || Object.keys(values).some((key) => /^p\(/.test(key))) return 'trend'
  if ('passes' in values || 'fails' in values) return 'rate'
  if ('count' in values) return 'counter'
  return 'gauge'
}

function trendMetrics(metric: K6Metric): Record<string, MetricValue> {
  const unit =
    metric.contains === 'time' ? 'ms' : metric.contains === 'data' ? 'B' : metric.contains === undefined && BUILTIN_TIME_TRENDS.test(metric.name) ? 'ms' : ''
  const metrics: Record<string, MetricValue> = {}
  for (const [key, value] of entries(metric.values)) {
    if (key === 'thresholds' || key === 'count') continue
    const percentile = /^p\((\d+(?:\.\d+)?)\)$/.exec(key)
    const name = percentile ? `p${Number(percentile[1])}` : TREND_STATS[key]
    if (!name) continue
    metrics[name] = metricValue(numberAt(value), unit)
  }
  return metrics
}

/** A Rate metric's fraction: `rate` in handleSummary and the machine-readable summary, `value` in the legacy export. */
function rateValue(metric: K6Metric): number {
  const values = asObject(metric.values)
  return numberAt(child(metric.values, 'rate' in values ? 'rate' : 'value'))
}

function testDurationSeconds(root: JsonNode): number | undefined {
  const ms = child(child(root, 'state'), 'testRunDurationMs').value
  if (typeof ms === 'number' && ms >= 0) return ms / 1000
  const seconds = child(child(root, 'config'), 'duration').value
  return typeof seconds === 'number' && seconds >= 0 ? seconds : undefined
}
