/**
 * A load trial whose generator was saturated measured the generator: its latency cannot be trusted to show a
 * regression of the server. Such rows never fail or warn; they become inconclusive and say why, and the report
 * notes which scenarios were affected. (An improvement or a pass stays: a saturated generator only adds delay.)
 */
import type { Results } from '../results/model.js'
import { summarize } from './evaluate.js'
import type { GateVerdict, MetricVerdict } from './types.js'

/** Metrics a saturated generator distorts: every latency figure and the achieved rate. */
const DISTORTED = new Set(['p50', 'p75', 'p90', 'p95', 'p99', 'p99.9', 'mean', 'stdev', 'max', 'min', 'rps', 'throughput'])

/** Scenario → why its generator was saturated (the first saturated trial's reason and how many trials). */
export function saturatedScenarios(current: Results): Map<string, string> {
  const saturated = new Map<string, string>()
  for (const scenario of current.scenarios) {
    const trials = scenario.trials.filter((trial) => trial.generator?.saturated)
    if (trials.length === 0) continue
    saturated.set(scenario.name, `${trials.length} of ${scenario.trials.length} trial(s): ${trials[0]!.generator!.saturatedBecause ?? 'saturated'}`)
  }
  return saturated
}

/** Turns fail/warn rows of saturated scenarios' distorted metrics into inconclusive ones; notes for the report. */
export function distrustSaturatedGenerator(verdict: GateVerdict, current: Results, hasBaseline: boolean): { verdict: GateVerdict; notes: string[] } {
  const saturated = saturatedScenarios(current)
  if (saturated.size === 0) return { verdict, notes: [] }
  const metrics = verdict.metrics.map((metric): MetricVerdict => {
    const why = saturated.get(metric.scenario)
    if (!why || !DISTORTED.has(metric.metric) || (metric.status !== 'fail' && metric.status !== 'warn')) return metric
    return { ...metric, status: 'inconclusive', reason: `The load generator was saturated (${why}), so this cannot fail: ${metric.reason}` }
  })
  const notes = [...saturated].map(([scenario, why]) => `${scenario}: the load generator was saturated in ${why}; give it more CPU or lower the load.`)
  return { verdict: summarize(metrics, hasBaseline), notes }
}
