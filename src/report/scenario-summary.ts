/**
 * A per-scenario summary for machine readers (agents, later workflow steps): the figures people ask for first,
 * each the run's level (the median of its trials, a cold first one set aside), without walking every metric row.
 */
import { runLevel } from '../stats/trial-trend.js'
import type { Results, Scenario } from '../results/model.js'
import { metricSeries } from '../verdict/evaluate.js'

export interface SummaryValue {
  value: number
  unit: string
}

export interface ScenarioSummary {
  scenario: string
  kind?: 'benchmark' | 'load'
  suite?: string
  trials: number
  /** The typical value: p50 for load, else the benchmark's median or mean. */
  median?: SummaryValue
  p90?: SummaryValue
  p95?: SummaryValue
  p99?: SummaryValue
  rps?: SummaryValue
  /** 100 − the error percentage, when the scenario counts errors. */
  successRate?: SummaryValue
  /** Resident memory growth over the measured part (server or suite process tree), when sampled. */
  memoryGrowth?: SummaryValue
}

const TYPICAL = ['p50', 'median', 'mean'] as const
const DIRECT = [
  ['p90', 'p90'],
  ['p95', 'p95'],
  ['p99', 'p99'],
  ['rps', 'rps'],
  ['memoryGrowth', 'server_rss_growth']
] as const

export function summarizeScenarios(results: Results): ScenarioSummary[] {
  return results.scenarios.map(summarizeScenario)
}

function summarizeScenario(scenario: Scenario): ScenarioSummary {
  const summary: ScenarioSummary = { scenario: scenario.name, trials: scenario.trials.length }
  if (scenario.kind) summary.kind = scenario.kind
  if (scenario.labels?.suite) summary.suite = scenario.labels.suite
  const medianOf = (metric: string): SummaryValue | undefined => {
    const series = metricSeries(scenario, metric)
    return series ? { value: runLevel(series.values, series.direction), unit: series.unit } : undefined
  }
  for (const metric of TYPICAL) {
    const value = medianOf(metric)
    if (value) {
      summary.median = value
      break
    }
  }
  for (const [field, metric] of DIRECT) {
    const value = medianOf(metric)
    if (value) summary[field] = value
  }
  const errors = medianOf('errors')
  if (errors && errors.unit === '%') summary.successRate = { value: 100 - errors.value, unit: '%' }
  return summary
}
