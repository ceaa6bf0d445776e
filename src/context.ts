import { isAbsolute, relative, sep } from 'node:path'

/**
 * Where and why this run happens: a GitHub event or a local terminal. Parsed once at the edge (action.ts from
 * GITHUB_* variables and the event payload; cli.ts from git), then passed down.
 */
export interface RunContext {
  /** push, pull_request, workflow_dispatch, schedule, ..., or "local" for the CLI. */
  event: string
  sha?: string
  /**
   * Local runs: tracked files had uncommitted changes when the run was measured, so it measured something `sha` does
   * not hold. Its record is marked (`source.dirty`) and is never taken as the baseline at that commit.
   */
  dirty?: boolean
  /** Full ref, e.g. refs/heads/main or refs/pull/12/merge. */
  ref?: string
  defaultBranch?: string
  /** For pull requests: the base commit and branch, and the PR number. */
  pullRequest?: { number: number; baseSha?: string; baseRef?: string; headSha?: string; isFork: boolean }
  /** For a push: the commit the branch pointed at before it (the event's `before`; absent for a new branch). */
  previousSha?: string
  /** Links for the report. */
  repositoryUrl?: string
  runUrl?: string
  runId?: string
  /** 1 for the first attempt of a workflow run, 2 after a re-run, ... */
  runAttempt?: number
  /** Runner label for the environment fingerprint ("github-actions:ubuntu24", "local"). */
  runner: string
}

/**
 * The commit a same-runner A/B measures this run against: a pull request's base; on a push to the default branch,
 * the commit before the push (the stored history there is the default branch's, so the question is the same: did
 * this change make it slower). A push to another branch is judged against the default branch's history, which its
 * own previous commit does not stand for: none.
 */
export function baseCommitOfEvent(context: RunContext): { sha: string; what: string } | undefined {
  if (context.pullRequest?.baseSha) return { sha: context.pullRequest.baseSha, what: 'the base commit' }
  if (context.previousSha && isDefaultBranchPush(context)) return { sha: context.previousSha, what: 'the commit before this push' }
  return undefined
}

/** True for a push to the repository's default branch. */
export function isDefaultBranchPush(context: RunContext): boolean {
  return context.event === 'push' && context.defaultBranch !== undefined && context.ref === `refs/heads/${context.defaultBranch}`
}

/**
 * The tracked paths with uncommitted changes, from `git status --porcelain -z --untracked-files=no` run in
 * `repoTop` (porcelain paths are relative to the repository's top), leaving out those under `storeDir`: a file store
 * committed with the code changes with every save (a record added, an old one pruned or compacted), which says
 * nothing about the code measured.
 */
export function changedTrackedPaths(statusZ: string, repoTop: string, storeDir?: string): string[] {
  const entries = statusZ.split('\0')
  const paths: string[] = []
  for (let index = 0; index < entries.length; index++) {
    const entry = entries[index]!
    if (entry.length < 4) continue
    // A rename or copy is followed by its original path, which is not an entry of its own.
    if (/[RC]/.test(entry.slice(0, 2))) index++
    paths.push(entry.slice(3))
  }
  if (storeDir === undefined) return paths
  const store = relative(repoTop, storeDir).split(sep).join('/')
  // A store outside the repository (or its very top, which would hide every change) leaves nothing out.
  if (store === '' || store.startsWith('..') || isAbsolute(store)) return paths
  return paths.filter((path) => path !== store && !path.startsWith(`${store}/`))
}
