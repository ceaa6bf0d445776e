/**
 * What one load trial measured: every response's latency in an HdrHistogram at microsecond resolution (never
 * arrays: ten million requests cost a few kilobytes), bytes, and failures counted by kind. Turned into a Trial of
 * the results model with the same metric names and units the autocannon format parser uses (p50 … in ms, rps,
 * throughput, errors in %), plus p95 and per-kind error rates autocannon itself does not give.
 */
import { metricValue } from '../../formats/results-builder.js'
import { buildHistogram, decodeHistogram, encodeHistogram, histogramMetric } from '../../results/histogram.js'
import type { GeneratorHealth, MetricValue, Trial } from '../../results/model.js'

/** 1 µs .. 60 s at 3 significant digits: every latency a request can have before its timeout. */
const LATENCY_LOWEST_MICROS = 1
const LATENCY_HIGHEST_MICROS = 60_000_000
const LATENCY_UNIT = 'µs'

/** The latency metrics every load trial reports, read from the histogram (p95 included, which autocannon lacks). */
const LATENCY_METRICS = ['p50', 'p90', 'p95', 'p99', 'p99.9', 'mean', 'stdev', 'min', 'max']

/** Each endpoint's own latency metrics in a scenario of several endpoints. */
const ENDPOINT_LATENCY_METRICS = ['p50', 'p95', 'p99']

type FailureKind = 'non2xx' | 'timeout' | 'connection'

/** Metric names of the error rates, by kind; `errors` is their sum. */
const ERROR_RATE_METRIC: Readonly<Record<FailureKind, string>> = {
  non2xx: 'errors_non2xx',
  timeout: 'errors_timeout',
  connection: 'errors_connection'
}

/** A latency in ms as whole µs within the histogram's range. */
function toMicros(ms: number): number {
  return Math.min(LATENCY_HIGHEST_MICROS, Math.max(LATENCY_LOWEST_MICROS, Math.round(ms * 1000)))
}

/**
 * What a recorder holds, as plain data that crosses threads: a generator worker's recorder sent to the main thread,
 * which adds it into one (src/run/load/workers). The histogram travels encoded; counts per bucket add exactly.
 */
export interface RecorderSnapshot {
  latencyHistogram: string
  succeeded: number
  unexpectedStatus: number
  timeouts: number
  connectionErrors: number
  bytes: number
  unexpectedStatusCounts: Array<[number, number]>
  firstConnectionError?: string
  endpoints: RecorderSnapshot[]
}

/** The counts alone, as a generator worker reports them while it runs (for progress lines). */
export type RecorderCounts = Pick<RecorderSnapshot, 'succeeded' | 'unexpectedStatus' | 'timeouts' | 'connectionErrors'>

/** Counts and latencies of one measured part (or of a warm-up, which is then thrown away). */
export class TrialRecorder {
  readonly latencyMicros = buildHistogram(LATENCY_HIGHEST_MICROS)
  /** Responses with an expected status. */
  succeeded = 0
  /** Responses with a status the endpoint does not expect (non-2xx unless configured otherwise). */
  unexpectedStatus = 0
  timeouts = 0
  connectionErrors = 0
  bytes = 0
  /** Unexpected status codes with how often, for messages about failing trials. */
  readonly unexpectedStatusCounts = new Map<number, number>()
  /** The first connection error's message (ECONNREFUSED ...), for messages. */
  firstConnectionError: string | undefined
  /**
   * A scenario of several endpoints: each one's own recorder, so that the slow endpoint of a mix can be named
   * ("GET /cart p95"); its metrics are added to the trial beside the scenario's.
   */
  private readonly endpoints: Array<{ name: string; recorder: TrialRecorder }>

  constructor(endpointNames: string[] = []) {
    this.endpoints = endpointNames.length > 1 ? endpointNames.map((name) => ({ name, recorder: new TrialRecorder() })) : []
  }

  /** Records one completed response. `latencyMs` may have any fraction; it is stored in whole µs (at least 1). */
  recordResponse(latencyMs: number, statusCode: number, bytes: number, expected: boolean, endpoint?: number): void {
    if (endpoint !== undefined) this.endpoints[endpoint]?.recorder.recordResponse(latencyMs, statusCode, bytes, expected)
    this.latencyMicros.recordValue(toMicros(latencyMs))
    this.bytes += bytes
    if (expected) this.succeeded++
    else {
      this.unexpectedStatus++
      this.unexpectedStatusCounts.set(statusCode, (this.unexpectedStatusCounts.get(statusCode) ?? 0) + 1)
    }
  }

  /**
   * Records a request that timed out. Its wait (`waitedMs`, at least the time limit) also goes into the latency
   * histogram: leaving it out would make a server that stops answering look fast.
   */
  recordTimeout(waitedMs?: number, endpoint?: number): void {
    if (endpoint !== undefined) this.endpoints[endpoint]?.recorder.recordTimeout(waitedMs)
    if (waitedMs !== undefined) this.latencyMicros.recordValue(toMicros(waitedMs))
    this.timeouts++
  }

  /**
   * Records requests the trial's end cut off: in flight at the deadline, or (open loop) due but never sent. Each
   * one's wait up to the end goes into the latency histogram: a server that stalls across the end of a trial must
   * not look fast. They are not failures (the server may still have answered) and count in no rate.
   */
  recordCutOff(waitedMs: number, count = 1): void {
    if (count <= 0) return
    this.latencyMicros.recordValueWithCount(toMicros(waitedMs), count)
  }

  /** Records a request that failed without a response: refused, reset, closed with the request in flight. */
  recordConnectionError(message: string, endpoint?: number): void {
    if (endpoint !== undefined) this.endpoints[endpoint]?.recorder.recordConnectionError(message)
    this.connectionErrors++
    this.firstConnectionError ??= message
  }

  get completed(): number {
    return this.succeeded + this.unexpectedStatus
  }

  get failed(): number {
    return this.unexpectedStatus + this.timeouts + this.connectionErrors
  }

  /** Every request that got an outcome: a response, a timeout or a connection error. */
  get attempted(): number {
    return this.completed + this.timeouts + this.connectionErrors
  }

  /** Fraction of attempted requests that failed (0 when nothing was attempted). */
  get failureFraction(): number {
    return this.attempted === 0 ? 0 : this.failed / this.attempted
  }

  /** "3 × 500, 2 timeouts, 1 connection error (ECONNREFUSED)" — what went wrong, for messages. */
  describeFailures(): string {
    const parts: string[] = []
    const statuses = [...this.unexpectedStatusCounts.entries()].sort((a, b) => b[1] - a[1]).map(([status, count]) => `${count} × HTTP ${status}`)
    if (this.unexpectedStatus > 0) parts.push(`${this.unexpectedStatus} unexpected status (${statuses.join(', ')})`)
    if (this.timeouts > 0) parts.push(`${this.timeouts} timeout(s)`)
    if (this.connectionErrors > 0)
      parts.push(`${this.connectionErrors} connection error(s)${this.firstConnectionError ? ` (${this.firstConnectionError})` : ''}`)
    return parts.join(', ') || 'no failures'
  }

  /** The trial in the results model; latency metrics in ms (read from the µs histogram), rates per second. */
  toTrial(durationSeconds: number, startedAt: Date, generator?: GeneratorHealth): Trial {
    const metrics: Record<string, MetricValue> = {}
    const histogram = this.latencyMicros
    if (histogram.totalCount > 0) {
      for (const name of LATENCY_METRICS) metrics[name] = metricValue(histogramMetric(histogram, name)! / 1000, 'ms')
    }
    const seconds = Math.max(durationSeconds, 1e-9)
    metrics.rps = metricValue(this.completed / seconds, 'req/s')
    metrics.throughput = metricValue(this.bytes / seconds, 'B/s')
    const attempted = this.attempted
    const percentOf = (count: number): number => (attempted === 0 ? 0 : (100 * count) / attempted)
    metrics.errors = metricValue(percentOf(this.failed), '%')
    metrics[ERROR_RATE_METRIC.non2xx] = metricValue(percentOf(this.unexpectedStatus), '%')
    metrics[ERROR_RATE_METRIC.timeout] = metricValue(percentOf(this.timeouts), '%')
    metrics[ERROR_RATE_METRIC.connection] = metricValue(percentOf(this.connectionErrors), '%')
    // What shard merges weight error ratios by; more requests in the same time is better.
    metrics.requests = metricValue(attempted, 'count', 'higher')
    for (const { name, recorder } of this.endpoints) Object.assign(metrics, recorder.endpointMetrics(name, seconds))
    const trial: Trial = { metrics, durationSeconds, startedAt: startedAt.toISOString() }
    if (histogram.totalCount > 0) trial.distributions = { latency: { unit: LATENCY_UNIT, hdrHistogram: encodeHistogram(histogram) } }
    if (generator) trial.generator = generator
    return trial
  }

  /** One endpoint's figures in a mix: "<name> p50/p95/p99" (ms), "<name> rps", "<name> errors" (%). */
  private endpointMetrics(name: string, seconds: number): Record<string, MetricValue> {
    const metrics: Record<string, MetricValue> = {}
    if (this.attempted === 0) return metrics
    if (this.latencyMicros.totalCount > 0) {
      for (const percentile of ENDPOINT_LATENCY_METRICS)
        metrics[`${name} ${percentile}`] = metricValue(histogramMetric(this.latencyMicros, percentile)! / 1000, 'ms')
    }
    metrics[`${name} rps`] = metricValue(this.completed / seconds, 'req/s')
    metrics[`${name} errors`] = metricValue((100 * this.failed) / this.attempted, '%')
    return metrics
  }

  /** Everything recorded, as data for another thread (see RecorderSnapshot). */
  snapshot(): RecorderSnapshot {
    const snapshot: RecorderSnapshot = {
      latencyHistogram: encodeHistogram(this.latencyMicros),
      ...this.counts(),
      bytes: this.bytes,
      unexpectedStatusCounts: [...this.unexpectedStatusCounts.entries()],
      endpoints: this.endpoints.map(({ recorder }) => recorder.snapshot())
    }
    if (this.firstConnectionError !== undefined) snapshot.firstConnectionError = this.firstConnectionError
    return snapshot
  }

  counts(): RecorderCounts {
    return { succeeded: this.succeeded, unexpectedStatus: this.unexpectedStatus, timeouts: this.timeouts, connectionErrors: this.connectionErrors }
  }

  /** Adds another recorder's snapshot (of the same endpoints) into this one: latencies bucket by bucket, counts summed. */
  absorb(snapshot: RecorderSnapshot): void {
    const histogram = decodeHistogram(snapshot.latencyHistogram, 'a load generator worker')
    this.latencyMicros.add(histogram)
    histogram.destroy()
    this.succeeded += snapshot.succeeded
    this.unexpectedStatus += snapshot.unexpectedStatus
    this.timeouts += snapshot.timeouts
    this.connectionErrors += snapshot.connectionErrors
    this.bytes += snapshot.bytes
    for (const [status, count] of snapshot.unexpectedStatusCounts)
      this.unexpectedStatusCounts.set(status, (this.unexpectedStatusCounts.get(status) ?? 0) + count)
    this.firstConnectionError ??= snapshot.firstConnectionError
    snapshot.endpoints.forEach((endpoint, index) => this.endpoints[index]?.recorder.absorb(endpoint))
  }

  /** Frees the histograms' memory (hdr-histogram-js may hold WebAssembly memory). */
  destroy(): void {
    this.latencyMicros.destroy()
    for (const { recorder } of this.endpoints) recorder.destroy()
  }
}
