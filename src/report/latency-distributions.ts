/**
 * The latency distribution behind each load scenario's percentiles, for the HTML report: every trial's HdrHistogram
 * of one side added into one (the exact way to combine them), read at percentiles spaced for a log "1 / (1 − q)"
 * axis as HdrHistogram's own plotter draws them, so that the tail gets as much room as the median. A first trial the
 * verdict set aside as a warm-up is left out of its side's curve, as it is out of the run's level.
 */
import type { Results, Scenario } from '../results/model.js'
import { mergeEncodedHistograms } from '../results/histogram.js'
import { withoutWarmUp } from '../stats/trial-trend.js'

export interface PercentilePoint {
  /** 0–100. */
  percentile: number
  value: number
}

export interface LatencyDistribution {
  scenario: string
  unit: string
  baseline?: PercentilePoint[]
  current?: PercentilePoint[]
  /** The sides whose first trial is left out of the curve: it was still warming up (and set aside by the verdict). */
  warmUpLeftOut?: Array<'baseline' | 'current'>
}

/** Where the curve is read: dense towards the tail, up to 99.999 (the maximum is a single request). */
export const CURVE_PERCENTILES = [0, 10, 25, 50, 75, 80, 90, 95, 97.5, 99, 99.5, 99.75, 99.9, 99.95, 99.99, 99.999]

/** Distributions of at most this many scenarios go into a report (those with gated rows first, in report order). */
export const MAX_DISTRIBUTION_SCENARIOS = 40

/**
 * The distribution every side holds for the scenarios named (current first; a side without histograms is left out).
 * `gatedMetrics`: the metrics gated in each scenario, whose trials tell whether the first one was a warm-up.
 */
export function latencyDistributions(
  scenarios: string[],
  current: Results,
  baseline: Results | undefined,
  gatedMetrics: ReadonlyMap<string, readonly string[]> = new Map()
): LatencyDistribution[] {
  const currentByName = new Map(current.scenarios.map((s) => [s.name, s]))
  const baselineByName = new Map((baseline?.scenarios ?? []).map((s) => [s.name, s]))
  const distributions: LatencyDistribution[] = []
  for (const name of scenarios) {
    if (distributions.length >= MAX_DISTRIBUTION_SCENARIOS) break
    const gated = gatedMetrics.get(name) ?? []
    const now = curveOf(currentByName.get(name), gated)
    const before = curveOf(baselineByName.get(name), gated)
    if (!now && !before) continue
    const unit = (now ?? before)!.unit
    const shownBefore = before && before.unit === unit ? before : undefined
    const leftOut = [...(shownBefore?.warmUpLeftOut ? ['baseline' as const] : []), ...(now?.warmUpLeftOut ? ['current' as const] : [])]
    distributions.push({
      scenario: name,
      unit,
      ...(shownBefore ? { baseline: shownBefore.points } : {}),
      ...(now ? { current: now.points } : {}),
      ...(leftOut.length > 0 ? { warmUpLeftOut: leftOut } : {})
    })
  }
  return distributions
}

/** Whether a gated metric of the scenario sets its first trial aside as a warm-up (as the run's level does). */
function firstTrialWarmingUp(scenario: Scenario, gated: readonly string[]): boolean {
  return gated.some((metric) => {
    const values = scenario.trials.map((trial) => trial.metrics[metric])
    if (values.some((value) => value === undefined)) return false
    return (
      withoutWarmUp(
        values.map((value) => value!.value),
        values[0]!.direction
      ).length < values.length
    )
  })
}

function curveOf(scenario: Scenario | undefined, gated: readonly string[]): { unit: string; points: PercentilePoint[]; warmUpLeftOut: boolean } | undefined {
  if (!scenario) return undefined
  const warmUpLeftOut = firstTrialWarmingUp(scenario, gated)
  const encoded = scenario.trials.flatMap((trial, index) => {
    const latency = trial.distributions?.latency
    if (warmUpLeftOut && index === 0) return []
    return latency?.hdrHistogram ? [{ base64: latency.hdrHistogram, where: `${scenario.name} trial ${index + 1}`, unit: latency.unit }] : []
  })
  if (encoded.length === 0 || encoded.some((e) => e.unit !== encoded[0]!.unit)) return undefined
  const merged = mergeEncodedHistograms(encoded)
  try {
    if (merged.totalCount === 0) return undefined
    return {
      unit: encoded[0]!.unit,
      points: CURVE_PERCENTILES.map((percentile) => ({ percentile, value: merged.getValueAtPercentile(percentile) })),
      warmUpLeftOut
    }
  } finally {
    merged.destroy()
  }
}
