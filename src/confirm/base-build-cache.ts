/**
 * The base commit's build kept in the Actions cache, so that the second and later runs of a pull request (every push
 * to it) restore the base checkout's installed dependencies and build output instead of building them again.
 *
 * The key is the base commit, the lockfiles it was installed from and the build command, per OS and architecture:
 *   perf-gate-base/v1/<os>-<arch>/<base sha>/<hash of lockfiles + build command + project dir>
 * Only a build that succeeded is saved; a failed or cancelled one never is. @actions/cache restores paths where they
 * were saved, so the base checkout of an Action run lives at a fixed place under RUNNER_TEMP (`checkoutDir`).
 * A pull request's cache entries are visible to that pull request only (GitHub's cache scopes): the first run of a
 * PR pays the build, its later runs do not.
 */
import { createHash } from 'node:crypto'
import { rename } from 'node:fs/promises'
import { join } from 'node:path'
import type { CacheClient } from '../baselines/cache-store.js'

export interface BaseBuildCache {
  /** Where the base checkout must be, so that a restored build lands in place. */
  readonly checkoutDir: string
  /** Restores the entry of exactly `key` into `dir`: true on a hit. Never throws (an unreadable cache is a miss). */
  restore(dir: string, key: string): Promise<{ hit: boolean; problem?: string }>
  /**
   * Saves `dir` under `key`, without its .git link and without `leaveOut` (paths inside `dir`, e.g. a node_modules
   * copied from the head, which the next run copies again rather than downloads): a failed save is a problem for the
   * log, not a run failure.
   */
  save(dir: string, key: string, leaveOut?: string[]): Promise<{ saved: boolean; problem?: string }>
}

const KEY_ROOT = 'perf-gate-base/v1'

/** The cache key of one base build. Ends with a fixed-length hash, so no key is a prefix of another. */
export function baseBuildKey(sha: string, lockHash: string, build: string, projectRel: string, platform = `${process.platform}-${process.arch}`): string {
  const recipe = createHash('sha256').update(`${lockHash}\n${build}\n${projectRel}`).digest('hex').slice(0, 24)
  return `${KEY_ROOT}/${platform}/${sha}/${recipe}`
}

/** The base build cache on the Actions cache (@actions/cache through the baseline store's client). */
export function actionsBaseBuildCache(client: CacheClient, runnerTemp: string): BaseBuildCache {
  return {
    checkoutDir: join(runnerTemp, 'perf-gate-base', 'checkout'),
    restore: async (dir, key) => {
      const restored = await client.restore([dir], key, [])
      if (restored.failure) return { hit: false, problem: restored.failure }
      return { hit: restored.value === key }
    },
    save: async (dir, key, leaveOut = []) => {
      // tar archives a directory whole, so what stays out is moved aside while the archive is made. The `.git` file
      // links the checkout to this clone's worktree list and is never part of an entry.
      const moved: Array<[string, string]> = []
      try {
        for (const [index, rel] of ['.git', ...leaveOut].entries()) {
          const aside = join(dir, '..', `checkout.aside-${index}`)
          if (
            await rename(join(dir, rel), aside).then(
              () => true,
              () => false
            )
          )
            moved.push([join(dir, rel), aside])
        }
        const saved = await client.save([dir], key)
        if (saved.failure !== undefined) return { saved: false, problem: saved.failure }
        // -1 without a logged failure: the key exists (another run of this PR saved the same build first).
        if (saved.value === -1) return { saved: false, problem: 'the cache service did not accept it (already saved by a concurrent run?)' }
        return { saved: true }
      } finally {
        for (const [path, aside] of moved) await rename(aside, path)
      }
    }
  }
}
