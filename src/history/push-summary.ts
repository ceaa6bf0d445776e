/**
 * Change points on the default branch: after a push saved its run, detection over the stored history of every gated
 * metric. Steps the bad way that started among the recent runs become warning annotations; the summary gets the
 * history table (last runs, size-guarded) with every change point.
 */
import type { BaselineRecord } from '../baselines/store.js'
import type { ThresholdRule } from '../config/settings.js'
import { escapeMarkdown } from '../report/escape.js'
import { formatPercentChange } from '../results/units.js'
import { buildHistoryTable, type HistoryChangePoint } from './history-table.js'
import { formatP, historyMarkdown } from './render-history.js'

/** A step that started longer ago than this many runs was announced on the pushes before; no new annotation. */
export const RECENT_RUNS = 10

export interface PushHistory {
  /** Markdown section for the job summary; empty when no metric is gated. */
  markdown: string
  /** Steps the bad way that started among the last RECENT_RUNS runs. */
  recentSteps: { step: HistoryChangePoint; message: string }[]
}

const identity = (text: string): string => text

/** One sentence; `escape` makes names safe for where it goes (Markdown in the summary, nothing in an annotation). */
export function describeChangePoint(step: HistoryChangePoint, escape: (text: string) => string = identity): string {
  const at = step.commit ? step.commit.slice(0, 7) : escape(step.id)
  const p = formatP(step.pValue).replace('<', escape === identity ? '<' : '&lt;')
  return `${escape(step.scenario)} · ${escape(step.metric)}: a ${formatPercentChange(1 + step.size)} step in the stored history starts at commit ${at} (E-Divisive means, ${p}).`
}

export function pushHistory(records: readonly BaselineRecord[], rules: ThresholdRule[], options: { lastRuns: number; maxChars: number }): PushHistory {
  const table = buildHistoryTable(records, { rules })
  if (table.columns.length === 0) return { markdown: '', recentSteps: [] }
  const recentSteps = table.changePoints
    .filter((step) => step.worse && step.run >= table.runs.length - RECENT_RUNS)
    .map((step) => ({ step, message: describeChangePoint(step) }))
  const heading =
    recentSteps.length > 0 ? `### 📉 History: ${recentSteps.length} step(s) the bad way on the default branch` : '### History on the default branch'
  const intro = recentSteps.map((entry) => `> [!WARNING]\n> ${describeChangePoint(entry.step, escapeMarkdown)}`).join('\n\n')
  const table_ = historyMarkdown(table, { lastRuns: options.lastRuns, maxChars: Math.max(1000, options.maxChars - heading.length - intro.length - 10) })
  return { markdown: `${heading}\n\n${intro ? `${intro}\n\n` : ''}${table_}`, recentSteps }
}
