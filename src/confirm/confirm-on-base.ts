/**
 * Wires same-runner confirmation into a gate run: picks the metrics to confirm from the stored-baseline verdicts,
 * checks out and builds the base commit beside the workspace, measures base and head alternately (ABBA pairs),
 * and folds the A/B decisions back into the verdicts. The stored comparison stays in the verdict for the report;
 * the A/B result decides the status, because it is measured on one machine at one time.
 */
import { relative, join, isAbsolute } from 'node:path'
import { resolveThreshold } from '../config/thresholds.js'
import type { GateSettings, RunSource } from '../config/settings.js'
import { RunError, messageOf } from '../errors.js'
import type { Logger } from '../log.js'
import type { Results } from '../results/model.js'
import type { RunDeps } from '../run/run-source.js'
import { methodOf, metricSeries, summarize } from '../verdict/evaluate.js'
import { labelOf } from '../verdict/labels.js'
import type { ChangeEstimate, GateVerdict, MetricStatus, MetricVerdict } from '../verdict/types.js'
import { DEFAULT_NOISE_FLOOR } from '../stats/error-budget.js'
import { prepareBaseWorktree, repositoryTop, type BaseWorktree } from './base-worktree.js'
import type { BaseBuildCache } from './base-build-cache.js'
import { MissingInstallError } from './base-dependencies.js'
import { markSkippedByDuet, planDuet, startSideBySide } from './duet/side-by-side-plan.js'
import type { DuetSession } from './duet/duet-load.js'
import { duetArmRunner } from './duet/duet-runner.js'
import { InterleavedSchedule, interleavedArmRunner, randomScheduleSeed } from './interleaved-runs.js'
import { oneRunEach } from '../run/suite-repeats.js'
import { confirmOnSameRunner, type ConfirmationResult } from './paired-runs.js'
import type { ConfirmTarget, PairedDecider } from '../verdict/paired-decider.js'

export interface ConfirmDeps {
  log: Logger
  signal?: AbortSignal
  now: () => number
  produce: (source: RunSource, deps: RunDeps) => Promise<Results>
  decide: PairedDecider
  /** Checks out and builds the base commit; defaults to a git worktree. */
  prepareWorktree?: (repoTop: string, sha: string) => Promise<BaseWorktree>
  /** Seeds the randomized ABBA order of interleaved suite runs; defaults to a fresh random seed. */
  scheduleSeed?: number
  /** Keeps base builds across runs (the Action's cache); without it every run builds the base. */
  baseBuildCache?: BaseBuildCache
  /** The run's event ('local' for the CLI): what to suggest when there is no base commit. */
  event?: string
}

export interface ConfirmOutcome {
  verdict: GateVerdict
  /** A line for the report's notes: what was confirmed, how many pairs, how long; or why nothing was. */
  note?: string
  result?: ConfirmationResult
  /** confirm: on-regression could not run: why (the verdicts stand as the stored comparison left them). */
  failure?: string
}

/** Statuses worth a second look on the same runner. */
const SUSPECT: ReadonlySet<MetricStatus> = new Set(['fail', 'warn', 'inconclusive'])

/**
 * The metrics to confirm, each with its relative fail level as a "worse by" fraction. Absolute budgets are plain
 * comparisons and are never confirmed; with compare-to base-commit every metric with a relative level is.
 */
export function confirmationTargets(verdict: GateVerdict, current: Results, settings: GateSettings): ConfirmTarget[] {
  const suites = new Map(current.scenarios.map((scenario) => [scenario.name, scenario.labels?.suite]))
  const everything = settings.confirm.compareTo === 'base-commit'
  const targets: ConfirmTarget[] = []
  for (const metric of verdict.metrics) {
    if (!metric.gated || !metric.current) continue
    if (!everything && !SUSPECT.has(metric.status)) continue
    const suite = suites.get(metric.scenario)
    const threshold = resolveThreshold(settings.thresholds, { name: metric.scenario, ...(suite ? { suite } : {}) }, metric.metric)
    const levels = [...(threshold?.fail ?? []), ...(threshold?.fail.length ? [] : (threshold?.warn ?? []))]
    const relative = levels.flatMap((level) => (level.kind === 'relative' ? [level] : []))
    if (relative.length === 0) continue
    const tightest = relative.reduce((a, b) => (b.worseFraction < a.worseFraction ? b : a))
    targets.push({ scenario: metric.scenario, metric: metric.metric, direction: metric.direction, worseFraction: tightest.worseFraction, text: tightest.text })
  }
  return targets
}

/** "the 1 regression and 2 inconclusive metrics": what confirmation would measure again, by status. */
function describeTargets(targets: ConfirmTarget[], verdict: GateVerdict): string {
  const statusOf = new Map(verdict.metrics.map((metric) => [`${metric.scenario}\u0000${metric.metric}`, metric.status]))
  const counts = { regression: 0, warning: 0, inconclusive: 0 }
  for (const target of targets) {
    const status = statusOf.get(`${target.scenario}\u0000${target.metric}`)
    if (status === 'fail') counts.regression++
    else if (status === 'warn') counts.warning++
    else counts.inconclusive++
  }
  const parts = [
    counts.regression ? `${counts.regression} regression${counts.regression === 1 ? '' : 's'}` : '',
    counts.warning ? `${counts.warning} warning${counts.warning === 1 ? '' : 's'}` : '',
    counts.inconclusive ? `${counts.inconclusive} inconclusive metric${counts.inconclusive === 1 ? '' : 's'}` : ''
  ].filter(Boolean)
  return `the ${parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}` : parts[0]}`
}

/**
 * The same source, run from the base checkout: every path under the repository's top level moves to the same
 * place under the checkout. A results file someone else produced cannot be re-measured: undefined.
 */
export function relocateSource(source: RunSource, repoTop: string, checkoutDir: string): RunSource | undefined {
  const move = (path: string): string => {
    const rel = relative(repoTop, path)
    return rel.startsWith('..') || isAbsolute(rel) ? path : join(checkoutDir, rel)
  }
  switch (source.kind) {
    case 'suites': {
      const suites = source.suites.map((suite) => ({
        ...suite,
        cwd: move(suite.cwd),
        ...(suite.resultsPath ? { resultsPath: move(suite.resultsPath) } : {})
      }))
      if (!source.load) return { kind: 'suites', suites }
      const load = relocateSource(source.load, repoTop, checkoutDir)
      return load?.kind === 'load' ? { kind: 'suites', suites, load } : undefined
    }
    case 'load':
      // Only a server perf-gate starts can be the base commit's: an external URL serves whatever runs there.
      return source.server ? { ...source, server: { ...source.server, cwd: move(source.server.cwd) } } : undefined
    default:
      return undefined
  }
}

/**
 * What one arm measures per pair. A load arm is one trial per scenario, and every arm run starts its own server:
 * the pair, not the trial, is the unit of A/B evidence, and a fresh server per trial keeps one arm's warm caches
 * (or leaks) from leaking into the next. Warm-up, rate and duration stay those of the gate. A suite arm is one run
 * of each command (interleaved-runs.ts): its repeats become pairs.
 */
export function armSource(source: RunSource): RunSource {
  if (source.kind === 'suites') {
    const suites = oneRunEach(source.suites)
    const load = source.load ? armSource(source.load) : undefined
    return load?.kind === 'load' ? { ...source, suites, load } : { ...source, suites }
  }
  if (source.kind !== 'load') return source
  return {
    ...source,
    scenarios: source.scenarios.map((scenario) => ({ ...scenario, trials: 1 })),
    ...(source.websocketScenarios ? { websocketScenarios: source.websocketScenarios.map((scenario) => ({ ...scenario, trials: 1 })) } : {})
  }
}

/**
 * Folds A/B decisions into the verdicts: where A/B decided, the row is the A/B evidence (its base and head arms,
 * its estimate, status, label and reason); the stored comparison is kept as non-deciding context.
 */
export function applyConfirmation(verdict: GateVerdict, result: ConfirmationResult, hasBaseline: boolean, noiseFloor = DEFAULT_NOISE_FLOOR): GateVerdict {
  const byKey = new Map(result.confirmations.map((c) => [`${c.target.scenario}\u0000${c.target.metric}`, c]))
  const metrics = verdict.metrics.map((metric): MetricVerdict => {
    const confirmation = byKey.get(`${metric.scenario}\u0000${metric.metric}`)
    if (!confirmation) return metric
    const change = confirmation.change && pairedLevels(confirmation.change, confirmation.arms.base)
    const row: MetricVerdict = {
      ...metric,
      status: confirmation.outcome,
      decidedBy: 'paired',
      reason: `Same-runner A/B, ${confirmation.pairs} pairs: ${withoutConfirmationAdvice(confirmation.reason)}`
    }
    delete row.baseline
    delete row.current
    delete row.change
    delete row.label
    delete row.context
    if (change?.levels) {
      row.baseline = { value: change.levels.baseline, values: confirmation.arms.base }
      row.current = { value: change.levels.current, values: confirmation.arms.head }
    }
    if (change) row.change = change
    if (metric.status !== 'no-baseline' && metric.decidedBy !== 'none') {
      row.context = {
        method: metric.decidedBy ?? methodOf(metric.change),
        status: metric.status,
        reason: metric.reason,
        ...(metric.baseline ? { baseline: metric.baseline } : {}),
        ...(metric.current ? { current: metric.current } : {}),
        ...(metric.change ? { change: metric.change } : {})
      }
    }
    row.label = confirmation.notDecided ? { kind: 'not decided', text: 'not decided' } : labelOf(row, noiseFloor)
    if (row.status === 'pass' && row.label.kind === 'improved') row.status = 'improved'
    return row
  })
  return summarize(metrics, hasBaseline || result.confirmations.length > 0)
}

/**
 * The paired estimate's arms: the base arm's geometric mean, and base × ratio for the head arm (the geometric mean
 * of the head arm itself when no pair was trimmed), so that head / base === the A/B ratio shown.
 */
function pairedLevels(change: ChangeEstimate, base: number[]): ChangeEstimate {
  if (base.length === 0 || base.some((v) => v <= 0)) return change
  const baseline = Math.exp(base.reduce((sum, v) => sum + Math.log(v), 0) / base.length)
  return { ...change, levels: { baseline, current: baseline * change.ratio } }
}

/** Advice to "use same-runner confirmation" means nothing once it ran: more pairs or a larger threshold can decide. */
function withoutConfirmationAdvice(reason: string): string {
  return reason
    .replace(/Use same-runner confirmation, more trials, or a larger threshold\./, 'More pairs (more or later confirm looks) or a larger threshold can decide.')
    .replace(/,? ?(or )?(use |let )?same-runner confirmation( decide)?/gi, '')
}

/** A commit to measure this run against, and how the report names it ("the base commit"). */
export interface BaseCommit {
  sha: string
  what: string
}

/** The base commit to measure: the configured one (CLI --base), else the event's (baseCommitOfEvent), else none. */
export function baseCommitOf(settings: GateSettings, ofEvent: BaseCommit | undefined): BaseCommit | undefined {
  return settings.confirm.base ? { sha: settings.confirm.base, what: 'the base commit' } : ofEvent
}

/**
 * Runs confirmation when there is something to confirm and a base commit to compare with. A requested A/B
 * (compare-to base-commit) whose base cannot be checked out, built or run is a run failure (RunError, exit 2),
 * never a quiet fallback to the stored comparison. With confirm: on-regression the stored-baseline verdicts stand
 * as they were (inconclusive stays inconclusive) and `failure` says why, for the headline.
 */
export async function confirmOnBaseCommit(
  settings: GateSettings,
  verdict: GateVerdict,
  current: Results,
  base: BaseCommit | undefined,
  hasBaseline: boolean,
  deps: ConfirmDeps
): Promise<ConfirmOutcome> {
  const wanted = settings.confirm.compareTo === 'base-commit' || settings.confirm.when === 'on-regression'
  if (!wanted) return { verdict }
  const targets = confirmationTargets(verdict, current, settings)
  if (targets.length === 0) return { verdict }
  if (!base) {
    // Said either way: a suspected regression left to the stored comparison must not look as if A/B had been tried.
    // (Results read from a file cannot be re-measured at all: nothing to suggest.)
    const what = describeTargets(targets, verdict)
    if (settings.confirm.compareTo === 'base-commit') {
      return { verdict, note: 'compare-to base-commit needs a base commit: run on a pull request, or pass --base <commit> to the CLI.' }
    }
    if (!relocateSource(settings.source, settings.rootDir, settings.rootDir)) return { verdict }
    // In a terminal the verdict stands on its evidence and --base is an offer, not a missing step; a push or a
    // scheduled run has no base at all, the stored history decides there; only a pull request should have had one.
    if (deps.event === 'local') {
      return { verdict, note: `To measure ${what} again, base and head in turns on this machine, pass --base <commit> (e.g. --base origin/main).` }
    }
    const how =
      deps.event === 'pull_request' || deps.event === 'pull_request_target'
        ? 'the event payload names no base commit'
        : deps.event === 'push'
          ? "a push is measured again only on the default branch, against the commit before it (the event's `before`), and this one has none, so the stored history decides"
          : `a ${deps.event ?? 'run'} event has no base to compare with, so the stored history decides; pull requests are confirmed against their base commit`
    return { verdict, note: `Same-runner confirmation of ${what} did not run: ${how}.` }
  }
  const baseSha = base.sha
  const requested = settings.confirm.compareTo === 'base-commit'
  const cannotRun = (why: string): ConfirmOutcome => {
    if (requested) throw new RunError(`compare-to base-commit: the same-runner A/B against ${baseSha.slice(0, 7)} could not run: ${why}`)
    // One line says it (the report's confirmation-failure line); a note beside it repeated it.
    return { verdict, failure: why }
  }
  // Results read from a file cannot be re-measured: by design, not a failure (and the same on every pull request).
  if (!relocateSource(settings.source, settings.rootDir, settings.rootDir)) {
    if (requested) return cannotRun('results read from a file cannot be re-measured on the base commit')
    return {
      verdict,
      note: `Same-runner confirmation does not apply to results read from a file (they cannot be re-measured on the base commit ${baseSha.slice(0, 7)}); the stored-baseline verdicts stand. To confirm, let perf-gate run the benchmark (\`command\`).`
    }
  }
  const repoTop = await repositoryTop(settings.rootDir).catch(() => undefined)
  if (!repoTop) return cannotRun(`${settings.rootDir} is not a git checkout`)

  const plan = planDuet(settings, targets, (target) => unitOf(current, target))
  const short = baseSha.slice(0, 7)
  deps.log.info(`Confirming ${plan.targets.length} metric(s) on this runner against ${base.what} ${short}...`)
  let worktree: BaseWorktree | undefined
  let duet: DuetSession | undefined
  try {
    const prepare =
      deps.prepareWorktree ??
      ((top: string, sha: string) =>
        prepareBaseWorktree(
          top,
          sha,
          {
            ...(settings.confirm.build ? { command: settings.confirm.build } : {}),
            timeoutMs: settings.confirm.buildTimeoutMs,
            projectDir: settings.rootDir,
            ...(deps.baseBuildCache ? { cache: deps.baseBuildCache } : {})
          },
          deps.log,
          deps.signal
        ))
    worktree = await prepare(repoTop, baseSha)
    const baseSource = armSource(relocateSource(settings.source, repoTop, worktree.dir)!)
    const headSource = armSource(settings.source)
    const baseRoot = join(worktree.dir, relative(repoTop, settings.rootDir))
    const runDeps = (rootDir: string): RunDeps => ({ log: deps.log, rootDir, ...(deps.signal ? { signal: deps.signal } : {}) })
    const started = plan.sideBySide ? await startSideBySide(settings, plan.sideBySide, baseSource, headSource, deps.log, deps.signal) : {}
    duet = started.session
    const runArm = (arm: 'base' | 'head') =>
      arm === 'base' ? deps.produce(baseSource, runDeps(baseRoot)) : deps.produce(headSource, runDeps(settings.rootDir))
    const interleaved =
      settings.source.kind === 'suites' ? interleavedArmRunner(runArm, new InterleavedSchedule(deps.scheduleSeed ?? randomScheduleSeed())) : undefined
    const result = await confirmOnSameRunner({
      targets: duet ? plan.targets : targets,
      runner: duet ? duetArmRunner(duet) : (interleaved ?? { run: runArm }),
      decide: deps.decide,
      looks: duet ? settings.confirm.duetLooks : settings.confirm.looks,
      log: deps.log,
      deadline: deps.now() + settings.confirm.budgetMs,
      now: deps.now
    })
    const seconds = (result.elapsedMs / 1000).toFixed(0)
    // Why the A/B ran sequentially after all, or what a side-by-side run left out.
    const methodNote = plan.sideBySide && !duet ? started.note : plan.note
    const note =
      `Same-runner A/B against ${base.what} ${short}: ${result.pairs} pairs in ${result.looks} look(s), ${seconds} s ` +
      `(${(result.elapsedMs / 1000 / Math.max(1, result.confirmations.length)).toFixed(1)} s of measuring per verdict)${duet ? `; ${duet.describe()}` : ''}${interleaved ? `; ${interleaved.describe()}` : ''}.` +
      (methodNote ? ` ${methodNote}` : '')
    const confirmed = applyConfirmation(verdict, result, hasBaseline)
    return { verdict: duet ? markSkippedByDuet(confirmed, plan.skipped) : confirmed, note, result }
  } catch (error) {
    if (deps.signal?.aborted) throw error
    const why = messageOf(error)
    // A missing install already says exactly what to set.
    const named = error instanceof MissingInstallError
    const advice =
      settings.confirm.build || named
        ? ''
        : '\nThe base commit is measured in a fresh checkout without installed dependencies or build output: set `build:` (CLI --build, Action input build), e.g. "npm ci && npm run build".'
    if (requested) {
      throw new RunError(`compare-to base-commit: the same-runner A/B against ${short} could not run: ${tail(why)}${advice}`)
    }
    if (firstLine(why) !== why) deps.log.info(`Same-runner confirmation against ${short}, in full: ${why}`)
    return {
      verdict,
      failure: `${firstLine(why)}${settings.confirm.build || named ? '' : ' (set `build:` if the base checkout needs installing or building)'}`
    }
  } finally {
    await duet?.stop()
    await worktree?.remove().catch((error: unknown) => deps.log.warn(`could not remove the base checkout: ${messageOf(error)}`))
  }
}

/** The unit of a metric to confirm, as this run measured it. */
function unitOf(current: Results, target: ConfirmTarget): string | undefined {
  const scenario = current.scenarios.find((candidate) => candidate.name === target.scenario)
  return scenario && metricSeries(scenario, target.metric)?.unit
}

function firstLine(text: string): string {
  return text.split('\n')[0]!
}

/** The first line and the last lines of an error (a build's output tail), bounded for a log and a report. */
function tail(text: string): string {
  const lines = text.split('\n')
  return lines.length <= 16 ? text : [lines[0]!, '…', ...lines.slice(-15)].join('\n')
}
