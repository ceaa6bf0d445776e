/**
 * Baselines: results plus where and when they were made, kept in a store with a short history.
 * Adapters: file (CLI and local), Actions cache, workflow artifacts.
 */
import type { EnvironmentFingerprint, Results } from '../results/model.js'

export const BASELINE_SCHEMA_VERSION = 1

/** Where a baseline came from. */
export interface BaselineSource {
  sha?: string
  /**
   * Set (only ever to true) when the run was measured in a working tree with uncommitted changes to tracked files:
   * the numbers are not what `sha` measures, so the record is never taken as the baseline at that commit.
   */
  dirty?: boolean
  ref?: string
  /** e.g. push, workflow_dispatch, local. */
  event?: string
  runId?: string
  runUrl?: string
}

/** One saved baseline, as stored (schemas/baseline.schema.json). */
export interface BaselineRecord {
  schemaVersion: number
  gate: string
  /** Unique per save; sorts by time. */
  id: string
  savedAt: string
  /** Set for pinned baselines (e.g. "release-1.4"). */
  name?: string
  source: BaselineSource
  environment?: EnvironmentFingerprint
  /** Hash of the scenario and metric names, to tell a changed suite from a changed number. */
  scenarioSet: string
  results: Results
  /** The verdict of the run that saved this record: the gate's status and its notable metrics (for `perf-gate history`). */
  verdict?: RecordedVerdict
}

/** A compact verdict kept with a stored run: only the metrics that failed, warned or improved. */
export interface RecordedVerdict {
  status: 'fail' | 'warn' | 'inconclusive' | 'no-baseline' | 'pass'
  metrics: { scenario: string; metric: string; status: 'fail' | 'warn' | 'improved' }[]
}

/** What to look for. */
export interface BaselineQuery {
  gate: string
  /** A pinned baseline's name; when set, only that one is wanted. */
  name?: string
  /** Prefer the baseline saved at this commit (a PR's base), else the newest. */
  preferSha?: string
  /** How many past baselines to return as history (newest first). */
  historyLimit: number
}

/**
 * Why a lookup ended without a baseline. A reviewer must be able to tell these apart: "nothing saved yet" is routine
 * on a new gate, while "could not be read" means a baseline may well exist and the comparison was lost.
 * - not-saved: the store answered and holds none for this gate (none saved yet, evicted, expired, no such pinned name);
 * - unreadable: the store could not be read (service down, 403, rate limit, not available to this step);
 * - rejected: stored baselines were found and refused (corrupt, truncated, invalid, written by a newer perf-gate).
 */
export type BaselineAbsenceKind = 'not-saved' | 'unreadable' | 'rejected'

export interface BaselineAbsence {
  kind: BaselineAbsenceKind
  /** The cause in words (the service's answer, what is wrong with the record); a substring of one of `problems`. */
  reason: string
  /** What to do about it (perf-gate's own sentence; may hold Markdown code spans). */
  advice?: string
}

/** The outcome of a lookup; `problems` explains a missing or skipped baseline in words for the report. */
export interface BaselineLookup {
  baseline?: BaselineRecord
  /** Past baselines, newest first, including the chosen one. */
  history: BaselineRecord[]
  problems: string[]
  /** Set when there is no baseline: why. */
  absence?: BaselineAbsence
}

/** The first cause of each kind a store ran into while looking (see chooseBaseline). */
export type LookupTrouble = Partial<Record<BaselineAbsenceKind, Omit<BaselineAbsence, 'kind'>>>

/** Records a cause unless one of that kind is already recorded (the first one is the one to show). */
export function noteTrouble(trouble: LookupTrouble | undefined, kind: BaselineAbsenceKind, reason: string, advice?: string): void {
  if (trouble && !trouble[kind]) trouble[kind] = advice ? { reason, advice } : { reason }
}

export interface SavedBaseline {
  id: string
  /** Where it went, for the log and report (a path, a cache key, an artifact name). */
  location: string
  /** A pinned baseline of the same name that this one replaced, and where it was kept. */
  replaced?: { id: string; savedAt: string; keptAt: string }
  /** Older stored runs this save deleted to keep the store at its `history` depth (a store that prunes). */
  pruned?: { count: number; keep: number }
}

export interface BaselineSummary {
  id: string
  savedAt: string
  name?: string
  sha?: string
  ref?: string
  /** Measured in a working tree with uncommitted changes (see BaselineSource.dirty). */
  dirty?: boolean
  scenarios: number
}

export interface BaselineStore {
  /** One line for the report: "file store at .perf-gate/", "Actions cache", ... */
  readonly description: string
  /**
   * Set when the store holds one baseline handed over directly (`compare`'s baseline file, the API's results), not
   * runs saved over time: reports then name the file and claim no stored history. 'results' is a plain results
   * file or object, whose save time is unknown; 'saved record' is a baseline record saved by perf-gate.
   */
  readonly given?: 'results' | 'saved record'
  /** Answers with problems (and an absence) instead of throwing when the storage fails. */
  load(query: BaselineQuery): Promise<BaselineLookup>
  save(record: BaselineRecord): Promise<SavedBaseline>
  list(gate: string): Promise<BaselineSummary[]>
  /**
   * Throws an InputError naming the pinned baselines there are when `name` is not pinned for `gate`. Only a store
   * whose entries are never evicted has it (files); where entries expire (the Actions cache, artifacts) a missing
   * name may have been pinned once, so the run goes on and reports `no-baseline`.
   */
  requirePinned?(gate: string, name: string): Promise<void>
}
