/**
 * The run context of a GitHub Actions job, from the runner's environment variables and the event payload.
 * Pure: the caller reads GITHUB_EVENT_PATH.
 */
import type { RunContext } from '../context.js'

interface EventPayload {
  /** push: the commit the ref pointed at before the push (forty zeros for a new branch). */
  before?: string
  repository?: { default_branch?: string; full_name?: string; html_url?: string }
  pull_request?: {
    number?: number
    base?: { sha?: string; ref?: string }
    head?: { sha?: string; repo?: { full_name?: string } | null }
  }
}

export function contextFromActionsEnv(env: NodeJS.ProcessEnv, payload: unknown): RunContext {
  const event = (payload ?? {}) as EventPayload
  const repository = env.GITHUB_REPOSITORY
  const server = (env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/$/, '')
  const context: RunContext = {
    event: env.GITHUB_EVENT_NAME || 'unknown',
    runner: `github-actions:${env.ImageOS ?? env.RUNNER_OS ?? 'unknown'}`
  }
  if (env.GITHUB_SHA) context.sha = env.GITHUB_SHA
  if (env.GITHUB_REF) context.ref = env.GITHUB_REF
  const defaultBranch = event.repository?.default_branch
  if (defaultBranch) context.defaultBranch = defaultBranch
  if (repository) context.repositoryUrl = `${server}/${repository}`
  if (repository && env.GITHUB_RUN_ID) {
    context.runId = env.GITHUB_RUN_ID
    if (env.GITHUB_RUN_ATTEMPT && /^\d+$/.test(env.GITHUB_RUN_ATTEMPT)) context.runAttempt = Number(env.GITHUB_RUN_ATTEMPT)
    context.runUrl = `${server}/${repository}/actions/runs/${env.GITHUB_RUN_ID}${env.GITHUB_RUN_ATTEMPT && env.GITHUB_RUN_ATTEMPT !== '1' ? `/attempts/${env.GITHUB_RUN_ATTEMPT}` : ''}`
  }
  if (context.event === 'push' && typeof event.before === 'string' && /^[0-9a-f]{40}$/.test(event.before) && !/^0+$/.test(event.before)) {
    context.previousSha = event.before
  }
  const pr = event.pull_request
  if (pr && typeof pr.number === 'number') {
    const headRepository = pr.head?.repo?.full_name
    context.pullRequest = {
      number: pr.number,
      // A deleted fork has no head repository: treat it as a fork (untrusted, read-only token).
      isFork: headRepository === undefined || headRepository === null || headRepository !== (event.repository?.full_name ?? repository)
    }
    if (pr.base?.sha) context.pullRequest.baseSha = pr.base.sha
    if (pr.base?.ref) context.pullRequest.baseRef = pr.base.ref
    if (pr.head?.sha) context.pullRequest.headSha = pr.head.sha
  }
  return context
}
