/**
 * Same-runner confirmation: base and head run alternately on this machine, in pairs with ABBA order
 * (pair 1: base→head, pair 2: head→base, ...), so slow drifts of the runner hit both arms alike. After each planned
 * look, every undecided metric is judged on the pairs so far; measuring stops when all are decided, when every
 * scenario still undecided has a failed metric (the gate has failed, and so has each of them: their other metrics
 * keep the estimate of that look, undecided), at the last look, or when the time budget is spent. A pair's evidence
 * is one log-ratio per metric: ln(head / base) of the medians of that run's trials.
 */
import { median } from 'simple-statistics'
import type { Logger } from '../log.js'
import type { Results } from '../results/model.js'
import type { ChangeEstimate } from '../verdict/types.js'
import type { ConfirmTarget, PairedDecider, PairedOutcome } from '../verdict/paired-decider.js'
import { metricSeries } from '../verdict/evaluate.js'

export type Arm = 'base' | 'head'

/** Runs one arm once and returns its results (a whole suite run, or one load trial per scenario). */
export interface ArmRunner {
  run(arm: Arm, pairIndex: number): Promise<Results>
}

export interface ConfirmationOptions {
  targets: ConfirmTarget[]
  runner: ArmRunner
  decide: PairedDecider
  /** Pair counts at which to look, ascending, e.g. [6, 12, 20]. */
  looks: number[]
  log: Logger
  /** Stop adding pairs after this time (ms since epoch); undecided metrics become inconclusive. */
  deadline?: number
  now?: () => number
}

export interface TargetConfirmation {
  target: ConfirmTarget
  outcome: Exclude<PairedOutcome, 'continue'>
  /** Absent when no pair could be measured. */
  change?: ChangeEstimate
  reason: string
  pairs: number
  /** Each arm's value per pair (median of that run's trials), in pair order: the A/B arms as the report shows them. */
  arms: { base: number[]; head: number[] }
  /**
   * Left undecided because its scenario had already failed the gate and the A/B stopped measuring (not because the
   * runner was too noisy): the report labels it "not decided" rather than "inconclusive".
   */
  notDecided?: true
}

export interface ConfirmationResult {
  confirmations: TargetConfirmation[]
  pairs: number
  looks: number
  elapsedMs: number
}

function key(target: { scenario: string; metric: string }): string {
  return `${target.scenario}\u0000${target.metric}`
}

/** The median of one metric's trial values in one arm's results, converted to a common unit. */
function armValue(results: Results, target: ConfirmTarget, unit: string | undefined): { value: number; unit: string } | undefined {
  const scenario = results.scenarios.find((s) => s.name === target.scenario)
  const series = scenario && metricSeries(scenario, target.metric, unit)
  return series ? { value: median(series.values), unit: series.unit } : undefined
}

/**
 * The arms as the pairs saw them: the base arm's geometric mean, and the head arm at the estimated ratio from it, so
 * that head / base is the decided ratio (the decider sees only log-ratios).
 */
function withLevels(change: ChangeEstimate, baseLogs: number[]): ChangeEstimate {
  if (change.levels || baseLogs.length === 0) return change
  const baseline = Math.exp(baseLogs.reduce((a, b) => a + b, 0) / baseLogs.length)
  return { ...change, levels: { baseline, current: baseline * change.ratio } }
}

/** A target as a reader finds it: its metric, with the scenario when more than one scenario is confirmed. */
function nameOf(target: ConfirmTarget, all: ConfirmTarget[]): string {
  return new Set(all.map((t) => t.scenario)).size > 1 ? `${target.scenario} ${target.metric}` : target.metric
}

export async function confirmOnSameRunner(options: ConfirmationOptions): Promise<ConfirmationResult> {
  const now = options.now ?? Date.now
  const started = now()
  const looks = [...new Set(options.looks)].filter((n) => n >= 2).sort((a, b) => a - b)
  const pending = new Map(options.targets.map((target) => [key(target), target]))
  const ratios = new Map<string, number[]>(options.targets.map((target) => [key(target), []]))
  const baseLogs = new Map<string, number[]>(options.targets.map((target) => [key(target), []]))
  const arms = new Map<string, { base: number[]; head: number[] }>(options.targets.map((target) => [key(target), { base: [], head: [] }]))
  const units = new Map<string, string>()
  const done: TargetConfirmation[] = []
  let pairs = 0
  let looksTaken = 0

  for (const [lookIndex, lookAt] of looks.entries()) {
    while (pairs < lookAt && pending.size > 0) {
      if (options.deadline !== undefined && now() >= options.deadline) break
      const order: Arm[] = pairs % 2 === 0 ? ['base', 'head'] : ['head', 'base']
      const runs: Partial<Record<Arm, Results>> = {}
      for (const arm of order) runs[arm] = await options.runner.run(arm, pairs)
      pairs++
      for (const target of pending.values()) {
        const k = key(target)
        const base = armValue(runs.base!, target, units.get(k))
        const head = base && armValue(runs.head!, target, base.unit)
        if (!base || !head || base.value <= 0 || head.value <= 0) continue
        units.set(k, base.unit)
        ratios.get(k)!.push(Math.log(head.value / base.value))
        baseLogs.get(k)!.push(Math.log(base.value))
        arms.get(k)!.base.push(base.value)
        arms.get(k)!.head.push(head.value)
      }
      options.log.progress(`confirmation: ${pairs} pair(s) of base and head measured, ${pending.size} metric(s) undecided`)
    }
    if (pending.size === 0) break
    const outOfTime = options.deadline !== undefined && now() >= options.deadline
    if (pairs < 2) break
    looksTaken++
    const last = lookIndex === looks.length - 1 || outOfTime
    const decisions = [...pending.values()].map((target) => ({
      target,
      decision: options.decide(ratios.get(key(target))!, target, {
        index: lookIndex,
        count: looks.length,
        metricsGated: options.targets.length,
        plannedPairs: looks[looks.length - 1]!
      })
    }))
    // Once every scenario still being measured has a failed metric, the gate has failed and each of those scenarios
    // is known to have regressed: measuring its other metrics on would only spend the runner's time. A scenario
    // without a failure is measured on (its own regression is what the report must show).
    const failedIn = new Map<string, ConfirmTarget>()
    for (const confirmation of done) if (confirmation.outcome === 'fail') failedIn.set(confirmation.target.scenario, confirmation.target)
    for (const { target, decision } of decisions) if (decision.outcome === 'fail' && !failedIn.has(target.scenario)) failedIn.set(target.scenario, target)
    const stillOpen = decisions.filter(({ decision }) => decision.outcome === 'continue')
    const stopped = !last && stillOpen.length > 0 && stillOpen.every(({ target }) => failedIn.has(target.scenario))
    for (const { target, decision } of decisions) {
      if (decision.outcome === 'continue' && !last && !stopped) continue
      const logRatios = ratios.get(key(target))!
      const outcome = decision.outcome === 'continue' ? 'inconclusive' : decision.outcome
      const reason =
        decision.outcome !== 'continue'
          ? decision.reason
          : stopped
            ? `${decision.reason} Not decided further: the A/B stopped at ${pairs} pairs, when ${nameOf(failedIn.get(target.scenario)!, options.targets)} failed the gate.`
            : `${decision.reason} Still undecided after ${pairs} pairs${outOfTime ? ' (time budget spent)' : ''}.`
      done.push({
        target,
        outcome,
        change: withLevels(decision.change, baseLogs.get(key(target))!),
        reason,
        pairs: logRatios.length,
        arms: arms.get(key(target))!,
        ...(decision.outcome === 'continue' && stopped ? { notDecided: true as const } : {})
      })
      pending.delete(key(target))
    }
    const failedNames = (): string => [...new Set(stillOpen.map(({ target }) => nameOf(failedIn.get(target.scenario)!, options.targets)))].join(', ')
    options.log.info(
      stopped
        ? `Confirmation look ${looksTaken} at ${pairs} pairs: ${failedNames()} failed the gate, so the A/B stops (${stillOpen.length} metric(s) left undecided).`
        : `Confirmation look ${looksTaken} at ${pairs} pairs: ${options.targets.length - pending.size} of ${options.targets.length} metric(s) decided.`
    )
    if (last || stopped) break
  }
  options.log.progressDone()
  for (const target of pending.values()) {
    done.push({
      target,
      outcome: 'inconclusive',
      reason: `Not enough pairs were measured (${pairs}) before the time budget ran out.`,
      pairs: ratios.get(key(target))!.length,
      arms: arms.get(key(target))!
    })
  }
  return { confirmations: done, pairs, looks: looksTaken, elapsedMs: now() - started }
}
