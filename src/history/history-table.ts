/**
 * The history table: one row per stored run (oldest first), one column per gated metric of the chosen scenarios, the
 * change to the previous row, the marks of the verdict recorded with each run and the change points of each column.
 * Pure: records in, model out (the CLI and the Action render it).
 */
import { runLevel } from '../stats/trial-trend.js'
import type { BaselineRecord } from '../baselines/store.js'
import { globMatches, resolveThreshold } from '../config/thresholds.js'
import type { ThresholdRule } from '../config/settings.js'
import type { Direction } from '../results/model.js'
import { STEP_MAX_P, STEP_MIN_RUNS, detectChangePoints } from '../stats/change-points.js'
import { metricSeries } from '../verdict/evaluate.js'

/** Smallest step reported when a metric has only absolute budgets (no relative threshold to take it from). */
const DEFAULT_MIN_MAGNITUDE = 0.1

export interface HistoryColumn {
  scenario: string
  metric: string
  unit: string
  direction: Direction
  /** The smallest relative step that counts: the rule's smallest relative threshold. */
  minMagnitude: number
}

export type RunMark = 'fail' | 'warn' | 'improved'

export interface HistoryRun {
  id: string
  commit?: string
  time: string
  runner?: string
  /**
   * Per column (same order as `columns`): the run's level (`runLevel`: the median of its trials, a cold first one set aside, as the stored-history comparison
   * and the report's trend chart take it: one cold trial does not move it), or null when absent.
   */
  values: (number | null)[]
  /** Per column: the mark of the verdict recorded with this run, if any. */
  marks: (RunMark | undefined)[]
}

export interface HistoryChangePoint {
  scenario: string
  metric: string
  /** Column index and run index (into `runs`) where the new level starts. */
  column: number
  run: number
  id: string
  commit?: string
  /** meanAfter / meanBefore − 1. */
  size: number
  pValue: number
  /** Whether the step goes the metric's bad way. */
  worse: boolean
}

export interface HistoryTable {
  columns: HistoryColumn[]
  runs: HistoryRun[]
  changePoints: HistoryChangePoint[]
}

export interface HistoryOptions {
  rules: ThresholdRule[]
  /** Scenario name globs; all scenarios when empty. */
  scenarios?: string[]
}

/** The smallest relative worse-by fraction among the metric's warn and fail levels; undefined when it has none. */
function smallestRelative(rules: ThresholdRule[], scenario: { name: string; suite?: string }, metric: string): { gated: boolean; fraction?: number } {
  const threshold = resolveThreshold(rules, scenario, metric)
  if (!threshold || threshold.warn.length + threshold.fail.length === 0) return { gated: false }
  const fractions = [...threshold.warn, ...threshold.fail].flatMap((level) =>
    level.kind === 'relative' && Number.isFinite(level.worseFraction) ? [level.worseFraction] : []
  )
  return fractions.length > 0 ? { gated: true, fraction: Math.min(...fractions) } : { gated: true }
}

/** Builds the table from stored records in any order (they are sorted by save time). */
export function buildHistoryTable(records: readonly BaselineRecord[], options: HistoryOptions): HistoryTable {
  const ordered = [...records].filter((record) => record.name === undefined).sort((a, b) => a.savedAt.localeCompare(b.savedAt) || a.id.localeCompare(b.id))
  const columns: HistoryColumn[] = []
  const seen = new Set<string>()
  // Columns in the order the newest run shows them, then any the older runs had.
  for (const record of [...ordered].reverse()) {
    for (const scenario of record.results.scenarios) {
      if (options.scenarios?.length && !options.scenarios.some((pattern) => globMatches(pattern, scenario.name))) continue
      const suite = scenario.labels?.suite
      for (const trial of scenario.trials) {
        for (const [metric, value] of Object.entries(trial.metrics)) {
          const key = JSON.stringify([scenario.name, metric])
          if (seen.has(key)) continue
          seen.add(key)
          const rule = smallestRelative(options.rules, suite === undefined ? { name: scenario.name } : { name: scenario.name, suite }, metric)
          if (!rule.gated) continue
          columns.push({ scenario: scenario.name, metric, unit: value.unit, direction: value.direction, minMagnitude: rule.fraction ?? DEFAULT_MIN_MAGNITUDE })
        }
      }
    }
  }
  const runs: HistoryRun[] = ordered.map((record) => {
    const marks = new Map((record.verdict?.metrics ?? []).map((entry) => [JSON.stringify([entry.scenario, entry.metric]), entry.status]))
    const runner = record.environment?.runner ?? record.results.environment?.runner
    return {
      id: record.id,
      ...(record.source.sha ? { commit: record.source.sha } : {}),
      time: record.savedAt,
      ...(runner ? { runner } : {}),
      values: columns.map((column) => {
        const scenario = record.results.scenarios.find((candidate) => candidate.name === column.scenario)
        const series = scenario && metricSeries(scenario, column.metric, column.unit)
        return series ? runLevel(series.values, series.direction) : null
      }),
      marks: columns.map((column) => marks.get(JSON.stringify([column.scenario, column.metric])))
    }
  })
  const changePoints: HistoryChangePoint[] = []
  columns.forEach((column, columnIndex) => {
    const present = runs.flatMap((run, runIndex) => (run.values[columnIndex] === null ? [] : [{ runIndex, value: run.values[columnIndex]! }]))
    const points = detectChangePoints(
      present.map((entry) => entry.value),
      { minMagnitude: column.minMagnitude, maxPValue: STEP_MAX_P, minSegment: STEP_MIN_RUNS }
    )
    for (const point of points) {
      const runIndex = present[point.index]!.runIndex
      const run = runs[runIndex]!
      changePoints.push({
        scenario: column.scenario,
        metric: column.metric,
        column: columnIndex,
        run: runIndex,
        id: run.id,
        ...(run.commit ? { commit: run.commit } : {}),
        size: point.change,
        pValue: point.pValue,
        worse: column.direction === 'lower' ? point.change > 0 : point.change < 0
      })
    }
  })
  return { columns, runs, changePoints }
}
