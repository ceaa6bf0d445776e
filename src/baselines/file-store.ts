/**
 * The file baseline store (CLI default, and the Action's `baseline-store: file`):
 *   <dir>/<gate>/history/<id>.json   rolling baselines, newest id last when sorted
 *   <dir>/<gate>/pinned/<name>.json  pinned (named) baselines
 * Writes go to a temporary file and are moved into place, so a crash never leaves a truncated baseline. A rolling
 * baseline is never written over another: the move is an exclusive create, and on a clash the record gets a new id.
 */
import { link, mkdir, readdir, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { newBaselineId } from './baseline-id.js'
import { chooseBaseline, summarizeBaseline, validateBaselineText } from './select.js'
import {
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
    private readonly historyLimit = 20
  ) {
    this.description = `file store at ${displayDir}`
  }

  async load(query: BaselineQuery): Promise<BaselineLookup> {
    const problems: string[] = []
    const trouble: LookupTrouble = {}
    const records: BaselineRecord[] = []
    if (query.name) {
      const record = await this.readRecord(this.pinnedPath(query.gate, query.name), problems, trouble)
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
        const record = await this.readRecord(join(this.historyDir(query.gate), `${id}.json`), problems, trouble)
        if (record) records.push(record)
        if (records.length >= query.historyLimit) break
      }
    }
    return chooseBaseline(records, query, this.description, problems, trouble)
  }

  async save(record: BaselineRecord): Promise<SavedBaseline> {
    if (record.name) {
      // Promoting a named baseline replaces it on purpose.
      const path = this.pinnedPath(record.gate, record.name)
      await writeAtomically(path, `${JSON.stringify(record, null, 2)}\n`)
      return { id: record.id, location: relative(process.cwd(), path) || path }
    }
    let saved = record
    for (let attempt = 0; ; attempt++) {
      const path = join(this.historyDir(saved.gate), `${saved.id}.json`)
      if (await createExclusively(path, `${JSON.stringify(saved, null, 2)}\n`)) {
        await this.prune(saved.gate, this.historyLimit)
        return { id: saved.id, location: relative(process.cwd(), path) || path }
      }
      if (attempt >= 5) throw new Error(`baseline ${path} already exists, and so did ${attempt} fresh ids; nothing was overwritten`)
      saved = { ...saved, id: newBaselineId(new Date(Date.parse(saved.savedAt) || Date.now()), saved.source.sha) }
    }
  }

  /** Deletes the oldest rolling baselines beyond `keep`. */
  async prune(gate: string, keep: number): Promise<string[]> {
    const ids = await this.historyIds(gate)
    const doomed = ids.slice(0, Math.max(0, ids.length - keep))
    for (const id of doomed) await rm(join(this.historyDir(gate), `${id}.json`), { force: true })
    return doomed
  }

  async list(gate: string): Promise<BaselineSummary[]> {
    const summaries: BaselineSummary[] = []
    const problems: string[] = []
    const add = (record: BaselineRecord | undefined): void => {
      if (record) summaries.push(summarizeBaseline(record))
    }
    for (const id of (await this.historyIds(gate)).reverse()) {
      add(await this.readRecord(join(this.historyDir(gate), `${id}.json`), problems))
    }
    for (const file of await listJson(join(this.dir, gate, 'pinned'))) {
      add(await this.readRecord(join(this.dir, gate, 'pinned', file), problems))
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
    const pinned = await this.readRecord(this.pinnedPath(gate, idOrName), problems)
    if (pinned) return { record: pinned, problems }
    const rolling = await this.readRecord(join(this.historyDir(gate), `${idOrName}.json`), problems)
    if (rolling) return { record: rolling, problems }
    if (problems.length === 0) problems.push(`no baseline "${idOrName}" for gate "${gate}" in ${this.description}`)
    return { problems }
  }

  private historyDir(gate: string): string {
    return join(this.dir, gate, 'history')
  }

  private pinnedPath(gate: string, name: string): string {
    return join(this.dir, gate, 'pinned', `${name}.json`)
  }

  private async historyIds(gate: string): Promise<string[]> {
    return (await listJson(this.historyDir(gate))).map((file) => file.slice(0, -'.json'.length)).sort()
  }

  /** Reads and validates a record; a corrupt, truncated or newer one is reported in `problems` and skipped. */
  private async readRecord(path: string, problems: string[], trouble?: LookupTrouble): Promise<BaselineRecord | undefined> {
    let text: string
    try {
      text = await readFile(path, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      const reason = `baseline ${path} cannot be read: ${(error as Error).message}`
      problems.push(reason)
      noteTrouble(trouble, 'unreadable', reason, 'Check that the baseline directory is readable by this job.')
      return undefined
    }
    return validateBaselineText(text, path, problems, trouble)
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

/**
 * Writes `text` to a temporary file and hard-links it to `path`: link(2) fails when `path` exists, so this is an
 * atomic exclusive create (a reader never sees a half-written file, unlike writeFile with flag `wx`). False on a clash.
 */
async function createExclusively(path: string, text: string): Promise<boolean> {
  await mkdir(join(path, '..'), { recursive: true })
  const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`
  await writeFile(temporary, text)
  try {
    await link(temporary, path)
    return true
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EEXIST') return false
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw error
    // A file system without hard links: exclusive create directly (still never overwrites).
    try {
      await writeFile(path, text, { flag: 'wx' })
      return true
    } catch (fallback) {
      if ((fallback as NodeJS.ErrnoException).code === 'EEXIST') return false
      throw fallback
    }
  } finally {
    await unlink(temporary).catch(() => undefined)
  }
}

async function writeAtomically(path: string, text: string): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true })
  const temporary = `${path}.${process.pid}.tmp`
  await writeFile(temporary, text)
  await rename(temporary, path)
}
