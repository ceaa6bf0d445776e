/**
 * Whether every number in a results document is a measurement: finite, in range, and no negative time or rate.
 * Checked where results come in: a parsed file and a stored baseline (a hand-edited or damaged record compared as if
 * a time could be −5 ns).
 */
import type { Results } from './model.js'
import { unitFamily } from './units.js'

/** Largest magnitude accepted: beyond it sums of squares overflow and no tool measures anything that large. */
const LARGEST_VALUE = 1e100

/** The first value that is not a measurement, named by scenario, trial and metric; undefined when all are. */
export function firstValueProblem(results: Results): string | undefined {
  for (const scenario of results.scenarios) {
    for (const [index, trial] of scenario.trials.entries()) {
      const where = (what: string): string => `scenario "${scenario.name}", trial ${index + 1}, ${what}`
      for (const [name, metric] of Object.entries(trial.metrics)) {
        const problem = valueProblem(metric.value, metric.unit)
        if (problem) return `${where(`metric ${name}`)}: ${problem}`
      }
      for (const [name, distribution] of Object.entries(trial.distributions ?? {})) {
        const samples = distribution.samples ?? []
        const bad = samples.findIndex((sample) => valueProblem(sample, distribution.unit) !== undefined)
        if (bad >= 0) return `${where(`${name} sample ${bad + 1}`)}: ${valueProblem(samples[bad]!, distribution.unit)}`
      }
    }
  }
  return undefined
}

function valueProblem(value: number, unit: string): string | undefined {
  if (!Number.isFinite(value)) return `${value} is not a finite number`
  if (Math.abs(value) > LARGEST_VALUE) return `${value} is out of range (beyond ±1e100)`
  const family = unitFamily(unit)
  // Bytes may be negative: a growth (server_rss_growth) is a difference, and shrinking is a measurement too.
  if (value < 0 && (family === 'time' || family === 'rate')) return `${value} ${unit} is negative, which a ${family} cannot be`
  return undefined
}
