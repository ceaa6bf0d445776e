/**
 * A stored run seen again: `perf-gate report --baseline <id>` draws a run the store holds (its distributions, its
 * trials, the history up to it) by judging it, under the gate's rules, against the runs saved before it, which is
 * how its push was judged. The view of the store it is judged against holds those earlier runs alone.
 */
import type { RunContext } from '../context.js'
import type { FileBaselineStore } from './file-store.js'
import { InputError } from '../errors.js'
import { chooseBaseline } from './select.js'
import { noteTrouble, type BaselineRecord, type BaselineStore, type LookupTrouble } from './store.js'

export interface StoredRun {
  record: BaselineRecord
  /** The rolling runs saved before it, newest first. */
  earlier: BaselineRecord[]
  /** The store as it stood before the run was saved; saving through it is a programming error. */
  before: BaselineStore
}

/**
 * Finds run `idOrName` ("latest", a rolling id, a pinned name, or a commit) of `gate` and the rolling runs saved
 * before it.
 * A run the store does not hold throws with the store's own words (and the ids it does hold, to pick from).
 */
export async function findStoredRun(store: FileBaselineStore, gate: string, idOrName: string, historyLimit: number): Promise<StoredRun> {
  // Every rolling run, newest first, read once: the run asked for is usually among them, and so are the runs before it.
  const { history } = await store.load({ gate, historyLimit: Number.MAX_SAFE_INTEGER })
  // A commit (7+ hex digits, as the history table and the PR comment show it) names the newest run saved at it.
  const atCommit = (run: BaselineRecord): boolean => /^[0-9a-f]{7,40}$/i.test(idOrName) && run.source.sha?.startsWith(idOrName.toLowerCase()) === true
  const rolling = idOrName === 'latest' ? history[0] : (history.find((run) => run.id === idOrName) ?? history.find(atCommit))
  // Otherwise a pinned name (read from its own file), or the store's words for why there is none.
  const found = rolling ? { record: rolling, problems: [] } : await store.read(gate, idOrName)
  if (!found.record) {
    const held = history.slice(0, 5).map((run) => run.id)
    const hint = held.length > 0 ? ` (the newest: ${held.join(', ')}; \`perf-gate baseline list\` shows them all)` : ''
    throw new InputError(`${found.problems.join('; ')}${hint}`)
  }
  const record = found.record
  // Ids sort by time (see baseline-id.ts): the runs before this one, as many as the history it was judged with.
  const earlier = history.filter((other) => other.id < record.id).slice(0, historyLimit)
  const description = `${store.description} (the runs saved before ${record.id})`
  const before: BaselineStore = {
    description,
    load: async (query) => {
      const trouble: LookupTrouble = {}
      const problems: string[] = []
      if (earlier.length === 0) {
        const reason = `run ${record.id} is the oldest stored run of gate "${gate}": nothing was saved before it to compare it with`
        problems.push(reason)
        noteTrouble(trouble, 'not-saved', reason)
      }
      return chooseBaseline(earlier, { gate: query.gate, historyLimit: query.historyLimit }, description, problems, trouble)
    },
    save: async () => {
      throw new Error(`${description}: a stored run seen again is never saved`)
    },
    list: async () => []
  }
  return { record, earlier, before }
}

/**
 * The context a stored run was measured in, as far as its record says (its commit, branch, runner, and whether the
 * tree had uncommitted changes); `event` is what happens to it now (judged again, promoted).
 */
export function storedRunContext(record: BaselineRecord, event: string): RunContext {
  const context: RunContext = { event, runner: record.environment?.runner ?? 'local' }
  if (record.source.sha) context.sha = record.source.sha
  if (record.source.ref) context.ref = record.source.ref
  if (record.source.dirty) context.dirty = true
  return context
}
