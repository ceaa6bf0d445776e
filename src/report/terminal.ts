/**
 * The CLI's report: a headline and an aligned table, coloured when the output is a terminal.
 */
import type { MetricStatus } from '../verdict/types.js'
import { escapeTerminal } from './escape.js'
import {
  decidedByAB,
  savedDespiteFailure,
  headlineAlerts,
  describeContext,
  describeStatistic,
  formatLabel,
  formatAge,
  formatChange,
  formatInterval,
  formatThreshold,
  formatValue,
  guidanceFor,
  headlineParts,
  headlineStatus,
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
  /** Terminal width in columns: reasons are wrapped to it (default 100). */
  width?: number
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
  lines.push(paint(BOLD, `perf-gate · ${escapeTerminal(report.gate)}: ${headlineStatus(report).toUpperCase()}`))
  lines.push(
    headlineParts(report)
      .map((p) => p.text)
      .join(' · ') || 'no gated metrics'
  )
  for (const alert of headlineAlerts(report)) lines.push(paint(COLORS.fail, `! ${escapeTerminal(alert, 1000)}`))
  if (report.saved?.first) {
    lines.push(
      `baseline saved (${escapeTerminal(report.saved.id)}${report.saved.sha ? `, ${report.saved.sha.slice(0, 7)}` : ''}): the next ${report.saved.local ? 'run' : 'PR'} compares against it`
    )
  } else if (!report.baseline && report.targetsOnly) {
    lines.push(paint(DIM, 'no baseline needed: every threshold is an absolute target'))
  } else if (report.baseline) {
    const b = report.baseline
    const what = b.name ? `pinned "${escapeTerminal(b.name)}"` : b.sha ? b.sha.slice(0, 7) : escapeTerminal(b.id)
    // A baseline handed over as a file is that file: a results file's age would be its modification time, not a save.
    if (b.given) {
      const saved = b.given === 'saved record' ? `, saved ${formatAge(b.ageSeconds)} ago` : ''
      lines.push(paint(DIM, `baseline: ${escapeTerminal(b.store)}${b.sha ? ` (${b.sha.slice(0, 7)})` : ''}${saved}`))
    } else lines.push(paint(DIM, `baseline ${what}, saved ${formatAge(b.ageSeconds)} ago (${escapeTerminal(b.store)})`))
  } else {
    lines.push(paint(COLORS.warn, describeAbsence(report)))
  }
  if (report.saved && !report.saved.first) {
    const despite = savedDespiteFailure(report)
    const line = `saved as a baseline (${escapeTerminal(report.saved.id)}${report.saved.sha ? `, ${report.saved.sha.slice(0, 7)}` : ''})${despite}`
    lines.push(despite ? paint(COLORS.warn, `! ${line}`) : paint(DIM, line))
  }
  for (const problem of problemsBesideAbsence(report)) lines.push(paint(COLORS.warn, `! ${escapeTerminal(problem, 1000)}`))
  for (const note of report.notes) lines.push(paint(DIM, `note: ${escapeTerminal(note, 1000)}`))
  lines.push('')

  const { notable, unchanged } = orderRows(report.metrics, report.targetsOnly === true)
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
      formatLabel(row)
    ])
    // A fold, not Math.max(...spread): a spread of 100,000 rows overflows the call stack.
    const widths = header.map((title, column) => cells.reduce((width, line) => Math.max(width, displayWidth(line[column]!)), displayWidth(title)))
    const format = (line: string[]): string =>
      line
        .map((cell, column) => padEndToWidth(cell, widths[column]!))
        .join('  ')
        .trimEnd()
    lines.push(paint(BOLD, format(header)))
    rows.forEach((row, index) => lines.push(paint(COLORS[row.status], format(cells[index]!))))
    lines.push('')
    const width = Math.max(40, options.width ?? 100)
    const statistic = describeStatistic(rows)
    if (statistic) lines.push(...wrap(paint(DIM, statistic), width, ''), '')
    for (const row of notable.filter((r) => r.status !== 'no-baseline' && r.label?.kind !== 'target met')) {
      lines.push(
        ...wrap(`${mark(row.status)} ${escapeTerminal(row.scenario, 60)} · ${escapeTerminal(row.metric, 30)}: ${escapeTerminal(row.reason, 1000)}`, width, '  ')
      )
      if (row.context) lines.push(...wrap(paint(DIM, `not deciding: ${escapeTerminal(describeContext(row.context), 1000)}`), width, '  ', '  '))
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
      if (decidedByAB(report)) return `no stored baseline yet: ${reason}; the same-runner A/B against the base commit checked the relative thresholds.`
      return `no baseline yet: ${reason}; relative thresholds were not checked.${advice}`
    case 'unreadable':
      return `no baseline: the ${escapeTerminal(absence.store)} could not be read (${reason}); nothing was compared.${advice}`
    case 'rejected':
      return `no baseline: the stored baseline was rejected (${reason}); nothing was compared.${advice}`
  }
}

/** Word-wraps `text` to `width` columns; continuation lines start with `indent`. */
function wrap(text: string, width: number, indent: string, first = ''): string[] {
  const lines: string[] = []
  let line = first
  for (const word of text.split(' ')) {
    if (line.trim().length > 0 && visibleLength(line) + 1 + visibleLength(word) > width) {
      lines.push(line)
      line = indent + word
    } else {
      line = line.length === 0 || line === first ? `${line}${word}` : `${line} ${word}`
    }
  }
  if (line.length > 0) lines.push(line)
  return lines
}

function visibleLength(text: string): number {
  return text.replace(/\u001b\[[0-9;]*m/g, '').length
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
