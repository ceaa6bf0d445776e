/**
 * What every baseline store does the same way: validate what it read (a corrupt, truncated or newer-version
 * record is a problem line and counts as missing), then choose: the record saved at the preferred commit (a PR's
 * base) if there is one, else the newest; history newest first, trimmed to the limit.
 */
import { schemaProblems } from '../schemas.js'
import { BASELINE_SCHEMA_VERSION, type BaselineLookup, type BaselineQuery, type BaselineRecord } from './store.js'

/** Parses and validates a stored baseline; problems name the source (file, cache key, artifact) and field. */
export function validateBaselineText(text: string, source: string, problems: string[]): BaselineRecord | undefined {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    problems.push(`baseline ${source} is corrupt or truncated (${(error as Error).message}); ignoring it`)
    return undefined
  }
  const version = (data as { schemaVersion?: unknown })?.schemaVersion
  if (typeof version === 'number' && version > BASELINE_SCHEMA_VERSION) {
    problems.push(`baseline ${source} was written by a newer perf-gate (schemaVersion ${version}); ignoring it`)
    return undefined
  }
  const invalid = schemaProblems('baseline', data)
  if (invalid.length > 0) {
    problems.push(`baseline ${source} is invalid (${invalid.slice(0, 3).map((p) => p.message).join('; ')}); ignoring it`)
    return undefined
  }
  return data as BaselineRecord
}

/** Newest first: by savedAt, then by id (ids sort by time too). */
export function newestFirst(a: BaselineRecord, b: BaselineRecord): number {
  return b.savedAt.localeCompare(a.savedAt) || b.id.localeCompare(a.id)
}

/**
 * Chooses the baseline and history from valid records of any order (duplicates by id are merged).
 * `problems` carries what the store already found (skipped records, service errors); `storeDescription` names the
 * store in the "nothing saved yet" line.
 */
export function chooseBaseline(records: BaselineRecord[], query: BaselineQuery, storeDescription: string, problems: string[] = []): BaselineLookup {
  const seen = new Set<string>()
  const candidates = records
    .filter((record) => record.gate === query.gate && (query.name ? record.name === query.name : !record.name))
    .sort(newestFirst)
    .filter((record) => !seen.has(record.id) && seen.add(record.id))
  if (candidates.length === 0) {
    if (problems.length === 0) {
      problems.push(
        query.name
          ? `pinned baseline "${query.name}" does not exist in ${storeDescription}`
          : `no baseline saved yet for gate "${query.gate}" in ${storeDescription}`
      )
    }
    return { history: [], problems }
  }
  if (query.name) return { baseline: candidates[0]!, history: [candidates[0]!], problems }
  const history = candidates.slice(0, Math.max(1, query.historyLimit))
  const atBase = query.preferSha ? candidates.find((record) => record.source.sha === query.preferSha) : undefined
  if (query.preferSha && !atBase) {
    problems.push(`no baseline saved at the base commit ${query.preferSha.slice(0, 7)}; using the newest one`)
  }
  if (atBase && !history.includes(atBase)) history.push(atBase)
  return { baseline: atBase ?? history[0]!, history, problems }
}
