import type { Results } from './model.js'
import { inferDirection } from './units.js'

/** Fills what the format may leave out: each metric's direction (inferred from its unit) and the producer. */
export function normalizeResults(results: Results, format: string): Results {
  return {
    ...results,
    producer: results.producer ?? { name: format, format },
    scenarios: results.scenarios.map((scenario) => ({
      ...scenario,
      trials: scenario.trials.map((trial) => ({
        ...trial,
        metrics: Object.fromEntries(
          Object.entries(trial.metrics).map(([name, metric]) => [
            name,
            { ...metric, direction: metric.direction ?? inferDirection(metric.unit) }
          ])
        )
      }))
    }))
  }
}
