/**
 * Older stored runs keep their trials' numbers but not their distributions. Verdicts, `perf-gate history` and change
 * points read only each trial's metric values; the latency histograms (and raw samples) are what the HTML report
 * draws for a baseline, and only a recent run is a PR's baseline. A load trial's HdrHistogram is a few kilobytes per
 * endpoint: kept for 50 runs × 5 trials it would make the history (and the one cache entry that carries it) tens
 * of times larger than the numbers it is read for.
 */
import type { BaselineRecord } from './store.js'

/** The newest stored runs that keep their distributions: a PR's base commit is almost always among them. */
export const FULL_RECORDS = 3

/** Whether any trial of `record` still carries a distribution. */
export function hasDistributions(record: BaselineRecord): boolean {
  return record.results.scenarios.some((scenario) => scenario.trials.some((trial) => trial.distributions !== undefined))
}

/** `record` without its trials' distributions (the same object when it has none). */
export function compactRecord(record: BaselineRecord): BaselineRecord {
  if (!hasDistributions(record)) return record
  return {
    ...record,
    results: {
      ...record.results,
      scenarios: record.results.scenarios.map((scenario) => ({
        ...scenario,
        trials: scenario.trials.map(({ distributions: _dropped, ...trial }) => trial)
      }))
    }
  }
}

/** A history, newest first, with every run after the newest FULL_RECORDS compacted. */
export function compactHistory(records: BaselineRecord[]): BaselineRecord[] {
  return records.map((record, index) => (index < FULL_RECORDS ? record : compactRecord(record)))
}
