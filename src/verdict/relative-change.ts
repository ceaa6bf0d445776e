/**
 * A relative threshold ("+20%") judged on stored baselines: the change is estimated on log-ratios of per-trial
 * values, with the strongest evidence the data allows, and the decision rule of src/stats decides.
 *
 * Evidence, strongest first:
 * - history: three or more stored runs give the run-to-run spread of the default branch, so a change has to stand
 *   out from the noise main itself shows (a prediction-style interval, one current run against one stored run);
 *   This wins on the same machine too: a laptop or runner measured minutes apart differs by more than its trials
 *   within one run show (background load, thermal state), and history is what knows how much;
 * - trials: two or more trials per side give a Welch interval, which only knows the noise *within* a run. It is
 *   trusted to fail only when both runs come from the same machine (a developer's first baselines); across CI
 *   runners it can still pass or show an improvement, but a suspected regression stays inconclusive;
 * - point: one value per side. The same machine may still compare the two numbers; across runners a number that
 *   is well within the threshold passes (the usual pre-screen: at most half the threshold) and anything else is
 *   inconclusive, because a single stored value is never enough to fail on its own.
 * Inconclusive is what same-runner confirmation (src/confirm) exists to settle.
 */
import { median } from 'simple-statistics'
import type { Direction } from '../results/model.js'
import { DEFAULT_ALPHA, DEFAULT_NOISE_FLOOR, DEFAULT_PASS_ALPHA } from '../stats/error-budget.js'
import {
  badnessOf,
  decide,
  describeRatio,
  describeRatioInterval,
  tooNoisyFor,
  worseLimitLog,
  worseLog,
  type Decision
} from '../stats/decision-rule.js'
import { MIN_HISTORY_RUNS, boundsAt, historyLogEstimate, runLog, welchLogEstimate, type LogEstimate } from '../stats/log-ratio-intervals.js'
import type { ChangeEstimate } from './types.js'

/** Everything known about one metric on both sides. Values are per trial, in trial order. */
export interface RelativeEvidence {
  baseline: number[]
  current: number[]
  /** Per-trial values of stored baselines (newest first, the chosen baseline included), for run-to-run noise. */
  history: number[][]
  direction: Direction
}

/** Options of the decision rule. */
export interface DecisionOptions {
  /** Changes below this fraction are never called regressions or improvements (default 0.03). */
  noiseFloor: number
  /** One-sided error budget of a failure for this one comparison (already split across metrics and looks). */
  alpha: number
  /** One-sided error of a pass ("the interval rules the threshold out"), default 5%. */
  passAlpha: number
  /** Both sides were measured on the same machine, so within-run noise is the whole noise. */
  sameMachine: boolean
}

export const DEFAULT_DECISION_OPTIONS: DecisionOptions = {
  noiseFloor: DEFAULT_NOISE_FLOOR,
  alpha: DEFAULT_ALPHA,
  passAlpha: DEFAULT_PASS_ALPHA,
  sameMachine: false
}

export type RelativeOutcome = 'regressed' | 'within' | 'inconclusive' | 'improved'

/** What a relative threshold is: its "worse by" fraction and the text the user wrote. */
export interface RelativeLimit {
  worseFraction: number
  text: string
}

export interface Judgement {
  outcome: RelativeOutcome
  /** A sentence in the metric's own terms ("12.0% higher", "30.0% lower"). */
  reason: string
  change: ChangeEstimate
}

/** An estimate with the kind of evidence it came from. */
export interface BestEstimate {
  estimate: LogEstimate
  method: 'history' | 'trials'
}

/**
 * The strongest estimate the evidence allows: history of stored runs, else trials, else none (one value per side).
 * Computed once per metric; the displayed change and every threshold level are judged on it.
 */
export function bestEstimate(evidence: RelativeEvidence): BestEstimate | undefined {
  const history = evidence.history.filter((values) => values.length > 0 && values.every((v) => v > 0))
  const fromHistory = historyLogEstimate(runLog(evidence.current), runLog(evidence.baseline), history.map(runLog))
  if (fromHistory) return { estimate: fromHistory, method: 'history' }
  const fromTrials = welchLogEstimate(evidence.baseline.map(Math.log), evidence.current.map(Math.log))
  return fromTrials ? { estimate: fromTrials, method: 'trials' } : undefined
}

/** The change from baseline to current with an interval from the strongest evidence available (for display). */
export function estimateChange(evidence: RelativeEvidence, best: BestEstimate | undefined, options: DecisionOptions): ChangeEstimate {
  return best ? withLevels(changeEstimateOf(best.estimate, boundsOf(best.estimate, options), best.method, evidence.direction, options), evidence) : pointChange(evidence)
}

function pointChange(evidence: RelativeEvidence): ChangeEstimate {
  const levels = { baseline: median(evidence.baseline), current: median(evidence.current) }
  return { ratio: levels.current / levels.baseline, method: 'point', sampleSize: Math.min(evidence.baseline.length, evidence.current.length), levels }
}

/**
 * The arms' representative values as the estimator saw them, so that Baseline / Current / Change agree: the
 * geometric means of trials (the Welch estimate is their log difference), the medians of the two runs for history
 * (runLog). The current level is baseline × ratio, so the identity holds to float rounding.
 */
function withLevels(change: ChangeEstimate, evidence: RelativeEvidence): ChangeEstimate {
  const baseline = change.method === 'trials' ? Math.exp(mean(evidence.baseline.map(Math.log))) : median(evidence.baseline)
  return { ...change, levels: { baseline, current: baseline * change.ratio } }
}

function mean(values: number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length
}

type Bounds = { strict: { low: number; high: number }; pass: { low: number; high: number } }

/** The interval at the failure confidence (strict) and at the pass confidence. */
function boundsOf(estimate: LogEstimate, options: DecisionOptions): Bounds {
  return { strict: boundsAt(estimate, options.alpha), pass: boundsAt(estimate, options.passAlpha) }
}

/** A log estimate as the verdict's change: the ratio, its two-sided interval at the pass confidence, the strict bound. */
function changeEstimateOf(estimate: LogEstimate, bounds: Bounds, method: ChangeEstimate['method'], direction: Direction, options: DecisionOptions): ChangeEstimate {
  return {
    ratio: Math.exp(estimate.estimate),
    interval: { low: Math.exp(bounds.pass.low), high: Math.exp(bounds.pass.high), confidence: 1 - 2 * options.passAlpha },
    strictBound: { ratio: Math.exp(direction === 'lower' ? bounds.strict.low : bounds.strict.high), confidence: 1 - options.alpha },
    method,
    noise: estimate.noise,
    sampleSize: estimate.sampleSize
  }
}

/** Judges the evidence of stored baselines against "worse by at most `limit.worseFraction`". */
export function judgeRelativeChange(evidence: RelativeEvidence, best: BestEstimate | undefined, limit: RelativeLimit, options: DecisionOptions): Judgement {
  if (!best) return judgeSingleValues(pointChange(evidence), limit, evidence.direction, options)
  const judged = judgeLogEstimate(best.estimate, best.method, limit, evidence.direction, options)
  return { ...judged, change: withLevels(judged.change, evidence) }
}

/**
 * One value per side: the same machine may still compare the two numbers; across runners a number well within the
 * threshold (at most half of it, the usual pre-screen) passes and anything else is inconclusive.
 */
function judgeSingleValues(change: ChangeEstimate, limit: RelativeLimit, direction: Direction, options: DecisionOptions): Judgement {
  const limitLog = worseLimitLog(limit.worseFraction, direction)
  const badness = worseLog(Math.log(change.ratio), direction)
  const words = capitalize(describeRatio(change.ratio))
  const single = 'one value per side, so no interval; measure several trials for one'
  if (options.sameMachine) {
    const decision = decide({ estimate: badness, low: badness, high: badness }, limitLog, Math.log1p(options.noiseFloor))
    return { outcome: outcomeOf(decision), reason: `${words}: ${verdictWords(decision, limit.text)} (${single}).`, change }
  }
  if (badness <= limitLog / 2) return { outcome: 'within', reason: `${words}, well within ${limit.text} (${single}).`, change }
  return {
    outcome: 'inconclusive',
    reason: `${words}, but one stored value from another runner cannot tell that from runner-to-runner noise (${single}, or let same-runner confirmation decide).`,
    change
  }
}

/** The decision rule on one estimate (history, trials or same-runner pairs), with a reason a reviewer can act on. */
export function judgeLogEstimate(
  estimate: LogEstimate,
  method: Exclude<ChangeEstimate['method'], 'point'>,
  limit: RelativeLimit,
  direction: Direction,
  options: DecisionOptions
): Judgement {
  const bounds = boundsOf(estimate, options)
  const change = changeEstimateOf(estimate, bounds, method, direction, options)
  const limitLog = worseLimitLog(limit.worseFraction, direction)
  const floorLog = Math.log1p(options.noiseFloor)
  const badness = badnessOf(estimate.estimate, bounds, direction)
  const words = capitalize(describeRatio(change.ratio))
  const interval = `${formatConfidence(change.interval!.confidence)} interval ${describeRatioInterval(change.interval!.low, change.interval!.high)}`
  const evidence = evidenceWords(change)
  const decision = decide(badness, limitLog, floorLog)
  // Within-run trials know nothing of the spread between runners: they may rule a regression out, never in.
  if (decision === 'regressed' && method === 'trials' && !options.sameMachine) {
    return {
      outcome: 'inconclusive',
      reason: `${words}, beyond ${limit.text} (${interval}), but the stored baseline ran on another runner and its trials only show the noise within one run; same-runner confirmation or ${MIN_HISTORY_RUNS}+ stored baselines can decide.`,
      change
    }
  }
  if (decision === 'undecided' && tooNoisyFor(badness, limitLog)) {
    return {
      outcome: 'inconclusive',
      reason: `${words} (${interval}): too noisy to judge ${limit.text} (${evidence}: ±${(change.noise! * 100).toFixed(1)}% per ${unitOfNoise(change)}), so even no change could not be shown to stay within it. Use same-runner confirmation, more trials, or a larger threshold.`,
      change
    }
  }
  const strict = change.strictBound!
  const certainty =
    decision === 'regressed'
      ? `; ${formatConfidence(strict.confidence)} sure it is beyond ${describeRatio(strict.ratio)}`
      : decision === 'undecided' && badness.estimate >= limitLog
        ? `; not yet ${formatConfidence(strict.confidence)} sure it is beyond the ${(options.noiseFloor * 100).toFixed(0)}% noise floor`
        : ''
  return { outcome: outcomeOf(decision), reason: `${words}: ${verdictWords(decision, limit.text)} (${interval}, ${evidence}${certainty}).`, change }
}

function outcomeOf(decision: Decision): RelativeOutcome {
  return decision === 'undecided' ? 'inconclusive' : decision
}

function verdictWords(decision: Decision, limitText: string): string {
  switch (decision) {
    case 'regressed':
      return `reaches ${limitText}, and the change is beyond noise`
    case 'improved':
      return 'better, beyond noise'
    case 'within':
      return `within ${limitText}`
    case 'undecided':
      return `cannot tell yet whether it reaches ${limitText}`
  }
}

function evidenceWords(estimate: ChangeEstimate): string {
  const n = estimate.sampleSize ?? 0
  switch (estimate.method) {
    case 'history':
      return `run-to-run noise from ${n} stored runs`
    case 'trials':
      return `${n} trials per side`
    case 'paired':
      return `${n} same-runner pairs`
    case 'point':
      return 'one value per side'
  }
}

function unitOfNoise(estimate: ChangeEstimate): string {
  return estimate.method === 'history' ? 'run' : estimate.method === 'paired' ? 'pair' : 'trial'
}

/** 0.9933 → "99.3%", 0.98 → "98%". */
function formatConfidence(confidence: number): string {
  return `${Number.parseFloat((confidence * 100).toFixed(1))}%`
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
