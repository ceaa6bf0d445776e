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

/**
 * Scenario → why its generator was saturated: how many trials, the worst one's reason (the latest send, then the
 * busiest generator: "up to" must quote the worst), and what to do about it.
 */
export function saturatedScenarios(current: Results): Map<string, string> {
  const saturated = new Map<string, string>()
  for (const scenario of current.scenarios) {
    const trials = scenario.trials.filter((trial) => trial.generator?.saturated)
    if (trials.length === 0) continue
    const worst = trials
      .map((trial) => trial.generator!)
      .reduce((a, b) => ((b.lagP99Ms ?? 0) > (a.lagP99Ms ?? 0) || ((b.lagP99Ms ?? 0) === (a.lagP99Ms ?? 0) && b.cpu > a.cpu) ? b : a))
    saturated.set(scenario.name, `${trials.length} of ${scenario.trials.length} trial(s): ${worst.saturatedBecause ?? 'saturated'}`)
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
  const notes = [...saturated].map(([scenario, why]) => `${scenario}: the load generator was saturated in ${why}; ${adviceFor(why)}`)
  return { verdict: summarize(metrics, hasBaseline), notes }
}

/**
 * Late sends from a generator that was not busy itself come from the machine (other processes, a throttled or
 * shared runner), not from a lack of CPU of its own.
 */
function adviceFor(why: string): string {
  return /generator CPU at/.test(why)
    ? 'give it more CPU (workers, a bigger runner) or lower the load.'
    : 'the generator itself was not busy, so the machine was (other processes, a shared or throttled runner): run on a quieter machine or lower the load.'
}
