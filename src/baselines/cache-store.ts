/**
 * Baselines in the GitHub Actions cache (@actions/cache), the Action's default store.
 *
 * Cache entries are immutable, so every save writes a new key; readers find entries through key prefixes, which the
 * service answers with the newest matching entry (per scope: a PR reads its own ref, then its base branch):
 *   perf-gate/v1/<gate>/rolling/<sha>/<scenario set>/<runner fingerprint>/<id>   rolling baselines
 *   perf-gate/v1/<gate>/pinned/<name>/<id>                                      pinned baselines
 * The commit comes before the scenario set and runner, so a PR finds its base commit's baseline even after the suite
 * or the runner changed (the report then says so). Each entry holds the new record plus the previous history trimmed
 * to the limit, so the newest entry alone carries the history, and eviction of older entries loses nothing.
 *
 * Two pushes saving at once both land (distinct ids), but each carries only the history it saw: neither holds the
 * other. A prefix restore returns the newest entry alone, and the cache has no way to list or compare-and-swap, so
 * with the cache API only, the sibling that finished first is missing from the history of every later run (it stays
 * under its own key, where a PR based on its commit still finds it). The REST API can list keys
 * (GET /repos/{o}/{r}/actions/caches, needs `actions: read`): when a `listKeys` is given, a load also restores the
 * entries among the newest `historyLimit` keys that the newest entry does not carry, and the next save carries them
 * on, so the history heals. An entry listed but gone by the time it is restored (evicted) is skipped with a debug line.
 *
 * @actions/cache never throws for service trouble: it logs a warning and returns "miss" (restore) or -1 (save).
 * To tell an outage from an empty cache, the toolkit client below reads those log lines back (see captureFailures).
 */
import { createHash } from 'node:crypto'
import { mkdir, readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import * as cache from '@actions/cache'
import { DEFAULT_HISTORY_LIMIT } from '../config/settings.js'
import { RunError, isRateLimited, messageOf } from '../errors.js'
import { createOctokit, type RepositoryRef } from '../github/octokit-client.js'
import type { EnvironmentFingerprint } from '../results/model.js'
import { compactHistory } from './compact-record.js'
import { readRecordFile, writeRecordFile } from './record-file.js'
import { SAVE_ADVICE, chooseBaseline, distinctNewestFirst, promoteAdvice, runsUpToCommit, summarizeBaseline, validateBaselineText } from './select.js'
import {
  noteTrouble,
  type BaselineLookup,
  type BaselineQuery,
  type BaselineRecord,
  type BaselineStore,
  type BaselineSummary,
  type LookupTrouble,
  type SavedBaseline
} from './store.js'

/** The cache "version" hashes this exact array: never change it, or no old entry is found again. */
export const CACHE_PATHS = ['.perf-gate-cache']
const KEY_ROOT = 'perf-gate/v1'

/** The result of one cache call, with the toolkit's failure message when the service failed. */
export interface CacheCall<T> {
  value: T
  failure?: string
}

/** The two calls of @actions/cache this store needs (injectable so tests can also drive the real one). */
export interface CacheClient {
  available(): boolean
  save(paths: string[], key: string): Promise<CacheCall<number>>
  restore(paths: string[], primaryKey: string, restoreKeys: string[]): Promise<CacheCall<string | undefined>>
}

/** The real @actions/cache, with its logged failures captured. */
export const toolkitCacheClient: CacheClient = {
  // A toolkit without the check (a stand-in such as @github/local-action's, which emulates @actions/cache 5) counts as
  // no cache service: the callers then say the cache is not there, instead of the whole run failing on the check.
  available: () => {
    try {
      return cache.isFeatureAvailable()
    } catch {
      return false
    }
  },
  save: (paths, key) => captureFailures(() => cache.saveCache(paths, key)),
  restore: (paths, primaryKey, restoreKeys) => captureFailures(() => cache.restoreCache(paths, primaryKey, restoreKeys))
}

/**
 * Lists the keys of the default branch's cache entries that start with `prefix`, newest first, at most `atMost` of
 * them (the REST API; needs `actions: read`). Throws when it cannot.
 */
export type CacheKeyLister = (prefix: string, atMost: number) => Promise<string[]>

const CACHE_LIST_PAGE = 100

/** Lists through GET /repos/{owner}/{repo}/actions/caches, newest first, entries of `ref` only, page by page. */
export function restCacheKeyLister(repository: RepositoryRef, token: string, ref: string, env: NodeJS.ProcessEnv = process.env): CacheKeyLister {
  return async (prefix, atMost) => {
    const octokit = createOctokit(token, env)
    const keys: string[] = []
    for (let page = 1; keys.length < atMost; page++) {
      const { data } = await octokit.rest.actions.getActionsCacheList({
        ...repository,
        key: prefix,
        ref,
        sort: 'created_at',
        direction: 'desc',
        per_page: CACHE_LIST_PAGE,
        page
      })
      keys.push(...data.actions_caches.map((entry) => entry.key ?? '').filter((key) => key.startsWith(prefix)))
      if (data.actions_caches.length < CACHE_LIST_PAGE) break
    }
    return keys.slice(0, atMost)
  }
}

export interface CacheStoreExtras {
  /** Finds entries saved beside the newest one (see the top of this file); without it, history is the newest entry's. */
  listKeys?: CacheKeyLister
  /** Lines for the debug log (entries skipped, listing unavailable). */
  debug?: (message: string) => void
}

const NOT_AVAILABLE =
  'the Actions cache is not available to this step (ACTIONS_RESULTS_URL is not set: is it running outside GitHub Actions, or on a GitHub Enterprise Server without the cache?)'

/** Whether `records` hold the run at `sha` and `historyLimit` runs up to it (see runsUpToCommit). */
function reachesBackFrom(records: BaselineRecord[], sha: string, historyLimit: number): boolean {
  return runsUpToCommit(distinctNewestFirst(records), sha).length >= Math.max(1, historyLimit)
}

export class CacheBaselineStore implements BaselineStore {
  readonly description = 'Actions cache'
  private readonly dir: string
  /** The newest entry's records (plus the siblings found beside it) as this run's load found them. */
  private newestRolling?: { gate: string; records: BaselineRecord[] }

  constructor(
    /** The directory CACHE_PATHS are relative to: the step's working directory (the workspace). */
    workingDir: string,
    /** How many past baselines each entry carries. */
    private readonly historyLimit = DEFAULT_HISTORY_LIMIT,
    private readonly client: CacheClient = toolkitCacheClient,
    private readonly extras: CacheStoreExtras = {}
  ) {
    this.dir = join(workingDir, CACHE_PATHS[0]!)
  }

  async load(query: BaselineQuery): Promise<BaselineLookup> {
    const problems: string[] = []
    const trouble: LookupTrouble = {}
    if (!this.client.available()) {
      problems.push(NOT_AVAILABLE)
      noteTrouble(trouble, 'unreadable', NOT_AVAILABLE, 'Run the gate in a GitHub Actions job on github.com, or choose `baseline-store: artifact` (or `file`).')
      return chooseBaseline([], query, this.description, problems, trouble)
    }
    const prefix = query.name ? pinnedPrefix(query.gate, query.name) : rollingPrefix(query.gate)
    const records = await this.restoreRecords(prefix, problems, trouble)
    if (!query.name && !trouble.unreadable) {
      records.push(...(await this.siblingsOf(prefix, records)))
      // A push loads, then saves: the save extends the history read here instead of restoring it again.
      this.newestRolling = { gate: query.gate, records: [...records] }
    }
    if (query.preferSha && !query.name && !trouble.unreadable && !reachesBackFrom(records, query.preferSha, query.historyLimit)) {
      // A PR is judged against the runs up to its base (see chooseBaseline). The newest entry's history does not
      // reach back to the base commit, or not far enough past it: that commit's own entry holds the runs before it.
      const atBase = await this.restoreRecords(`${rollingPrefix(query.gate)}${query.preferSha}/`, problems, trouble)
      if (atBase.length === 0)
        this.debug(`no cache entry for the base commit ${query.preferSha.slice(0, 7)} (none saved there, or evicted after 7 days unused)`)
      records.push(...atBase)
    }
    if (records.length === 0 && problems.length === 0) {
      const reason = query.name
        ? `pinned baseline "${query.name}" does not exist in the Actions cache (never promoted, or evicted after 7 days unused)`
        : `nothing has been saved for gate "${query.gate}" in the Actions cache yet (or it was evicted after 7 days unused)`
      problems.push(reason)
      noteTrouble(trouble, 'not-saved', reason, query.name ? promoteAdvice(query.name) : SAVE_ADVICE)
    }
    return chooseBaseline(records, query, this.description, problems, trouble)
  }

  async save(record: BaselineRecord): Promise<SavedBaseline> {
    if (!this.client.available())
      throw new RunError('cannot save the baseline: the Actions cache is not available to this step (ACTIONS_RESULTS_URL is not set)')
    let records = [record]
    if (!record.name) {
      const previous = this.newestRolling?.gate === record.gate ? this.newestRolling.records : await this.restoreRecords(rollingPrefix(record.gate), [])
      const lookup = chooseBaseline(previous, { gate: record.gate, historyLimit: this.historyLimit }, this.description, [])
      records = compactHistory([record, ...lookup.history].slice(0, Math.max(1, this.historyLimit)))
    }
    const key = cacheKeyOf(record)
    await this.writeEntry(records)
    try {
      const saved = await this.client.save(CACHE_PATHS, key)
      // Keys are unique per save, so -1 never means "already saved": it is a failure the toolkit only logged.
      if (saved.failure !== undefined || saved.value === -1)
        throw new RunError(`saving the baseline to the Actions cache under key ${key} failed: ${saved.failure ?? 'the cache service did not accept it'}`)
    } finally {
      await rm(this.dir, { recursive: true, force: true })
    }
    if (!record.name) this.newestRolling = { gate: record.gate, records }
    return { id: record.id, location: `Actions cache key ${key}` }
  }

  async list(gate: string): Promise<BaselineSummary[]> {
    const lookup = await this.load({ gate, historyLimit: this.historyLimit })
    return lookup.history.map(summarizeBaseline)
  }

  /**
   * The records of entries among the newest `historyLimit` keys under `prefix` that `known` does not hold: baselines
   * saved at the same moment as the newest entry (see the top of this file). Never fails: what cannot be listed or
   * restored (no `actions: read`, an entry evicted since it was listed) is a debug line.
   */
  private async siblingsOf(prefix: string, known: BaselineRecord[]): Promise<BaselineRecord[]> {
    if (!this.extras.listKeys) return []
    let keys: string[]
    try {
      keys = await this.extras.listKeys(prefix, Math.max(1, this.historyLimit))
    } catch (error) {
      this.debug(
        `cannot list the cache entries under ${prefix} (${messageOf(error)}): the history is the newest entry's alone, which misses a baseline saved at the same moment as it (listing needs permissions: actions: read)`
      )
      return []
    }
    const ids = new Set(known.map((record) => segment(record.id)))
    const missing = keys.filter((key) => !ids.has(key.slice(key.lastIndexOf('/') + 1)))
    const found: BaselineRecord[] = []
    for (const key of missing) {
      const problems: string[] = []
      const records = await this.restoreRecords(key, problems, undefined, true)
      if (records.length === 0) {
        this.debug(
          `cache entry ${key} is listed but could not be restored (evicted since it was listed?${problems.length > 0 ? ` ${problems.join('; ')}` : ''}); skipping it`
        )
        continue
      }
      this.debug(`cache entry ${key} was saved beside the newest one; its baseline joins the history`)
      found.push(...records)
    }
    return found
  }

  /**
   * Restores the newest entry under `prefix` (or, `exact`, the entry of that key) and returns its valid records;
   * failures become problems, and causes of a missing baseline are noted in `trouble`.
   */
  private async restoreRecords(prefix: string, problems: string[], trouble?: LookupTrouble, exact = false): Promise<BaselineRecord[]> {
    await rm(this.dir, { recursive: true, force: true })
    try {
      const restored = await this.client.restore(CACHE_PATHS, prefix, [])
      if (restored.failure) {
        problems.push(`the Actions cache could not be read (${restored.failure}); continuing without a stored baseline`)
        noteTrouble(trouble, 'unreadable', restored.failure, cacheFailureAdvice(restored.failure))
        return []
      }
      if (!restored.value) return []
      if (exact && restored.value !== prefix) return []
      const records: BaselineRecord[] = []
      for (const file of (await readdirOrEmpty(this.dir)).sort()) {
        const record = validateBaselineText(await readRecordFile(join(this.dir, file)), `from cache key ${restored.value} (${file})`, problems, trouble)
        if (record) records.push(record)
      }
      if (records.length === 0 && !problems.some((problem) => problem.includes(restored.value!))) {
        const reason = `cache entry ${restored.value} holds no baseline records`
        problems.push(`${reason}; ignoring it`)
        noteTrouble(trouble, 'rejected', reason, 'perf-gate ignores it; the next push to the default branch saves a fresh baseline.')
      }
      return records
    } finally {
      await rm(this.dir, { recursive: true, force: true })
    }
  }

  private debug(message: string): void {
    this.extras.debug?.(`Baseline (Actions cache): ${message}`)
  }

  private async writeEntry(records: BaselineRecord[]): Promise<void> {
    await rm(this.dir, { recursive: true, force: true })
    await mkdir(this.dir, { recursive: true })
    for (const [index, record] of records.entries()) {
      await writeRecordFile(join(this.dir, `${String(index).padStart(3, '0')}.json`), record)
    }
  }
}

/** What to do about a cache read that failed, by the kind of failure. */
function cacheFailureAdvice(failure: string): string {
  if (isRateLimited(failure)) return 'The cache service rate-limited this run; re-run the job in a while.'
  if (/\b40[13]\b|forbidden|unauthori[sz]ed|permission/i.test(failure)) {
    return "This run's token may not read the Actions cache (untrusted triggers get a restricted one): run the gate on `pull_request`, or keep baselines as workflow artifacts (`baseline-store: artifact` with `permissions: actions: read`)."
  }
  return 'The cache service failed or could not be reached; re-run the job once it answers again.'
}

function rollingPrefix(gate: string): string {
  return `${KEY_ROOT}/${segment(gate)}/rolling/`
}

function pinnedPrefix(gate: string, name: string): string {
  return `${KEY_ROOT}/${segment(gate)}/pinned/${segment(name)}/`
}

/** The unique, immutable key of one save. */
export function cacheKeyOf(record: BaselineRecord): string {
  if (record.name) return `${pinnedPrefix(record.gate, record.name)}${segment(record.id)}`
  const sha = record.source.sha ?? 'no-commit'
  return `${rollingPrefix(record.gate)}${sha}/${record.scenarioSet}/${runnerFingerprint(record.environment)}/${segment(record.id)}`
}

/** OS, core count and a short hash of the CPU model: what makes numbers from two machines incomparable. */
export function runnerFingerprint(environment: EnvironmentFingerprint | undefined): string {
  if (!environment) return 'unknown-runner'
  const cpu = createHash('sha256')
    .update(environment.cpuModel ?? '')
    .digest('hex')
    .slice(0, 8)
  return `${environment.os ?? 'os'}-${environment.arch ?? 'arch'}-${environment.cores ?? 0}c-${cpu}`
}

/** Keys cannot hold commas, and '/' separates segments. */
function segment(text: string): string {
  return text.replace(/[%/,\s]/g, (char) => `%${char.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`)
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((file) => file.endsWith('.json'))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
}

/**
 * Runs a toolkit call and collects the failures it only logged ("Failed to restore: …", "Failed to save: …",
 * rate-limit warnings). @actions/core writes them to stdout as workflow commands; the output still goes through.
 */
export async function captureFailures<T>(call: () => Promise<T>): Promise<CacheCall<T>> {
  const failures: string[] = []
  const write = process.stdout.write
  process.stdout.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]): boolean {
    for (const line of String(chunk).split(/\r?\n/)) {
      const match = /^(?:::(?:warning|error)[^:]*::)?((?:Failed to (?:save|restore)|Cache reservation failed|You've hit a rate limit).*)$/.exec(line)
      if (match) failures.push(decodeCommandData(match[1]!))
    }
    return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest)
  } as typeof process.stdout.write
  try {
    const value = await call()
    return failures.length > 0 ? { value, failure: failures.join('; ') } : { value }
  } catch (error) {
    // Only key validation errors are thrown; ours are well formed, so this is a bug worth a clear line.
    return { value: undefined as T, failure: `@actions/cache failed: ${(error as Error).message}` }
  } finally {
    process.stdout.write = write
  }
}

/** Undoes @actions/core's escaping; one line, since problems are shown as single report lines. */
function decodeCommandData(text: string): string {
  return text
    .replace(/(?:%0D)?%0A\s*/g, ' ')
    .replace(/%0D/g, ' ')
    .replace(/%25/g, '%')
    .trim()
}
