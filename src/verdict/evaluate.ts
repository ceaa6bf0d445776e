/**
 * Thresholds → verdicts: a pure function of (current results, baseline history, threshold rules).
 */
import { median } from 'simple-statistics'
import { STEP_MAX_P, STEP_MIN_RUNS, detectChangePoints } from '../stats/change-points.js'
import { runLevel, withoutWarmUp } from '../stats/trial-trend.js'
import { DEFAULT_NOISE_FLOOR, hochbergAlphas } from '../stats/error-budget.js'
import { pWorseThanFloor } from '../stats/decision-rule.js'
import { isAbsoluteOnly, resolveThreshold } from '../config/thresholds.js'
import type { MetricThreshold, RemovedRule, ThresholdExpression, ThresholdRule } from '../config/settings.js'
import { removedStatus } from './removed-policy.js'
import { InputError } from '../errors.js'
import type { Direction, Results, Scenario } from '../results/model.js'
import { scenariosByName } from '../results/scenario-index.js'
import { convertValue, formatPercentChange, formatQuantity } from '../results/units.js'
import { labelOf } from './labels.js'
import {
  DEFAULT_DECISION_OPTIONS,
  bestEstimate,
  estimateChange,
  judgeRelativeChange,
  type BestEstimate,
  type DecisionOptions,
  type RelativeEvidence
} from './relative-change.js'
import {
  METRIC_STATUS_ORDER,
  type ArmSummary,
  type ChangeEstimate,
  type EvidenceMethod,
  type GateStatus,
  type GateVerdict,
  type MetricStatus,
  type MetricVerdict
} from './types.js'

export interface EvaluationInput {
  current: Results
  /** The chosen baseline's results; undefined when there is none. */
  baseline?: Results
  /** Older baselines' results, newest first (may include the chosen one first). */
  history: Results[]
  rules: ThresholdRule[]
  /** The gate's whole one-sided error budget and noise floor; the budget is split across the gated comparisons. */
  options?: Partial<Pick<DecisionOptions, 'alpha' | 'noiseFloor' | 'passAlpha'>>
  /** The baseline was measured on this very machine (local runs), so trials alone may decide. */
  sameMachine?: boolean
  /** What a gated metric missing from this run does, by scenario glob (last match wins); default fail. */
  removed?: RemovedRule[]
}

/** Per-trial values of one metric, converted to `unit`; undefined when the scenario has no such metric. */
export interface MetricSeries {
  unit: string
  direction: Direction
  values: number[]
}

/** Collects a metric's per-trial values from a scenario, converting every trial to the first trial's unit. */
export function metricSeries(scenario: Scenario, metric: string, unit?: string): MetricSeries | undefined {
  const values: number[] = []
  let first: { unit: string; direction: Direction } | undefined
  for (const trial of scenario.trials) {
    const measured = trial.metrics[metric]
    if (!measured) continue
    first ??= { unit: unit ?? measured.unit, direction: measured.direction }
    const converted = convertValue(measured.value, measured.unit, first.unit)
    if (converted === undefined) return undefined
    values.push(converted)
  }
  return first && values.length > 0 ? { ...first, values } : undefined
}

/** Metric names of a scenario in first-seen order. */
function metricNames(scenario: Scenario): string[] {
  const names = new Set<string>()
  for (const trial of scenario.trials) for (const name of Object.keys(trial.metrics)) names.add(name)
  return [...names]
}

/**
 * An arm shown at `level` (the estimator's representative value), else at the run's level (`runLevel`: the median, a
 * cold first trial set aside, as the trend and the history show the run).
 */
function arm(values: number[], direction: Direction, level?: number, used?: number): ArmSummary {
  const steady = level === undefined ? withoutWarmUp(values, direction) : undefined
  const value = level ?? median(steady!)
  const shownUsed = steady ? steady.length : used
  return { value, values, ...(shownUsed !== undefined && shownUsed < values.length ? { used: shownUsed } : {}) }
}

/** The evidence kind of an estimate. */
export function methodOf(change: ChangeEstimate | undefined): EvidenceMethod {
  if (!change) return 'none'
  return change.method === 'point' ? 'single' : change.method
}

/** Evaluates every scenario × metric of the current results (plus metrics only the baseline has). */
export function evaluate(input: EvaluationInput): GateVerdict {
  const baselineScenarios = new Map((input.baseline?.scenarios ?? []).map((s) => [s.name, s]))
  const options: DecisionOptions = {
    noiseFloor: input.options?.noiseFloor ?? DEFAULT_DECISION_OPTIONS.noiseFloor,
    passAlpha: input.options?.passAlpha ?? DEFAULT_DECISION_OPTIONS.passAlpha,
    alpha: input.options?.alpha ?? DEFAULT_DECISION_OPTIONS.alpha,
    sameMachine: input.sameMachine ?? false
  }
  const alphas = familyAlphas(input, baselineScenarios, options)
  const metrics: MetricVerdict[] = []
  for (const scenario of input.current.scenarios) {
    const baselineScenario = baselineScenarios.get(scenario.name)
    for (const metric of metricNames(scenario)) {
      const alpha = alphas.get(comparisonKey(scenario.name, metric)) ?? options.alpha
      metrics.push(evaluateMetric(input, scenario, baselineScenario, metric, { ...options, alpha }))
    }
    if (baselineScenario) {
      const currentNames = new Set(metricNames(scenario))
      for (const metric of metricNames(baselineScenario).filter((name) => !currentNames.has(name))) {
        metrics.push(removedMetric(input, baselineScenario, metric, 'the metric is no longer reported'))
      }
    }
  }
  const currentNames = new Set(input.current.scenarios.map((s) => s.name))
  for (const scenario of input.baseline?.scenarios ?? []) {
    if (currentNames.has(scenario.name)) continue
    for (const metric of metricNames(scenario)) {
      metrics.push(removedMetric(input, scenario, metric, 'the scenario did not run'))
    }
  }
  return summarize(metrics, input.baseline !== undefined)
}

function comparisonKey(scenario: string, metric: string): string {
  return `${scenario}\u0000${metric}`
}

/**
 * The family the error budget covers: every scenario × metric a relative threshold will judge. Each gets its alpha
 * by Hochberg's step-up on its p-value of "worse than the noise floor" (src/stats/error-budget.ts); a comparison with
 * no estimate (one value per side, values ≤ 0) counts as a member that is never certain.
 */
function familyAlphas(input: EvaluationInput, baselineScenarios: Map<string, Scenario>, options: DecisionOptions): Map<string, number> {
  const keys: string[] = []
  const pValues: number[] = []
  const floorLog = Math.log1p(options.noiseFloor)
  for (const scenario of input.current.scenarios) {
    const baselineScenario = baselineScenarios.get(scenario.name)
    if (!baselineScenario) continue
    for (const metric of metricNames(scenario)) {
      const threshold = resolveThreshold(input.rules, scenarioRef(scenario), metric)
      if (!threshold || ![...threshold.fail, ...threshold.warn].some((e) => e.kind === 'relative')) continue
      const evidence = relativeEvidence(input, scenario, baselineScenario, metric, threshold.direction ?? metricSeries(scenario, metric)!.direction)
      const best = evidence && allPositive(evidence) ? bestEstimate(evidence) : undefined
      keys.push(comparisonKey(scenario.name, metric))
      pValues.push(best ? pWorseThanFloor(best.estimate, evidence!.direction, floorLog) : 1)
    }
  }
  const alphas = hochbergAlphas(pValues, options.alpha)
  return new Map(keys.map((key, i) => [key, alphas[i]!]))
}

/** Both sides of one metric in the current unit, with the stored history; undefined when they cannot be compared. */
function relativeEvidence(
  input: EvaluationInput,
  scenario: Scenario,
  baselineScenario: Scenario,
  metric: string,
  direction: Direction
): RelativeEvidence | undefined {
  const current = metricSeries(scenario, metric)!
  const baseline = metricSeries(baselineScenario, metric)
  if (!baseline) return undefined
  const converted = baseline.values.map((value) => convertValue(value, baseline.unit, current.unit))
  if (!converted.every((value): value is number => value !== undefined)) return undefined
  return evidenceOf(input, scenario, metric, converted, current, direction)
}

/** The baseline's values (already in the current unit) with this run's and the stored history's. */
function evidenceOf(
  input: EvaluationInput,
  scenario: Scenario,
  metric: string,
  baseline: number[],
  current: { values: number[]; unit: string },
  direction: Direction
): RelativeEvidence {
  return {
    baseline,
    current: current.values,
    history: historyValues(input, scenario.name, metric, current.unit, direction),
    direction,
    ...(scenario.kind ? { kind: scenario.kind } : {}),
    ...(input.sameMachine ? { sameMachine: true } : {})
  }
}

/**
 * Builds the gate verdict from metric verdicts. A gate whose every gated metric is held to absolute budgets only
 * needs no baseline: it passes when all targets are met.
 */
export function summarize(metrics: MetricVerdict[], hasBaseline: boolean): GateVerdict {
  const counts = Object.fromEntries(METRIC_STATUS_ORDER.map((status) => [status, 0])) as Record<MetricStatus, number>
  for (const verdict of metrics) counts[verdict.status]++
  const gated = metrics.filter((m) => m.gated && m.status !== 'removed')
  const targetsOnly = gated.length > 0 && gated.every((m) => m.threshold?.absoluteOnly === true)
  let status: GateStatus = 'pass'
  if (counts.fail > 0) status = 'fail'
  else if (counts.warn > 0) status = 'warn'
  else if (counts.inconclusive > 0) status = 'inconclusive'
  else if (!targetsOnly && (!hasBaseline || counts['no-baseline'] > 0 || comparedNothing(gated))) status = 'no-baseline'
  return { status, metrics, counts, ...(targetsOnly ? { targetsOnly } : {}) }
}

/**
 * Every gated metric is new (the baseline has other metrics of the same scenarios): nothing was judged, and a run that
 * compared nothing is never a pass; it is as if there were no baseline, which is what the report says.
 */
function comparedNothing(gated: MetricVerdict[]): boolean {
  return gated.length > 0 && gated.every((m) => m.status === 'new' || m.status === 'no-baseline')
}

function scenarioRef(scenario: Scenario): { name: string; suite?: string } {
  const suite = scenario.labels?.suite
  return suite === undefined ? { name: scenario.name } : { name: scenario.name, suite }
}

function thresholdTexts(threshold: MetricThreshold): NonNullable<MetricVerdict['threshold']> {
  const absoluteOnly = isAbsoluteOnly(threshold)
  return { warn: threshold.warn.map((e) => e.text), fail: threshold.fail.map((e) => e.text), ...(absoluteOnly ? { absoluteOnly } : {}) }
}

/** A metric of the baseline missing from this run: when gated, it fails (or warns) by the `removed` setting: nothing compared is never a pass. */
function removedMetric(input: EvaluationInput, scenario: Scenario, metric: string, why: string): MetricVerdict {
  const series = metricSeries(scenario, metric)!
  const threshold = resolveThreshold(input.rules, scenarioRef(scenario), metric)
  const verdict: MetricVerdict = {
    scenario: scenario.name,
    metric,
    unit: series.unit,
    direction: threshold?.direction ?? series.direction,
    status: 'removed',
    gated: threshold !== undefined,
    baseline: arm(series.values, series.direction),
    reason: `In the baseline but not in this run: ${why}.`,
    decidedBy: 'none',
    label: { kind: 'removed', text: 'removed' }
  }
  if (threshold) Object.assign(verdict, removedStatus(input.removed ?? [], scenario.name, why))
  if (threshold) verdict.threshold = thresholdTexts(threshold)
  return verdict
}

interface ExpressionOutcome {
  status: MetricStatus
  reason: string
  change?: ChangeEstimate
  /** The budget text when an absolute budget produced this outcome. */
  budget?: string
}

function evaluateMetric(
  input: EvaluationInput,
  scenario: Scenario,
  baselineScenario: Scenario | undefined,
  metric: string,
  options: DecisionOptions
): MetricVerdict {
  const current = metricSeries(scenario, metric)!
  const threshold = resolveThreshold(input.rules, scenarioRef(scenario), metric)
  const direction = threshold?.direction ?? current.direction
  const verdict: MetricVerdict = {
    scenario: scenario.name,
    metric,
    unit: current.unit,
    direction,
    status: 'info',
    gated: threshold !== undefined,
    current: arm(current.values, direction),
    reason: ''
  }
  if (threshold) verdict.threshold = thresholdTexts(threshold)

  // The baseline side, converted to the current unit; a unit that no longer converts cannot be compared.
  let baselineValues: number[] | undefined
  let comparisonProblem: string | undefined
  if (baselineScenario) {
    const baseline = metricSeries(baselineScenario, metric)
    if (baseline) {
      const converted = baseline.values.map((value) => convertValue(value, baseline.unit, current.unit))
      if (converted.every((value): value is number => value !== undefined)) {
        baselineValues = converted
        verdict.baseline = arm(converted, direction)
      } else {
        comparisonProblem = `the unit changed from ${baseline.unit} to ${current.unit}, which do not convert`
      }
    }
  }
  const evidence = baselineValues ? evidenceOf(input, scenario, metric, baselineValues, current, direction) : undefined
  const best = evidence && allPositive(evidence) ? bestEstimate(evidence) : undefined
  if (evidence && allPositive(evidence)) showEstimate(verdict, estimateChange(evidence, best, options))

  if (!threshold) {
    verdict.status = verdict.baseline ? 'info' : input.baseline ? 'new' : 'info'
    verdict.reason = comparisonProblem ? `Not compared: ${comparisonProblem}.` : 'Not gated: no threshold applies to this metric.'
    verdict.decidedBy = methodOf(verdict.change)
    verdict.label = labelOf(verdict, options.noiseFloor)
    return verdict
  }

  const outcomes: ExpressionOutcome[] = []
  for (const [level, expressions] of [
    ['fail', threshold.fail],
    ['warn', threshold.warn]
  ] as const) {
    for (const expression of expressions) {
      outcomes.push(
        evaluateExpression(expression, level, {
          metric,
          direction,
          current,
          evidence,
          best,
          hasBaselineRun: input.baseline !== undefined,
          baselineScenarioExists: baselineScenario !== undefined,
          comparisonProblem,
          definedAt: threshold.definedAt,
          options
        })
      )
    }
  }
  composeRow(verdict, outcomes, current.values, options.noiseFloor)
  return verdict
}

function severity(status: MetricStatus): number {
  return METRIC_STATUS_ORDER.indexOf(status)
}

/** Shows an estimate on the row: the arms at the estimator's levels, so that Baseline / Current / Change agree. */
function showEstimate(verdict: MetricVerdict, change: ChangeEstimate): void {
  verdict.change = change
  if (change.levels && verdict.baseline && verdict.current) {
    // Against stored history the baseline side is the stored runs (one level each), not the newest run's trials.
    const baselineValues = change.storedLevels ?? verdict.baseline.values
    verdict.baseline = arm(baselineValues, verdict.direction, change.levels.baseline, change.storedLevels ? undefined : change.used?.baseline)
    verdict.current = arm(verdict.current.values, verdict.direction, change.levels.current, change.used?.current)
  }
}

/**
 * One deciding outcome per row: the most severe, a relative comparison before a budget of the same severity (it
 * says more). The row shows that outcome's evidence and its one reason; a budget-decided row shows the value the
 * budget judged, and the stored comparison, if any, only as context.
 */
function composeRow(verdict: MetricVerdict, outcomes: ExpressionOutcome[], currentValues: number[], noiseFloor: number): void {
  const deciding = outcomes.reduce((a, b) =>
    severity(b.status) < severity(a.status) || (severity(b.status) === severity(a.status) && a.budget !== undefined && b.budget === undefined) ? b : a
  )
  verdict.status = deciding.status
  verdict.reason = deciding.reason
  if (deciding.budget !== undefined) {
    if (verdict.change && verdict.baseline) {
      verdict.context = {
        method: methodOf(verdict.change),
        status: 'info',
        reason: `Against the baseline: ${formatPercentChange(verdict.change.ratio)} (not deciding: the budget decides this metric).`,
        baseline: verdict.baseline,
        ...(verdict.current ? { current: verdict.current } : {}),
        change: verdict.change
      }
    }
    delete verdict.baseline
    delete verdict.change
    verdict.current = arm(currentValues, verdict.direction)
    verdict.decidedBy = 'budget'
  } else {
    if (deciding.change) showEstimate(verdict, deciding.change)
    verdict.decidedBy = deciding.status === 'no-baseline' || deciding.status === 'new' ? 'none' : methodOf(verdict.change)
  }
  verdict.label = labelOf(verdict, noiseFloor, deciding.budget)
  // An interval wholly beyond the noise floor on the better side is an improvement, whatever the rule's wording.
  if (verdict.status === 'pass' && verdict.label.kind === 'improved') verdict.status = 'improved'
}

interface ExpressionContext {
  metric: string
  direction: Direction
  current: MetricSeries
  evidence: RelativeEvidence | undefined
  /** The estimate of `evidence`, computed once for every level of the threshold. */
  best: BestEstimate | undefined
  hasBaselineRun: boolean
  baselineScenarioExists: boolean
  comparisonProblem: string | undefined
  definedAt: string
  options: DecisionOptions
}

function evaluateExpression(expression: ThresholdExpression, level: 'fail' | 'warn', context: ExpressionContext): ExpressionOutcome {
  if (expression.kind === 'absolute') return evaluateBudget(expression, level, context)
  checkSign(expression, context)
  if (!context.evidence) {
    if (context.comparisonProblem) return { status: 'inconclusive', reason: `Cannot compare: ${context.comparisonProblem}.` }
    if (!context.hasBaselineRun) {
      return {
        status: 'no-baseline',
        reason: `No baseline to compare against, so ${expression.text} was not checked.`
      }
    }
    return {
      status: 'new',
      reason: context.baselineScenarioExists
        ? `New metric: the baseline does not have it, so ${expression.text} was not checked.`
        : `New scenario: the baseline does not have it, so ${expression.text} was not checked.`
    }
  }
  if (!allPositive(context.evidence)) return judgeNonPositive(context.evidence, expression, level, context.current.unit)
  const judged = judgeRelativeChange(context.evidence, context.best, expression, context.options)
  const status: MetricStatus =
    judged.outcome === 'regressed' ? level : judged.outcome === 'improved' ? 'improved' : judged.outcome === 'inconclusive' ? 'inconclusive' : 'pass'
  // An inconclusive warn level is not worth a reviewer's attention when the fail level decided.
  return { status: level === 'warn' && status === 'inconclusive' ? 'pass' : status, reason: judged.reason, change: judged.change }
}

/**
 * A "+20%" on a higher-is-better metric (or "-20%" on a lower-is-better one) is almost surely a mistake, and a
 * higher-is-better number cannot drop by 100% or more.
 */
function checkSign(expression: Extract<ThresholdExpression, { kind: 'relative' }>, context: ExpressionContext): void {
  if (context.direction === 'higher' && expression.worseFraction >= 1) {
    throw new InputError(
      `${context.definedAt}: "${expression.text}" on metric "${context.metric}" (higher is better) can never be reached: it cannot drop by 100% or more; use a smaller drop such as "-50%" or an absolute budget`
    )
  }
  if (!expression.sign) return
  const expected = context.direction === 'lower' ? '+' : '-'
  if (expression.sign !== expected) {
    const better = context.direction === 'lower' ? 'lower' : 'higher'
    throw new InputError(
      `${context.definedAt}: "${expression.text}" on metric "${context.metric}" (${better} is better) would call an improvement a regression; write "${expected}${expression.text.replace(/^[-+]\s*/, '')}" or "${expression.text.replace(/^[-+]\s*/, '')}" (worse by that much)`
    )
  }
}

/** Ratios and their logarithms need positive values on both sides. */
function allPositive(evidence: RelativeEvidence): boolean {
  return evidence.baseline.every((v) => v > 0) && evidence.current.every((v) => v > 0)
}

/**
 * Counts such as allocations or errors are often 0, where a ratio means nothing: 0 → 0 is no change, 0 → 3 is a
 * regression of a lower-is-better metric, and values that can be negative only work with absolute budgets. A 0
 * among positive trials (a p95 of [258, 0, 259, 262, 260] ms) is another thing: a trial that measured nothing, or a
 * unit too coarse for the metric (whole milliseconds for a sub-millisecond time). The medians' ratio is shown, but
 * nothing is judged on it: one such trial must not fail, pass or improve a gate.
 */
function judgeNonPositive(
  evidence: RelativeEvidence,
  expression: Extract<ThresholdExpression, { kind: 'relative' }>,
  level: 'fail' | 'warn',
  unit: string
): ExpressionOutcome {
  const base = median(evidence.baseline)
  const current = median(evidence.current)
  const show = (value: number): string => formatQuantity(value, unit)
  if ([...evidence.baseline, ...evidence.current].some((value) => value < 0)) {
    return { status: 'inconclusive', reason: `A relative threshold (${expression.text}) cannot judge values below zero; use an absolute budget.` }
  }
  const levels = { baseline: base, current }
  if (base > 0 && current > 0) {
    const ratio = current / base
    const zeros = (['baseline', 'current'] as const)
      .map((side) => ({ side, count: evidence[side].filter((value) => value === 0).length, of: evidence[side].length }))
      .filter(({ count }) => count > 0)
      .map(({ side, count, of }) => `${count} of ${of} ${side} trials ${count === 1 ? 'is' : 'are'} 0`)
      .join(' and ')
    return {
      status: 'inconclusive',
      reason: `${formatPercentChange(ratio)} on the median trials, but ${zeros}: a trial that measured nothing, or a unit too coarse for the metric. A ratio needs positive values, so ${expression.text} was not judged; fix that trial or report a finer unit.`,
      change: { ratio, method: 'point', levels }
    }
  }
  if (base === current) return { status: 'pass', reason: `Unchanged at ${show(current)}.` }
  const rose = current > base
  const worse = evidence.direction === 'lower' ? rose : !rose
  if (base > 0) {
    const change = { ratio: current / base, method: 'point' as const, levels }
    return worse
      ? { status: level, reason: `Fell from ${show(base)} to ${show(current)}, beyond the ${expression.text} threshold.`, change }
      : { status: 'improved', reason: `Fell from ${show(base)} to ${show(current)}.`, change }
  }
  return worse
    ? { status: level, reason: `Rose from ${show(base)} to ${show(current)}: any rise from zero is beyond the ${expression.text} threshold.` }
    : { status: 'improved', reason: `Rose from ${show(base)} to ${show(current)}.` }
}

function evaluateBudget(expression: Extract<ThresholdExpression, { kind: 'absolute' }>, level: 'fail' | 'warn', context: ExpressionContext): ExpressionOutcome {
  const unit = context.current.unit
  const limit = expression.unit === '' ? expression.value : convertValue(expression.value, expression.unit, unit)
  if (limit === undefined) {
    throw new InputError(
      `${context.definedAt}: budget "${expression.text}" is in ${expression.unit}, but metric "${context.metric}" is measured in ${unit}; they do not convert`
    )
  }
  // The run's level, as every surface shows it: a cold first trial does not move a budget's verdict.
  const value = runLevel(context.current.values, context.direction)
  const holds =
    expression.operator === '<' ? value < limit : expression.operator === '<=' ? value <= limit : expression.operator === '>' ? value > limit : value >= limit
  const shown = formatQuantity(value, unit)
  const budget = expression.text
  if (holds) return { status: 'pass', reason: `${shown} is within the budget ${budget}.`, budget }
  return { status: level, reason: `${shown} breaks the ${level === 'fail' ? '' : 'warn '}budget ${budget}.`, budget }
}

function historyValues(input: EvaluationInput, scenario: string, metric: string, unit: string, direction: Direction): number[][] {
  const history: number[][] = []
  for (const results of input.history) {
    const found = scenariosByName(results).get(scenario)
    const series = found && metricSeries(found, metric, unit)
    if (series) history.push(series.values)
  }
  return sinceLastStep(history, direction)
}

/**
 * Whether some split with `minRuns` runs a side has means `minMagnitude` apart: a step needs that, and checking it
 * is linear, so the change-point search (tens of µs a series) runs only where a step is possible (gate cost).
 */
function mayHoldStep(series: number[], minMagnitude: number, minRuns: number): boolean {
  const total = series.reduce((sum, v) => sum + v, 0)
  let before = 0
  for (let k = 1; k < series.length; k++) {
    before += series[k - 1]!
    if (k < minRuns || series.length - k < minRuns) continue
    const ratio = (total - before) / (series.length - k) / (before / k)
    if (Math.abs(ratio - 1) >= minMagnitude || Math.abs(1 / ratio - 1) >= minMagnitude) return true
  }
  return false
}

/**
 * The stored runs (newest first) at the level main is at now: when main stepped (a change accepted on purpose, or a
 * new runner image), the runs before the step are another level, and mixing them in reads as run-to-run noise that
 * no change can stand out from ("too noisy", push after push). Steps are found as `perf-gate history` finds them
 * (E-Divisive means, p ≤ 0.001, 3+ runs a side), from the noise floor up.
 */
function sinceLastStep(history: number[][], direction: Direction): number[][] {
  const runs = history.filter((values) => values.length > 0 && values.every((v) => v > 0))
  if (runs.length !== history.length || runs.length < 2 * STEP_MIN_RUNS) return history
  const oldestFirst = runs.map((values) => runLevel(values, direction)).reverse()
  if (!mayHoldStep(oldestFirst, DEFAULT_NOISE_FLOOR, STEP_MIN_RUNS)) return history
  const steps = detectChangePoints(oldestFirst, { maxPValue: STEP_MAX_P, minSegment: STEP_MIN_RUNS, minMagnitude: DEFAULT_NOISE_FLOOR })
  const last = steps.at(-1)
  return last ? history.slice(0, oldestFirst.length - last.index) : history
}
