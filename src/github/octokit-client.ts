/**
 * CommentClient and PullRequestLookup over the real Octokit from @actions/github (REST). The base URL comes from
 * GITHUB_API_URL (GitHub Enterprise, or the local fake API in tests). Every REST call perf-gate makes goes through
 * an Octokit from createOctokit(), with the official retry and throttling plugins: @actions/github 9 has neither,
 * and one 502 or rate-limit 403 would otherwise cost the comment or the baseline.
 */
import { getOctokit } from '@actions/github'
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'
import type { CommentClient, ExistingComment } from './pr-comment.js'

type Octokit = ReturnType<typeof getOctokit>

export interface RepositoryRef {
  owner: string
  repo: string
}

/** "octo/shop" → { owner, repo }; undefined when malformed. */
export function parseRepository(fullName: string | undefined): RepositoryRef | undefined {
  const match = /^([^/\s]+)\/([^/\s]+)$/.exec(fullName ?? '')
  return match ? { owner: match[1]!, repo: match[2]! } : undefined
}

/** Retries of a 5xx or network failure (after 1, 4, 9 s: plugin-retry's quadratic backoff). */
const SERVER_ERROR_RETRIES = 3
/** Retries after a rate limit, each only if GitHub's reset (x-ratelimit-reset, retry-after) is near enough. */
const RATE_LIMIT_RETRIES = 2
/** The longest perf-gate waits for a rate limit to reset; a later reset fails the call (and the step goes on). */
export const MAX_RATE_LIMIT_WAIT_SECONDS = 60

export interface OctokitOptions {
  /** Milliseconds per second of backoff or retry-after; tests shrink it. Default 1000. */
  retryUnitMillis?: number
  /** Told when a call waits for a rate limit (the log's warning line). */
  onWait?: (message: string) => void
}

/** An Octokit for `token` against GITHUB_API_URL (read now, not at import time), with bounded retries. */
export function createOctokit(token: string, env: NodeJS.ProcessEnv = process.env, options: OctokitOptions = {}): Octokit {
  const unit = options.retryUnitMillis ?? 1000
  const onLimit =
    (kind: string) =>
    (retryAfterSeconds: number, request: { method?: string; url?: string }, _octokit: unknown, retryCount: number): boolean => {
      const retrying = retryCount < RATE_LIMIT_RETRIES && retryAfterSeconds <= MAX_RATE_LIMIT_WAIT_SECONDS
      options.onWait?.(
        `GitHub ${kind} on ${request.method ?? ''} ${request.url ?? ''}: ${retrying ? `retrying in ${retryAfterSeconds} s` : `not waiting ${retryAfterSeconds} s (at most ${MAX_RATE_LIMIT_WAIT_SECONDS} s, ${RATE_LIMIT_RETRIES} retries)`}`
      )
      return retrying
    }
  return getOctokit(
    token,
    {
      baseUrl: (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/$/, ''),
      retry: { retries: SERVER_ERROR_RETRIES, retryAfterBaseValue: unit },
      throttle: { retryAfterBaseValue: unit, onRateLimit: onLimit('rate limit'), onSecondaryRateLimit: onLimit('secondary rate limit') }
    },
    retry,
    throttling
  )
}

function toExistingComment(comment: { id: number; body?: string | null; html_url: string; user: { login: string; type: string } | null }): ExistingComment {
  return { id: comment.id, body: comment.body ?? '', url: comment.html_url, authorLogin: comment.user?.login ?? '', authorIsBot: comment.user?.type === 'Bot' }
}

export class OctokitCommentClient implements CommentClient {
  constructor(
    private readonly octokit: Octokit,
    private readonly repository: RepositoryRef
  ) {}

  async listIssueComments(issue: number): Promise<ExistingComment[]> {
    const comments = await this.octokit.paginate(this.octokit.rest.issues.listComments, { ...this.repository, issue_number: issue, per_page: 100 })
    return comments.map(toExistingComment)
  }

  async createIssueComment(issue: number, body: string): Promise<{ id: number; url: string }> {
    const { data } = await this.octokit.rest.issues.createComment({ ...this.repository, issue_number: issue, body })
    return { id: data.id, url: data.html_url }
  }

  async updateIssueComment(id: number, body: string): Promise<{ id: number; url: string }> {
    const { data } = await this.octokit.rest.issues.updateComment({ ...this.repository, comment_id: id, body })
    return { id: data.id, url: data.html_url }
  }

  async deleteIssueComment(id: number): Promise<void> {
    await this.octokit.rest.issues.deleteComment({ ...this.repository, comment_id: id })
  }

  async listCommitComments(sha: string): Promise<ExistingComment[]> {
    const comments = await this.octokit.paginate(this.octokit.rest.repos.listCommentsForCommit, { ...this.repository, commit_sha: sha, per_page: 100 })
    return comments.map(toExistingComment)
  }

  async updateCommitComment(id: number, body: string): Promise<{ id: number; url: string }> {
    const { data } = await this.octokit.rest.repos.updateCommitComment({ ...this.repository, comment_id: id, body })
    return { id: data.id, url: data.html_url }
  }

  async createCommitComment(sha: string, body: string): Promise<{ id: number; url: string }> {
    const { data } = await this.octokit.rest.repos.createCommitComment({ ...this.repository, commit_sha: sha, body })
    return { id: data.id, url: data.html_url }
  }

  /** The head of a pull request (to check a report artifact's PR number against the run's head). */
  async pullRequestHead(number: number): Promise<{ sha: string; branch: string; repository?: string }> {
    const { data } = await this.octokit.rest.pulls.get({ ...this.repository, pull_number: number })
    return { sha: data.head.sha, branch: data.head.ref, ...(data.head.repo?.full_name ? { repository: data.head.repo.full_name } : {}) }
  }
}
