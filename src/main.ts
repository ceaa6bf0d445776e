/**
 * The Action's edge: inputs and the runner's environment → settings and context; real adapters wired in;
 * the gate run; then the job summary, annotations, outputs and exit code.
 */
import { readFile, writeFile, mkdir } from 'node:fs/promises'
import { isAbsolute, join, relative, resolve, sep } from 'node:path'
import { statSync } from 'node:fs'
import { buildFailureReport } from './report/failure-report.js'
import * as core from '@actions/core'
import { ArtifactBaselineStore } from './baselines/artifact-store.js'
import { htmlReportLine, publishHtmlReport } from './github/html-report-artifact.js'
import { CacheBaselineStore, restCacheKeyLister, toolkitCacheClient } from './baselines/cache-store.js'
import { FileBaselineStore } from './baselines/file-store.js'
import { actionsBaseBuildCache, type BaseBuildCache } from './confirm/base-build-cache.js'
import type { BaselineStore } from './baselines/store.js'
import { checkStoreName } from './config/names.js'
import { gateNameInBrokenConfig } from './config/config-file.js'
import { resolveSettings } from './config/resolve-settings.js'
import { reportAnnotations } from './github/annotations.js'
import { cancelOnSignals, throwIfCancelled } from './run/cancellation.js'
import { DEFAULT_CONFIG_PATH, type BaselineStoreKind, type GateSettings } from './config/settings.js'
import { EXIT_BAD_INPUT, EXIT_PASS, EXIT_REGRESSION, EXIT_RUN_FAILED, InputError, exitCodeOf, messageOf } from './errors.js'
import { runGate, stampIdentity, type GateDeps, type GateOutcome } from './gate.js'
import type { RunContext } from './context.js'
import { produceResults } from './run/run-source.js'
import { codeFenceFor, escapeMarkdown } from './report/escape.js'
import { whatFailed } from './report/build-report.js'
import { ArtifactShardTransport } from './shards/artifact-transport.js'
import { splitLoadSource } from './run/load/split-load.js'
import { collectShards, shardShare, uploadShard } from './shards/shard-mode.js'
import { formatShard, parseShardSpec, type ShardSpec } from './shards/shard-spec.js'
import { DEFAULT_SHARD_WAIT_MS, ShardStartBarrier } from './shards/start-barrier.js'
import { parseDurationMs } from './config/durations.js'
import { contextFromActionsEnv } from './github/context.js'
import { createActionLogger } from './github/action-log.js'
import { SUMMARY_LIMIT_BYTES, renderMarkdownReport, renderReportWithTrends } from './report/markdown.js'
import { displayPath } from './paths.js'
import { COMMENT_MODES } from './github/pr-comment.js'
import { parseRepository } from './github/octokit-client.js'
import { githubTokenInput, publishReviewerView, replaceCommentWithFailure, runCommentModeAction, type ReviewerViewInput } from './github/action-comment.js'
import { COMMENT_BODY_LIMIT_CHARS, type CommentSettings } from './github/publish-comment.js'
import { pushHistory } from './history/push-summary.js'

/** The `markdown` output: GitHub's limit for one comment body, less room for a marker a later step may add. */
const MARKDOWN_OUTPUT_LIMIT_CHARS = COMMENT_BODY_LIMIT_CHARS - 512
/** Characters of the history section a push adds to the job summary. */
const HISTORY_SUMMARY_CHARS = 20_000

/** @actions/core, with the output of started processes folded into groups (github/action-log.ts). */
export const actionLogger = createActionLogger()

/** Reads a boolean input strictly: true/false, yes/no, on/off, 1/0 (any case) or empty for the default. */
function booleanInput(name: string, fallback: boolean): boolean {
  return optionalBooleanInput(name) ?? fallback
}

/** A boolean input that the config file may set when the input is empty (action.yml gives it no default). */
function optionalBooleanInput(name: string): boolean | undefined {
  const raw = core.getInput(name).trim().toLowerCase()
  if (raw === '') return undefined
  if (['true', 'yes', 'on', '1'].includes(raw)) return true
  if (['false', 'no', 'off', '0'].includes(raw)) return false
  throw new InputError(`input '${name}' must be true or false (yes/no, on/off and 1/0 are read too), got "${core.getInput(name)}"`)
}

function choiceInput<T extends string>(name: string, choices: readonly T[]): T | undefined {
  const raw = core.getInput(name).trim()
  if (raw === '') return undefined
  if (!choices.includes(raw as T)) throw new InputError(`input '${name}' must be one of ${choices.join(', ')}, got "${raw}"`)
  return raw as T
}

/** Input 'working-directory': a directory inside the workspace (a command run in "/" by `../..` measures nothing of it). */
function workingDirectory(workspace: string): string {
  const given = core.getInput('working-directory').trim() || '.'
  const dir = resolve(workspace, given)
  const inside = relative(resolve(workspace), dir)
  if (inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
    throw new InputError(`input 'working-directory': "${given}" leads outside the workspace ${workspace}; give a path inside it`)
  }
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
    throw new InputError(`input 'working-directory': "${given}" is not a directory in the workspace (${dir})`)
  }
  return dir
}

function positiveIntegerInput(name: string): number | undefined {
  const raw = core.getInput(name).trim()
  if (raw === '') return undefined
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 1) throw new InputError(`input '${name}' must be a whole number ≥ 1, got "${raw}"`)
  return value
}

/**
 * The Action (the typescript-action template's `run()`, which @github/local-action calls): returns the exit code,
 * and sets the failure through `core.setFailed` so a runner that ignores the return value still sees it.
 */
export async function run(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const log = actionLogger
  // A cancelled job (SIGINT, then SIGTERM) stops every process group the run started and saves nothing.
  const cancellation = cancelOnSignals()
  const { signal } = cancellation
  /** For a run that fails: the PR and gate whose comment must not keep an earlier commit's verdict. */
  let failed: { context?: RunContext; name: string; settled?: boolean } = { name: core.getInput('name').trim() || 'default' }
  let configPath: string | undefined
  try {
    const workspace = env.GITHUB_WORKSPACE || process.cwd()
    const rootDir = workingDirectory(workspace)
    configPath = resolve(rootDir, core.getInput('config') || DEFAULT_CONFIG_PATH)
    const payload = await readEventPayload(env.GITHUB_EVENT_PATH)
    const context = contextFromActionsEnv(env, payload)
    failed = { ...failed, context }
    if (choiceInput('mode', ACTION_MODES) === 'comment')
      return await runCommentModeAction(env, payload, core.getInput('name').trim() || undefined, commentSettings(), log)
    const configInput = core.getInput('config')
    let settings = await resolveSettings({
      rootDir,
      configPath: configInput || DEFAULT_CONFIG_PATH,
      configExplicit: configInput !== '' && configInput !== DEFAULT_CONFIG_PATH,
      name: core.getInput('name'),
      command: core.getInput('command'),
      resultsPath: core.getInput('results'),
      format: core.getInput('format'),
      timeout: core.getInput('timeout'),
      ...optional('repeat', core.getInput('repeat') || undefined),
      thresholdsText: core.getInput('thresholds'),
      thresholdsSource: "input 'thresholds'",
      ...optional('baselineStore', choiceInput<BaselineStoreKind>('baseline-store', ['file', 'cache', 'artifact'])),
      defaultBaselineStore: 'cache',
      ...optional('baselineDir', core.getInput('baseline-dir') || undefined),
      ...optional('baselineName', core.getInput('baseline') || undefined),
      ...optional('historyLimit', positiveIntegerInput('history')),
      ...optional('failOnMissingBaseline', optionalBooleanInput('fail-on-missing-baseline')),
      ...optional('artifactRetentionDays', positiveIntegerInput('baseline-retention-days')),
      ...optional('strict', optionalBooleanInput('strict')),
      failOnRegression: booleanInput('fail-on-regression', true),
      compareTo: core.getInput('compare-to'),
      build: core.getInput('build'),
      confirm: core.getInput('confirm'),
      confirmBudget: core.getInput('confirm-budget'),
      load: {
        url: core.getInput('url'),
        connections: core.getInput('connections'),
        duration: core.getInput('duration'),
        rate: core.getInput('rate'),
        trials: core.getInput('trials'),
        workers: core.getInput('workers'),
        profile: core.getInput('profile'),
        start: core.getInput('start'),
        readyUrl: core.getInput('ready-url')
      },
      env
    })
    failed = { ...failed, name: settings.name, settled: true }
    const mode = choiceInput('mode', ACTION_MODES) ?? 'gate'
    const workDir = join(env.RUNNER_TEMP || settings.rootDir, 'perf-gate')
    if (mode === 'shard') return await runShardMode(settings, context, shardInput(), workDir, signal)

    // Read before measuring, so that a bad value fails in seconds rather than after the suite.
    const reviewerInputs = reviewerViewInputs()
    const promote = booleanInput('promote', false)
    const saveMode = choiceInput('save-baseline', ['auto', 'never'] as const) ?? 'auto'
    const promoteAs = core.getInput('promote-as').trim() || undefined
    if (promoteAs) checkStoreName(promoteAs, 'baseline name', "input 'promote-as'")
    let notes: string[] = []
    let produce: GateDeps['produce']
    if (mode === 'aggregate') {
      const collected = await collectShards(
        settings.name,
        { ...optional('total', positiveIntegerInput('shards')), ...optional('sha', context.sha) },
        new ArtifactShardTransport(),
        log
      )
      notes = collected.notes
      produce = async () => collected.results
      // The shards measured; the aggregate job cannot re-measure the base commit on their runners.
      settings = { ...settings, confirm: { ...settings.confirm, when: 'never', compareTo: 'stored' } }
    }
    const store = createStore(settings, context, env)
    const outcome = await runGate(
      settings,
      { log, store, context, now: () => new Date(), signal, ...optional('produce', produce), ...optional('baseBuildCache', baseBuildCache(env)) },
      { save: saveMode === 'never' ? 'never' : promote ? 'promote' : 'auto', ...optional('promoteAs', promoteAs), notes }
    )
    throwIfCancelled(signal, 'after the measurement')
    await publish(settings, outcome, env, context, reviewerInputs)
    return outcome.exitCode
  } catch (error) {
    await writeFailureReport(failed.name, error, cancellation.receivedSignal !== undefined)
    if (cancellation.receivedSignal) return await reportCancelled(cancellation.receivedSignal)
    log.closeGroup()
    const exitCode = exitCodeOf(error)
    const kind = exitCode === EXIT_BAD_INPUT ? 'configuration error' : 'the run failed'
    // A config that failed to read still names its gate, and so the comment that must not stand (an input name wins).
    if (!failed.settled && !core.getInput('name').trim() && configPath) failed.name = (await gateNameInBrokenConfig(configPath)) ?? failed.name
    core.setFailed(`perf-gate: ${kind}: ${messageOf(error)}`)
    await writeFailureSummary(failed.name, kind, messageOf(error))
    core.setOutput('error', messageOf(error))
    if (failed.context && core.getInput('mode').trim() !== 'comment') await replaceStaleComment(failed.name, kind, messageOf(error), failed.context, env)
    return exitCode
  } finally {
    cancellation.dispose()
  }
}

/**
 * A run that reached no verdict still leaves a JSON report (verdict "error", the message, what was measured before)
 * where `report-json` points: a later step must not read an earlier run's report there as this one's.
 */
async function writeFailureReport(name: string, error: unknown, cancelled: boolean): Promise<void> {
  try {
    const dir = join(process.env.RUNNER_TEMP || process.env.GITHUB_WORKSPACE || process.cwd(), 'perf-gate')
    await mkdir(dir, { recursive: true })
    // The name may come from a config that failed to read: nothing in it may lead out of the directory.
    const path = join(dir, `${name.replace(/[^\w.-]+/g, '-').replace(/^\.+/, '')}-report.json`)
    await writeFile(path, `${JSON.stringify(buildFailureReport(name, error, new Date(), cancelled), null, 2)}\n`)
    core.setOutput('report-json', path)
  } catch (writeError) {
    core.warning(`perf-gate: the failure report could not be written: ${messageOf(writeError)}`)
  }
}

/** The job was cancelled: one summary line, no verdict, no baseline (every started process was stopped). */
async function reportCancelled(received: NodeJS.Signals): Promise<number> {
  const message = `perf-gate: cancelled (${received}); every process it started was stopped and no baseline was written`
  core.setFailed(message)
  core.setOutput('error', message)
  if (process.env.GITHUB_STEP_SUMMARY) {
    try {
      await core.summary
        .addRaw(
          `### ⏹ perf-gate: cancelled\n\nThe run was cancelled (${received}): no verdict was reached, every process it started was stopped, and no baseline was written.\n`
        )
        .write()
    } catch {
      // A summary is a courtesy here.
    }
  }
  return EXIT_RUN_FAILED
}

const ACTION_MODES = ['gate', 'shard', 'aggregate', 'comment'] as const

/** Inputs for the PR comment and the report artifact. */
function reviewerViewInputs(): Pick<ReviewerViewInput, 'settings' | 'uploadReport'> {
  return { settings: commentSettings(), uploadReport: choiceInput('upload-report', ['auto', 'true', 'false'] as const) ?? 'auto' }
}

/** Inputs comment, comment-author and commit-comment. */
function commentSettings(): CommentSettings {
  return {
    mode: choiceInput('comment', COMMENT_MODES) ?? 'always',
    commitComment: booleanInput('commit-comment', false),
    ...optional('author', core.getInput('comment-author').trim() || undefined)
  }
}

/** The shard of this job: `shard: 2/8`, or `shard-index` (0-based, e.g. strategy.job-index) with `shards`. */
function shardInput(): ShardSpec {
  const text = core.getInput('shard').trim()
  if (text) return parseShardSpec(text, "input 'shard'")
  const index = core.getInput('shard-index').trim()
  const total = positiveIntegerInput('shards')
  if (index === '' || total === undefined) {
    throw new InputError("mode shard needs input 'shard' (e.g. 2/8) or 'shard-index' (0-based, e.g. ${{ strategy.job-index }}) with 'shards'")
  }
  if (!/^\d+$/.test(index)) throw new InputError(`input 'shard-index' must be a whole number from 0, got "${index}"`)
  return parseShardSpec(`${Number(index) + 1}/${total}`, "inputs 'shard-index' and 'shards'")
}

/**
 * Runs this shard's share and uploads it for the aggregate job: no verdict, no comment, no baseline. Load shards
 * first meet at a barrier, so that all apply their share of the load at one agreed time.
 */
async function runShardMode(settings: GateSettings, context: RunContext, shard: ShardSpec, workDir: string, signal: AbortSignal): Promise<number> {
  const share = shardShare(settings.source, shard, splitLoadSource)
  const waitInput = core.getInput('shard-wait').trim()
  const waitMs = waitInput ? parseDurationMs(waitInput, "input 'shard-wait'") : DEFAULT_SHARD_WAIT_MS
  const transport = new ArtifactShardTransport()
  const barrier =
    share.split === 'load' && shard.total > 1
      ? new ShardStartBarrier({
          gate: settings.name,
          shard,
          attempt: context.runAttempt ?? 1,
          transport,
          workDir: join(workDir, 'start'),
          log: actionLogger,
          waitMs
        })
      : undefined
  let results
  try {
    results = await produceResults(share.source, {
      log: actionLogger,
      rootDir: settings.rootDir,
      signal,
      fixedTrials: true,
      ...optional('beforeFirstLoad', barrier ? async () => void (await barrier.wait()) : undefined)
    })
  } catch (error) {
    // Siblings still waiting at the barrier stop at once instead of at their deadline.
    await barrier?.abandon()
    throw error
  }
  throwIfCancelled(signal, 'before the shard was uploaded')
  results = stampIdentity(results, context)
  const agreed = barrier?.agreed
  const report = await uploadShard(
    settings.name,
    shard,
    share.split,
    results,
    context,
    transport,
    workDir,
    actionLogger,
    optional('agreedStartAt', agreed?.startAt.toISOString())
  )
  const scenarios = report.results.scenarios.map((scenario) => scenario.name)
  core.setOutput('shard', formatShard(shard))
  if (process.env.GITHUB_STEP_SUMMARY) {
    const start = agreed
      ? ` The load started at the time all ${shard.total} shards agreed on, ${agreed.startAt.toISOString()}${agreed.lateMs > 500 ? ` (this shard ${(agreed.lateMs / 1000).toFixed(1)} s late)` : ''}.`
      : ''
    await core.summary
      .addRaw(
        `### perf-gate ${escapeMarkdown(settings.name)}: shard ${formatShard(shard)}\n\nMeasured ${scenarios.length} scenario(s) and uploaded them for the aggregate job; the verdict comes from there.${start}\n`
      )
      .write()
  }
  return EXIT_PASS
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V }
}

/**
 * The Actions cache for the base commit's build (same-runner A/B), unless turned off (`base-build-cache: false`) or
 * the cache service is not there.
 */
function baseBuildCache(env: NodeJS.ProcessEnv): BaseBuildCache | undefined {
  if (!booleanInput('base-build-cache', true) || !env.RUNNER_TEMP || !toolkitCacheClient.available()) return undefined
  return actionsBaseBuildCache(toolkitCacheClient, env.RUNNER_TEMP)
}

/** The baseline store the settings ask for: Actions cache (default), workflow artifacts, or files in the workspace. */
function createStore(settings: GateSettings, context: RunContext, env: NodeJS.ProcessEnv): BaselineStore {
  const { baseline } = settings
  switch (baseline.store) {
    case 'file':
      return new FileBaselineStore(baseline.dir, displayPath(settings.rootDir, baseline.dir), baseline.historyLimit)
    case 'cache': {
      // Listing keys (actions: read) finds baselines saved at the same moment as the newest entry; see cache-store.ts.
      const repository = parseRepository(env.GITHUB_REPOSITORY)
      const token = githubTokenInput(env)
      const listKeys =
        repository && token && context.defaultBranch ? restCacheKeyLister(repository, token, `refs/heads/${context.defaultBranch}`, env) : undefined
      // @actions/cache resolves its paths against the step's working directory and archives them from the workspace.
      return new CacheBaselineStore(process.cwd(), baseline.historyLimit, toolkitCacheClient, {
        debug: (line) => core.debug(line),
        ...optional('listKeys', listKeys)
      })
    }
    case 'artifact': {
      const repository = parseRepository(env.GITHUB_REPOSITORY)
      if (!repository) throw new InputError(`baseline-store artifact needs GITHUB_REPOSITORY as owner/name, got "${env.GITHUB_REPOSITORY ?? ''}"`)
      return new ArtifactBaselineStore({
        repository,
        token: githubTokenInput(env),
        env,
        historyLimit: baseline.historyLimit,
        ...optional('defaultBranch', context.defaultBranch),
        ...optional('retentionDays', baseline.retentionDays),
        debug: (line) => core.debug(line)
      })
    }
  }
}

async function readEventPayload(path: string | undefined): Promise<unknown> {
  if (!path) return {}
  try {
    return JSON.parse(await readFile(path, 'utf8'))
  } catch (error) {
    core.warning(`cannot read the event payload ${path}: ${messageOf(error)}`)
    return {}
  }
}

/** Job summary, annotations, outputs, and the JSON report file. */
async function publish(
  settings: GateSettings,
  outcome: GateOutcome,
  env: NodeJS.ProcessEnv,
  context: RunContext,
  reviewerInputs: Pick<ReviewerViewInput, 'settings' | 'uploadReport'>
): Promise<void> {
  actionLogger.closeGroup()
  const { report } = outcome
  const reportDir = join(env.RUNNER_TEMP || settings.rootDir, 'perf-gate')
  await mkdir(reportDir, { recursive: true })
  const reportPath = join(reportDir, `${settings.name}-report.json`)
  await writeFile(reportPath, `${JSON.stringify(report, null, 2)}\n`)

  // A push that saved its run also gets the history with its change points (≤ HISTORY_SUMMARY_CHARS, ~3 bytes a char).
  const history = outcome.history ? pushHistory(outcome.history, settings.thresholds, { lastRuns: 20, maxChars: HISTORY_SUMMARY_CHARS }) : undefined
  const summaryBytes = SUMMARY_LIMIT_BYTES - (history?.markdown ? 3 * HISTORY_SUMMARY_CHARS : 0)
  const html = booleanInput('html-report', false) ? await publishHtmlReport(settings.name, report, reportDir, context.runUrl, actionLogger) : undefined
  const summary = renderReportWithTrends(report, { maxBytes: summaryBytes, fullReportHint: `the JSON report (${reportPath})` })
  const withHtml = html ? `${summary}\n\n${htmlReportLine(html)}` : summary
  const fullSummary = history?.markdown ? `${withHtml}\n\n${history.markdown}` : withHtml
  if (env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(fullSummary).write()
  else core.info(fullSummary)
  for (const { message } of history?.recentSteps ?? []) core.warning(message, { title: `perf-gate ${settings.name}: change point` })

  for (const annotation of reportAnnotations(settings.name, report.metrics)) core[annotation.level](annotation.message, { title: annotation.title })
  core.setOutput('verdict', report.verdict)
  core.setOutput('regressions', String(report.regressions))
  core.setOutput('report-json', reportPath)
  core.setOutput('report-html', html?.path ?? '')
  // Outputs are read by later steps (e.g. a comment step): keep them to a comment's size.
  core.setOutput('markdown', renderMarkdownReport(report, { maxChars: MARKDOWN_OUTPUT_LIMIT_CHARS, fullReportHint: 'the job summary' }))
  core.setOutput('baseline-saved', outcome.saved ? outcome.saved.id : '')
  // After the summary: a comment that fails (fork, read-only token) must not cost the reader the summary.
  const commentUrl = await publishReviewerView({
    name: settings.name,
    report,
    reportPath,
    context,
    env,
    ...reviewerInputs,
    log: actionLogger
  })
  core.setOutput('comment-url', commentUrl ?? '')
  if (outcome.exitCode === EXIT_RUN_FAILED) {
    // The log's error line already says why in full (an annotation); this one marks the step failed.
    core.setFailed('perf-gate: fail-on-missing-baseline: no baseline could be read (or the due one saved); see the report')
    core.setOutput('error', report.runFailure ?? 'fail-on-missing-baseline: no baseline could be read (or the due one saved)')
  }
  if (outcome.exitCode === EXIT_REGRESSION) {
    core.setFailed(report.verdict === 'fail' ? `perf-gate: ${whatFailed(report)}` : `perf-gate: ${report.verdict} (strict mode)`)
  }
}

/** The PR comment of this gate, if any, says that this run reached no verdict (a bad 'comment' input: left alone). */
async function replaceStaleComment(name: string, kind: string, message: string, context: RunContext, env: NodeJS.ProcessEnv): Promise<void> {
  let settings: CommentSettings
  try {
    settings = commentSettings()
  } catch {
    return
  }
  await replaceCommentWithFailure({ name, kind, message, context, env, settings, log: actionLogger })
}

async function writeFailureSummary(name: string, kind: string, message: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  try {
    const fence = codeFenceFor(message)
    await core.summary
      .addRaw(`### ❗ perf-gate · ${escapeMarkdown(name)}: ${kind}\n\nNo verdict was reached and no baseline was written.\n\n${fence}\n${message}\n${fence}\n`)
      .write()
  } catch {
    // A summary is a courtesy here; the failure itself is already reported.
  }
}
