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

/** One side of a comparison, as the deciding evidence saw it: its values and the value shown for it. */
export interface ArmSummary {
  /**
   * The representative value: the level the deciding estimate used (`change.levels`), so that
   * current.value / baseline.value === change.ratio; the median of the values when nothing was estimated.
   */
  value: number
  /** Per-trial values in trial order (for A/B: the per-pair values of this arm, in pair order). */
  values: number[]
  /** How many of `values` the deciding estimate used, when fewer (a warm-up or outlying trial was set aside). */
  used?: number
}

/**
 * The evidence that decided a row:
 * - paired: same-runner A/B pairs; history: stored runs' spread; trials: trials of both sides;
 * - single: one value per side (never decides a relative threshold by itself); budget: an absolute target;
 * - none: nothing compared (no baseline, new, removed, not gated without a baseline).
 */
export type EvidenceMethod = 'paired' | 'history' | 'trials' | 'single' | 'budget' | 'none'

/**
 * What a row says, in the words the headline counts: the status refined by the interval (a pass is "unchanged"
 * only when its interval lies within the noise floor on both sides), or the budget it was held to.
 */
export type LabelKind =
  | 'regression'
  | 'target missed'
  | 'warning'
  | 'inconclusive'
  | 'not decided'
  | 'improved'
  | 'within threshold'
  | 'unchanged'
  | 'target met'
  | 'no baseline'
  | 'new'
  | 'removed'
  | 'not gated'

export interface RowLabel {
  kind: LabelKind
  /** The text in the Verdict cell: the kind, or the budget ("✓ < 300 ms", "✗ < 300 ms"). */
  text: string
}

/** Evidence that did not decide the row (e.g. the stored comparison when A/B decided): shown in the "why" only. */
export interface ContextEvidence {
  method: EvidenceMethod
  status: MetricStatus
  reason: string
  baseline?: ArmSummary
  current?: ArmSummary
  change?: ChangeEstimate
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
   * - trials: independent trials of each side (pooled t interval on log values);
   * - history: current trials against the spread of stored baselines;
   * - paired: same-runner A/B pairs (paired interval on log-ratios).
   */
  method: 'point' | 'trials' | 'history' | 'paired'
  /** Observed run-to-run noise as a log standard deviation (≈ relative sd), if measured. */
  noise?: number
  /** Number of pairs or trials behind the estimate. */
  sampleSize?: number
  /** Values of each side the estimate used, when a warm-up or outlying trial was set aside. */
  used?: { baseline: number; current: number }
  /**
   * The two arms' representative values as the estimator saw them, in the metric's unit (e.g. geometric means of
   * trials, the median of stored runs): `levels.current / levels.baseline === ratio` up to float rounding.
   */
  levels?: { baseline: number; current: number }
  /** History: each stored run's level (newest first, in the metric's unit), the baseline side the estimate compared with. */
  storedLevels?: number[]
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
  /** The threshold texts that applied, by level; absoluteOnly when every level is an absolute budget. */
  threshold?: { warn: string[]; fail: string[]; absoluteOnly?: boolean }
  /** One sentence from the deciding evidence a reviewer can act on: why this status. */
  reason: string
  /** The evidence that decided this row; baseline, current and change above are that evidence's. */
  decidedBy?: EvidenceMethod
  /** The Verdict cell and what the headline counts. */
  label?: RowLabel
  /** Evidence that did not decide (the stored comparison when A/B decided), for the "why" details only. */
  context?: ContextEvidence
}

export interface GateVerdict {
  status: GateStatus
  metrics: MetricVerdict[]
  counts: Record<MetricStatus, number>
  /** Every gated metric is held to absolute budgets only: no baseline is needed to decide. */
  targetsOnly?: boolean
}

/** Most severe first: the gate's overall status is led by the worst metric. */
export const METRIC_STATUS_ORDER: readonly MetricStatus[] = ['fail', 'warn', 'inconclusive', 'no-baseline', 'removed', 'new', 'improved', 'pass', 'info']
