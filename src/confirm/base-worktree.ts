/**
 * A checkout of the base commit beside the workspace, for same-runner confirmation: `git worktree add` (fetching
 * the commit first when a shallow clone lacks it), its dependencies (the head's node_modules when the lockfiles are
 * identical, see base-dependencies.ts), the configured build command (or its cached result, see base-build-cache.ts),
 * then removal at the end.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { promisify } from 'node:util'
import { RunError, messageOf } from '../errors.js'
import type { Logger } from '../log.js'
import { runCommand } from '../run/command.js'
import { baseBuildKey, type BaseBuildCache } from './base-build-cache.js'
import {
  MissingInstallError,
  copyInstalledTree,
  lockfilesHash,
  missingNodeInstall,
  planDependencies,
  projectRelative,
  withoutInstallSteps
} from './base-dependencies.js'

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

export interface BaseBuildOptions {
  /** `build:`; undefined when none is set. */
  command?: string
  timeoutMs: number
  env?: Record<string, string>
  /** The working directory in the workspace (the head): where the project's lockfile and node_modules are looked for. */
  projectDir?: string
  /** The Action's cache of base builds; without it every run builds. */
  cache?: BaseBuildCache
}

/** Checks out `sha` in a new worktree, gives it its dependencies and builds it; the caller must `remove()` it. */
export async function prepareBaseWorktree(repoTop: string, sha: string, build: BaseBuildOptions, log: Logger, signal?: AbortSignal): Promise<BaseWorktree> {
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
  const dir = build.cache ? build.cache.checkoutDir : join(await mkdtemp(join(tmpdir(), 'perf-gate-base-')), 'checkout')
  // A fixed place (for the cache) may hold a checkout an earlier, killed run left behind.
  if (build.cache) await removeCheckout(repoTop, dir)
  await git(repoTop, 'worktree', 'add', '--detach', '--force', dir, sha)
  const worktree: BaseWorktree = { dir, remove: () => removeCheckout(repoTop, dir) }
  try {
    await installAndBuild(repoTop, dir, sha, build, log, signal)
  } catch (error) {
    await worktree.remove()
    throw error
  }
  return worktree
}

async function removeCheckout(repoTop: string, dir: string): Promise<void> {
  await git(repoTop, 'worktree', 'remove', '--force', dir).catch(() => undefined)
  await rm(join(dir, '..'), { recursive: true, force: true })
  await git(repoTop, 'worktree', 'prune').catch(() => undefined)
}

/**
 * The base checkout's dependencies and build, cheapest first: a cached build of this base commit (Action), the
 * head's node_modules when the lockfiles are identical (the install steps of `build:` skipped), else `build:`.
 * Without `build:`, a Node project whose dependencies are visibly not installed stops here with what to set.
 */
async function installAndBuild(repoTop: string, dir: string, sha: string, build: BaseBuildOptions, log: Logger, signal?: AbortSignal): Promise<void> {
  const short = sha.slice(0, 7)
  const projectRel = build.projectDir ? projectRelative(repoTop, build.projectDir) : ''
  const plan = await planDependencies(repoTop, dir, projectRel)
  const { remaining, skipped } = plan.reuse && build.command ? withoutInstallSteps(build.command) : { remaining: build.command ?? '', skipped: [] }
  const key = build.cache && remaining ? baseBuildKey(sha, lockfilesHash(plan.comparison), remaining, projectRel) : undefined
  if (key) {
    const restored = await build.cache!.restore(dir, key).catch((error: unknown) => ({ hit: false, problem: messageOf(error) }))
    if (restored.hit) {
      // An entry made beside a reused node_modules holds the build alone: the dependencies come from the head again.
      if (plan.reuse) await copyInstalledTree(plan.reuse.from, plan.reuse.to)
      log.info(`Base build of ${short}: restored from the Actions cache (key ${key}); \`${remaining}\` not run${plan.reuse ? `; ${plan.summary}` : ''}.`)
      return
    }
    log.info(`Base build of ${short}: not in the Actions cache yet${restored.problem ? ` (${restored.problem})` : ''} (key ${key}).`)
  }
  if (plan.reuse) await copyInstalledTree(plan.reuse.from, plan.reuse.to)
  const installs = plan.notReused && build.command ? '; `build:` installs them' : ''
  log.info(`${plan.summary}${skipped.length > 0 ? `; skipped ${skipped.map((step) => `\`${step}\``).join(', ')} of \`build:\`` : installs}.`)
  if (!build.command) {
    const advice = await missingNodeInstall(dir, projectRel, plan.comparison)
    if (advice) throw new MissingInstallError(projectRel, advice, plan.notReused)
    return
  }
  if (!remaining) return
  log.info(`Building the base commit ${short}: ${remaining}`)
  // In the working directory's place, as suites run (settings.ts: ConfirmSettings.build).
  const outcome = await runCommand({ command: remaining, cwd: join(dir, projectRel), env: build.env ?? {}, timeoutMs: build.timeoutMs }, log, signal)
  if (outcome.exitCode !== 0 || outcome.timedOut) {
    const how = outcome.timedOut ? 'timed out' : `exited with code ${outcome.exitCode}`
    throw new RunError(`building the base commit ${short} failed: \`${remaining}\` ${how}.\nLast output:\n${outcome.outputTail}`)
  }
  if (signal?.aborted) return
  if (key) {
    const leaveOut = plan.reuse ? [relative(dir, plan.reuse.to)] : []
    const saved = await build.cache!.save(dir, key, leaveOut).catch((error: unknown) => ({ saved: false, problem: messageOf(error) }))
    log.info(
      saved.saved
        ? `Base build of ${short}: saved to the Actions cache (key ${key}); the next run of this pull request restores it.`
        : `Base build of ${short}: not saved to the Actions cache: ${saved.problem}`
    )
  }
}
