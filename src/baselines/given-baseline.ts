/**
 * A baseline handed over directly instead of read from a store: `perf-gate compare --baseline <file>` and the
 * package API's compareResults. The record says where it came from; the store holds it alone and never saves.
 */
import type { Results } from '../results/model.js'
import { BASELINE_SCHEMA_VERSION, type BaselineRecord, type BaselineStore } from './store.js'

/** A baseline record for results that were never saved by a store (a results file, an API caller's object). */
export function unsavedBaselineRecord(results: Results, origin: { gate: string; id: string; savedAt: string; event: string }): BaselineRecord {
  const record: BaselineRecord = {
    schemaVersion: BASELINE_SCHEMA_VERSION,
    gate: origin.gate,
    id: origin.id,
    savedAt: origin.savedAt,
    source: { event: origin.event, ...(results.git?.sha ? { sha: results.git.sha } : {}) },
    scenarioSet: '',
    results
  }
  if (results.environment) record.environment = results.environment
  return record
}

/** A store holding exactly `record`; saving through it is a programming error. */
export function givenBaselineStore(record: BaselineRecord, description: string, given: 'results' | 'saved record' = 'results'): BaselineStore {
  return {
    description,
    given,
    load: async () => ({ baseline: record, history: [record], problems: [] }),
    save: async () => {
      throw new Error(`${description}: a given baseline is never saved`)
    },
    list: async () => []
  }
}
