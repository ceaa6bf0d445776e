/**
 * A first trial that the verdict will set aside as a warm-up (src/stats/trial-trend.ts: it stands apart from steady
 * others, on the worse side) leaves one trial fewer than asked for, and with the smoke profile's three that is two:
 * too few for stored history to fail on (one slow trial looks the same). The load runner and the repeats of a suite
 * then make one more trial, so that the trials compared are as many as configured. Looked at on the metrics that are
 * judged (`watched`): a cold first run of an ungated max is no reason to run again.
 */
import { median } from 'simple-statistics'
import type { Trial } from '../results/model.js'
import { trialTrend } from '../stats/trial-trend.js'

/** "p50 23% above the others": the first watched metric whose first trial is a warm-up; undefined when none is. */
export function warmUpFirstTrial(trials: Trial[], watched: (metric: string) => boolean): string | undefined {
  if (trials.length < 3) return undefined
  for (const metric of Object.keys(trials[0]!.metrics).filter(watched)) {
    const values = trials.map((trial) => trial.metrics[metric])
    if (values.some((value) => value === undefined)) continue
    const trend = trialTrend(values.map((value) => value!.value))
    if (trend.kind !== 'warm-up') continue
    const worse = values[0]!.direction === 'lower' ? 'up' : 'down'
    if (trend.direction !== worse) continue
    const apart = Math.abs(values[0]!.value / median(values.slice(1).map((value) => value!.value)) - 1)
    return `${metric} ${(apart * 100).toFixed(0)}% ${worse === 'up' ? 'above' : 'below'} the others`
  }
  return undefined
}
