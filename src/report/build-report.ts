/**
 * Builds the report model from the verdicts, the current results and the baseline lookup.
 */
import { runLevel } from '../stats/trial-trend.js'
import type { RunContext } from '../context.js'
import type { BaselineLookup, BaselineRecord } from '../baselines/store.js'
import { describeEnvironmentDifference, describeLoadDifference, type LoadDifference } from '../results/environment.js'
import { scenariosByName } from '../results/scenario-index.js'
import type { Results } from '../results/model.js'
import type { GateVerdict, MetricVerdict } from '../verdict/types.js'
import { metricSeries } from '../verdict/evaluate.js'
import { summarizeScenarios } from './scenario-summary.js'
import { countLabels, labelKindOf } from '../verdict/labels.js'
import { REPORT_SCHEMA_VERSION, type GateReport, type ReportBaseline } from './report-model.js'
import { latencyDistributions } from './latency-distributions.js'
import { STEP_MAX_P, STEP_MIN_RUNS, detectChangePoints } from '../stats/change-points.js'

export interface ReportInput {
  gate: string
  verdict: GateVerdict
  current: Results
  lookup: BaselineLookup
  storeDescription: string
  /** The store's `given`: the baseline was handed over directly (a file, the API's results), not stored. */
  givenBaseline?: 'results' | 'saved record'
  context: RunContext
  now: Date
  notes: string[]
}

/** How many metric series the trend chart may show. */
const MAX_TREND_SERIES = 6

/** A row that failed its threshold: a relative regression or a missed absolute target (not a removed metric). */
function failedThreshold(row: MetricVerdict): boolean {
  const kind = labelKindOf(row)
  return row.status === 'fail' && (kind === 'regression' || kind === 'target missed')
}

export function buildReport(input: ReportInput): GateReport {
  const { verdict, lookup, context } = input
  const report: GateReport = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    gate: input.gate,
    verdict: verdict.status,
    generatedAt: input.now.toISOString(),
    counts: verdict.counts,
    // Metrics that failed their threshold (relative or a budget); a removed metric fails the gate by its policy.
    regressions: verdict.metrics.filter(failedThreshold).length,
    current: { scenarios: input.current.scenarios.length },
    baselineProblems: [...lookup.problems],
    notes: [...input.notes],
    links: {},
    metrics: verdict.metrics,
    hasRegressions: verdict.metrics.some(failedThreshold),
    scenarios: summarizeScenarios(input.current),
    labelCounts: countLabels(verdict.metrics)
  }
  if (verdict.targetsOnly) report.targetsOnly = true
  if (context.pullRequest?.headSha) report.current.headSha = context.pullRequest.headSha
  if (input.current.git?.sha) report.current.sha = input.current.git.sha
  if (input.current.git?.ref) report.current.ref = input.current.git.ref
  if (input.current.environment) report.current.environment = input.current.environment
  if (context.runUrl) report.links.runUrl = context.runUrl
  if (context.repositoryUrl) report.links.repositoryUrl = context.repositoryUrl

  const record = lookup.baseline
  if (!record && lookup.absence) report.baselineAbsence = { ...lookup.absence, store: input.storeDescription }
  if (record) {
    const difference = describeEnvironmentDifference(record.environment, input.current.environment)
    const baseline: ReportBaseline = {
      id: record.id,
      savedAt: record.savedAt,
      ageSeconds: Math.max(0, Math.round((input.now.getTime() - Date.parse(record.savedAt)) / 1000)),
      store: input.storeDescription,
      runnerDiffers: difference !== undefined,
      historySize: lookup.history.length
    }
    if (record.source.sha) baseline.sha = record.source.sha
    if (record.source.ref) baseline.ref = record.source.ref
    if (record.name) baseline.name = record.name
    if (record.source.runUrl) baseline.runUrl = record.source.runUrl
    if (record.environment) baseline.environment = record.environment
    if (input.givenBaseline) baseline.given = input.givenBaseline
    report.baseline = baseline
    if (verdict.status === 'no-baseline') {
      const fresh = verdict.metrics.filter((m) => m.gated && m.status === 'new')
      const names = [...new Set(fresh.map((m) => m.metric))].join(', ')
      report.baselineProblems.push(
        `nothing was compared: the baseline has none of this run's gated metrics (${fresh.length} new: ${names}), so no threshold was checked`
      )
    }
    // The stored baseline's conditions bear only on the rows it decided: a row decided by same-runner A/B measured
    // both sides here and now, and telling the reader to run the A/B they just ran would be untrue.
    const reliance = relianceOnStoredBaseline(verdict)
    const abRan = verdict.metrics.some((m) => m.decidedBy === 'paired')
    if (difference && reliance !== 'none') {
      const subject = reliance === 'gated' ? 'the baseline was' : `the ${ungatedRows(abRan)} compare with a baseline`
      report.baselineProblems.push(`${subject} measured on a different kind of machine (${difference}); differences may come from the runner, not the code`)
    }
    const load = describeLoadDifference(record.environment, input.current.environment)
    if (load && reliance !== 'none') report.baselineProblems.push(describeLoadProblem(load, reliance, abRan))
  }
  const trends = buildTrends(input)
  if (trends.length > 0) report.trends = trends
  const gatedMetrics = new Map<string, string[]>()
  for (const row of verdict.metrics.filter((m) => m.gated)) gatedMetrics.set(row.scenario, [...(gatedMetrics.get(row.scenario) ?? []), row.metric])
  const distributions = latencyDistributions([...gatedMetrics.keys()], input.current, record?.results, gatedMetrics)
  if (distributions.length > 0) report.distributions = distributions
  return report
}

/**
 * The x labels of stored runs, oldest first: a run's commit, else its date, told apart wherever two would read alike.
 * Dates gain the time (to the minute, then the second) when two runs fall on one day or one minute (a local store);
 * a commit measured twice (a re-run) gains its time the same way. A label that still repeats is numbered.
 */
export function runLabels(records: BaselineRecord[]): string[] {
  const stamp = (record: BaselineRecord, end: number): string => record.savedAt.slice(5, end).replace('T', ' ')
  const clock = (record: BaselineRecord, end: number): string => record.savedAt.slice(11, end)
  const repeated = (labels: string[]): Set<string> => new Set(labels.filter((label, index) => labels.indexOf(label) !== index))
  const dated = records.filter((record) => record.source.sha === undefined)
  // One precision for every date label, the coarsest that tells them apart: the axis reads one format.
  const end = [10, 16, 19].find((at) => repeated(dated.map((record) => stamp(record, at))).size === 0) ?? 19
  let labels = records.map((record) => record.source.sha?.slice(0, 7) ?? stamp(record, end))
  for (const at of [16, 19]) {
    const twice = repeated(labels)
    if (twice.size === 0) break
    labels = labels.map((label, index) => {
      const sha = records[index]!.source.sha
      return sha !== undefined && twice.has(label) ? `${sha.slice(0, 7)} ${clock(records[index]!, at)}` : label
    })
  }
  const seen = new Map<string, number>()
  const twice = repeated(labels)
  return labels.map((label) => {
    if (!twice.has(label)) return label
    const count = (seen.get(label) ?? 0) + 1
    seen.set(label, count)
    return `${label} #${count}`
  })
}

/**
 * Per gated metric: the level of each stored baseline (oldest first, `runLevel`: the median, a cold first trial set
 * aside), then this run's level the same way. Every point is one statistic: a row decided on trials shows the
 * geometric mean of trials, and drawing this run at that value beside medians would show a step where nothing
 * changed. What this run was compared with is on the same statistic: against stored history the median of the stored
 * runs' levels (no point is marked), else the one baseline run's level, marked.
 */
function buildTrends(input: ReportInput): NonNullable<GateReport['trends']> {
  const history = [...input.lookup.history].reverse()
  if (history.length === 0) return []
  const interesting = input.verdict.metrics
    .filter((m) => m.gated && m.current)
    .sort((a, b) => statusRank(a.status) - statusRank(b.status))
    .slice(0, MAX_TREND_SERIES)
  const labels = runLabels(history)
  const currentScenarios = scenariosByName(input.current)
  return interesting.map((metric) => {
    // Against stored history this run was compared with the median of several runs, which no one point is.
    const againstHistory = metric.change?.method === 'history'
    const points: NonNullable<GateReport['trends']>[number]['points'] = []
    for (const [index, record] of history.entries()) {
      const scenario = scenariosByName(record.results).get(metric.scenario)
      const series = scenario && metricSeries(scenario, metric.metric, metric.unit)
      if (!series) continue
      const point = { label: labels[index]!, value: runLevel(series.values, series.direction) }
      points.push(record.id === input.lookup.baseline?.id && !againstHistory ? { ...point, role: 'baseline' as const } : point)
    }
    const currentScenario = currentScenarios.get(metric.scenario)
    const currentSeries = currentScenario && metricSeries(currentScenario, metric.metric, metric.unit)
    const currentLevel = currentSeries ? runLevel(currentSeries.values, currentSeries.direction) : metric.current!.value
    points.push({ label: 'this run', value: currentLevel, role: 'current' })
    const trend: NonNullable<GateReport['trends']>[number] = { scenario: metric.scenario, metric: metric.metric, unit: metric.unit, points }
    const compared = points.find((point) => point.role === 'baseline')
    // Against stored history the row's baseline is already on the run-level statistic: the median of the runs' levels.
    if (againstHistory && metric.baseline) {
      trend.comparedWith = { value: metric.baseline.value, what: `median of ${metric.change!.sampleSize} stored runs` }
    } else if (compared && metric.baseline) {
      trend.comparedWith = { value: compared.value, what: compared.label }
    }
    const changePoints = storedChangePoints(points.slice(0, -1), metric)
    if (changePoints.length > 0) trend.changePoints = changePoints
    return trend
  })
}

/**
 * Steps among the stored runs (this run is judged by its verdict, not here), found as `perf-gate history` finds them:
 * E-Divisive means with Student's t, p ≤ 0.001, at least the metric's relative threshold, 3+ runs on each side.
 */
function storedChangePoints(points: Array<{ value: number }>, metric: MetricVerdict): Array<{ index: number; change: number; pValue: number }> {
  if (points.length < 2 * STEP_MIN_RUNS) return []
  const relative = (metric.threshold?.fail ?? []).map((text) => /^[+-]?(\d+(?:\.\d+)?)\s*%$/.exec(text.trim())?.[1]).find((match) => match !== undefined)
  return detectChangePoints(
    points.map((point) => point.value),
    { maxPValue: STEP_MAX_P, minSegment: STEP_MIN_RUNS, minMagnitude: relative ? Number(relative) / 100 : 0.1 }
  ).map((point) => ({ index: point.index, change: point.change, pValue: point.pValue }))
}

const RANK = ['fail', 'warn', 'inconclusive', 'improved', 'pass', 'new', 'no-baseline', 'removed', 'info']
function statusRank(status: string): number {
  return RANK.indexOf(status)
}

/** "1 regression(s) beyond threshold, 2 removed metric(s)": what failed the gate, as the headline counts it. */
export function whatFailed(report: GateReport): string {
  const removed = report.metrics.filter((row) => row.status === 'fail' && row.label?.kind === 'removed').length
  const parts = [
    ...(report.regressions > 0 || removed === 0 ? [`${report.regressions} regression(s) beyond threshold`] : []),
    ...(removed > 0 ? [`${removed} removed metric(s) (baseline scenarios this run did not measure)`] : [])
  ]
  return parts.join(', ')
}

/**
 * Which rows were judged against the stored baseline (not re-measured by same-runner A/B, not held to an absolute
 * target only): some gated row, only ungated rows (figures shown, nothing failed on them), or none.
 */
function relianceOnStoredBaseline(verdict: GateVerdict): 'gated' | 'ungated' | 'none' {
  const judged = verdict.metrics.filter((m) => m.decidedBy === 'history' || m.decidedBy === 'trials' || m.decidedBy === 'single')
  if (judged.some((m) => m.gated)) return 'gated'
  return judged.length > 0 ? 'ungated' : 'none'
}

/**
 * The rows still judged against the stored baseline when no gated one is: those A/B did not re-measure, or (no A/B
 * ran, every gated row held to an absolute target) the ungated ones.
 */
function ungatedRows(abRan: boolean): string {
  return abRan ? 'rows A/B did not re-measure' : 'ungated rows'
}

/**
 * One machine, two loads: which way the comparison leans, and how to compare under the same conditions. When A/B
 * decided every gated row (or budgets did), only the ungated rows lean, and the A/B is not advised again.
 */
function describeLoadProblem(load: LoadDifference, reliance: 'gated' | 'ungated', abRan: boolean): string {
  if (reliance === 'ungated') {
    const subject = `the ${ungatedRows(abRan)} compare with a baseline measured while this machine was`
    const rest = abRan ? 'the A/B rows measured both sides here, in turns, and are not affected' : 'no gated row depends on that baseline'
    return load.busier === 'baseline'
      ? `${subject} busier (load ${load.baseline.toFixed(2)} per core, ${load.current.toFixed(2)} now): they may show improvements that are not there and hide slowdowns; ${rest}`
      : `${subject} quieter (load ${load.baseline.toFixed(2)} per core then, ${load.current.toFixed(2)} now): their slowdowns may be the load, not the code; ${rest}`
  }
  const remedy = 'compare under the same conditions with --compare-to base-commit (base and head in turns, now)'
  return load.busier === 'baseline'
    ? `the baseline was measured while this machine was busier (load ${load.baseline.toFixed(2)} per core, ${load.current.toFixed(2)} now): it may read slower than the code is, which hides slowdowns and shows improvements that are not there; ${remedy}, or save a new baseline on a quiet machine`
    : `this run was measured while this machine was busier than when the baseline was (load ${load.current.toFixed(2)} per core, ${load.baseline.toFixed(2)} then): slowdowns may be the load, not the code, and this run's trials alone do not fail them; ${remedy}`
}
