/**
 * Cell texts shared by the Markdown and terminal renderers: values, changes, intervals, thresholds, statuses.
 */
import { formatPercentChange, formatQuantity } from '../results/units.js'
import type { GateStatus, MetricStatus, MetricVerdict } from '../verdict/types.js'
import type { GateReport } from './report-model.js'

export const STATUS_ICON: Record<MetricStatus, string> = {
  fail: '❌',
  warn: '⚠️',
  inconclusive: '❔',
  'no-baseline': '⚪',
  new: '🆕',
  removed: '➖',
  improved: '🚀',
  pass: '✅',
  info: 'ℹ️'
}

export const GATE_ICON: Record<GateStatus, string> = {
  fail: '❌',
  warn: '⚠️',
  inconclusive: '❔',
  'no-baseline': '⚪',
  pass: '✅'
}

/** Rows a reviewer must see first, in this order; the rest are "unchanged". */
export const NOTABLE_ORDER: readonly MetricStatus[] = ['fail', 'warn', 'inconclusive', 'improved', 'no-baseline', 'new', 'removed']

export function isNotable(verdict: MetricVerdict): boolean {
  return NOTABLE_ORDER.includes(verdict.status)
}

/** Notable rows first (by NOTABLE_ORDER, stable), then the rest in their original order. */
export function orderRows(metrics: MetricVerdict[]): { notable: MetricVerdict[]; unchanged: MetricVerdict[] } {
  const notable = metrics
    .filter(isNotable)
    .map((verdict, index) => ({ verdict, index }))
    .sort((a, b) => NOTABLE_ORDER.indexOf(a.verdict.status) - NOTABLE_ORDER.indexOf(b.verdict.status) || a.index - b.index)
    .map((entry) => entry.verdict)
  return { notable, unchanged: metrics.filter((verdict) => !isNotable(verdict)) }
}

/**
 * What the folded rows are: "2 unchanged metrics", "30 metrics not gated", or "2 unchanged · 30 not gated".
 * Metrics without a threshold are measured and shown, but "unchanged" would claim a comparison nobody asked for.
 */
export function describeFolded(rows: MetricVerdict[]): string {
  const unchanged = rows.filter((row) => row.status !== 'info').length
  const ungated = rows.length - unchanged
  if (ungated === 0) return pluralize(unchanged, 'unchanged metric')
  if (unchanged === 0) return `${pluralize(ungated, 'metric')} not gated`
  return `${unchanged} unchanged · ${ungated} not gated`
}

export function formatValue(verdict: MetricVerdict, side: 'baseline' | 'current'): string {
  const summary = verdict[side]
  if (!summary) return '—'
  const trials = summary.values.length > 1 ? ` (${summary.values.length}×)` : ''
  return `${formatQuantity(summary.value, verdict.unit)}${trials}`
}

export function formatChange(verdict: MetricVerdict): string {
  return verdict.change ? formatPercentChange(verdict.change.ratio) : '—'
}

export function formatInterval(verdict: MetricVerdict): string {
  const interval = verdict.change?.interval
  if (!interval) return '—'
  return `${formatPercentChange(interval.low)} … ${formatPercentChange(interval.high)}`
}

export function formatThreshold(verdict: MetricVerdict): string {
  if (!verdict.threshold) return '—'
  const parts: string[] = []
  if (verdict.threshold.fail.length > 0) parts.push(verdict.threshold.fail.join(', '))
  if (verdict.threshold.warn.length > 0) parts.push(`warn ${verdict.threshold.warn.join(', ')}`)
  return parts.join('; ')
}

export function pluralize(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`
}

/** "2 h", "3 days": how old a baseline is. */
export function formatAge(seconds: number): string {
  if (seconds < 90) return `${seconds} s`
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`
  if (seconds < 36 * 3600) return `${Math.round(seconds / 3600)} h`
  return `${Math.round(seconds / 86400)} days`
}

/** The parts of the headline: "2 regressions", "1 warning", "14 unchanged", ... (only non-zero ones). */
export function headlineParts(counts: Record<MetricStatus, number>): Array<{ icon: string; text: string }> {
  const parts: Array<{ icon: string; text: string; count: number }> = [
    { icon: STATUS_ICON.fail, text: pluralize(counts.fail, 'regression'), count: counts.fail },
    { icon: STATUS_ICON.warn, text: pluralize(counts.warn, 'warning'), count: counts.warn },
    { icon: STATUS_ICON.inconclusive, text: `${counts.inconclusive} inconclusive`, count: counts.inconclusive },
    { icon: STATUS_ICON.improved, text: `${counts.improved} improved`, count: counts.improved },
    { icon: STATUS_ICON['no-baseline'], text: `${counts['no-baseline']} without baseline`, count: counts['no-baseline'] },
    { icon: STATUS_ICON.new, text: `${counts.new} new`, count: counts.new },
    { icon: STATUS_ICON.removed, text: `${counts.removed} removed`, count: counts.removed },
    { icon: STATUS_ICON.pass, text: `${counts.pass} unchanged`, count: counts.pass },
    { icon: STATUS_ICON.info, text: `${counts.info} not gated`, count: counts.info }
  ]
  return parts.filter((part) => part.count > 0).map(({ icon, text }) => ({ icon, text }))
}

/** One sentence per gate status that tells a reviewer what to do. */
export const GATE_GUIDANCE: Record<GateStatus, string> = {
  fail: 'A gated metric got worse beyond its threshold, with enough evidence to rule out noise.',
  warn: 'A metric crossed a warn level; nothing is blocked.',
  inconclusive:
    'Some changes could not be told apart from runner noise. Nothing is blocked; re-run the job or add trials to decide.',
  'no-baseline':
    'There is no baseline to compare against yet, so relative thresholds were not checked. A baseline is saved by the next push to the default branch (or `perf-gate baseline promote`).',
  pass: 'Every gated metric is within its threshold.'
}

/** The guidance line for this report: a missing baseline that could not be read is not "none saved yet". */
export function guidanceFor(report: GateReport): string {
  if (report.verdict === 'no-baseline') {
    switch (report.baselineAbsence?.kind) {
      case 'unreadable':
        return 'Relative thresholds were not checked because the stored baselines could not be read, which is not the same as having none. Fix the cause above and re-run the job.'
      case 'rejected':
        return 'Relative thresholds were not checked because the stored baseline was rejected. The next push to the default branch saves a fresh one.'
      case 'not-saved':
        // The absence line above already says how the first baseline gets saved.
        return 'Nothing is blocked by relative thresholds until then; absolute budgets still apply.'
    }
  }
  return GATE_GUIDANCE[report.verdict]
}

/** The baseline problems still worth a line of their own: the one the absence headline already tells is left out. */
export function problemsBesideAbsence(report: GateReport): string[] {
  const reason = report.baselineAbsence?.reason
  return reason ? report.baselineProblems.filter((problem) => !problem.includes(reason)) : report.baselineProblems
}
