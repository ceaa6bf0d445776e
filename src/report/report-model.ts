/**
 * The report model: everything a renderer needs, built once from verdicts and the baseline lookup.
 * Markdown (comment, summary), JSON and terminal renderers all read this; none computes verdicts.
 */
import type { BaselineAbsenceKind } from '../baselines/store.js'
import type { EnvironmentFingerprint } from '../results/model.js'
import type { GateStatus, LabelKind, MetricStatus, MetricVerdict } from '../verdict/types.js'
import type { LatencyDistribution } from './latency-distributions.js'
import type { ScenarioSummary } from './scenario-summary.js'

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
  /**
   * Handed over directly, not read from a store (`compare`'s baseline file, the API's results): `store` names the
   * file and there is no stored history. 'results': a plain results file, whose `savedAt` is only its modification
   * time, so no age is claimed; 'saved record': a baseline record perf-gate saved, whose `savedAt` is true.
   */
  given?: 'results' | 'saved record'
}

export interface ReportBaselineAbsence {
  kind: BaselineAbsenceKind
  /** The store that was asked ("Actions cache", "workflow artifacts", ...). */
  store: string
  /** The cause in words; the problem line it comes from is not repeated in the Markdown. */
  reason: string
  /** What to do about it (perf-gate's own sentence, Markdown). */
  advice?: string
}

export interface GateReport {
  schemaVersion: number
  gate: string
  verdict: GateStatus
  generatedAt: string
  counts: Record<MetricStatus, number>
  /** Number of failing metrics. */
  regressions: number
  /** sha: the commit measured (on a PR, the merge commit GitHub checks out); headSha: the PR's head commit. */
  current: { sha?: string; headSha?: string; ref?: string; environment?: EnvironmentFingerprint; scenarios: number }
  baseline?: ReportBaseline
  /** Why there is no baseline, or what is odd about it (stale, other runner, skipped as corrupt). */
  baselineProblems: string[]
  /** When there is no baseline: whether none was saved, the store could not be read, or what it held was rejected. */
  baselineAbsence?: ReportBaselineAbsence
  /** Other things a reader should know (default thresholds in use, strict mode, ...). */
  notes: string[]
  /** Links for the reader: the run, the repository (for commit links). */
  links: { runUrl?: string; repositoryUrl?: string }
  metrics: MetricVerdict[]
  /** True when any gated metric failed: the one flag an agent or a later step needs. */
  hasRegressions?: boolean
  /** Strict mode: a warn or inconclusive verdict fails the gate (exit 1) as a regression does. */
  strict?: boolean
  /** Why the run fails (exit 2) whatever its verdict: fail-on-missing-baseline found no baseline, or a due save failed. */
  runFailure?: string
  /** Per scenario: the figures asked for first (median, p90/p95/p99, rps, success rate, memory growth). */
  scenarios?: ScenarioSummary[]
  /** How many rows carry each label: what the headline counts (ungated rows only in the folded section). */
  labelCounts?: Record<LabelKind, number>
  /** Every gated metric is held to absolute budgets only: no baseline was needed. */
  targetsOnly?: boolean
  /** confirm: on-regression could not run: why (the stored-baseline verdicts stand). */
  confirmationFailure?: string
  /** The baseline this run saved; first when there was none to compare against. */
  /** `local`: saved by a run in a terminal (the CLI), whose next run compares with it (not a pull request). */
  saved?: { id: string; sha?: string; first: boolean; local?: boolean }
  /** Per-scenario, per-metric history values (oldest first) for trend charts. */
  trends?: Array<{
    scenario: string
    metric: string
    unit: string
    /**
     * Each run's level (`runLevel`), this run's too, so that every point is the same statistic; `baseline` marks the
     * one stored run this run was compared with, when it was one run.
     */
    points: Array<{ label: string; value: number; role?: 'baseline' | 'current' }>
    /**
     * What this run was compared with ("abc1234", "median of 5 stored runs") and its value on the chart's statistic:
     * the marked run's level, or the median of the stored runs' levels.
     */
    comparedWith?: { value: number; what: string }
    /** Steps in the stored runs (E-Divisive, p ≤ 0.001, at least the threshold): where each starts, its size and p. */
    changePoints?: Array<{ index: number; change: number; pValue: number }>
  }>
  /** Load scenarios: the latency percentile curve of each side, from the trials' HdrHistograms (the HTML report draws it). */
  distributions?: LatencyDistribution[]
}
