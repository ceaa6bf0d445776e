/**
 * The one results model every run mode and every foreign-format parser produces.
 * Published as `schemas/results.schema.json`; bump RESULTS_SCHEMA_VERSION on breaking changes.
 */

export const RESULTS_SCHEMA_VERSION = 1

/** Which way is better for a metric: `lower` (latency, time, bytes) or `higher` (throughput). */
export type Direction = 'lower' | 'higher'

/** One measured value of one trial. `unit` is free text; known units are normalised (see units.ts). */
export interface MetricValue {
  value: number
  unit: string
  direction: Direction
}

/**
 * A distribution of one quantity within a trial (e.g. request latency).
 * Either an HdrHistogram in the standard compressed base64 encoding ("HISTFAAA..."), or raw samples, or both.
 */
export interface Distribution {
  unit: string
  /** HdrHistogram V2 compressed encoding, base64. */
  hdrHistogram?: string
  samples?: number[]
}

/** How healthy perf-gate's own load generator was during a trial (load runs only). */
export interface GeneratorHealth {
  /** CPU time of the generator over the trial, as a share of one core (summed over its worker threads: can pass 1). */
  cpu: number
  /** Generator worker threads that shared the load, when more than one. */
  workers?: number
  /** p99 of the generator's event-loop delay. */
  eventLoopDelayP99Ms: number
  /** Open loop: median of how late a send left its due time while its connection was free. */
  lagP50Ms?: number
  /** Open loop: p99 of how late a send left its due time while its connection was free (the generator's own lag). */
  lagP99Ms?: number
  /** Open loop: share of sends that left late because every connection was busy (a slow server or too few connections). */
  queuedLateFraction?: number
  /** Requests still in flight when the trial ended: their wait up to the end is in the latency histogram. */
  inFlightAtEnd: number
  /** Open loop: requests due before the end but never sent: their wait up to the end is in the latency histogram. */
  unsentAtEnd: number
  /** The longest of those waits (ms), when the end cut any off: past the trial's p99, the server stalled at the end. */
  longestCutOffMs?: number
  /** The generator, not the server, set the pace: latency verdicts of this trial are not trusted to fail. */
  saturated: boolean
  saturatedBecause?: string
}

/** One repetition of a scenario: the unit of evidence for verdicts. */
export interface Trial {
  metrics: Record<string, MetricValue>
  distributions?: Record<string, Distribution>
  startedAt?: string
  durationSeconds?: number
  /** Load trials: how healthy the generator was. */
  generator?: GeneratorHealth
}

/** An endpoint under load or one benchmark. */
export interface Scenario {
  name: string
  kind?: 'benchmark' | 'load'
  trials: Trial[]
  labels?: Record<string, string>
}

/** Where the numbers were measured; differing fingerprints make a comparison suspect. */
export interface EnvironmentFingerprint {
  os?: string
  arch?: string
  cpuModel?: string
  cores?: number
  memoryBytes?: number
  /** e.g. "github-actions:ubuntu-24.04" or "local". */
  runner?: string
  node?: string
  /**
   * How busy the machine was: its 1-minute load average per core, the higher of the readings when the run started
   * and when it ended (absent where the OS keeps none). Two runs on one machine hours apart are not under the same
   * conditions when this differs a lot.
   */
  loadPerCore?: number
}

export interface GitIdentity {
  sha?: string
  ref?: string
}

export interface Results {
  schemaVersion: number
  producer?: { name: string; version?: string; format?: string }
  createdAt?: string
  git?: GitIdentity
  environment?: EnvironmentFingerprint
  scenarios: Scenario[]
}

/** Canonical names for latency metrics, so thresholds written for one run mode fit the others. */
export const LATENCY_PERCENTILE_METRICS = ['p50', 'p90', 'p95', 'p99', 'p99.9'] as const
