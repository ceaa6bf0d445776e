/**
 * The CLI's report: a headline and an aligned table, coloured when the output is a terminal.
 */
import type { MetricStatus } from '../verdict/types.js'
import { escapeTerminal } from './escape.js'
import {
  formatAge,
  formatChange,
  formatInterval,
  formatThreshold,
  formatValue,
  guidanceFor,
  headlineParts,
  describeFolded,
  orderRows,
  problemsBesideAbsence
} from './format-cells.js'
import type { GateReport } from './report-model.js'
import { displayWidth, padEndToWidth } from './terminal-style.js'

export interface TerminalOptions {
  color: boolean
  /** Show unchanged rows too (default: only a count). */
  all?: boolean
}

const COLORS: Partial<Record<MetricStatus, string>> = {
  fail: '\u001b[31m',
  warn: '\u001b[33m',
  inconclusive: '\u001b[35m',
  improved: '\u001b[32m',
  pass: '\u001b[32m'
}
const RESET = '\u001b[0m'
const BOLD = '\u001b[1m'
const DIM = '\u001b[2m'

export function renderTerminalReport(report: GateReport, options: TerminalOptions): string {
  const paint = (code: string | undefined, text: string): string => (options.color && code ? `${code}${text}${RESET}` : text)
  const lines: string[] = []
  lines.push(paint(BOLD, `perf-gate · ${escapeTerminal(report.gate)}: ${report.verdict.toUpperCase()}`))
  lines.push(headlineParts(report.counts).map((p) => p.text).join(' · ') || 'no metrics')
  if (report.baseline) {
    const b = report.baseline
    const what = b.name ? `pinned "${escapeTerminal(b.name)}"` : b.sha ? b.sha.slice(0, 7) : escapeTerminal(b.id)
    lines.push(paint(DIM, `baseline ${what}, saved ${formatAge(b.ageSeconds)} ago (${escapeTerminal(b.store)})`))
  } else {
    lines.push(paint(COLORS.warn, describeAbsence(report)))
  }
  for (const problem of problemsBesideAbsence(report)) lines.push(paint(COLORS.warn, `! ${escapeTerminal(problem, 1000)}`))
  for (const note of report.notes) lines.push(paint(DIM, `note: ${escapeTerminal(note, 1000)}`))
  lines.push('')

  const { notable, unchanged } = orderRows(report.metrics)
  const rows = options.all ? [...notable, ...unchanged] : notable
  if (rows.length > 0) {
    const header = ['', 'scenario', 'metric', 'baseline', 'current', 'change', 'interval', 'threshold', 'verdict']
    const cells = rows.map((row) => [
      mark(row.status),
      escapeTerminal(row.scenario, 60),
      escapeTerminal(row.metric, 30),
      formatValue(row, 'baseline'),
      formatValue(row, 'current'),
      formatChange(row),
      formatInterval(row),
      formatThreshold(row),
      row.status
    ])
    // A fold, not Math.max(...spread): a spread of 100,000 rows overflows the call stack.
    const widths = header.map((title, column) => cells.reduce((width, line) => Math.max(width, displayWidth(line[column]!)), displayWidth(title)))
    const format = (line: string[]): string => line.map((cell, column) => padEndToWidth(cell, widths[column]!)).join('  ').trimEnd()
    lines.push(paint(BOLD, format(header)))
    rows.forEach((row, index) => lines.push(paint(COLORS[row.status], format(cells[index]!))))
    lines.push('')
    for (const row of notable.filter((r) => r.status !== 'no-baseline')) {
      lines.push(`${mark(row.status)} ${escapeTerminal(row.scenario, 60)} · ${escapeTerminal(row.metric, 30)}: ${escapeTerminal(row.reason, 1000)}`)
    }
  }
  if (!options.all && unchanged.length > 0) lines.push(paint(DIM, `Not shown: ${describeFolded(unchanged)} (--all shows them)`))
  lines.push(guidanceFor(report).replace(/`/g, ''))
  return `${lines.join('\n')}\n`
}

function describeAbsence(report: GateReport): string {
  const absence = report.baselineAbsence
  if (!absence) return 'no baseline: relative thresholds were not checked'
  const reason = escapeTerminal(absence.reason, 1000)
  const advice = absence.advice ? ` ${escapeTerminal(absence.advice, 1000).replace(/`/g, '')}` : ''
  switch (absence.kind) {
    case 'not-saved':
      return `no baseline yet: ${reason}; relative thresholds were not checked.${advice}`
    case 'unreadable':
      return `no baseline: the ${escapeTerminal(absence.store)} could not be read (${reason}); nothing was compared.${advice}`
    case 'rejected':
      return `no baseline: the stored baseline was rejected (${reason}); nothing was compared.${advice}`
  }
}

function mark(status: MetricStatus): string {
  switch (status) {
    case 'fail':
      return '✗'
    case 'warn':
      return '!'
    case 'inconclusive':
      return '?'
    case 'improved':
      return '↑'
    case 'pass':
      return '✓'
    default:
      return '·'
  }
}

