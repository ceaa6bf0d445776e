/**
 * The Action's glue for the reviewer's view: upload the report artifact (fork PRs, or when asked), post the sticky
 * comment or the commit comment, and `mode: comment` for the workflow_run half of the two-workflow setup.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import * as core from '@actions/core'
import type { RunContext } from '../context.js'
import { EXIT_PASS, InputError, messageOf } from '../errors.js'
import type { Logger } from '../log.js'
import { SUMMARY_LIMIT_BYTES, renderReportWithTrends } from '../report/markdown.js'
import type { GateReport } from '../report/report-model.js'
import { buildReportArtifact, reportArtifactName, runCommentMode } from './comment-mode.js'
import { OctokitCommentClient, createOctokit, parseRepository } from './octokit-client.js'
import { publishComments, type CommentSettings } from './publish-comment.js'
import { replaceWithRunFailure } from './pr-comment.js'
import { codeFenceFor, escapeMarkdown } from '../report/escape.js'
import { ActionsReportArtifactSource, uploadReportArtifact } from './report-artifact-store.js'

/** The token for the GitHub API: input 'github-token' (trimmed), else the GITHUB_TOKEN variable; '' when neither is set. */
export function githubTokenInput(env: NodeJS.ProcessEnv): string {
  return core.getInput('github-token').trim() || env.GITHUB_TOKEN?.trim() || ''
}

export interface ReviewerViewInput {
  name: string
  report: GateReport
  /** The JSON report already written for the `report-json` output. */
  reportPath: string
  context: RunContext
  env: NodeJS.ProcessEnv
  settings: CommentSettings
  /** auto: upload the report artifact on pull requests from forks (they cannot comment); true: on every PR. */
  uploadReport: 'auto' | 'true' | 'false'
  log: Logger
}

/** Uploads the report artifact when due and posts the comment; returns the comment URL. Never throws. */
export async function publishReviewerView(input: ReviewerViewInput): Promise<string | undefined> {
  const { context, log } = input
  const pr = context.pullRequest
  let reportUploaded = false
  if (pr && (input.uploadReport === 'true' || (input.uploadReport === 'auto' && pr.isFork))) {
    const artifact = buildReportArtifact(input.report, context)
    if (artifact) {
      const name = reportArtifactName(input.name)
      const file = join(dirname(input.reportPath), 'artifact', `${name}.json`)
      try {
        await mkdir(dirname(file), { recursive: true })
        await writeFile(file, JSON.stringify(artifact))
        await uploadReportArtifact(name, file)
        reportUploaded = true
        log.info(`perf-gate: uploaded the report as artifact ${name} for the comment workflow (mode: comment)`)
      } catch (error) {
        log.warn(`perf-gate: ${messageOf(error)}`)
      }
    }
  }
  const client = commentClient(input.env, log)
  try {
    return await publishComments({ name: input.name, report: input.report, context, settings: input.settings, client, log, reportUploaded })
  } catch (error) {
    log.warn(`perf-gate: commenting failed: ${messageOf(error)}`)
    return undefined
  }
}

/** What the comment says when a run reached no verdict. */
export function runFailureMarkdown(name: string, kind: string, message: string, context: RunContext): string {
  const commit = context.pullRequest?.headSha ?? context.sha
  const fence = codeFenceFor(message)
  const run = context.runUrl ? ` ([the run](${context.runUrl}))` : ''
  return [
    `### ❗ perf-gate · ${escapeMarkdown(name)}: ${kind}`,
    '',
    `The latest run${commit ? ` (commit ${commit.slice(0, 7)})` : ''} reached no verdict${run}: what this comment showed before is withdrawn, and nothing was saved.`,
    '',
    fence,
    message,
    fence
  ].join('\n')
}

/**
 * On a pull request, a run that reached no verdict replaces this gate's comment (if any) with what went wrong.
 * Never throws: the failure itself is already reported.
 */
export async function replaceCommentWithFailure(input: {
  name: string
  kind: string
  message: string
  context: RunContext
  env: NodeJS.ProcessEnv
  settings: CommentSettings
  log: Logger
}): Promise<void> {
  const pr = input.context.pullRequest
  if (!pr || input.settings.mode === 'never') return
  const client = commentClient(input.env, input.log)
  if (!client) return
  const outcome = await replaceWithRunFailure(
    client,
    pr.number,
    input.name,
    runFailureMarkdown(input.name, input.kind, input.message, input.context),
    input.settings.author
  )
  if (outcome.action === 'updated') input.log.info(`perf-gate: the PR comment now says this run reached no verdict: ${outcome.url}`)
  else if (outcome.action === 'forbidden' || outcome.action === 'failed') input.log.warn(outcome.message)
}

function commentClient(env: NodeJS.ProcessEnv, log: Logger): OctokitCommentClient | undefined {
  const token = githubTokenInput(env)
  const repository = parseRepository(env.GITHUB_REPOSITORY)
  // A rate-limit wait is said in the log: otherwise the step would sit silent for up to a minute.
  return token && repository ? new OctokitCommentClient(createOctokit(token, env, { onWait: (line) => log.warn(line) }), repository) : undefined
}

/**
 * `mode: comment`: post the report of the triggering pull_request run on its PR. Exit 0 unless the artifact is bad
 * (2) or input 'name' does not match the reports the run uploaded (3). Without 'name', the gate is the artifact's.
 */
export async function runCommentModeAction(
  env: NodeJS.ProcessEnv,
  payload: unknown,
  name: string | undefined,
  settings: CommentSettings,
  log: Logger
): Promise<number> {
  const token = githubTokenInput(env)
  const repository = parseRepository(env.GITHUB_REPOSITORY)
  if (!token) throw new InputError("mode comment needs input 'github-token' (or GITHUB_TOKEN) with pull-requests: write and actions: read")
  if (!repository) throw new InputError(`mode comment needs GITHUB_REPOSITORY as owner/name, got "${env.GITHUB_REPOSITORY ?? ''}"`)
  const result = await runCommentMode({
    ...(name ? { name } : {}),
    payload,
    mode: settings.mode,
    ...(settings.author ? { author: settings.author } : {}),
    source: new ActionsReportArtifactSource(token, repository),
    client: new OctokitCommentClient(createOctokit(token, env, { onWait: (line) => log.warn(line) }), repository),
    repositoryUrl: `${(env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/$/, '')}/${repository.owner}/${repository.repo}`,
    log
  })
  core.setOutput('comment-url', result.commentUrl ?? '')
  if (result.report) {
    core.setOutput('verdict', result.report.verdict)
    core.setOutput('regressions', String(result.report.regressions))
    if (env.GITHUB_STEP_SUMMARY) {
      const text = renderReportWithTrends(result.report, { maxBytes: SUMMARY_LIMIT_BYTES - 200, fullReportHint: 'the report artifact' })
      await core.summary.addRaw(`_Report of pull request #${result.pullRequest}, posted by mode: comment._\n\n${text}`).write()
    }
  }
  return EXIT_PASS
}
