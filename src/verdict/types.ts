/**
 * Verdict types: one per scenario × metric, and one for the whole gate. Designed so that statistical estimates
 * (intervals, noise, A/B confirmation) fit without changing the shape.
 */
import type { Direction } from '../results/model.js'

/**
 * - fail: a threshold is crossed (with enough evidence); warn: a warn level is crossed;
 * - inconclusive: the data cannot tell whether the threshold is crossed (never a failure by itself);
 * - pass: within thresholds; improved: significantly better;
 * - new / removed: the metric exists on one side only; no-baseline: nothing to compare against;
 * - info: measured but not gated by any threshold.
 */
export type MetricStatus = 'fail' | 'warn' | 'inconclusive' | 'no-baseline' | 'new' | 'removed' | 'improved' | 'pass' | 'info'

/** The gate's overall verdict, as published in the `verdict` output. */
export type GateStatus = 'fail' | 'warn' | 'inconclusive' | 'no-baseline' | 'pass'

/** One side of a comparison: the per-trial values of a metric and the value shown for it. */
export interface ArmSummary {
  /** The representative value (median of the trials' values). */
  value: number
  /** Per-trial values, in trial order. */
  values: number[]
}

/** How the change from baseline to current was estimated. */
export interface ChangeEstimate {
  /** current / baseline; > 1 means the number went up (worse for lower-is-better metrics). */
  ratio: number
  /** Confidence interval of the ratio, when there is enough data for one (two-sided, 90% by default). */
  interval?: { low: number; high: number; confidence: number }
  /**
   * The bound on the worse side at the failure confidence (the error budget split across metrics and looks):
   * a failure needs it beyond the noise floor.
   */
  strictBound?: { ratio: number; confidence: number }
  /**
   * - point: medians compared without an interval (too few trials);
   * - trials: independent trials of each side (Welch interval on log values);
   * - history: current trials against the spread of stored baselines;
   * - paired: same-runner A/B pairs (paired interval on log-ratios).
   */
  method: 'point' | 'trials' | 'history' | 'paired'
  /** Observed run-to-run noise as a log standard deviation (≈ relative sd), if measured. */
  noise?: number
  /** Number of pairs or trials behind the estimate. */
  sampleSize?: number
  /**
   * The two arms' representative values as the estimator saw them, in the metric's unit (e.g. geometric means of
   * trials, the median of stored runs): `levels.current / levels.baseline === ratio` up to float rounding.
   */
  levels?: { baseline: number; current: number }
}

/** One scenario × metric. */
export interface MetricVerdict {
  scenario: string
  metric: string
  unit: string
  direction: Direction
  status: MetricStatus
  /** Whether a threshold applies (only gated metrics can fail or warn). */
  gated: boolean
  baseline?: ArmSummary
  current?: ArmSummary
  change?: ChangeEstimate
  /** The threshold texts that applied, by level. */
  threshold?: { warn: string[]; fail: string[] }
  /** A sentence a reviewer can act on: why this status. */
  reason: string
  /** Result of same-runner confirmation, when it ran for this metric. */
  confirmation?: { status: MetricStatus; change?: ChangeEstimate; reason: string; pairs: number }
}

export interface GateVerdict {
  status: GateStatus
  metrics: MetricVerdict[]
  counts: Record<MetricStatus, number>
}

/** Most severe first: the gate's overall status is led by the worst metric. */
export const METRIC_STATUS_ORDER: readonly MetricStatus[] = [
  'fail',
  'warn',
  'inconclusive',
  'no-baseline',
  'removed',
  'new',
  'improved',
  'pass',
  'info'
]
