/**
 * Estimating a relative change between baseline and current trials, and judging it against a "worse by T" threshold.
 * First version: medians compared as a point estimate. The statistics issue replaces the internals with intervals
 * on log-ratios of per-trial statistics; the exported shapes stay.
 */
import { median } from 'simple-statistics'
import type { Direction } from '../results/model.js'
import type { ChangeEstimate } from './types.js'

/** Everything known about one metric on both sides. Values are per trial, in trial order. */
export interface RelativeEvidence {
  baseline: number[]
  current: number[]
  /** Per-trial values of older stored baselines (newest first), for run-to-run noise. May be empty. */
  history: number[][]
  direction: Direction
}

/** Options of the decision rule. */
export interface DecisionOptions {
  /** Changes below this fraction are never called regressions or improvements (default 0.03). */
  noiseFloor: number
  /** One-sided error budget for this metric (already split across metrics and looks by the caller). */
  alpha: number
}

export const DEFAULT_DECISION_OPTIONS: DecisionOptions = { noiseFloor: 0.03, alpha: 0.01 }

export type RelativeOutcome = 'regressed' | 'within' | 'inconclusive' | 'improved'

/** Estimates current/baseline. */
export function estimateChange(evidence: RelativeEvidence, _options: DecisionOptions = DEFAULT_DECISION_OPTIONS): ChangeEstimate {
  const base = median(evidence.baseline)
  const current = median(evidence.current)
  return { ratio: current / base, method: 'point', sampleSize: Math.min(evidence.baseline.length, evidence.current.length) }
}

/** Fraction by which the metric got worse (negative when it got better). */
export function worseFractionOf(ratio: number, direction: Direction): number {
  return direction === 'lower' ? ratio - 1 : 1 / ratio - 1
}

/** Judges an estimate against "worse by at most `worseFraction`". */
export function judgeRelativeChange(
  estimate: ChangeEstimate,
  worseFraction: number,
  direction: Direction,
  options: DecisionOptions = DEFAULT_DECISION_OPTIONS
): { outcome: RelativeOutcome; reason: string } {
  const worse = worseFractionOf(estimate.ratio, direction)
  const percent = (fraction: number): string => `${(fraction * 100).toFixed(1)}%`
  if (worse >= worseFraction) {
    return { outcome: 'regressed', reason: `${percent(worse)} worse, at or beyond the ${percent(worseFraction)} threshold` }
  }
  if (-worse >= Math.max(worseFraction, options.noiseFloor)) {
    return { outcome: 'improved', reason: `${percent(-worse)} better` }
  }
  return { outcome: 'within', reason: `${worse >= 0 ? `${percent(worse)} worse` : `${percent(-worse)} better`}, within the ${percent(worseFraction)} threshold` }
}
