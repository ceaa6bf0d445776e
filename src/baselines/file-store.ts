/**
 * The file baseline store (CLI default, and the Action's `baseline-store: file`):
 *   <dir>/<gate>/history/<id>.json   rolling baselines, newest id last when sorted
 *   <dir>/<gate>/pinned/<name>.json  pinned (named) baselines
 * Writes go to a temporary file and are moved into place, so a crash never leaves a truncated baseline; large
 * records are gzip-compressed (see record-file.ts). A rolling baseline is never written over another: the move is
 * an exclusive create, and on a clash the record gets a new id.
 */
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises'
import { dirname, relative } from 'node:path'
import { newBaselineId } from './baseline-id.js'
import { containedPath } from './contained-path.js'
import { DEFAULT_HISTORY_LIMIT } from '../config/settings.js'
import { FULL_RECORDS, compactRecord, hasDistributions } from './compact-record.js'
import { readRecordFile, readRecordVersion, writeRecordFile } from './record-file.js'
import { InputError } from '../errors.js'
import { chooseBaseline, promoteAdvice, summarizeBaseline, validateBaselineText, type RecordPlace } from './select.js'
import {
  BASELINE_SCHEMA_VERSION,
  type BaselineLookup,
  type BaselineQuery,
  type BaselineRecord,
  type BaselineStore,
  type BaselineSummary,
  type LookupTrouble,
  type SavedBaseline,
  noteTrouble
} from './store.js'

export class FileBaselineStore implements BaselineStore {
  readonly description: string

  constructor(
    private readonly dir: string,
    displayDir = dir,
    /** Rolling baselines beyond this many are deleted after a save. */
    private readonly historyLimit = DEFAULT_HISTORY_LIMIT
  ) {
    this.description = `file store at ${displayDir}`
  }

  async load(query: BaselineQuery): Promise<BaselineLookup> {
    const problems: string[] = []
    const trouble: LookupTrouble = {}
    const records: BaselineRecord[] = []
    if (query.name) {
      const record = await this.readRecord(this.pinnedPath(query.gate, query.name), problems, trouble, { gate: query.gate, name: query.name })
      if (record) records.push(record)
    } else {
      let ids: string[]
      try {
        ids = await this.historyIds(query.gate)
      } catch (error) {
        const reason = `the history of gate "${query.gate}" in the ${this.description} cannot be listed: ${(error as Error).message}`
        problems.push(reason)
        noteTrouble(trouble, 'unreadable', reason, 'Check that the baseline directory is readable by this job.')
        ids = []
      }
      for (const id of ids.reverse()) {
        const record = await this.readRecord(this.historyPath(query.gate, id), problems, trouble, { gate: query.gate })
        if (record) records.push(record)
        // A pull request's base may be further back than the newest runs, and its history is the runs before it:
        // every stored run is read then (saves prune the store to the history limit, so that is about as many).
        if (!query.preferSha && records.length >= query.historyLimit) break
      }
    }
    return chooseBaseline(records, query, this.description, problems, trouble)
  }

  async save(record: BaselineRecord): Promise<SavedBaseline> {
    if (record.name) {
      // Promoting a named baseline again replaces it (re-measuring a release is why one does it), but the one it
      // replaces is kept aside, never lost: a name typed twice by mistake must not cost the older measurement.
      const path = this.pinnedPath(record.gate, record.name)
      let replaced: SavedBaseline['replaced']
      if (await exists(path)) {
        // An unreadable one is kept too (under the time of its replacement): what is wrong with it is for a person to see.
        const previous = await this.readRecord(path, [])
        const id = previous?.id ?? `unreadable-${newBaselineId(new Date(), undefined)}`
        const keptAt = containedPath(this.dir, record.gate, 'pinned', 'replaced', `${record.name}@${id}.json`)
        await mkdir(dirname(keptAt), { recursive: true })
        await rename(path, keptAt)
        replaced = { id, savedAt: previous?.savedAt ?? 'unknown', keptAt: relative(process.cwd(), keptAt) || keptAt }
      }
      await writeRecordFile(path, record)
      return { id: record.id, location: relative(process.cwd(), path) || path, ...(replaced ? { replaced } : {}) }
    }
    let saved = record
    for (let attempt = 0; ; attempt++) {
      const path = this.historyPath(saved.gate, saved.id)
      if (await writeRecordFile(path, saved, { exclusive: true })) {
        const pruned = await this.prune(saved.gate, this.historyLimit)
        await this.compactPast(saved.gate)
        return {
          id: saved.id,
          location: relative(process.cwd(), path) || path,
          ...(pruned.length > 0 ? { pruned: { count: pruned.length, keep: this.historyLimit } } : {})
        }
      }
      if (attempt >= 5) throw new Error(`baseline ${path} already exists, and so did ${attempt} fresh ids; nothing was overwritten`)
      saved = { ...saved, id: newBaselineId(new Date(Date.parse(saved.savedAt) || Date.now()), saved.source.sha) }
    }
  }

  /**
   * Deletes the oldest rolling baselines beyond `keep`. Only records this version writes count and go: a newer
   * perf-gate's record, or a file whose head does not say what it is, is kept for whoever can read it, never deleted
   * unseen. Only each record's head (its schemaVersion) is read, so a save costs about the same into a deep store as
   * into an empty one.
   */
  async prune(gate: string, keep: number): Promise<string[]> {
    const ours: string[] = []
    for (const id of await this.historyIds(gate)) {
      const version = await readRecordVersion(this.historyPath(gate, id)).catch(() => undefined)
      if (version !== undefined && version <= BASELINE_SCHEMA_VERSION) ours.push(id)
    }
    const doomed = ours.slice(0, Math.max(0, ours.length - keep))
    for (const id of doomed) await rm(this.historyPath(gate, id), { force: true })
    return doomed
  }

  /**
   * Drops the distributions of the run that this save pushed out of the newest FULL_RECORDS (see compact-record.ts).
   * One record is read and rewritten per save, whatever the depth of the store; a record that cannot be read or is
   * not ours is left as it is.
   */
  private async compactPast(gate: string): Promise<void> {
    const ids = await this.historyIds(gate)
    const id = ids[ids.length - 1 - FULL_RECORDS]
    if (id === undefined) return
    const path = this.historyPath(gate, id)
    const record = await this.readRecord(path, [], undefined, { gate })
    if (record && hasDistributions(record)) await writeRecordFile(path, compactRecord(record))
  }

  /** Every stored record of `gate`, newest rolling first, then the pinned ones; what cannot be read goes to `problems`. */
  async list(gate: string, problems: string[] = []): Promise<BaselineSummary[]> {
    const summaries: BaselineSummary[] = []
    const add = (record: BaselineRecord | undefined): void => {
      if (record) summaries.push(summarizeBaseline(record))
    }
    for (const id of (await this.historyIds(gate)).reverse()) {
      add(await this.readRecord(this.historyPath(gate, id), problems, undefined, { gate }))
    }
    for (const file of await listJson(containedPath(this.dir, gate, 'pinned'))) {
      add(await this.readRecord(containedPath(this.dir, gate, 'pinned', file), problems, undefined, { gate, name: file.replace(/\.json$/, '') }))
    }
    return summaries
  }

  /** Reads one record by id ("latest" for the newest rolling one, or a pinned name). */
  async read(gate: string, idOrName: string): Promise<{ record?: BaselineRecord; problems: string[] }> {
    const problems: string[] = []
    if (idOrName === 'latest') {
      const lookup = await this.load({ gate, historyLimit: 1 })
      return lookup.baseline ? { record: lookup.baseline, problems: lookup.problems } : { problems: lookup.problems }
    }
    const pinned = await this.readRecord(this.pinnedPath(gate, idOrName), problems, undefined, { gate, name: idOrName })
    if (pinned) return { record: pinned, problems }
    const rolling = await this.readRecord(this.historyPath(gate, idOrName), problems, undefined, { gate })
    if (rolling) return { record: rolling, problems }
    if (problems.length === 0) problems.push(`no baseline "${idOrName}" for gate "${gate}" in ${this.description}`)
    return { problems }
  }

  // Every path is built here and checked to stay inside the store, whatever a name or id holds.
  private historyDir(gate: string): string {
    return containedPath(this.dir, gate, 'history')
  }

  private historyPath(gate: string, id: string): string {
    return containedPath(this.historyDir(gate), `${id}.json`)
  }

  /**
   * Refuses a pinned name the store does not hold, naming the ones it does: files are never evicted, so a name that
   * is not there is a typo or a release not pinned yet, and a run against it would compare nothing.
   */
  async requirePinned(gate: string, name: string): Promise<void> {
    const pinned = await this.pinnedNames(gate)
    if (pinned.includes(name)) return
    const known = pinned.length > 0 ? `pinned for gate "${gate}": ${pinned.join(', ')}` : `nothing is pinned for gate "${gate}"`
    throw new InputError(`pinned baseline "${name}" does not exist in the ${this.description} (${known}). ${promoteAdvice(name)}`)
  }

  /** The names pinned for `gate`, whether or not their files read. */
  async pinnedNames(gate: string): Promise<string[]> {
    return (await listJson(containedPath(this.dir, gate, 'pinned'))).map((file) => file.replace(/\.json$/, '')).sort()
  }

  private pinnedPath(gate: string, name: string): string {
    return containedPath(this.dir, gate, 'pinned', `${name}.json`)
  }

  private async historyIds(gate: string): Promise<string[]> {
    return (await listJson(this.historyDir(gate))).map((file) => file.slice(0, -'.json'.length)).sort()
  }

  /**
   * Reads and validates a record; a corrupt, truncated or newer one, or one that does not belong at `place` (another
   * gate's, a pinned one among the rolling ones), is reported in `problems` and skipped.
   */
  private async readRecord(path: string, problems: string[], trouble?: LookupTrouble, place?: RecordPlace): Promise<BaselineRecord | undefined> {
    let text: string
    try {
      text = await readRecordFile(path)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      const reason = `baseline ${path} cannot be read: ${(error as Error).message}`
      problems.push(reason)
      noteTrouble(trouble, 'unreadable', reason, 'Check that the baseline directory is readable by this job.')
      return undefined
    }
    return validateBaselineText(text, path, problems, trouble, place)
  }
}

async function listJson(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((file) => file.endsWith('.json'))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return false
      throw error
    }
  )
}
