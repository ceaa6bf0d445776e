/**
 * Where and why this run happens: a GitHub event or a local terminal. Parsed once at the edge (action.ts from
 * GITHUB_* variables and the event payload; cli.ts from git), then passed down.
 */
export interface RunContext {
  /** push, pull_request, workflow_dispatch, schedule, ..., or "local" for the CLI. */
  event: string
  sha?: string
  /** Full ref, e.g. refs/heads/main or refs/pull/12/merge. */
  ref?: string
  defaultBranch?: string
  /** For pull requests: the base commit and branch, and the PR number. */
  pullRequest?: { number: number; baseSha?: string; baseRef?: string; headSha?: string; isFork: boolean }
  /** Links for the report. */
  repositoryUrl?: string
  runUrl?: string
  runId?: string
  /** 1 for the first attempt of a workflow run, 2 after a re-run, ... */
  runAttempt?: number
  /** Runner label for the environment fingerprint ("github-actions:ubuntu24", "local"). */
  runner: string
}

/** True for a push to the repository's default branch. */
export function isDefaultBranchPush(context: RunContext): boolean {
  return context.event === 'push' && context.defaultBranch !== undefined && context.ref === `refs/heads/${context.defaultBranch}`
}
