/**
 * The report model: everything a renderer needs, built once from verdicts and the baseline lookup.
 * Markdown (comment, summary), JSON and terminal renderers all read this; none computes verdicts.
 */
import type { EnvironmentFingerprint } from '../results/model.js'
import type { GateStatus, MetricStatus, MetricVerdict } from '../verdict/types.js'

export const REPORT_SCHEMA_VERSION = 1

export interface ReportBaseline {
  id: string
  savedAt: string
  ageSeconds: number
  sha?: string
  ref?: string
  name?: string
  runUrl?: string
  /** Which store it came from ("file store at .perf-gate", "Actions cache", ...). */
  store: string
  environment?: EnvironmentFingerprint
  /** True when the baseline was measured on a different kind of machine (OS, CPU model or cores). */
  runnerDiffers: boolean
  /** How many stored baselines the verdicts could draw on (history). */
  historySize: number
}

export interface GateReport {
  schemaVersion: number
  gate: string
  verdict: GateStatus
  generatedAt: string
  counts: Record<MetricStatus, number>
  /** Number of failing metrics. */
  regressions: number
  current: { sha?: string; ref?: string; environment?: EnvironmentFingerprint; scenarios: number }
  baseline?: ReportBaseline
  /** Why there is no baseline, or what is odd about it (stale, other runner, skipped as corrupt). */
  baselineProblems: string[]
  /** Other things a reader should know (default thresholds in use, strict mode, ...). */
  notes: string[]
  /** Links for the reader: the run, the repository (for commit links). */
  links: { runUrl?: string; repositoryUrl?: string }
  metrics: MetricVerdict[]
  /** Per-scenario, per-metric history values (oldest first) for trend charts. */
  trends?: Array<{ scenario: string; metric: string; unit: string; points: Array<{ label: string; value: number }> }>
}
