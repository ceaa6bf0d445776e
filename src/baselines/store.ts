/**
 * Baselines: results plus where and when they were made, kept in a store with a short history.
 * Adapters: file (CLI and local), Actions cache, workflow artifacts.
 */
import type { EnvironmentFingerprint, Results } from '../results/model.js'

export const BASELINE_SCHEMA_VERSION = 1

/** Where a baseline came from. */
export interface BaselineSource {
  sha?: string
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

/** The outcome of a lookup; `problems` explains a missing or skipped baseline in words for the report. */
export interface BaselineLookup {
  baseline?: BaselineRecord
  /** Past baselines, newest first, including the chosen one. */
  history: BaselineRecord[]
  problems: string[]
}

export interface SavedBaseline {
  id: string
  /** Where it went, for the log and report (a path, a cache key, an artifact name). */
  location: string
}

export interface BaselineSummary {
  id: string
  savedAt: string
  name?: string
  sha?: string
  ref?: string
  scenarios: number
}

export interface BaselineStore {
  /** One line for the report: "file store at .perf-gate/", "Actions cache", ... */
  readonly description: string
  load(query: BaselineQuery): Promise<BaselineLookup>
  save(record: BaselineRecord): Promise<SavedBaseline>
  list(gate: string): Promise<BaselineSummary[]>
}
