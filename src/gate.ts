/**
 * One run of the gate, the same for the Action and the CLI:
 *   settings → run → results → baseline(s) → verdicts → report → exit code → save?
 * All I/O comes in through `GateDeps`, so the whole pipeline runs in tests without GitHub.
 */
import { newBaselineId } from './baselines/baseline-id.js'
import { decideBaselineSave, type SaveDecision } from './baselines/save-policy.js'
import { scopeToSuites } from './config/select-suites.js'
import {
  BASELINE_SCHEMA_VERSION,
  type BaselineLookup,
  type BaselineRecord,
  type BaselineStore,
  type RecordedVerdict,
  type SavedBaseline
} from './baselines/store.js'
import type { GateSettings, RunSource, ThresholdRule } from './config/settings.js'
import { defaultThresholdsNote } from './config/resolve-settings.js'
import { baseCommitOfEvent, type RunContext } from './context.js'
import { EXIT_PASS, EXIT_REGRESSION, EXIT_RUN_FAILED, messageOf } from './errors.js'
import type { Logger } from './log.js'
import { buildReport } from './report/build-report.js'
import type { GateReport } from './report/report-model.js'
import { currentEnvironment, describeEnvironmentDifference, describeLoadDifference, machineLoadPerCore } from './results/environment.js'
import type { Results } from './results/model.js'
import { isAbsoluteOnly, resolveThreshold } from './config/thresholds.js'
import { produceResults, type RunDeps } from './run/run-source.js'
import { evaluate } from './verdict/evaluate.js'
import type { GateVerdict, MetricVerdict } from './verdict/types.js'
import { distrustSaturatedGenerator } from './verdict/generator-saturation.js'
import { checkRulesMatch } from './verdict/rule-coverage.js'
import { checkScenariosOverlap } from './verdict/scenario-overlap.js'
import { baseCommitOf, confirmOnBaseCommit } from './confirm/confirm-on-base.js'
import type { BaseWorktree } from './confirm/base-worktree.js'
import type { BaseBuildCache } from './confirm/base-build-cache.js'
import { createPairedDecider, type PairedDecider } from './verdict/paired-decider.js'
import { throwIfCancelled } from './run/cancellation.js'
import { checkStoreName } from './config/names.js'

export interface GateDeps {
  log: Logger
  store: BaselineStore
  context: RunContext
  now: () => Date
  signal?: AbortSignal
  /** Produces the current results; defaults to running the configured source. */
  produce?: (source: RunSource, deps: RunDeps) => Promise<Results>
  /** Decides a metric from same-runner A/B pairs; defaults to the shipped rule of src/verdict/paired-decider.ts. */
  decide?: PairedDecider
  /** Checks out and builds the base commit for A/B; defaults to a git worktree beside the workspace. */
  prepareWorktree?: (repoTop: string, sha: string) => Promise<BaseWorktree>
  /** Keeps the base commit's build across runs (the Action: the Actions cache); without it every A/B builds the base. */
  baseBuildCache?: BaseBuildCache
  /** Milliseconds clock for budgets; defaults to Date.now. */
  clock?: () => number
}

export interface GateOptions {
  /** auto: save on a push to the default branch; promote: save now (explicit); never. */
  save: 'auto' | 'promote' | 'never'
  /** With promote: save as this pinned (named) baseline instead of the rolling one. */
  promoteAs?: string
  /** Lines for the report's notes from the edge (e.g. how shards were merged). */
  notes?: string[]
}

export interface GateOutcome {
  results: Results
  report: GateReport
  exitCode: number
  saveDecision: SaveDecision
  saved?: SavedBaseline
  /** Why a due save failed (storage outage); the run still reports. */
  saveFailure?: string
  /** When saved: the stored runs of the gate including the new one, newest first (for change points on the history). */
  history?: BaselineRecord[]
}

export async function runGate(settings: GateSettings, deps: GateDeps, options: GateOptions): Promise<GateOutcome> {
  // Before measuring: a pinned name becomes part of a path, a cache key or an artifact name.
  if (options.promoteAs !== undefined) checkStoreName(options.promoteAs, 'baseline name', 'promote as')
  // A pinned name to compare with must exist before anything is measured, where a store can tell (files): a typo
  // would compare nothing after a long run. A promotion under that very name is what pins it, so it may be missing then.
  const name = settings.baseline.name
  if (name && options.promoteAs !== name) await deps.store.requirePinned?.(settings.name, name)
  const loadAtStart = machineLoadPerCore()
  const produce = deps.produce ?? produceResults
  const runNotes: string[] = []
  const runDeps: RunDeps = {
    log: deps.log,
    rootDir: settings.rootDir,
    notes: runNotes,
    isJudged: (scenario, metric) => resolveThreshold(settings.thresholds, scenario, metric) !== undefined
  }
  if (deps.signal) runDeps.signal = deps.signal
  const results = stampIdentity(await produce(settings.source, runDeps), deps.context, loadAtStart)

  // Whether a save is due decides only how "no baseline yet" is logged (a first save is how it should go); the
  // decision that counts is made below, once the run's verdict is known.
  const due = decideBaselineSave(deps.context, { mode: options.save, complete: true })
  const lookup = await lookupBaseline(settings, deps, due.save)
  // An explicit promotion may start over with new scenario names; every other run must compare something.
  if (lookup.baseline && !due.promotion) checkScenariosOverlap(results, lookup.baseline.results, lookup.baseline.id)
  checkRulesMatch(settings.thresholds, lookup.baseline ? [results, lookup.baseline.results] : [results])
  const evaluated = evaluate({
    current: results,
    history: lookup.history.map((record) => scopeToSuites(record.results, settings.suiteScope)),
    rules: settings.thresholds,
    removed: settings.removed,
    sameMachine: measuredOnThisMachine(deps.context, results, lookup.baseline?.results),
    ...(lookup.baseline ? { baseline: scopeToSuites(lookup.baseline.results, settings.suiteScope) } : {})
  })
  const { verdict: stored, notes: generatorNotes } = distrustSaturatedGenerator(evaluated, results, lookup.baseline !== undefined)
  const notes = [...(options.notes ?? []), ...runNotes, ...notesFor(settings), ...generatorNotes]
  const confirmed = await confirmOnBaseCommit(
    settings,
    stored,
    results,
    baseCommitOf(settings, baseCommitOfEvent(deps.context)),
    lookup.baseline !== undefined,
    {
      log: deps.log,
      now: deps.clock ?? Date.now,
      produce,
      decide: deps.decide ?? createPairedDecider(),
      event: deps.context.event,
      ...(deps.signal ? { signal: deps.signal } : {}),
      ...(deps.prepareWorktree ? { prepareWorktree: deps.prepareWorktree } : {}),
      ...(deps.baseBuildCache ? { baseBuildCache: deps.baseBuildCache } : {})
    }
  )
  if (confirmed.note) notes.push(confirmed.note)
  const verdict = confirmed.verdict
  if (confirmed.failure) deps.log.warn(`Same-runner confirmation failed: ${confirmed.failure}`)
  const report = buildReport({
    gate: settings.name,
    verdict,
    current: results,
    lookup,
    storeDescription: deps.store.description,
    ...(deps.store.given ? { givenBaseline: deps.store.given } : {}),
    context: deps.context,
    now: deps.now(),
    notes
  })
  if (confirmed.failure) report.confirmationFailure = confirmed.failure
  if (settings.strict) report.strict = true

  // A cancelled run unwinds here at the latest: whatever it measured is not saved.
  throwIfCancelled(deps.signal, 'before the baseline was saved')
  const overBudget = settings.baseline.saveOverErrorBudget ? undefined : errorBudgetBreach(verdict.metrics)
  // Some suites of the gate (`--suite`) are part of a run: saved, they would drop the other suites from the baseline.
  const partial = settings.suiteScope ? `only suite(s) ${settings.suiteScope.join(', ')} ran (--suite), and a baseline holds every suite` : undefined
  const notABaseline = overBudget ?? partial
  const saveDecision = decideBaselineSave(deps.context, { mode: options.save, complete: true, ...(notABaseline ? { notABaseline } : {}) })
  if (overBudget && options.save !== 'never') {
    report.notes.push(`This run is not saved as a baseline: ${overBudget} (set baseline.save-over-error-budget: true to save such runs).`)
  }
  const outcome: GateOutcome = { results, report, exitCode: exitCodeFor(report, settings), saveDecision }
  if (saveDecision.save) {
    const record = baselineRecord(settings.name, results, deps.context, deps.now(), saveDecision.promotion ? options.promoteAs : undefined)
    record.verdict = recordedVerdict(verdict)
    try {
      outcome.saved = await deps.store.save(record)
      report.saved = {
        id: outcome.saved.id,
        first: isFirstBaseline(lookup, settings),
        ...(record.source.sha ? { sha: record.source.sha } : {}),
        ...(deps.context.event === 'local' ? { local: true } : {})
      }
      outcome.history = [record, ...(await rollingHistory(settings, deps, lookup)).filter((stored) => stored.id !== record.id)]
      const saved = `Saved baseline ${outcome.saved.id} to ${outcome.saved.location} (${saveDecision.reason})`
      if (record.source.dirty) {
        // A warning, shown with --quiet too: the record's commit does not hold what it measured.
        const commit = record.source.sha!.slice(0, 7)
        const what = `from a working tree with uncommitted changes: it is not what ${commit} measures`
        deps.log.warn(`${saved} ${what}, and a pull request based on ${commit} does not take it as its base commit's baseline.`)
        report.notes.push(`This run was saved as a baseline ${what} (commit the changes, then save, for a baseline that its commit stands for).`)
      } else deps.log.info(`${saved}.`)
      const pruned = outcome.saved.pruned
      // One run out for one in is the store at its depth; more at once is history someone lowered: say what went.
      if (pruned && pruned.count > 1) {
        deps.log.warn(`Deleted the ${pruned.count} oldest stored runs to keep the newest ${pruned.keep} (history: ${pruned.keep}).`)
      } else if (pruned) {
        deps.log.info(`The oldest stored run was deleted to keep the newest ${pruned.keep} (history: ${pruned.keep}).`)
      }
    } catch (error) {
      // A storage outage does not fail the run (the verdict stands) unless fail-on-missing-baseline asks for it.
      outcome.saveFailure = messageOf(error)
      // A warning, not a note: the next pull requests compare against an older baseline than the reader expects.
      report.baselineProblems.push(`this run was due to be saved as a baseline and was not: ${outcome.saveFailure}`)
      // "A push to the default branch saves the first one" would be untrue of the push whose save just failed.
      if (report.baselineAbsence?.kind === 'not-saved' && isFirstBaseline(lookup, settings)) {
        report.baselineAbsence.advice =
          'This run was to save the first one, but the save failed (see below); the next save (a push to the default branch) tries again.'
      }
      deps.log.warn(`Baseline not saved: ${outcome.saveFailure}`)
    }
  } else if (options.save === 'never' && deps.context.event === 'local') {
    // A local run that was not asked to save: the usual case, not news on every run.
    deps.log.debug(`Baseline not saved: ${saveDecision.reason}.`)
  } else {
    deps.log.info(`Baseline not saved: ${saveDecision.reason}.`)
  }
  if (outcome.saveFailure && saveDecision.promotion) {
    // A save that was asked for (promotion, --save-baseline) and did not happen is a failed run, not a pass.
    deps.log.error(`The baseline was asked for and not saved, so the run fails (exit 2): ${outcome.saveFailure}`)
    outcome.exitCode = EXIT_RUN_FAILED
  }
  const missing = verdict.targetsOnly ? undefined : missingBaselineFailure(settings, lookup, saveDecision, outcome.saveFailure)
  if (missing) {
    report.runFailure = missing
    deps.log.error(missing)
    outcome.exitCode = EXIT_RUN_FAILED
  }
  return outcome
}

/**
 * Why a run must not become a baseline: its requests failed beyond the error budget (an `errors` metric failed),
 * so it measured a failing service, not the service's speed. Undefined when the budget held.
 */
function errorBudgetBreach(metrics: MetricVerdict[]): string | undefined {
  const over = metrics.filter((metric) => metric.status === 'fail' && /^errors(_|$)/.test(metric.metric))
  if (over.length === 0) return undefined
  const shown = over.slice(0, 3).map((metric) => `${metric.scenario} ${metric.metric} ${metric.current?.value.toFixed(1) ?? '?'}${metric.unit}`)
  return `its requests failed beyond the error budget (${shown.join(', ')}${over.length > 3 ? `, and ${over.length - 3} more` : ''})`
}

/**
 * With fail-on-missing-baseline: the reason the run fails (exit 2) because no baseline could be read, or a due
 * baseline could not be saved. A run that saves the first baseline (nothing to read yet) is not a failure.
 */
function missingBaselineFailure(settings: GateSettings, lookup: BaselineLookup, save: SaveDecision, saveFailure?: string): string | undefined {
  if (!settings.baseline.failOnMissing) return undefined
  if (saveFailure) return 'fail-on-missing-baseline: the baseline could not be saved, so the run fails (exit 2).'
  if (lookup.baseline || save.save) return undefined
  return `fail-on-missing-baseline: no baseline could be read (${lookup.problems.join('; ') || 'none stored'}), so the run fails (exit 2).`
}

/** A storage failure never fails the run: it becomes a problem in the report, and the gate goes on without. */
/**
 * Nothing has been saved for this gate: the save of this run is its first baseline. A pinned baseline that does not
 * exist is not that (a typo in `baseline:`, or a release not pinned yet): it is warned about, and what is saved is
 * one more rolling run, not "the first baseline".
 */
function isFirstBaseline(lookup: BaselineLookup, settings: GateSettings): boolean {
  return !lookup.baseline && lookup.absence?.kind === 'not-saved' && settings.baseline.name === undefined
}

/** Every configured threshold is an absolute target (`p95: < 300ms`): the gate compares with no baseline. */
function targetsOnly(rules: ThresholdRule[]): boolean {
  const thresholds = rules.flatMap((rule) => Object.values(rule.metrics))
  return thresholds.length > 0 && thresholds.every(isAbsoluteOnly)
}

async function lookupBaseline(settings: GateSettings, deps: GateDeps, saving: boolean): Promise<BaselineLookup> {
  const query = {
    gate: settings.name,
    historyLimit: settings.baseline.historyLimit,
    ...(settings.baseline.name ? { name: settings.baseline.name } : {}),
    ...(deps.context.pullRequest?.baseSha ? { preferSha: deps.context.pullRequest.baseSha } : {})
  }
  try {
    const lookup = await deps.store.load(query)
    // A run that saves the first baseline is how it should go: no warning annotation for "none saved yet"; nor for a
    // gate whose every threshold is an absolute target, which needs none ("no baseline needed", its report says).
    const firstSave = saving && isFirstBaseline(lookup, settings)
    const needsNone = !lookup.baseline && lookup.absence?.kind === 'not-saved' && targetsOnly(settings.thresholds)
    for (const problem of lookup.problems) {
      // The save that follows says what happened; "nothing saved yet" just before it reads as a contradiction.
      if (!firstSave && !needsNone) deps.log.warn(`Baseline: ${problem}`)
    }
    return lookup
  } catch (error) {
    const reason = messageOf(error)
    const problem = `the ${deps.store.description} could not be read: ${reason}`
    deps.log.warn(`Baseline: ${problem}`)
    return {
      history: [],
      problems: [problem],
      absence: { kind: 'unreadable', reason, advice: 'Re-run the job; if it keeps failing, report it with this message.' }
    }
  }
}

/**
 * The default branch's stored runs, for the history a saving push shows. A gate compared against a pinned baseline
 * (`baseline: release-9`) looked up only that one record, so the history read for the verdict is not the branch's:
 * it is read again (the push summary showed one or two runs). A store that cannot be read then gives none.
 */
async function rollingHistory(settings: GateSettings, deps: GateDeps, lookup: BaselineLookup): Promise<BaselineRecord[]> {
  if (!settings.baseline.name) return lookup.history
  try {
    return (await deps.store.load({ gate: settings.name, historyLimit: settings.baseline.historyLimit })).history
  } catch (error) {
    deps.log.warn(`The default branch's stored runs could not be read for the history: ${messageOf(error)}`)
    return []
  }
}

/**
 * Local runs compare against baselines this same machine measured (the file store, or two files a developer
 * compares): there, within-run trials are the whole noise. On CI every job may land on another machine. A run
 * measured while the machine was much busier than for its baseline is not the same conditions either: a load slows
 * it, so its slowdowns are not failed on its trials alone. (A busier baseline leans the other way: a slowdown measured
 * against it is, if anything, understated, and still fails; its passes are what the report warns about.)
 */
function measuredOnThisMachine(context: RunContext, current: Results, baseline: Results | undefined): boolean {
  if (context.runner !== 'local' || !baseline) return false
  if ((baseline.environment?.runner ?? 'local') !== 'local') return false
  if (describeLoadDifference(baseline.environment, current.environment)?.busier === 'current') return false
  return describeEnvironmentDifference(current.environment, baseline.environment) === undefined
}

/** Exit 1 for regressions (unless fail-on-regression is off), and for warn/inconclusive in strict mode. */
export function exitCodeFor(report: GateReport, settings: GateSettings): number {
  if (report.verdict === 'fail') return settings.failOnRegression ? EXIT_REGRESSION : EXIT_PASS
  if (settings.strict && (report.verdict === 'warn' || report.verdict === 'inconclusive')) return EXIT_REGRESSION
  return EXIT_PASS
}

function notesFor(settings: GateSettings): string[] {
  const notes: string[] = []
  if (settings.thresholds.some((rule) => rule.isDefault)) notes.push(defaultThresholdsNote(settings.source))
  if (settings.strict) notes.push('Strict mode: warnings and inconclusive results fail the gate too.')
  if (!settings.failOnRegression) notes.push('fail-on-regression is off: regressions are reported but do not fail the job.')
  return notes
}

/**
 * Fills in the git identity and the environment when the results do not carry them; `loadAtStart` is the machine's
 * load when the run started (the environment keeps the higher of it and the load now).
 */
export function stampIdentity(results: Results, context: RunContext, loadAtStart?: number): Results {
  const git = { ...results.git }
  if (!git.sha && context.sha) git.sha = context.sha
  if (!git.ref && context.ref) git.ref = context.ref
  return {
    ...results,
    createdAt: results.createdAt ?? new Date().toISOString(),
    environment: results.environment ?? currentEnvironment(context.runner, loadAtStart),
    ...(git.sha || git.ref ? { git } : {})
  }
}

/** Names of scenarios and metrics: tells "the suite changed" apart from "the numbers changed". */
export function scenarioSetOf(results: Results): string {
  const names = results.scenarios
    .map((scenario) => `${scenario.name}:${[...new Set(scenario.trials.flatMap((t) => Object.keys(t.metrics)))].sort().join(',')}`)
    .sort()
  let hash = 0x811c9dc5
  for (const char of names.join('\n')) {
    hash ^= char.codePointAt(0)!
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash.toString(16).padStart(8, '0')
}

/** The compact verdict stored with a baseline: the gate's status and the metrics that failed, warned or improved. */
export function recordedVerdict(verdict: GateVerdict): RecordedVerdict {
  const metrics: RecordedVerdict['metrics'] = []
  for (const row of verdict.metrics) {
    if (row.status === 'fail' || row.status === 'warn' || row.status === 'improved')
      metrics.push({ scenario: row.scenario, metric: row.metric, status: row.status })
  }
  return { status: verdict.status, metrics }
}

/** A baseline record for these results; `pinnedName` makes it a named baseline. */
export function baselineRecord(gate: string, results: Results, context: RunContext, now: Date, pinnedName?: string): BaselineRecord {
  const sha = results.git?.sha ?? context.sha
  const record: BaselineRecord = {
    schemaVersion: BASELINE_SCHEMA_VERSION,
    gate,
    id: newBaselineId(now, sha),
    savedAt: now.toISOString(),
    source: {
      event: context.event,
      ...(sha ? { sha } : {}),
      // Only the tree this run stands in was seen: results that name another commit carry no word on it.
      ...(sha && context.dirty && sha === context.sha ? { dirty: true } : {}),
      ...((results.git?.ref ?? context.ref) ? { ref: (results.git?.ref ?? context.ref)! } : {}),
      ...(context.runId ? { runId: context.runId } : {}),
      ...(context.runUrl ? { runUrl: context.runUrl } : {})
    },
    scenarioSet: scenarioSetOf(results),
    results
  }
  if (pinnedName) record.name = pinnedName
  if (results.environment) record.environment = results.environment
  return record
}
