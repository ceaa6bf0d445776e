/**
 * What every baseline store does the same way: validate what it read (a corrupt, truncated or newer-version
 * record, or one of another gate or kind than where it was found, is a problem line and counts as missing), then
 * choose: the record saved at the preferred commit (a PR's base) with the runs up to it, if there is one, else the
 * newest runs; history newest first, trimmed to the limit. Without a baseline, say why (see BaselineAbsence): never
 * saved, could not be read, or rejected.
 */
import { schemaProblems } from '../schemas.js'
import { firstValueProblem } from '../results/value-check.js'
import {
  BASELINE_SCHEMA_VERSION,
  noteTrouble,
  type BaselineAbsence,
  type BaselineLookup,
  type BaselineQuery,
  type BaselineRecord,
  type BaselineSummary,
  type LookupTrouble
} from './store.js'

const REJECTED_ADVICE = 'perf-gate ignores it; the next push to the default branch saves a fresh baseline (or promote one with `perf-gate baseline promote`).'

/** A push saves a rolling baseline, never a pinned one: a pinned record that cannot be used is promoted again. */
function rejectedPinnedAdvice(name: string, source: string): string {
  return `perf-gate ignores it; promote it again to replace ${source}: \`perf-gate baseline promote <results> --as ${name}\` (in the Action: \`promote: true\` with \`promote-as: ${name}\` on a workflow_dispatch run).`
}

/** Where a record was found: the gate's folder (or key), and the pinned name it was stored under, if any. */
export interface RecordPlace {
  gate: string
  /** The pinned name of the place; undefined where rolling baselines are kept. */
  name?: string
}

/**
 * Why a valid record does not belong where it was found (another gate's record, a pinned record among the rolling
 * ones or the reverse, a pinned record under another name), or undefined when it does. Such a record is copied or
 * moved by hand; used, it would compare a gate with another gate's numbers.
 */
export function misplacement(record: BaselineRecord, place: RecordPlace): string | undefined {
  if (record.gate !== place.gate) return `holds gate "${record.gate}", not "${place.gate}"`
  if (place.name === undefined && record.name !== undefined) return `is pinned baseline "${record.name}", not a rolling one`
  if (place.name !== undefined && record.name === undefined) return `is a rolling baseline, not pinned baseline "${place.name}"`
  if (place.name !== undefined && record.name !== place.name) return `is pinned baseline "${record.name}", not "${place.name}"`
  return undefined
}

const MISPLACED_ADVICE = 'perf-gate ignores it: move the file to the folder of the gate and kind it holds, or delete it.'

/**
 * Parses and validates a stored baseline; problems name the source (file, cache key, artifact) and field. A rejected
 * record is also noted in `trouble` as the cause of a missing baseline. With `place`, a record that does not belong
 * there (see misplacement) is rejected too, and a rejected pinned record gets the advice to promote it again.
 */
export function validateBaselineText(
  text: string,
  source: string,
  problems: string[],
  trouble?: LookupTrouble,
  place?: RecordPlace
): BaselineRecord | undefined {
  const reject = (reason: string, advice = place?.name !== undefined ? rejectedPinnedAdvice(place.name, source) : REJECTED_ADVICE): undefined => {
    problems.push(`${reason}; ignoring it`)
    noteTrouble(trouble, 'rejected', reason, advice)
    return undefined
  }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    return reject(`baseline ${source} is corrupt or truncated (${(error as Error).message})`)
  }
  const version = (data as { schemaVersion?: unknown })?.schemaVersion
  if (typeof version === 'number' && version > BASELINE_SCHEMA_VERSION) {
    return reject(
      `baseline ${source} was written by a newer perf-gate (schemaVersion ${version})`,
      'Update perf-gate in this workflow to the version that saved it (or newer); older versions cannot read it.'
    )
  }
  const invalid = schemaProblems('baseline', data)
  if (invalid.length > 0)
    return reject(
      `baseline ${source} is invalid (${invalid
        .slice(0, 3)
        .map((p) => p.message)
        .join('; ')})`
    )
  const record = data as BaselineRecord
  const impossible = firstValueProblem(record.results)
  if (impossible) return reject(`baseline ${source} holds a value that is not a measurement (${impossible})`)
  const misplaced = place ? misplacement(record, place) : undefined
  if (misplaced) return reject(`baseline ${source} ${misplaced}`, MISPLACED_ADVICE)
  return record
}

/** One line of `baseline list`: what every store says about a record it holds. */
export function summarizeBaseline(record: BaselineRecord): BaselineSummary {
  return {
    id: record.id,
    savedAt: record.savedAt,
    scenarios: record.results.scenarios.length,
    ...(record.name ? { name: record.name } : {}),
    ...(record.source.sha ? { sha: record.source.sha } : {}),
    ...(record.source.dirty ? { dirty: true } : {}),
    ...(record.source.ref ? { ref: record.source.ref } : {})
  }
}

/** The records newest first (by savedAt, then by id: ids sort by time too), each id once. */
export function distinctNewestFirst(records: BaselineRecord[]): BaselineRecord[] {
  const seen = new Set<string>()
  return [...records]
    .sort((a, b) => b.savedAt.localeCompare(a.savedAt) || b.id.localeCompare(a.id))
    .filter((record) => !seen.has(record.id) && seen.add(record.id))
}

/**
 * Chooses the baseline and history from valid records of any order (duplicates by id are merged).
 * `problems` carries what the store already found (skipped records, service errors); `trouble` the causes it noted;
 * `storeDescription` names the store in the "nothing saved yet" line. A record that does not match the query (another
 * gate, another kind) is rejected by name, never dropped unsaid: "nothing saved" would send the reader the wrong way.
 *
 * With `preferSha` (a pull request's base), the history is the runs at that commit (re-runs included) and the runs
 * saved before them: the PR is judged against what the default branch measured at its base, not against commits
 * merged since, whose own speed-ups or slowdowns would otherwise be credited to or blamed on the PR.
 */
export function chooseBaseline(
  records: BaselineRecord[],
  query: BaselineQuery,
  storeDescription: string,
  problems: string[] = [],
  trouble: LookupTrouble = {}
): BaselineLookup {
  const place: RecordPlace = { gate: query.gate, ...(query.name ? { name: query.name } : {}) }
  const candidates = distinctNewestFirst(
    records.filter((record) => {
      const misplaced = misplacement(record, place)
      if (!misplaced) return true
      const reason = `baseline ${record.id} in the ${storeDescription} ${misplaced}`
      problems.push(`${reason}; ignoring it`)
      noteTrouble(trouble, 'rejected', reason, MISPLACED_ADVICE)
      return false
    })
  )
  if (candidates.length === 0) {
    if (!trouble.unreadable && !trouble.rejected && !trouble['not-saved']) {
      if (problems.length > 0) {
        // A store that said what went wrong without naming the kind: it could not be used, whatever the cause.
        noteTrouble(trouble, 'unreadable', problems[0]!)
      } else {
        const reason = query.name
          ? `pinned baseline "${query.name}" does not exist in ${storeDescription}`
          : `nothing has been saved for gate "${query.gate}" in ${storeDescription} yet`
        problems.push(reason)
        noteTrouble(trouble, 'not-saved', reason, query.name ? promoteAdvice(query.name) : SAVE_ADVICE)
      }
    }
    return { history: [], problems, absence: absenceOf(trouble)! }
  }
  if (query.name) return { baseline: candidates[0]!, history: [candidates[0]!], problems }
  const limit = Math.max(1, query.historyLimit)
  const history = query.preferSha ? runsUpToCommit(candidates, query.preferSha).slice(0, limit) : candidates.slice(0, limit)
  if (query.preferSha && history.length === 0) {
    const dirtyOnly = candidates.some((record) => record.source.sha === query.preferSha)
      ? ' (the one saved there was measured with uncommitted changes, so it is not what that commit measures)'
      : ''
    problems.push(`no baseline saved at the base commit ${query.preferSha.slice(0, 7)}${dirtyOnly}; using the newest one`)
    history.push(...candidates.slice(0, limit))
  }
  return { baseline: history[0]!, history, problems }
}

/**
 * The runs of `sha` (newest first, re-runs included) followed by the runs saved before the first of them; none when
 * no run was saved at `sha`. `newestFirst` holds distinct records, newest first.
 */
export function runsUpToCommit(newestFirst: BaselineRecord[], sha: string): BaselineRecord[] {
  // A record measured with uncommitted changes holds numbers of code that was never committed: not the commit's.
  const atCommit = newestFirst.filter((record) => record.source.sha === sha && !record.source.dirty)
  if (atCommit.length === 0) return []
  // A run of another commit saved between two runs of this one (a re-run of an older push) is after the commit.
  return [...atCommit, ...newestFirst.slice(newestFirst.indexOf(atCommit[atCommit.length - 1]!) + 1)]
}

/** What to do when no rolling baseline was ever saved. */
export const SAVE_ADVICE = 'A push to the default branch saves the first one (locally: `perf-gate run --save-baseline`).'

/** What to do when a pinned baseline does not exist. */
export function promoteAdvice(name: string): string {
  return `Pin it first: \`promote: true\` with \`promote-as: ${name}\` on a workflow_dispatch run (locally: \`perf-gate baseline promote --as ${name}\`, which runs the gate, or \`perf-gate baseline promote <results file or stored run> --as ${name}\`).`
}

/** The absence to report: a read failure first (a baseline may exist), then a rejected record, then none saved. */
function absenceOf(trouble: LookupTrouble): BaselineAbsence | undefined {
  for (const kind of ['unreadable', 'rejected', 'not-saved'] as const) {
    const cause = trouble[kind]
    if (cause) return { kind, ...cause }
  }
  return undefined
}
