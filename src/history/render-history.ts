/**
 * Renderers of the history table: JSON (for scripts), Markdown (job summary, `--markdown`) and plain text (terminal).
 * Every name from results is escaped; the Markdown is size-guarded by dropping the oldest rows.
 */
import { escapeMarkdown, escapeTerminal } from '../report/escape.js'
import { formatPercentChange, formatQuantity } from '../results/units.js'
import type { HistoryChangePoint, HistoryTable, RunMark } from './history-table.js'

const MARK_ICON: Record<RunMark, string> = { fail: '❌', warn: '⚠️', improved: '🚀' }
const STEP_WORSE = '📉'
const STEP_BETTER = '📈'

export interface HistoryJson {
  /** How many runs are stored in all; `runs` holds the last of them when --last asks for fewer. */
  storedRuns: number
  columns: { scenario: string; metric: string; unit: string; direction: string; minMagnitude: number }[]
  runs: { id: string; commit: string | null; time: string; runner: string | null; values: Record<string, Record<string, number | null>> }[]
  changePoints: { scenario: string; metric: string; id: string; commit: string | null; size: number; pValue: number; worse: boolean }[]
}

/**
 * The table as JSON, oldest run first; with `lastRuns`, only the last that many runs (as the table shows them), while
 * the change points are still every one found on all stored runs (one may start at a run left out).
 */
export function historyJson(table: HistoryTable, lastRuns?: number): HistoryJson {
  return {
    storedRuns: table.runs.length,
    columns: table.columns.map(({ scenario, metric, unit, direction, minMagnitude }) => ({ scenario, metric, unit, direction, minMagnitude })),
    runs: table.runs.slice(lastRuns === undefined ? 0 : Math.max(0, table.runs.length - lastRuns)).map((run) => {
      const values: Record<string, Record<string, number | null>> = {}
      table.columns.forEach((column, index) => {
        values[column.scenario] ??= {}
        values[column.scenario]![column.metric] = run.values[index] ?? null
      })
      return { id: run.id, commit: run.commit ?? null, time: run.time, runner: run.runner ?? null, values }
    }),
    changePoints: table.changePoints.map(({ scenario, metric, id, commit, size, pValue, worse }) => ({
      scenario,
      metric,
      id,
      commit: commit ?? null,
      size,
      pValue,
      worse
    }))
  }
}

/** One cell: the value, its change to the previous run's value, the recorded verdict's mark and a change point's mark. */
function cellText(table: HistoryTable, runIndex: number, column: number): string {
  const value = table.runs[runIndex]!.values[column]
  if (value === null || value === undefined) return '—'
  let previous: number | null | undefined
  for (let i = runIndex - 1; i >= 0 && (previous === null || previous === undefined); i--) previous = table.runs[i]!.values[column]
  const change = previous !== null && previous !== undefined && previous !== 0 ? ` ${formatPercentChange(value / previous)}` : ''
  const mark = table.runs[runIndex]!.marks[column]
  const step = table.changePoints.find((point) => point.column === column && point.run === runIndex)
  const marks = [mark ? MARK_ICON[mark] : '', step ? (step.worse ? STEP_WORSE : STEP_BETTER) : ''].filter(Boolean).join(' ')
  return `${formatQuantity(value, table.columns[column]!.unit)}${change}${marks ? ` ${marks}` : ''}`
}

function describeStep(point: HistoryChangePoint, table: HistoryTable, escape: (text: string) => string, code: (text: string) => string): string {
  const commit = point.commit ? code(point.commit.slice(0, 7)) : code(point.id)
  const size = formatPercentChange(1 + point.size)
  return `${point.worse ? STEP_WORSE : STEP_BETTER} ${escape(point.scenario)} · ${escape(point.metric)}: ${size} step starting at ${commit} (${formatP(point.pValue)}, ${table.runs.length - point.run} run(s) on the new level)`
}

/** "p = 0.00042", or "p < 0.000001" for the tiny ones. */
export function formatP(pValue: number): string {
  return pValue < 1e-6 ? 'p < 0.000001' : `p = ${pValue.toPrecision(2)}`
}

const LEGEND = `Marks: ❌ failed, ⚠️ warned, 🚀 improved (the verdict of that run); ${STEP_WORSE} / ${STEP_BETTER} a change point (a step the bad / good way starts at that run).`

/** Markdown: newest run first, the last `lastRuns` runs, shrunk (oldest rows first) to fit `maxChars`. */
export function historyMarkdown(table: HistoryTable, options: { lastRuns?: number; maxChars?: number } = {}): string {
  if (table.columns.length === 0) return '_No gated metrics in the stored runs._\n'
  const header = ['Run', 'Commit', 'Date', 'Runner', ...table.columns.map((column) => `${escapeMarkdown(column.scenario)} · ${escapeMarkdown(column.metric)}`)]
  const lines = (count: number): string[] => {
    const rows: string[] = []
    for (let i = table.runs.length - 1; i >= Math.max(0, table.runs.length - count); i--) {
      const run = table.runs[i]!
      // Whole: an id cut in its middle cannot be copied into `perf-gate baseline` commands.
      const cells = [
        `\`${escapeMarkdown(run.id, 120).replace(/\\/g, '')}\``,
        run.commit ? `\`${run.commit.slice(0, 7).replace(/[^0-9a-zA-Z]/g, '')}\`` : '—',
        run.time.slice(0, 16).replace('T', ' '),
        run.runner ? escapeMarkdown(run.runner, 40) : '—',
        ...table.columns.map((_, column) => cellText(table, i, column))
      ]
      rows.push(`| ${cells.join(' | ')} |`)
    }
    return rows
  }
  const steps = table.changePoints.map((point) => `- ${describeStep(point, table, escapeMarkdown, (text) => `\`${text.replace(/`/g, '')}\``)}`)
  const build = (count: number): string => {
    const shown = Math.min(count, table.runs.length)
    const parts = [
      `| ${header.join(' | ')} |`,
      `|${header.map(() => '---').join('|')}|`,
      ...lines(count),
      '',
      `${shown} of ${table.runs.length} stored run(s), newest first. ${LEGEND}`
    ]
    if (steps.length > 0) parts.push('', '**Change points** (E-Divisive means, p ≤ 0.001, step ≥ the threshold):', ...steps)
    return `${parts.join('\n')}\n`
  }
  let count = options.lastRuns ?? table.runs.length
  let text = build(count)
  while (options.maxChars !== undefined && text.length > options.maxChars && count > 1) text = build(--count)
  return text
}

/** Plain text for a terminal: aligned columns, newest run first. */
export function historyText(table: HistoryTable, lastRuns?: number): string {
  if (table.columns.length === 0) return 'No gated metrics in the stored runs.\n'
  const header = ['run', 'commit', 'date', 'runner', ...table.columns.map((column) => escapeTerminal(`${column.scenario} · ${column.metric}`))]
  const rows: string[][] = []
  const count = lastRuns ?? table.runs.length
  for (let i = table.runs.length - 1; i >= Math.max(0, table.runs.length - count); i--) {
    const run = table.runs[i]!
    rows.push([
      escapeTerminal(run.id),
      run.commit?.slice(0, 7) ?? '-',
      run.time.slice(0, 16).replace('T', ' '),
      escapeTerminal(run.runner ?? '-'),
      ...table.columns.map((_, column) => cellText(table, i, column))
    ])
  }
  const widths = header.map((cell, column) => Math.max([...cell].length, ...rows.map((row) => [...row[column]!].length)))
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => cell + ' '.repeat(widths[column]! - [...cell].length))
      .join('  ')
      .trimEnd()
  const steps = table.changePoints.map((point) => describeStep(point, table, escapeTerminal, (text) => text))
  return (
    [
      line(header),
      ...rows.map(line),
      '',
      LEGEND,
      ...(steps.length > 0 ? ['', 'Change points (E-Divisive means, p ≤ 0.001, step ≥ the threshold):', ...steps] : [])
    ].join('\n') + '\n'
  )
}
