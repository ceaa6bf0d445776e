/**
 * What every baseline store does the same way: validate what it read (a corrupt, truncated or newer-version
 * record is a problem line and counts as missing), then choose: the record saved at the preferred commit (a PR's
 * base) if there is one, else the newest; history newest first, trimmed to the limit. Without a baseline, say why
 * (see BaselineAbsence): never saved, could not be read, or rejected.
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

/**
 * Parses and validates a stored baseline; problems name the source (file, cache key, artifact) and field. A rejected
 * record is also noted in `trouble` as the cause of a missing baseline.
 */
export function validateBaselineText(text: string, source: string, problems: string[], trouble?: LookupTrouble): BaselineRecord | undefined {
  const reject = (reason: string, advice = REJECTED_ADVICE): undefined => {
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

/** Newest first: by savedAt, then by id (ids sort by time too). */
function newestFirst(a: BaselineRecord, b: BaselineRecord): number {
  return b.savedAt.localeCompare(a.savedAt) || b.id.localeCompare(a.id)
}

/**
 * Chooses the baseline and history from valid records of any order (duplicates by id are merged).
 * `problems` carries what the store already found (skipped records, service errors); `trouble` the causes it noted;
 * `storeDescription` names the store in the "nothing saved yet" line.
 */
export function chooseBaseline(
  records: BaselineRecord[],
  query: BaselineQuery,
  storeDescription: string,
  problems: string[] = [],
  trouble: LookupTrouble = {}
): BaselineLookup {
  const seen = new Set<string>()
  const candidates = records
    .filter((record) => record.gate === query.gate && (query.name ? record.name === query.name : !record.name))
    .sort(newestFirst)
    .filter((record) => !seen.has(record.id) && seen.add(record.id))
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
  const history = candidates.slice(0, Math.max(1, query.historyLimit))
  // A record measured with uncommitted changes holds numbers of code that was never committed: not the base commit's.
  const atSha = query.preferSha ? candidates.filter((record) => record.source.sha === query.preferSha) : []
  const atBase = atSha.find((record) => !record.source.dirty)
  if (query.preferSha && !atBase) {
    const dirtyOnly = atSha.length > 0 ? ' (the one saved there was measured with uncommitted changes, so it is not what that commit measures)' : ''
    problems.push(`no baseline saved at the base commit ${query.preferSha.slice(0, 7)}${dirtyOnly}; using the newest one`)
  }
  if (atBase && !history.includes(atBase)) history.push(atBase)
  return { baseline: atBase ?? history[0]!, history, problems }
}

/** What to do when no rolling baseline was ever saved. */
export const SAVE_ADVICE = 'A push to the default branch saves the first one (locally: `perf-gate run --save-baseline`).'

/** What to do when a pinned baseline does not exist. */
export function promoteAdvice(name: string): string {
  return `Pin it first: \`promote: true\` with \`promote-as: ${name}\` on a workflow_dispatch run (locally: \`perf-gate baseline promote --as ${name}\`).`
}

/** The absence to report: a read failure first (a baseline may exist), then a rejected record, then none saved. */
function absenceOf(trouble: LookupTrouble): BaselineAbsence | undefined {
  for (const kind of ['unreadable', 'rejected', 'not-saved'] as const) {
    const cause = trouble[kind]
    if (cause) return { kind, ...cause }
  }
  return undefined
}
