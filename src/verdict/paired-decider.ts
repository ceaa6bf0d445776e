/**
 * The sequential rule for same-runner A/B pairs. At each planned look, every undecided metric is judged on the
 * pairs so far with a paired t interval on log-ratios, its error budget split across metrics and looks:
 * fail when the estimate reaches the threshold and the interval is beyond the noise floor (and most pairs agree:
 * the median pair is beyond the floor too, so one disturbed pair cannot carry a failure); pass when the interval at
 * the pass error split across the looks rules the threshold out (at the first look, with all pairs but one within
 * it); otherwise measure more pairs, and at the last look report inconclusive.
 * The noise guard stops early when even the planned maximum of pairs could not rule the threshold out at the spread
 * seen so far: the runner is too noisy for the threshold asked, and more pairs would only spend the budget.
 */
import { median } from 'simple-statistics'
import type { Direction } from '../results/model.js'
import { DEFAULT_DECISION_OPTIONS, formatConfidence, judgeLogEstimate, type DecisionOptions } from './relative-change.js'
import { alphaPerTest } from '../stats/error-budget.js'
import { worseLimitLog, worseLog } from '../stats/decision-rule.js'
import { boundsAt, trimmedPairedLogEstimate } from '../stats/log-ratio-intervals.js'
import { studentTQuantile } from '../stats/t-distribution.js'
import type { ChangeEstimate } from './types.js'

/** A metric to confirm: its threshold as a "worse by" fraction, and as the user wrote it. */
export interface ConfirmTarget {
  scenario: string
  metric: string
  direction: Direction
  worseFraction: number
  text: string
}

export type PairedOutcome = 'fail' | 'pass' | 'improved' | 'continue' | 'inconclusive'

export interface PairedDecision {
  outcome: PairedOutcome
  change: ChangeEstimate
  reason: string
}

/** Judges one metric on the pairs so far (`logRatios[i] = ln(head_i / base_i)`) at look `look` of `looks`. */
export type PairedDecider = (
  logRatios: number[],
  target: ConfirmTarget,
  look: { index: number; count: number; metricsGated: number; plannedPairs: number }
) => PairedDecision

/** The decision options of stored comparisons; `alpha` is the whole budget of one confirmation (split across its metrics and looks). */
export type PairedRuleOptions = Omit<DecisionOptions, 'sameMachine'>

export function createPairedDecider(rule: PairedRuleOptions = DEFAULT_DECISION_OPTIONS): PairedDecider {
  return (logRatios, target, look) => {
    // The pass error, like the failure's, is split across the looks: the whole sequence passes a change at the
    // threshold at most `passAlpha` of the time.
    const splitPassAlpha = rule.passAlpha / Math.max(1, look.count)
    const options = {
      alpha: alphaPerTest(rule.alpha, look.metricsGated, look.count),
      passAlpha: rule.passAlpha,
      noiseFloor: rule.noiseFloor,
      sameMachine: true
    }
    const estimate = trimmedPairedLogEstimate(logRatios)
    if (!estimate) {
      return {
        outcome: 'continue',
        change: { ratio: Math.exp(logRatios[0] ?? 0), method: 'paired', sampleSize: logRatios.length },
        reason: 'Fewer than 2 pairs measured.'
      }
    }
    const limit = { worseFraction: target.worseFraction, text: target.text }
    const judged = judgeLogEstimate(estimate, 'paired', limit, target.direction, options)
    const last = look.index >= look.count - 1
    const decision = (outcome: PairedDecision['outcome'], reason = judged.reason): PairedDecision => ({ outcome, change: judged.change, reason })

    if (judged.outcome === 'regressed') {
      const floorLog = Math.log1p(rule.noiseFloor)
      const typicalPair = worseLog(median(logRatios), target.direction)
      if (typicalPair > floorLog) {
        if (look.index > 0 || last) return decision('fail')
        // At the first look a failure stands at once only when all pairs but one are worse beyond the noise floor,
        // so that no two disturbed pairs can carry it (a clear failure stops as early as a clear pass); otherwise the
        // next look's pairs confirm it.
        const agreeing = logRatios.filter((ratio) => worseLog(ratio, target.direction) > floorLog).length
        return decision(agreeing >= logRatios.length - 1 ? 'fail' : 'continue')
      }
      const why = `${judged.reason} But the median pair is not beyond the ${(rule.noiseFloor * 100).toFixed(0)}% noise floor: a few disturbed pairs carry the estimate.`
      return decision(last ? 'inconclusive' : 'continue', why)
    }
    if (judged.outcome === 'within') {
      // A pass needs the interval to rule the threshold out at the pass error split across the looks (Bonferroni,
      // as the failure's): judged at 5% on each of five looks, a change at the threshold passed 14% of the time and a
      // real +20% on a noisy runner 1-3% (bench:verdicts, "+20% passed"), most of them at the first look, where ten
      // pairs' spread can be small by chance. So at the first look, as for a failure, all pairs but one must agree.
      const bounds = boundsAt(estimate, splitPassAlpha)
      const limitLog = worseLimitLog(target.worseFraction, target.direction)
      const worstCase = target.direction === 'lower' ? bounds.high : -bounds.low
      const agreeing = logRatios.filter((ratio) => worseLog(ratio, target.direction) < limitLog).length
      if (worstCase < limitLog && (look.index > 0 || last || agreeing >= logRatios.length - 1)) return decision('pass')
      const probably = judgeLogEstimate(estimate, 'paired', limit, target.direction, options, true).reason
      const why =
        worstCase < limitLog
          ? `${logRatios.length - agreeing} of ${logRatios.length} pairs are beyond ${limit.text}: the next look decides.`
          : `A pass needs ${formatConfidence(1 - splitPassAlpha)} certainty at each of ${look.count} looks.`
      return decision('continue', `${probably} ${why}`)
    }
    if (judged.outcome === 'improved') return decision('improved')
    // The first look has too few pairs to judge the runner's noise; from the second on, stop when hopeless.
    if (last) return decision('inconclusive')
    if (look.index === 0) return decision('continue')
    // Projected: the same spread over the planned maximum of pairs (standard error shrinks with √n), judged at the
    // unsplit pass error: stopping early is for the hopeless only (at the split error it stopped half the unchanged
    // decisions on a very noisy runner that the later looks would have passed).
    const planned = Math.max(look.plannedPairs, estimate.sampleSize)
    const plannedError = estimate.standardError * Math.sqrt(estimate.sampleSize / planned)
    const plannedHalfWidth = studentTQuantile(1 - options.passAlpha, Math.max(1, estimate.degreesOfFreedom * (planned / estimate.sampleSize))) * plannedError
    const limitLog = worseLimitLog(target.worseFraction, target.direction)
    const worse = worseLog(estimate.estimate, target.direction)
    // Hopeless only when it cannot pass and does not look like a failure in the making either.
    if (plannedHalfWidth >= limitLog && worse < limitLog) {
      return decision(
        'inconclusive',
        `${judged.reason} The runner is too noisy for ${limit.text}: at ±${(estimate.noise * 100).toFixed(1)}% per pair, even ${planned} pairs could not rule it out, so measuring stopped early.`
      )
    }
    return decision('continue')
  }
}
