/**
 * A relative threshold ("+20%") judged on stored baselines: the change is estimated on log-ratios of per-trial
 * values, with the strongest evidence the data allows, and the decision rule of src/stats decides.
 *
 * Evidence, strongest first:
 * - history: three or more stored runs give the run-to-run spread of the default branch, so a change has to stand
 *   out from the noise main itself shows: this run against the median of the stored runs, with a robust spread
 *   that is never narrower than the trials' own spread or a floor (src/stats/log-ratio-intervals.ts). This wins on
 *   the same machine too: a machine measured minutes apart differs by more than its trials within one run show;
 * - trials: two or more trials per side give a pooled t interval, which only knows the noise *within* a run. It is
 *   trusted to fail only when both runs come from the same machine; across CI runners it can still pass or show an
 *   improvement, but a suspected regression stays inconclusive;
 * - one value per side: no evidence of the noise at all, so a relative threshold is never decided on it (neither
 *   fail, pass nor improved): inconclusive, naming what gives evidence (`repeat`, stored history, A/B).
 * Trials that trend are cleaned first (src/stats/trial-trend.ts): a warm-up first trial is dropped; a side that
 * still drifts is inconclusive. Inconclusive is what same-runner confirmation (src/confirm) exists to settle.
 */
import { median } from 'simple-statistics'
import type { Direction } from '../results/model.js'
import { DEFAULT_ALPHA, DEFAULT_NOISE_FLOOR, DEFAULT_PASS_ALPHA } from '../stats/error-budget.js'
import { badnessOf, decide, describeRatio, describeRatioInterval, tooNoisyFor, worseLimitLog, worseLog, type Decision } from '../stats/decision-rule.js'
import {
  MIN_HISTORY_RUNS,
  boundsAt,
  historyLogEstimate,
  runLog,
  trialsLogEstimate,
  withinRunSpread,
  withoutOutlyingTrials,
  type LogEstimate
} from '../stats/log-ratio-intervals.js'
import { runLevel, trialTrend, withoutWarmUp } from '../stats/trial-trend.js'
import { betterBeyondFloor } from './labels.js'
import type { ChangeEstimate } from './types.js'
import { formatPercentChange } from '../results/units.js'

/** Everything known about one metric on both sides. Values are per trial, in trial order. */
export interface RelativeEvidence {
  baseline: number[]
  current: number[]
  /** Per-trial values of stored baselines (newest first, the chosen baseline included), for run-to-run noise. */
  history: number[][]
  direction: Direction
  /** What was measured: load trials are added by `trials`, suite runs by `repeat` (the advice names the right one). */
  kind?: 'benchmark' | 'load'
  /**
   * Both sides were measured on this very machine (local runs): the chosen baseline's trials are then the evidence,
   * however many runs are stored. Against history only this run's trials count, and 3 stored runs (Student's t of 2
   * degrees of freedom) left a +28% slowdown on 5 steady trials a side inconclusive where 1 or 2 stored runs failed it.
   */
  sameMachine?: boolean
}

/** The setting that gives a side more trials, as the reader would write it. */
function moreTrialsSetting(kind: RelativeEvidence['kind']): string {
  return kind === 'load' ? '`trials: 5`' : '`repeat: 5`'
}

/** Trials this run needs before stored history may fail it (its median must shrug off one slow trial). */
export const MIN_TRIALS_TO_FAIL_ON_HISTORY = 3

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
  /** A side whose trials drift even without their first: the estimate is shown, but nothing is decided on it. */
  drift?: Drift
  /** Trials of this run behind the estimate (after a warm-up trial was dropped). */
  currentTrials: number
  /** History: the level of each stored run compared with (newest first), the baseline side's evidence. */
  storedLevels?: number[]
}

/** Which side's trials drift, and whether that made the metric better or worse from trial to trial. */
export interface Drift {
  side: 'baseline' | 'current'
  getting: 'better' | 'worse'
  /** The drift over that side's run, as a log change. */
  span: number
}

/** Each side's trials without a warm-up first trial, and the sides that still drift. */
export function steadyTrials(evidence: RelativeEvidence): { baseline: number[]; current: number[]; drifts: Drift[] } {
  const drifts: Drift[] = []
  const steady = (side: Drift['side'], values: number[]): number[] => {
    const trend = trialTrend(values)
    if (trend.kind === 'drift') {
      drifts.push({ side, getting: (trend.direction === 'down') === (evidence.direction === 'lower') ? 'better' : 'worse', span: trend.span })
    }
    return withoutWarmUp(values, evidence.direction, trend)
  }
  return { baseline: steady('baseline', evidence.baseline), current: steady('current', evidence.current), drifts }
}

/**
 * The strongest estimate the evidence allows: history of stored runs, else trials, else none (one value per side);
 * on one machine (local runs) the trials first. Computed once per metric; the displayed change and every threshold
 * level are judged on it.
 */
export function bestEstimate(evidence: RelativeEvidence): BestEstimate | undefined {
  const { baseline, current, drifts } = steadyTrials(evidence)
  const fromTrials = (): BestEstimate | undefined => {
    const steadyLogs = withoutOutlyingTrials(baseline.map(Math.log), current.map(Math.log), evidence.direction === 'lower' ? 1 : -1)
    const estimate = trialsLogEstimate(steadyLogs.baseline, steadyLogs.current)
    return estimate ? { estimate, method: 'trials', currentTrials: current.length, ...(drifts[0] ? { drift: drifts[0] } : {}) } : undefined
  }
  const sameMachineTrials = evidence.sameMachine ? fromTrials() : undefined
  if (sameMachineTrials) return sameMachineTrials
  const history = evidence.history.filter((values) => values.length > 0 && values.every((v) => v > 0))
  // The trials' own spread, as it moves the median of this run's trials (π/2 · σ² / n for a median).
  const trialsFloor = withinRunSpread([current, ...history]) * Math.sqrt(Math.PI / (2 * current.length))
  const storedLevels = history.map((run) => runLevel(run, evidence.direction))
  const fromHistory = historyLogEstimate(runLog(current), storedLevels.map(Math.log), trialsFloor)
  if (fromHistory) {
    // Against history only this run's trials are evidence; the chosen baseline's trials are not used: the baseline
    // side is the stored runs, one level each.
    const drift = drifts.find((d) => d.side === 'current')
    const used = { baseline: storedLevels.length, current: current.length }
    return { estimate: { ...fromHistory, used }, method: 'history', currentTrials: current.length, storedLevels, ...(drift ? { drift } : {}) }
  }
  return evidence.sameMachine ? undefined : fromTrials()
}

/** The change from baseline to current with an interval from the strongest evidence available (for display). */
export function estimateChange(evidence: RelativeEvidence, best: BestEstimate | undefined, options: DecisionOptions): ChangeEstimate {
  if (!best) return pointChange(evidence)
  const change = changeEstimateOf(best.estimate, boundsOf(best.estimate, options), best.method, evidence.direction, options)
  return best.storedLevels ? { ...change, storedLevels: best.storedLevels } : change
}

function pointChange(evidence: RelativeEvidence): ChangeEstimate {
  const levels = { baseline: median(evidence.baseline), current: median(evidence.current) }
  return { ratio: levels.current / levels.baseline, method: 'point', sampleSize: Math.min(evidence.baseline.length, evidence.current.length), levels }
}

type Bounds = { strict: { low: number; high: number }; pass: { low: number; high: number } }

/** The interval at the failure confidence (strict) and at the pass confidence. */
function boundsOf(estimate: LogEstimate, options: DecisionOptions): Bounds {
  return { strict: boundsAt(estimate, options.alpha), pass: boundsAt(estimate, options.passAlpha) }
}

/** A log estimate as the verdict's change: the ratio, its two-sided interval at the pass confidence, the strict bound. */
function changeEstimateOf(
  estimate: LogEstimate,
  bounds: Bounds,
  method: ChangeEstimate['method'],
  direction: Direction,
  options: DecisionOptions
): ChangeEstimate {
  return {
    ratio: Math.exp(estimate.estimate),
    interval: { low: Math.exp(bounds.pass.low), high: Math.exp(bounds.pass.high), confidence: 1 - 2 * options.passAlpha },
    strictBound: { ratio: Math.exp(direction === 'lower' ? bounds.strict.low : bounds.strict.high), confidence: 1 - options.alpha },
    method,
    noise: estimate.noise,
    sampleSize: estimate.sampleSize,
    ...(estimate.used ? { used: estimate.used } : {}),
    ...(estimate.baselineLog === undefined ? {} : { levels: levelsOf(estimate.baselineLog, estimate.estimate) })
  }
}

/** The two arms' levels in the metric's unit, so that current / baseline is the estimate's ratio. */
export function levelsOf(baselineLog: number, estimate: number): { baseline: number; current: number } {
  const baseline = Math.exp(baselineLog)
  return { baseline, current: baseline * Math.exp(estimate) }
}

/** Judges the evidence of stored baselines against "worse by at most `limit.worseFraction`". */
export function judgeRelativeChange(evidence: RelativeEvidence, best: BestEstimate | undefined, limit: RelativeLimit, options: DecisionOptions): Judgement {
  if (!best) return judgeSingleValues(evidence, limit)
  const judged = judgeLogEstimate(best.estimate, best.method, limit, evidence.direction, options)
  // One or two trials of this run: one slow trial (a noisy neighbour hits one run in tens) looks just like a
  // regression, and the stored runs cannot tell them apart. The median of 3+ trials shrugs one off.
  if (judged.outcome === 'regressed' && best.method === 'history' && best.currentTrials < MIN_TRIALS_TO_FAIL_ON_HISTORY) {
    const words = `${formatPercentChange(judged.change.ratio)} on ${best.currentTrials} trial${best.currentTrials === 1 ? '' : 's'} of this run`
    return {
      outcome: 'inconclusive',
      reason: `${words}: one slow trial looks the same. ${moreTrialsSetting(evidence.kind)} or A/B can decide.`,
      change: judged.change
    }
  }
  // Most trials must agree: the medians too must differ by the threshold, so that one or two slow trials that
  // escaped the outlier rule cannot carry a failure on their own (as for same-runner pairs).
  if (judged.outcome === 'regressed' && best.method === 'trials') {
    const typical = worseLog(Math.log(median(evidence.current) / median(evidence.baseline)), evidence.direction)
    if (typical < worseLimitLog(limit.worseFraction, evidence.direction)) {
      const ratio = formatPercentChange(judged.change.ratio)
      return {
        outcome: 'inconclusive',
        reason: `${ratio} on average, but the median trial is within ${limit.text}: a few slow trials carry the change. More trials or A/B can decide.`,
        change: judged.change
      }
    }
  }
  if (!best.drift) return judged
  const { side, getting, span } = best.drift
  // Told in the metric's own terms (a stdev or a throughput does not get "faster"), with the signed change from the
  // first trial to the last: a fall to a third is −67%, not "+208%".
  const advice = getting === 'better' ? 'still improving' : 'getting worse from one to the next'
  const falling = (getting === 'better') === (evidence.direction === 'lower')
  const drift = falling ? formatPercentChange(Math.exp(-span), '−') : formatPercentChange(Math.exp(span))
  // Drifting trials are not independent evidence, so the interval alone cannot decide. The verdict stands only when
  // it holds wherever in the drift the true level lies: the estimate moved by the whole drift either way.
  const shifted = [-span, span].map((shift) =>
    judgeLogEstimate({ ...best.estimate, estimate: best.estimate.estimate + shift }, best.method, limit, evidence.direction, options)
  )
  if (judged.outcome !== 'inconclusive' && shifted.every((s) => s.outcome === judged.outcome)) {
    return {
      ...judged,
      reason: `${judged.reason} ${capitalize(side)} trials drift ${drift} over the run (${advice}); the verdict holds across it.`
    }
  }
  const fix = getting === 'better' ? 'lengthen warm-up' : 'check for a leak or throttling'
  // The size comes first: a reader who sees "+6800%" called inconclusive must see at once that the change was
  // measured, and that the trials' drift (not the code) is what could not be told apart from it.
  const size = `${capitalize(describeRatio(judged.change.ratio))} (${evidenceWords(judged.change)})`
  return {
    outcome: 'inconclusive',
    reason: `${size}, but the ${side} trials are ${advice} (${drift} over the run): ${fix}. Drifting trials are not independent evidence, and the verdict does not hold across the drift.`,
    change: judged.change
  }
}

/**
 * One value per side (or one trial against several): nothing shows how much the number moves by itself, so the
 * threshold is not judged at all: a naive "+12% > +10%" fails unchanged code a few times in a hundred. Against
 * several trials, the one trial is still one draw: a single slow trial (a noisy neighbour) looks the same.
 */
function judgeSingleValues(evidence: RelativeEvidence, limit: RelativeLimit): Judgement {
  const change = pointChange(evidence)
  const { baseline, current } = evidence
  const why =
    baseline.length === 1 && current.length === 1
      ? `one value per side: no measure of noise to judge ${limit.text}`
      : `${baseline.length} vs ${current.length} trials: the one trial ${baseline.length === 1 ? 'of the baseline' : 'of this run'} could be one slow trial, so ${limit.text} is not judged on it`
  const more = evidence.kind === 'load' ? '`trials`' : '`repeat`'
  return { outcome: 'inconclusive', reason: `${formatPercentChange(change.ratio)} on ${why}. Add ${more}, 3+ stored runs or A/B.`, change }
}

/** The decision rule on one estimate (history, trials or same-runner pairs), with a reason a reviewer can act on. */
export function judgeLogEstimate(
  estimate: LogEstimate,
  method: Exclude<ChangeEstimate['method'], 'point'>,
  limit: RelativeLimit,
  direction: Direction,
  options: DecisionOptions,
  /** A "within" that a later look must still confirm reads "probably within". */
  tentative = false
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
      reason: `${words}, beyond ${limit.text} (${interval}), but trials of one run miss the noise between runs (another runner, another load): A/B or ${MIN_HISTORY_RUNS}+ stored runs can decide.`,
      change
    }
  }
  // The whole shown interval past the threshold: "too noisy to judge" would contradict it; the next reason says what
  // is missing (the failure bar's certainty).
  const intervalPastLimit = Math.min(worseLog(Math.log(change.interval!.low), direction), worseLog(Math.log(change.interval!.high), direction)) >= limitLog
  if (decision === 'undecided' && tooNoisyFor(badness, limitLog) && !intervalPastLimit) {
    return {
      outcome: 'inconclusive',
      reason: `${words} (${interval}): too noisy to judge ${limit.text} at ±${(change.noise! * 100).toFixed(1)}% per ${unitOfNoise(change)} (${evidence}).${adviceForNoise(method)}`,
      change
    }
  }
  const strict = change.strictBound!
  if (decision === 'undecided' && badness.estimate >= limitLog) {
    // The estimate (and maybe the whole 90% interval) is past the threshold: "cannot tell whether it reaches" would
    // contradict the interval shown. What is missing is the failure bar's certainty.
    const floor = `${(options.noiseFloor * 100).toFixed(0)}% floor`
    return {
      outcome: 'inconclusive',
      reason: `${words}: beyond ${limit.text} on the estimate (${interval}, ${evidence}), but not ${formatConfidence(strict.confidence)} sure it is beyond the ${floor}, the bar for a failure.${method === 'history' ? ' A/B or more stored runs can decide.' : adviceForNoise(method)}`,
      change
    }
  }
  const certainty = decision === 'regressed' ? `; ${formatConfidence(strict.confidence)} sure it is beyond ${describeRatio(strict.ratio)}` : ''
  // A pass whose shown interval lies wholly beyond the floor on the better side is labelled "improved" (labels.ts);
  // "within +10%" beside that label would read as a contradiction.
  const said =
    decision === 'within' && betterBeyondFloor(change.interval!, direction, options.noiseFloor)
      ? verdictWords('improved', limit.text)
      : `${tentative && decision === 'within' ? 'probably ' : ''}${verdictWords(decision, limit.text)}`
  return {
    outcome: outcomeOf(decision),
    reason: `${words}: ${said} (${interval}, ${evidence}${certainty}).`,
    change
  }
}

/** What gives more evidence, by the evidence that was too noisy (no advice to use what was used). */
function adviceForNoise(method: Exclude<ChangeEstimate['method'], 'point'>): string {
  switch (method) {
    case 'paired':
      return ''
    case 'history':
      return ' A/B can decide.'
    case 'trials':
      return ' More trials or A/B can decide.'
  }
}

function outcomeOf(decision: Decision): RelativeOutcome {
  return decision === 'undecided' ? 'inconclusive' : decision
}

function verdictWords(decision: Decision, limitText: string): string {
  switch (decision) {
    case 'regressed':
      return `beyond ${limitText} and beyond noise`
    case 'improved':
      return 'better, beyond noise'
    case 'within':
      return `within ${limitText}`
    case 'undecided':
      return `cannot tell whether it reaches ${limitText}`
  }
}

function evidenceWords(estimate: ChangeEstimate): string {
  const n = estimate.sampleSize ?? 0
  switch (estimate.method) {
    case 'history':
      return `${n} stored runs`
    case 'trials':
      // Sides of different sizes are told apart: "1233 vs 1096 trials" (after any trial set aside).
      return estimate.used && estimate.used.baseline !== estimate.used.current
        ? `${estimate.used.baseline} vs ${estimate.used.current} trials`
        : `${n} trials per side`
    case 'paired':
      return `${n} same-runner pairs`
    case 'point':
      return 'one value per side'
  }
}

function unitOfNoise(estimate: ChangeEstimate): string {
  return estimate.method === 'history' ? 'run' : estimate.method === 'paired' ? 'pair' : 'trial'
}

/**
 * 0.9933 → "99.3%", 0.98 → "98%", 0.99996 → "99.996%": as many digits as it takes not to round a split confidence up
 * to a certainty nobody has ("not 100% sure").
 */
export function formatConfidence(confidence: number): string {
  for (let digits = 1; digits <= 4; digits++) {
    const percent = Number.parseFloat((confidence * 100).toFixed(digits))
    if (percent < 100 || confidence >= 1) return `${percent}%`
  }
  return '> 99.99%'
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
