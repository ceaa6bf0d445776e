/**
 * The latency distribution behind each load scenario's percentiles, for the HTML report: every trial's HdrHistogram
 * of one side added into one (the exact way to combine them), read at percentiles spaced for a log "1 / (1 − q)"
 * axis as HdrHistogram's own plotter draws them, so that the tail gets as much room as the median.
 */
import type { Results, Scenario } from '../results/model.js'
import { mergeEncodedHistograms } from '../results/histogram.js'

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
}

/** Where the curve is read: dense towards the tail, up to 99.999 (the maximum is a single request). */
export const CURVE_PERCENTILES = [0, 10, 25, 50, 75, 80, 90, 95, 97.5, 99, 99.5, 99.75, 99.9, 99.95, 99.99, 99.999]

/** Distributions of at most this many scenarios go into a report (those with gated rows first, in report order). */
export const MAX_DISTRIBUTION_SCENARIOS = 40

/** The distribution every side holds for the scenarios named (current first; a side without histograms is left out). */
export function latencyDistributions(scenarios: string[], current: Results, baseline: Results | undefined): LatencyDistribution[] {
  const currentByName = new Map(current.scenarios.map((s) => [s.name, s]))
  const baselineByName = new Map((baseline?.scenarios ?? []).map((s) => [s.name, s]))
  const distributions: LatencyDistribution[] = []
  for (const name of scenarios) {
    if (distributions.length >= MAX_DISTRIBUTION_SCENARIOS) break
    const now = curveOf(currentByName.get(name))
    const before = curveOf(baselineByName.get(name))
    if (!now && !before) continue
    const unit = (now ?? before)!.unit
    distributions.push({
      scenario: name,
      unit,
      ...(before && before.unit === unit ? { baseline: before.points } : {}),
      ...(now ? { current: now.points } : {})
    })
  }
  return distributions
}

function curveOf(scenario: Scenario | undefined): { unit: string; points: PercentilePoint[] } | undefined {
  if (!scenario) return undefined
  const encoded = scenario.trials.flatMap((trial, index) => {
    const latency = trial.distributions?.latency
    return latency?.hdrHistogram ? [{ base64: latency.hdrHistogram, where: `${scenario.name} trial ${index + 1}`, unit: latency.unit }] : []
  })
  if (encoded.length === 0 || encoded.some((e) => e.unit !== encoded[0]!.unit)) return undefined
  const merged = mergeEncodedHistograms(encoded)
  try {
    if (merged.totalCount === 0) return undefined
    return { unit: encoded[0]!.unit, points: CURVE_PERCENTILES.map((percentile) => ({ percentile, value: merged.getValueAtPercentile(percentile) })) }
  } finally {
    merged.destroy()
  }
}
