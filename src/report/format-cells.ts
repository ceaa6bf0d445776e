/**
 * Cell texts shared by the Markdown and terminal renderers: values, changes, intervals, thresholds, statuses.
 */
import { formatPercentChange, formatQuantity } from '../results/units.js'
import type { ContextEvidence, EvidenceMethod, GateStatus, LabelKind, MetricStatus, MetricVerdict } from '../verdict/types.js'
import { LABEL_ORDER, countLabels, labelKindOf } from '../verdict/labels.js'
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

/**
 * Rows a reviewer must see first, in the headline's order up to met targets (shown when the gate is targets-only:
 * read as a ✓ list); the rest are folded away: passing without news, and metrics nobody set a threshold for.
 */
export const NOTABLE_ORDER: readonly LabelKind[] = LABEL_ORDER.slice(0, LABEL_ORDER.indexOf('target met') + 1)
const FOLDED_ORDER: readonly LabelKind[] = LABEL_ORDER.slice(LABEL_ORDER.indexOf('target met'))

/** Shown rows: notable labels, and rows where the deciding evidence overruled another (A/B against stored). */
export function isNotable(verdict: MetricVerdict, showMetTargets = false): boolean {
  const kind = labelKindOf(verdict)
  if (kind === 'target met') return showMetTargets
  return NOTABLE_ORDER.includes(kind) || overruled(verdict)
}

function overruled(verdict: MetricVerdict): boolean {
  return verdict.context !== undefined && verdict.context.status !== 'info' && verdict.context.status !== verdict.status
}

function notableRank(verdict: MetricVerdict): number {
  const rank = NOTABLE_ORDER.indexOf(labelKindOf(verdict))
  return rank >= 0 ? rank : NOTABLE_ORDER.length
}

/** Notable rows first (by NOTABLE_ORDER, stable), then the rest in their original order. */
export function orderRows(metrics: MetricVerdict[], showMetTargets = false): { notable: MetricVerdict[]; unchanged: MetricVerdict[] } {
  const notable = metrics
    .filter((verdict) => isNotable(verdict, showMetTargets))
    .map((verdict, index) => ({ verdict, index }))
    .sort((a, b) => notableRank(a.verdict) - notableRank(b.verdict) || a.index - b.index)
    .map((entry) => entry.verdict)
  return { notable, unchanged: metrics.filter((verdict) => !isNotable(verdict, showMetTargets)) }
}

/**
 * What the folded rows are, by label: "2 unchanged metrics", "3 within threshold · 30 not gated".
 * Metrics without a threshold are measured and shown, but "unchanged" would claim a comparison nobody asked for.
 */
export function describeFolded(rows: MetricVerdict[]): string {
  const counts = countLabels(rows)
  const parts = FOLDED_ORDER.filter((kind) => counts[kind] > 0)
  if (parts.length === 1) {
    const kind = parts[0]!
    if (kind === 'not gated') return `${pluralize(counts[kind], 'metric')} not gated`
    if (kind === 'target met') return `${pluralize(counts[kind], 'target')} met`
    return pluralize(counts[kind], `${kind} metric`)
  }
  return parts.map((kind) => (kind === 'target met' ? `${pluralize(counts[kind], 'target')} met` : `${counts[kind]} ${kind}`)).join(' · ')
}

/** The Verdict cell: the row's label ("within threshold", "✓ < 300 ms"). */
export function formatLabel(verdict: MetricVerdict): string {
  return verdict.label?.text ?? verdict.status
}

export function formatValue(verdict: MetricVerdict, side: 'baseline' | 'current'): string {
  const summary = verdict[side]
  if (!summary) return '—'
  // "4 of 5×": the estimate set a warm-up or outlying trial aside, and the cell says so rather than overstate the evidence.
  const used = summary.used !== undefined ? `${summary.used} of ` : ''
  const count = summary.values.length > 1 ? ` (${used}${summary.values.length}×)` : ''
  return `${formatQuantity(summary.value, verdict.unit)}${count}`
}

const METHOD_WORDS: Record<EvidenceMethod, string> = {
  paired: 'same-runner A/B',
  history: 'stored baselines',
  trials: 'stored baseline (trials)',
  single: 'stored baseline (median trial of each side, no interval)',
  budget: 'budget',
  none: 'nothing compared'
}

/** Evidence that did not decide, in one line: "stored baselines: -49.4% (-60.1% … -35.0%), pass: <reason>". */
export function describeContext(context: ContextEvidence): string {
  const change = context.change
  const interval = change?.interval ? ` (${formatPercentChange(change.interval.low)} … ${formatPercentChange(change.interval.high)})` : ''
  const figures = change ? ` ${formatPercentChange(change.ratio)}${interval},` : ''
  return `${METHOD_WORDS[context.method]}:${figures} ${context.status === 'info' ? '' : `${context.status}: `}${context.reason}`
}

/** How the values were summarized, for a line under the table. */
export function describeStatistic(rows: MetricVerdict[]): string | undefined {
  const methods = new Set(rows.filter((row) => row.change?.levels).map((row) => row.decidedBy))
  const parts: string[] = []
  if (methods.has('trials')) parts.push('geometric mean of trials (trials)')
  if (methods.has('history')) parts.push('the median of the stored runs (n× counts runs) and of this run’s trials, spread from the stored runs (history)')
  if (methods.has('paired')) parts.push('geometric mean of each arm over same-runner A/B pairs (paired)')
  if (methods.has('single')) parts.push('the median trial of each side, no interval (single)')
  // Rows with nothing to compare (no baseline, new) show the median trial: say so, or the next run's geometric mean
  // of the same trials reads as a change.
  const uncompared = rows.some((row) => !row.change?.levels && [row.baseline, row.current].some((arm) => (arm?.values.length ?? 0) > 1))
  if (uncompared && parts.length > 0) parts.push('the median trial where nothing was compared')
  else if (uncompared) return 'Values are the median trial (nothing was compared); (n×) counts trials.'
  const setAside = rows.some((row) => row.baseline?.used !== undefined || row.current?.used !== undefined)
  const counts = `(n×) counts trials or pairs${setAside ? '; (k of n×): k used, a warm-up or outlying trial set aside' : ''}`
  return parts.length > 0 ? `Baseline and Current are the values the estimate compared: ${parts.join('; ')}; ${counts}.` : undefined
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

/**
 * The parts of the headline: "2 regressions", "1 warning", "3 within threshold", ... — the labels the rows show,
 * only non-zero ones. Ungated metrics are told once, in the folded section, not here.
 */
export function headlineParts(
  report: Pick<GateReport, 'metrics' | 'labelCounts' | 'targetsOnly' | 'verdict' | 'saved'>
): Array<{ icon: string; text: string }> {
  const counts = { ...(report.labelCounts ?? countLabels(report.metrics)) }
  if (report.targetsOnly && report.verdict === 'pass') return [{ icon: STATUS_ICON.pass, text: `all ${pluralize(counts['target met'], 'target')} met` }]
  // The first save is a beginning, not a shortfall: its metrics are recorded, not "without baseline".
  const recorded = report.saved?.first ? counts['no baseline'] : 0
  if (recorded > 0) counts['no baseline'] = 0
  const parts: Array<{ icon: string; text: string; count: number }> = [
    { icon: STATUS_ICON.fail, text: pluralize(counts.regression, 'regression'), count: counts.regression },
    { icon: STATUS_ICON.fail, text: `${pluralize(counts['target missed'], 'target')} missed`, count: counts['target missed'] },
    { icon: STATUS_ICON.warn, text: pluralize(counts.warning, 'warning'), count: counts.warning },
    { icon: STATUS_ICON.inconclusive, text: `${counts.inconclusive} inconclusive`, count: counts.inconclusive },
    { icon: STATUS_ICON.inconclusive, text: `${counts['not decided']} not decided`, count: counts['not decided'] },
    { icon: STATUS_ICON.improved, text: `${counts.improved} improved`, count: counts.improved },
    { icon: STATUS_ICON['no-baseline'], text: `${counts['no baseline']} without baseline`, count: counts['no baseline'] },
    { icon: '💾', text: `${pluralize(recorded, 'metric')} recorded as the first baseline`, count: recorded },
    { icon: STATUS_ICON.new, text: `${counts.new} new`, count: counts.new },
    { icon: STATUS_ICON.removed, text: `${counts.removed} removed`, count: counts.removed },
    { icon: STATUS_ICON.pass, text: `${pluralize(counts['target met'], 'target')} met`, count: counts['target met'] },
    { icon: STATUS_ICON.pass, text: `${counts['within threshold']} within threshold`, count: counts['within threshold'] },
    { icon: STATUS_ICON.pass, text: `${counts.unchanged} unchanged`, count: counts.unchanged }
  ]
  return parts.filter((part) => part.count > 0).map(({ icon, text }) => ({ icon, text }))
}

/**
 * The word after the gate's name: the verdict, except that a run which saved the first baseline says so instead of
 * "no-baseline" (nothing was missing: this run is where the history starts). The JSON keeps the verdict.
 */
export function headlineStatus(report: Pick<GateReport, 'verdict' | 'saved'>): string {
  return report.saved?.first && report.verdict === 'no-baseline' ? 'first baseline saved' : report.verdict
}

/** One sentence per gate status that tells a reviewer what to do. */
export const GATE_GUIDANCE: Record<GateStatus, string> = {
  fail: 'A gated metric got worse beyond its threshold, with enough evidence to rule out noise.',
  warn: 'A metric crossed a warn level; nothing is blocked.',
  inconclusive: 'Some changes could not be told apart from runner noise. Nothing is blocked; re-run the job or add trials to decide.',
  'no-baseline':
    'There is no baseline to compare against yet, so relative thresholds were not checked. A baseline is saved by the next push to the default branch (or `perf-gate baseline promote`).',
  pass: 'Every gated metric is within its threshold.'
}

/**
 * The lines under the headline a reader must not miss: why the run fails whatever its verdict (fail-on-missing-baseline),
 * and a confirm: on-regression that could not run.
 */
export function headlineAlerts(report: GateReport): string[] {
  return [
    ...(report.runFailure ? [report.runFailure] : []),
    ...(report.confirmationFailure ? [`Same-runner confirmation failed, so the verdicts against the stored baseline stand: ${report.confirmationFailure}`] : [])
  ]
}

/** The guidance line for this report: a missing baseline that could not be read is not "none saved yet". */
export function guidanceFor(report: GateReport): string {
  if (report.targetsOnly && report.verdict === 'pass') return 'Every threshold is an absolute target, so no baseline is needed; every target is met.'
  if (report.saved?.first) {
    return `Relative thresholds are checked from the next ${report.saved.local ? 'run' : 'pull request'} on; absolute budgets were checked now.`
  }
  // fail-on-missing-baseline fails the run (exit 2): "nothing is blocked" or "fix and re-run" alone would be untrue.
  if (report.runFailure) return 'This run fails (exit 2) because fail-on-missing-baseline is set and no baseline could be used (see above).'
  // A baseline was there (a file handed to compare, a stored run) but holds none of the gated metrics: "saved by the
  // next push" would be untrue, and not the fix.
  if (report.verdict === 'no-baseline' && report.baseline && !report.baselineAbsence) {
    return 'Relative thresholds were not checked: the baseline holds none of the gated metrics this run measured. Absolute budgets still apply.'
  }
  if (report.verdict === 'no-baseline') {
    switch (report.baselineAbsence?.kind) {
      case 'unreadable':
        return 'Relative thresholds were not checked because the stored baselines could not be read, which is not the same as having none. Fix the cause above and re-run the job.'
      case 'rejected':
        // What replaces it depends on what it was (a push saves a rolling one; a pinned one is promoted again): the line above says.
        return 'Relative thresholds were not checked because the stored baseline was rejected; what to do about it is said above.'
      case 'not-saved':
        // The absence line above already says how the first baseline gets saved.
        return 'Nothing is blocked by relative thresholds until then; absolute budgets still apply.'
    }
  }
  // A gate failed only by budgets compared nothing earlier: "got worse … rule out noise" would be untrue.
  const failed = report.metrics.filter((metric) => metric.status === 'fail')
  if (report.verdict === 'fail' && failed.length > 0 && failed.every((metric) => metric.label?.kind === 'target missed')) {
    return "A gated metric missed its absolute target: this run's level (the median of its trials) is past it."
  }
  // A gate failed only by gated metrics that did not run compared nothing: "got worse" would be untrue.
  if (report.verdict === 'fail' && report.metrics.every((metric) => metric.status !== 'fail' || metric.current === undefined)) {
    return 'A gated metric of the baseline is missing from this run, so it was not compared; run it again, or set `removed:` if it was dropped on purpose.'
  }
  // A warning that is only a metric the config lets go (removed: warn) crossed no warn level.
  const warned = report.metrics.filter((metric) => metric.status === 'warn')
  if (report.verdict === 'warn' && warned.length > 0 && warned.every((metric) => metric.label?.kind === 'removed')) {
    return `A gated metric of the baseline is missing from this run (removed: warn)${report.strict ? ', and in strict mode a warning fails the gate.' : '; nothing is blocked.'}`
  }
  // Strict mode fails these verdicts (exit 1): "nothing is blocked" would be untrue.
  if (report.strict && report.verdict === 'warn') return 'A metric crossed a warn level, and in strict mode a warning fails the gate.'
  if (report.strict && report.verdict === 'inconclusive') {
    return 'Some changes could not be told apart from runner noise, and in strict mode that fails the gate; re-run the job or add trials to decide.'
  }
  return GATE_GUIDANCE[report.verdict]
}

/**
 * Whether same-runner A/B against the base commit decided rows: then "relative thresholds were not checked" would be
 * untrue of a run without a stored baseline (`--compare-to base-commit`, or a PR before the first save).
 */
export function decidedByAB(report: GateReport): boolean {
  return report.metrics.some((metric) => metric.decidedBy === 'paired')
}

/** The baseline problems still worth a line of their own: the one the absence headline already tells is left out. */
export function problemsBesideAbsence(report: GateReport): string[] {
  const reason = report.baselineAbsence?.reason
  return reason ? report.baselineProblems.filter((problem) => !problem.includes(reason)) : report.baselineProblems
}

/**
 * A failing run saved as a baseline (a push to the default branch, an explicit promotion) is worth a warning: the
 * runs after it compare with its figures, so what failed becomes the reference. So is one with undecided metrics.
 * '' when neither.
 */
export function savedDespiteFailure(report: GateReport): string {
  if (!report.saved) return ''
  if (report.verdict === 'fail') {
    const what = report.regressions > 0 ? `${report.regressions} regression(s)` : 'its gate'
    return ` although it failed (${what}): later runs are compared with it, so what it measured becomes the reference`
  }
  // An undecided slowdown saved is as much the new reference as a decided one: the reader may want to re-run first.
  const undecided = report.metrics.filter((metric) => metric.gated && metric.status === 'inconclusive').length
  return undecided > 0 ? ` with ${undecided} metric(s) undecided: if they did get worse, later runs are compared with it all the same` : ''
}
