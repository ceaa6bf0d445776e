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

/** One repetition of a scenario: the unit of evidence for verdicts. */
export interface Trial {
  metrics: Record<string, MetricValue>
  distributions?: Record<string, Distribution>
  startedAt?: string
  durationSeconds?: number
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
