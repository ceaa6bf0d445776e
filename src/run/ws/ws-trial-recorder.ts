/**
 * What one WebSocket trial measured: the opening handshake's time and every message's round trip, each in an
 * HdrHistogram at microsecond resolution, replies counted, and every client's outcome: it connected and lasted the
 * window (a success), or it failed by one kind (refused, upgrade rejected, closed early, timeout).
 *
 * Metric names: a percentile keeps its own name after what it measures (`connect p95`, `rtt p95`, as a
 * per-endpoint `items /a p95`); plain figures use underscores as the HTTP load's `errors_timeout` does.
 */
import { metricValue } from '../../formats/results-builder.js'
import { buildHistogram, encodeHistogram, histogramMetric } from '../../results/histogram.js'
import type { MetricValue, Trial } from '../../results/model.js'

/** 1 µs .. 60 s at 3 significant digits, as the HTTP load's latency. */
const HIGHEST_MICROS = 60_000_000
const PERCENTILES = ['p50', 'p95', 'p99'] as const

/** How a client failed; each failed client counts once, by its first failure. */
export type WebSocketFailureKind = 'refused' | 'upgrade' | 'closed' | 'timeout'

export const WEBSOCKET_FAILURE_KINDS: readonly WebSocketFailureKind[] = ['refused', 'upgrade', 'closed', 'timeout']

/** Words for messages: "3 upgrade rejected (HTTP 403)". */
const FAILURE_WORDS: Readonly<Record<WebSocketFailureKind, string>> = {
  refused: 'refused',
  upgrade: 'upgrade rejected',
  closed: 'closed early',
  timeout: 'timed out'
}

/** The percentage of clients that connected and lasted the measured window. */
export const WS_SUCCESS_METRIC = 'ws_success'
export const MESSAGES_RATE_METRIC = 'messages/s'

function toMicros(ms: number): number {
  return Math.min(HIGHEST_MICROS, Math.max(1, Math.round(ms * 1000)))
}

export class WebSocketTrialRecorder {
  readonly connectMicros = buildHistogram(HIGHEST_MICROS)
  readonly roundTripMicros = buildHistogram(HIGHEST_MICROS)
  /** Clients that connected and neither failed nor were closed before the window ended. */
  clientsSucceeded = 0
  replies = 0
  readonly failures = new Map<WebSocketFailureKind, number>()
  /** The first detail of each kind ("ECONNREFUSED", "HTTP 403", "code 1011"), for messages. */
  readonly firstDetail = new Map<WebSocketFailureKind, string>()

  recordConnect(elapsedMs: number): void {
    this.connectMicros.recordValue(toMicros(elapsedMs))
  }

  recordReply(roundTripMs: number): void {
    this.roundTripMicros.recordValue(toMicros(roundTripMs))
    this.replies++
  }

  /**
   * A reply still awaited when the client failed or the window ended: its wait so far goes into the round trips (a
   * lower bound), so a server that stops answering does not look fast. It is not a reply.
   */
  recordUnanswered(waitedMs: number): void {
    this.roundTripMicros.recordValue(toMicros(waitedMs))
  }

  recordFailure(kind: WebSocketFailureKind, detail: string): void {
    this.failures.set(kind, (this.failures.get(kind) ?? 0) + 1)
    if (!this.firstDetail.has(kind)) this.firstDetail.set(kind, detail)
  }

  get failed(): number {
    let total = 0
    for (const count of this.failures.values()) total += count
    return total
  }

  /** Clients with an outcome in this window: lasted it, or failed (one still in its handshake at the end has none). */
  get clients(): number {
    return this.clientsSucceeded + this.failed
  }

  /** Fraction of clients with an outcome that failed (0 when none has one). */
  get failureFraction(): number {
    return this.clients === 0 ? 0 : this.failed / this.clients
  }

  /** "4 closed early (code 1011), 1 timed out (no reply within 10 s)": what went wrong, for messages. */
  describeFailures(): string {
    const parts = WEBSOCKET_FAILURE_KINDS.filter((kind) => (this.failures.get(kind) ?? 0) > 0).map((kind) => {
      const detail = this.firstDetail.get(kind)
      return `${this.failures.get(kind)} ${FAILURE_WORDS[kind]}${detail ? ` (${detail})` : ''}`
    })
    return parts.join(', ') || 'no failures'
  }

  /** The trial in the results model: times in ms read from the µs histograms, rates per second, outcomes in % of clients. */
  toTrial(durationSeconds: number, startedAt: Date): Trial {
    const metrics: Record<string, MetricValue> = {}
    const distributions: NonNullable<Trial['distributions']> = {}
    for (const [prefix, histogram] of [
      ['connect', this.connectMicros],
      ['rtt', this.roundTripMicros]
    ] as const) {
      if (histogram.totalCount === 0) continue
      for (const name of PERCENTILES) metrics[`${prefix} ${name}`] = metricValue(histogramMetric(histogram, name)! / 1000, 'ms')
      distributions[prefix] = { unit: 'µs', hdrHistogram: encodeHistogram(histogram) }
    }
    metrics[MESSAGES_RATE_METRIC] = metricValue(this.replies / Math.max(durationSeconds, 1e-9), 'msg/s', 'higher')
    const percentOf = (count: number): number => (this.clients === 0 ? 0 : (100 * count) / this.clients)
    metrics[WS_SUCCESS_METRIC] = metricValue(percentOf(this.clientsSucceeded), '%', 'higher')
    metrics.errors = metricValue(percentOf(this.failed), '%')
    for (const kind of WEBSOCKET_FAILURE_KINDS) metrics[`errors_${kind}`] = metricValue(percentOf(this.failures.get(kind) ?? 0), '%')
    // What shard merges would weight ratios by, as `requests` in HTTP load.
    metrics.clients = metricValue(this.clients, 'count', 'higher')
    metrics.messages = metricValue(this.replies, 'count', 'higher')
    const trial: Trial = { metrics, durationSeconds, startedAt: startedAt.toISOString() }
    if (Object.keys(distributions).length > 0) trial.distributions = distributions
    return trial
  }

  /** Frees the histograms' memory (hdr-histogram-js may hold WebAssembly memory). */
  destroy(): void {
    this.connectMicros.destroy()
    this.roundTripMicros.destroy()
  }
}
