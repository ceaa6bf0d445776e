/**
 * Where the report goes besides the job summary: the sticky PR comment on pull requests, and an optional commit
 * comment when a regression landed on the default branch. Comment trouble never changes the exit code.
 */
import { isDefaultBranchPush, type RunContext } from '../context.js'
import type { Logger } from '../log.js'
import { renderReportWithTrends } from '../report/markdown.js'
import type { GateReport } from '../report/report-model.js'
import { commentMarker, postCommitComment, syncComment, type CommentClient, type CommentMode, type SyncOutcome, type SyncRequest } from './pr-comment.js'

/** GitHub's documented limit for a comment body. */
export const COMMENT_BODY_LIMIT_CHARS = 65_536
/** Where a reader finds what a cut comment leaves out. */
const COMMENT_FULL_REPORT_HINT = 'the job summary and the JSON report (output `report-json`, or the report artifact when uploaded)'

export interface CommentSettings {
  mode: CommentMode
  /** Only comments by this login count as ours (default: any bot account). */
  author?: string
  /** On a push to the default branch, comment on the commit when a metric failed. */
  commitComment: boolean
}

/** The comment's Markdown (without the marker), sized so that marker + body fits GitHub's limit. */
export function commentMarkdown(report: GateReport, name: string, options: { changedOnly?: boolean } = {}): string {
  const maxChars = COMMENT_BODY_LIMIT_CHARS - commentMarker(name).length - 1
  return renderReportWithTrends(report, { maxChars, fullReportHint: COMMENT_FULL_REPORT_HINT, ...(options.changedOnly ? { changedOnly: true } : {}) })
}

/** What to sync on a PR for one report: the full comment, its changed-rows fallback, and whether it may start one. */
export function reportCommentRequest(report: GateReport, name: string, issue: number, mode: CommentMode, author: string | undefined): SyncRequest {
  return {
    name,
    issue,
    mode,
    markdown: commentMarkdown(report, name),
    shortMarkdown: () => commentMarkdown(report, name, { changedOnly: true }),
    crossedThreshold: crossedThreshold(report),
    ...(author ? { author } : {})
  }
}

/** True when a metric failed or warned: what `comment: on-regression` waits for. */
function crossedThreshold(report: GateReport): boolean {
  return report.counts.fail > 0 || report.counts.warn > 0
}

export interface PublishCommentInput {
  name: string
  report: GateReport
  context: RunContext
  settings: CommentSettings
  /** Undefined when there is no token or repository to talk to. */
  client: CommentClient | undefined
  log: Logger
  /** The report artifact was uploaded for a `mode: comment` workflow, so a 403 here is expected, not a problem. */
  reportUploaded?: boolean
}

/** Posts the PR comment (pull requests) or the commit comment (regressions on the default branch); returns the URL. */
export async function publishComments(input: PublishCommentInput): Promise<string | undefined> {
  const { report, context, settings, log, name } = input
  const pullRequest = context.pullRequest
  if (pullRequest) {
    if (settings.mode === 'never') return undefined
    if (!input.client) {
      log.warn('perf-gate: no PR comment: no token (input github-token and GITHUB_TOKEN are empty) or GITHUB_REPOSITORY is not set')
      return undefined
    }
    const outcome = await syncComment(input.client, reportCommentRequest(report, name, pullRequest.number, settings.mode, settings.author))
    if (outcome.action === 'forbidden' && input.reportUploaded) {
      log.info(
        `perf-gate: this token cannot comment (HTTP 403, as on fork pull requests); the report artifact was uploaded for the workflow_run workflow with mode: comment to post it`
      )
      return undefined
    }
    return logOutcome(outcome, `pull request #${pullRequest.number}`, log)
  }
  if (settings.commitComment && isDefaultBranchPush(context) && report.verdict === 'fail' && context.sha) {
    if (!input.client) {
      log.warn('perf-gate: no commit comment: no token (input github-token and GITHUB_TOKEN are empty) or GITHUB_REPOSITORY is not set')
      return undefined
    }
    const outcome = await postCommitComment(input.client, context.sha, name, commentMarkdown(report, name, { changedOnly: true }), settings.author)
    return logOutcome(outcome, `commit ${context.sha.slice(0, 7)}`, log)
  }
  return undefined
}

/** Logs what happened to the comment; returns its URL when there is one. */
export function logOutcome(outcome: SyncOutcome, where: string, log: Logger): string | undefined {
  switch (outcome.action) {
    case 'created':
    case 'updated':
      log.info(
        `perf-gate: ${outcome.action} the comment on ${where}${outcome.short ? ' (short form: GitHub rejected the full table as too long)' : ''}: ${outcome.url}`
      )
      logDuplicates(outcome, where, log)
      return outcome.url
    case 'unchanged':
      log.info(`perf-gate: the comment on ${where} is up to date: ${outcome.url}`)
      logDuplicates(outcome, where, log)
      return outcome.url
    case 'skipped':
      log.info(`perf-gate: no comment on ${where}: ${outcome.reason}`)
      return undefined
    case 'forbidden':
    case 'failed':
      log.warn(outcome.message)
      return undefined
  }
}

function logDuplicates(outcome: Extract<SyncOutcome, { url: string }>, where: string, log: Logger): void {
  const { deleted, failed } = outcome.duplicates ?? { deleted: [], failed: [] }
  if (deleted.length > 0) {
    log.info(`perf-gate: deleted ${deleted.length} duplicate comment(s) on ${where} left by runs that raced (kept the oldest, ${outcome.url})`)
  }
  for (const failure of failed) log.warn(`perf-gate: could not delete a duplicate comment on ${where} (${failure}); the oldest one is kept current`)
}
