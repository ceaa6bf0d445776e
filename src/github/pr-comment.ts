/**
 * The one sticky comment per pull request and gate: found by a hidden marker on its first line, updated in place,
 * created when missing. The decision (create, update, skip) is pure; the GitHub calls sit behind `CommentClient`
 * so the same code runs against Octokit, the local fake API, or an in-memory double.
 *
 * Failures never fail the step: 5xx and network errors are retried a few times with backoff; a 403 (fork PRs and
 * read-only tokens) becomes one explanatory warning; a 422 "body too long" is retried once with the short body.
 */
import { isRateLimited, messageOf, statusOf } from '../errors.js'

export const COMMENT_MODES = ['always', 'on-change', 'on-regression', 'never'] as const
/** always: create or update on every run; on-change: leave the comment alone when only volatile parts differ;
 * on-regression: create only once a metric fails or warns, then keep that comment current; never: no comment. */
export type CommentMode = (typeof COMMENT_MODES)[number]

/** A comment as the API lists it. */
export interface ExistingComment {
  id: number
  body: string
  url: string
  authorLogin: string
  /** True for GitHub Apps and github-actions[bot]. */
  authorIsBot: boolean
}

/** The GitHub calls the sticky comment needs. Errors carry an HTTP `status` when the API answered. */
export interface CommentClient {
  /** Every comment of an issue or pull request, oldest first (all pages). */
  listIssueComments(issue: number): Promise<ExistingComment[]>
  createIssueComment(issue: number, body: string): Promise<{ id: number; url: string }>
  updateIssueComment(id: number, body: string): Promise<{ id: number; url: string }>
  deleteIssueComment(id: number): Promise<void>
  /** Every comment on a commit, oldest first (all pages). */
  listCommitComments(sha: string): Promise<ExistingComment[]>
  createCommitComment(sha: string, body: string): Promise<{ id: number; url: string }>
  updateCommitComment(id: number, body: string): Promise<{ id: number; url: string }>
}

/** The hidden marker on the first line of our comment for gate `name`; the name is percent-encoded so that no
 * name can end the HTML comment early or look like another gate's marker. */
export function commentMarker(name: string): string {
  return `<!-- perf-gate:${encodeURIComponent(name).replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)} -->`
}

/** The full comment body: marker line, then the Markdown. */
export function commentBody(name: string, markdown: string): string {
  return `${commentMarker(name)}\n${markdown}`
}

/** True when the comment is ours for this gate: the exact marker as its whole first line, by a trusted author. */
export function isOurComment(comment: ExistingComment, name: string, author?: string): boolean {
  const firstLine = comment.body.split('\n', 1)[0]!.trimEnd()
  if (firstLine !== commentMarker(name)) return false
  // A user can paste the marker into their own comment; only the bot (or the configured author) owns it.
  return author ? comment.authorLogin === author : comment.authorIsBot
}

/**
 * The part of a body that on-change compares: everything except the volatile parts, which are
 * (1) the footer line `<sub>…</sub>` (link to the run, generation time, current commit) and
 * (2) the baseline's age phrase ", saved … ago".
 * Two bodies with the same stable content show the same verdicts, values, changes and baseline.
 */
export function stableContent(body: string): string {
  return normalizeNewlines(body)
    .split('\n')
    .filter((line) => !/^<sub>.*<\/sub>$/.test(line.trim()))
    .join('\n')
    .replace(/, saved [^,.]*? ago/g, '')
    .trimEnd()
}

/** GitHub may hand a body back with CRLF line ends; compare bodies as LF. */
function normalizeNewlines(text: string): string {
  return text.replace(/\r\n?/g, '\n')
}

export type CommentDecision = { kind: 'create' } | { kind: 'update'; comment: ExistingComment } | { kind: 'skip'; reason: string; comment?: ExistingComment }

export interface DecisionInput {
  mode: CommentMode
  /** Our existing comments for this gate (oldest first). */
  existing: ExistingComment[]
  /** The body we would post. */
  body: string
  /** True when some metric failed or warned in this run. */
  crossedThreshold: boolean
}

/** Pure: what to do with the sticky comment. */
export function decideComment(input: DecisionInput): CommentDecision {
  const { mode, existing, body } = input
  if (mode === 'never') return { kind: 'skip', reason: "comment is 'never'" }
  // Several markers can exist after a race between two runs; the oldest is the one reviewers saw first.
  const current = existing[0]
  if (!current) {
    if (mode === 'on-regression' && !input.crossedThreshold) {
      return { kind: 'skip', reason: "comment is 'on-regression' and no metric failed or warned (no comment yet)" }
    }
    return { kind: 'create' }
  }
  if (normalizeNewlines(current.body) === normalizeNewlines(body)) return { kind: 'skip', reason: 'the comment already shows this report', comment: current }
  if (mode === 'on-change' && stableContent(current.body) === stableContent(body)) {
    return { kind: 'skip', reason: "comment is 'on-change' and only the run link, time or baseline age changed", comment: current }
  }
  return { kind: 'update', comment: current }
}

export interface SyncRequest {
  name: string
  issue: number
  mode: CommentMode
  /** Markdown of the report sized for a comment (without the marker). */
  markdown: string
  /** Markdown with only the changed rows, used when GitHub rejects the full body as too long (422). */
  shortMarkdown: () => string
  crossedThreshold: boolean
  /** Only comments by this login are ours; default: any bot account (github-actions[bot], Apps). */
  author?: string
}

export type SyncOutcome =
  | {
      action: 'created' | 'updated' | 'unchanged'
      url: string
      id: number
      short: boolean
      /** Duplicates of this comment (same marker and author, left by racing runs) deleted, and the ones that could not be. */
      duplicates?: { deleted: number[]; failed: string[] }
    }
  | { action: 'skipped'; reason: string }
  | { action: 'forbidden'; message: string }
  | { action: 'failed'; message: string }

/**
 * Finds, decides, and creates or updates the sticky comment. Never throws. Transient failures (5xx, rate limits)
 * are retried by the client (see createOctokit in octokit-client.ts) within a bounded wait.
 */
export async function syncComment(client: CommentClient, request: SyncRequest): Promise<SyncOutcome> {
  if (request.mode === 'never') return { action: 'skipped', reason: "comment is 'never'" }
  const body = commentBody(request.name, request.markdown)
  try {
    const all = await client.listIssueComments(request.issue)
    const existing = all.filter((comment) => isOurComment(comment, request.name, request.author))
    const decision = decideComment({ mode: request.mode, existing, body, crossedThreshold: request.crossedThreshold })
    if (decision.kind === 'skip') {
      if (!decision.comment) return { action: 'skipped', reason: decision.reason }
      return withDuplicates(
        { action: 'unchanged', url: decision.comment.url, id: decision.comment.id, short: false },
        await removeDuplicates(client, existing, decision.comment)
      )
    }
    const write = (text: string): Promise<{ id: number; url: string }> =>
      decision.kind === 'create' ? client.createIssueComment(request.issue, text) : client.updateIssueComment(decision.comment.id, text)
    const action = decision.kind === 'create' ? 'created' : 'updated'
    let written: { id: number; url: string }
    let short = false
    try {
      written = await write(body)
    } catch (error) {
      if (!isTooLong(error)) throw error
      written = await write(commentBody(request.name, request.shortMarkdown()))
      short = true
    }
    const duplicates = decision.kind === 'update' ? await removeDuplicates(client, existing, decision.comment) : undefined
    return withDuplicates({ action, ...written, short }, duplicates)
  } catch (error) {
    return classifyFailure(error, 'comment on the pull request')
  }
}

/**
 * Two runs of one gate on one PR that start together both find no comment and both create one. The next run keeps
 * the oldest (the one reviewers saw first) and deletes the others with the same marker and the same author, so the
 * PR converges to one comment. A duplicate already gone (another run deleted it) counts as deleted; other failures
 * are returned for a warning and never fail the comment itself.
 */
async function removeDuplicates(
  client: CommentClient,
  existing: ExistingComment[],
  kept: ExistingComment
): Promise<{ deleted: number[]; failed: string[] } | undefined> {
  const duplicates = existing.filter((comment) => comment.id !== kept.id && comment.authorLogin === kept.authorLogin)
  if (duplicates.length === 0) return undefined
  const result = { deleted: [] as number[], failed: [] as string[] }
  for (const duplicate of duplicates) {
    try {
      await client.deleteIssueComment(duplicate.id)
      result.deleted.push(duplicate.id)
    } catch (error) {
      if (statusOf(error) === 404) result.deleted.push(duplicate.id)
      else result.failed.push(`${duplicate.url}: ${statusOf(error) ? `HTTP ${statusOf(error)} ` : ''}${messageOf(error)}`)
    }
  }
  return result
}

function withDuplicates<T extends object>(outcome: T, duplicates: { deleted: number[]; failed: string[] } | undefined): T {
  return duplicates ? { ...outcome, duplicates } : outcome
}

/**
 * A run that reached no verdict (bad configuration, a suite that crashed) replaces the body of this gate's comment,
 * if there is one, so that reviewers do not read an earlier commit's verdict as this one's. It never creates a
 * comment: the failed job already says so where a PR without one looks. Never throws.
 */
export async function replaceWithRunFailure(client: CommentClient, issue: number, name: string, markdown: string, author?: string): Promise<SyncOutcome> {
  try {
    const ours = (await client.listIssueComments(issue)).find((comment) => isOurComment(comment, name, author))
    if (!ours) return { action: 'skipped', reason: 'this gate has no comment on the pull request' }
    const written = await client.updateIssueComment(ours.id, commentBody(name, markdown))
    return { action: 'updated', ...written, short: false }
  } catch (error) {
    return classifyFailure(error, 'update the comment on the pull request')
  }
}

/** Posts a commit comment (e.g. when a regression landed on the default branch), or updates ours on a re-run. Never throws. */
export async function postCommitComment(client: CommentClient, sha: string, name: string, markdown: string, author?: string): Promise<SyncOutcome> {
  const body = commentBody(name, markdown)
  try {
    const existing = (await client.listCommitComments(sha)).find((comment) => isOurComment(comment, name, author))
    if (existing && normalizeNewlines(existing.body) === normalizeNewlines(body))
      return { action: 'unchanged', id: existing.id, url: existing.url, short: false }
    const written = await (existing ? client.updateCommitComment(existing.id, body) : client.createCommitComment(sha, body))
    return { action: existing ? 'updated' : 'created', ...written, short: false }
  } catch (error) {
    return classifyFailure(error, `comment on commit ${sha.slice(0, 7)}`)
  }
}

/** The one warning a 403 deserves: why it happens and what to do. */
function forbiddenExplanation(what: string, detail: string): string {
  return (
    `perf-gate could not ${what}: GitHub answered 403 (${detail}). ` +
    'The token is read-only here, which is what GitHub gives pull requests from forks (and Dependabot), or the ' +
    'workflow lacks `permissions: pull-requests: write`. The verdict and the job summary are unaffected. To get the ' +
    'comment on fork pull requests, upload the report (`upload-report: true`) and post it from a second workflow on ' +
    '`workflow_run` with `mode: comment` (see "Pull request comments" in the README).'
  )
}

function classifyFailure(error: unknown, what: string): SyncOutcome {
  const status = statusOf(error)
  // A rate limit also answers 403; it is not a permission problem, so it gets no fork advice.
  if (status === 403 && !isRateLimited(error)) return { action: 'forbidden', message: forbiddenExplanation(what, messageOf(error)) }
  return { action: 'failed', message: `perf-gate could not ${what}${status ? ` (HTTP ${status})` : ''}: ${messageOf(error)}` }
}

function isTooLong(error: unknown): boolean {
  return statusOf(error) === 422 && /too long/i.test(`${messageOf(error)} ${JSON.stringify((error as { response?: { data?: unknown } }).response?.data ?? '')}`)
}
