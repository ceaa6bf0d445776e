/**
 * A checkout of the base commit beside the workspace, for same-runner confirmation: `git worktree add` (fetching
 * the commit first when a shallow clone lacks it), then the configured build command, then removal at the end.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { RunError } from '../errors.js'
import type { Logger } from '../log.js'
import { runCommand } from '../run/command.js'

const execFileAsync = promisify(execFile)

export interface BaseWorktree {
  /** Top of the base checkout (corresponds to the repository's top level). */
  dir: string
  remove(): Promise<void>
}

async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await execFileAsync('git', args, { cwd, maxBuffer: 16 * 1024 * 1024 })
  return stdout.trim()
}

/** The repository's top level for a directory inside it. */
export async function repositoryTop(dir: string): Promise<string> {
  try {
    return await git(dir, 'rev-parse', '--show-toplevel')
  } catch (error) {
    throw new RunError(`same-runner confirmation needs a git checkout, but ${dir} is not inside one (${(error as Error).message.split('\n')[0]})`)
  }
}

/** Checks out `sha` in a new worktree and builds it; the caller must `remove()` it. */
export async function prepareBaseWorktree(
  repoTop: string,
  sha: string,
  build: { command?: string; timeoutMs: number; env?: Record<string, string> },
  log: Logger,
  signal?: AbortSignal
): Promise<BaseWorktree> {
  try {
    await git(repoTop, 'cat-file', '-e', `${sha}^{commit}`)
  } catch {
    log.info(`Fetching the base commit ${sha.slice(0, 7)} (not in this clone)...`)
    try {
      await git(repoTop, 'fetch', '--no-tags', '--depth=1', 'origin', sha)
    } catch (error) {
      throw new RunError(
        `the base commit ${sha.slice(0, 7)} is not in this clone and could not be fetched (${(error as Error).message.split('\n')[0]}); use actions/checkout with fetch-depth: 0`
      )
    }
  }
  const dir = join(await mkdtemp(join(tmpdir(), 'perf-gate-base-')), 'checkout')
  await git(repoTop, 'worktree', 'add', '--detach', '--force', dir, sha)
  const worktree: BaseWorktree = {
    dir,
    remove: async () => {
      await git(repoTop, 'worktree', 'remove', '--force', dir).catch(() => undefined)
      await rm(join(dir, '..'), { recursive: true, force: true })
    }
  }
  if (build.command) {
    log.info(`Building the base commit ${sha.slice(0, 7)}: ${build.command}`)
    const outcome = await runCommand({ command: build.command, cwd: dir, env: build.env ?? {}, timeoutMs: build.timeoutMs }, log, signal)
    if (outcome.exitCode !== 0 || outcome.timedOut) {
      await worktree.remove()
      const how = outcome.timedOut ? 'timed out' : `exited with code ${outcome.exitCode}`
      throw new RunError(`building the base commit ${sha.slice(0, 7)} failed: \`${build.command}\` ${how}.\nLast output:\n${outcome.outputTail}`)
    }
  }
  return worktree
}
