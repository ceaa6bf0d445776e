/** Builds results documents for tests: scenarios with trials of given metric values. */
import type { Results } from '../../src/results/model.js'

export type MetricSpec = Record<string, { values: number[]; unit: string; direction?: 'lower' | 'higher' }>

export function resultsWith(scenarios: Record<string, MetricSpec>): Results {
  return {
    schemaVersion: 1,
    scenarios: Object.entries(scenarios).map(([name, metrics]) => {
      const trialCount = Math.max(...Object.values(metrics).map((m) => m.values.length))
      return {
        name,
        trials: Array.from({ length: trialCount }, (_, trial) => ({
          metrics: Object.fromEntries(
            Object.entries(metrics)
              .filter(([, m]) => m.values[trial] !== undefined)
              .map(([metric, m]) => [metric, { value: m.values[trial]!, unit: m.unit, direction: m.direction ?? (m.unit.endsWith('/s') ? 'higher' : 'lower') }])
          )
        }))
      }
    })
  }
}

/** n trials spread symmetrically by up to ±spread (fraction) around `center`, interleaved; their median is `center`. */
export function around(center: number, n: number, spread = 0.02): number[] {
  const half = (n - 1) / 2
  const offsets = Array.from({ length: n }, (_, i) => (half === 0 ? 0 : (i - half) / half))
  // Interleave high and low so trial order carries no trend.
  const order = offsets.map((_, i) => (i % 2 === 0 ? i / 2 : n - 1 - (i - 1) / 2))
  return order.map((index) => center * (1 + spread * offsets[index]!))
}
