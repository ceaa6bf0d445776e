/**
 * The decision rule, the same for every kind of evidence (history, trials, same-runner pairs):
 * - regressed: the estimated change reaches the threshold AND the interval excludes changes below the noise floor;
 * - improved: the whole (strict) interval lies beyond the noise floor in the good direction;
 * - within: the interval rules out reaching the threshold;
 * - undecided: otherwise (reported as inconclusive, never as a failure).
 * Requiring both the size and the certainty is what criterion, Perfherder and Pinpoint agree on: significance
 * alone fails on a real 1% change, size alone fails on noise.
 */
import type { Direction } from '../results/model.js'
import { formatPercentChange } from '../results/units.js'
import type { LogEstimate } from './log-ratio-intervals.js'
import { studentTCdf } from './t-distribution.js'

export type Decision = 'regressed' | 'improved' | 'within' | 'undecided'

/**
 * The evidence turned so that positive means worse, whatever the metric's direction: the estimate, the strict lower
 * bound (at the failure confidence) and the upper bound (at the pass confidence), all log-ratios.
 */
export interface Badness {
  estimate: number
  low: number
  high: number
  /** The strict bound on the better side: an improvement needs it beyond the noise floor (defaults to `high`). */
  strictHigh?: number
}

/** A log-ratio turned so that positive means worse. */
export function worseLog(logRatio: number, direction: Direction): number {
  return direction === 'lower' ? logRatio : -logRatio
}

/** Orients a log estimate and its bounds (strict: at the failure confidence; pass: at the pass confidence). */
export function badnessOf(
  estimate: number,
  bounds: { strict: { low: number; high: number }; pass: { low: number; high: number } },
  direction: Direction
): Badness {
  return direction === 'lower'
    ? { estimate, low: bounds.strict.low, high: bounds.pass.high, strictHigh: bounds.strict.high }
    : { estimate: -estimate, low: -bounds.strict.high, high: -bounds.pass.low, strictHigh: -bounds.strict.low }
}

/**
 * A "worse by" fraction as a log-ratio of badness: +20% on a latency is ln 1.2; −20% on a throughput (it dropped by
 * a fifth) is −ln 0.8. A drop of 100% or more can never happen, so it can never be reached.
 */
export function worseLimitLog(worseFraction: number, direction: Direction): number {
  if (direction === 'lower') return Math.log1p(worseFraction)
  return worseFraction >= 1 ? Number.POSITIVE_INFINITY : -Math.log1p(-worseFraction)
}

/**
 * One-sided p-value of "no worse than the noise floor" on one estimate: small when the change is surely worse than the
 * floor. The family's error budget is split on these (Hochberg).
 */
export function pWorseThanFloor(estimate: LogEstimate, direction: Direction, floorLog: number): number {
  const beyond = worseLog(estimate.estimate, direction) - floorLog
  if (estimate.standardError === 0) return beyond > 0 ? 0 : 1
  return 1 - studentTCdf(beyond / estimate.standardError, estimate.degreesOfFreedom)
}

export function decide(badness: Badness, limitLog: number, floorLog: number): Decision {
  if (badness.estimate >= limitLog && badness.low > floorLog) return 'regressed'
  if ((badness.strictHigh ?? badness.high) < -floorLog) return 'improved'
  if (badness.high < limitLog) return 'within'
  return 'undecided'
}

/**
 * The noise guard: when the interval is so wide that even no change at all could not be shown to stay within the
 * threshold, the evidence cannot answer the question asked, and the verdict should say so rather than guess.
 */
export function tooNoisyFor(badness: Badness, limitLog: number): boolean {
  return badness.high - badness.estimate >= limitLog
}

/** "12.3% higher", "4.0% lower", "unchanged": a ratio in the metric's own terms. */
export function describeRatio(ratio: number): string {
  const magnitude = formatPercentChange(ratio).replace(/^[-+]/, '')
  if (magnitude === '0.0%') return 'unchanged'
  return `${magnitude} ${ratio > 1 ? 'higher' : 'lower'}`
}

/** "−3.1% … +7.9%": an interval of ratios as signed changes of the number. */
export function describeRatioInterval(low: number, high: number): string {
  return `${formatPercentChange(low, '−')} … ${formatPercentChange(high, '−')}`
}
