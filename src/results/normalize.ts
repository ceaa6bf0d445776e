import type { MetricValue, Results } from './model.js'
import { inferDirection } from './units.js'

/**
 * Fills what the format may leave out: each metric's direction (inferred from its unit) and the producer.
 * Plain loops, and metrics that already carry a direction kept as they are: this runs on every trial of every stored
 * baseline, and the entries/fromEntries version was the gate's largest cost after garbage collection at 10,000 scenarios.
 */
export function normalizeResults(results: Results, format: string): Results {
  return {
    ...results,
    producer: results.producer ?? { name: format, format },
    scenarios: results.scenarios.map((scenario) => ({
      ...scenario,
      trials: scenario.trials.map((trial) => {
        const metrics: Record<string, MetricValue> = {}
        for (const name of Object.keys(trial.metrics)) {
          const metric = trial.metrics[name]!
          metrics[name] = metric.direction ? { ...metric } : { ...metric, direction: inferDirection(metric.unit) }
        }
        return { ...trial, metrics }
      })
    }))
  }
}
