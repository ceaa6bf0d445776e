/**
 * The Markdown report, shared by the PR comment, the job summary and `--markdown`. It leads with a one-line
 * headline, shows regressed and warned rows first, and folds unchanged rows under <details>. A size guard keeps
 * it under `maxChars` by dropping the unchanged rows first, then trailing rows, and saying where the rest is.
 */
import type { MetricVerdict } from '../verdict/types.js'
import { escapeMarkdown } from './escape.js'
import {
  decidedByAB,
  savedDespiteFailure,
  GATE_ICON,
  STATUS_ICON,
  headlineAlerts,
  describeContext,
  describeStatistic,
  formatLabel,
  describeFolded,
  formatAge,
  formatChange,
  formatInterval,
  formatThreshold,
  formatValue,
  guidanceFor,
  headlineParts,
  headlineStatus,
  orderRows,
  pluralize,
  problemsBesideAbsence
} from './format-cells.js'
import type { GateReport } from './report-model.js'
import { renderTrendCharts } from './trend-chart.js'

export interface MarkdownOptions {
  /** Hard limit on the output length in characters (comment: 65,536; summary: 1 MiB). */
  maxChars?: number
  /** Hard limit on the UTF-8 size in bytes (a job summary's 1 MiB counts bytes; emoji take 3-4). */
  maxBytes?: number
  /** Where the full table can be found when rows are cut (e.g. "the job summary"). */
  fullReportHint?: string
  /** Extra Markdown appended inside the limit, e.g. a trend chart (dropped first when space is short). */
  extra?: string
  /** Leave the unchanged rows out entirely (a short comment body; the hint says where the full table is). */
  changedOnly?: boolean
}

/** GitHub's limit for one step's job summary (1 MiB of UTF-8), less headroom for other writers. */
export const SUMMARY_LIMIT_BYTES = 1024 * 1024 - 1024

const HEADER = '| | Scenario | Metric | Baseline | Current | Change | Interval | Threshold | Verdict |\n|---|---|---|---|---|---|---|---|---|'

/** The report with its trend charts as the extra part (the first to go when space is short): summaries and comments. */
export function renderReportWithTrends(report: GateReport, options: Omit<MarkdownOptions, 'extra'> = {}): string {
  const chart = renderTrendCharts(report.trends)
  return renderMarkdownReport(report, { ...options, ...(chart ? { extra: chart } : {}) })
}

export function renderMarkdownReport(report: GateReport, options: MarkdownOptions = {}): string {
  const maxChars = options.maxChars ?? Number.POSITIVE_INFINITY
  const maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY
  const fits = (text: string): boolean => text.length <= maxChars && (maxBytes === Number.POSITIVE_INFINITY || Buffer.byteLength(text) <= maxBytes)
  const { notable, unchanged } = orderRows(report.metrics, report.targetsOnly === true && !options.changedOnly)
  const attempts: Array<() => string> = [
    () => compose(report, notable, unchanged, notable.length, unchanged.length, options, true),
    () => compose(report, notable, unchanged, notable.length, unchanged.length, options, false),
    () => compose(report, notable, unchanged, notable.length, 0, options, false)
  ]
  for (const attempt of options.changedOnly ? attempts.slice(2) : attempts) {
    const text = attempt()
    if (fits(text)) return text
  }
  // Binary search the number of notable rows that fit.
  let low = 0
  let high = notable.length
  while (low < high) {
    const middle = Math.ceil((low + high) / 2)
    if (fits(compose(report, notable, unchanged, middle, 0, options, false))) low = middle
    else high = middle - 1
  }
  const text = compose(report, notable, unchanged, low, 0, options, false)
  if (fits(text)) return text
  // Last resort: cut characters; a limit in bytes is met by cutting a quarter of it as characters (≤ 4 bytes each).
  const limit = Math.min(maxChars, Math.floor(maxBytes / 4))
  return `${text.slice(0, Math.max(0, limit - 40))}\n\n_(report cut to fit)_\n`
}

function compose(
  report: GateReport,
  notable: MetricVerdict[],
  unchanged: MetricVerdict[],
  notableShown: number,
  unchangedShown: number,
  options: MarkdownOptions,
  withExtra: boolean
): string {
  const lines: string[] = []
  const gate = escapeMarkdown(report.gate)
  lines.push(`### ${GATE_ICON[report.verdict]} perf-gate · ${gate}: ${headlineStatus(report)}`)
  lines.push('')
  lines.push(
    `**${
      headlineParts(report)
        .map((p) => `${p.icon} ${p.text}`)
        .join(' · ') || 'no gated metrics'
    }**`
  )
  lines.push('')
  for (const alert of headlineAlerts(report)) lines.push(`> ❗ ${escapeMarkdown(alert, 1000)}`, '')
  lines.push(describeBaseline(report))
  // A save that is not the first: the maintainer sees which run the next pull requests compare against.
  if (report.saved && !report.saved.first) {
    const commit = report.saved.sha ? `, commit ${commitLink(report, report.saved.sha)}` : ''
    lines.push(`💾 This run is saved as a baseline (\`${escapeMarkdown(report.saved.id)}\`${commit})${savedDespiteFailure(report)}.`)
  }
  const problems = problemsBesideAbsence(report)
  for (const problem of problems) lines.push(`> ⚠️ ${escapeMarkdown(capitalize(problem), 1000)}`)
  // Notes are perf-gate's own sentences (no names from results), so they keep their Markdown.
  for (const note of report.notes) lines.push(`> ℹ️ ${note}`)
  if (problems.length > 0 || report.notes.length > 0) lines.push('')
  lines.push(guidanceFor(report))
  lines.push('')

  if (notable.length > 0) {
    lines.push(HEADER)
    for (const row of notable.slice(0, notableShown)) lines.push(renderedOnce(row, 'row'))
    lines.push('')
    const statistic = describeStatistic(notable.slice(0, notableShown))
    if (statistic) lines.push(`<sub>${statistic}</sub>`, '')
    const reasons = notable.slice(0, notableShown).filter((row) => row.status !== 'no-baseline' && row.label?.kind !== 'target met')
    if (reasons.length > 0) {
      lines.push('<details><summary>Why</summary>', '')
      for (const row of reasons) {
        lines.push(renderedOnce(row, 'reason'))
      }
      lines.push('', '</details>', '')
    }
  }
  const hiddenNotable = notable.length - notableShown
  const hiddenUnchanged = unchanged.length - unchangedShown
  if (unchanged.length > 0 && unchangedShown > 0) {
    const icon = unchanged.some((row) => row.status !== 'info') ? STATUS_ICON.pass : STATUS_ICON.info
    lines.push(`<details><summary>${icon} ${describeFolded(unchanged)}</summary>`, '')
    lines.push(HEADER)
    for (const row of unchanged.slice(0, unchangedShown)) lines.push(renderedOnce(row, 'row'))
    lines.push('', '</details>', '')
  }
  if (hiddenNotable > 0 || hiddenUnchanged > 0) {
    const parts: string[] = []
    if (hiddenNotable > 0) parts.push(pluralize(hiddenNotable, 'changed row'))
    if (hiddenUnchanged > 0) parts.push(describeFolded(unchanged.slice(unchangedShown)))
    lines.push(
      `_${parts.join(' and ')} not shown here to stay within the size limit; the full table is in ${options.fullReportHint ?? 'the JSON report'}._`,
      ''
    )
  }
  if (withExtra && options.extra) lines.push(options.extra, '')
  lines.push(footer(report))
  return `${lines.join('\n')}\n`
}

/**
 * Fitting the report into a size limit composes it several times (with and without extras, then a binary search on
 * the rows shown); each row's table line and reason line are escaped and formatted once and reused, so the fitting
 * costs joins, not re-rendering (escaping was 12.5 % of the gate's time at 10,000 scenarios).
 */
const renderedLines = new WeakMap<MetricVerdict, { row?: string; reason?: string }>()

function renderedOnce(row: MetricVerdict, part: 'row' | 'reason'): string {
  let cached = renderedLines.get(row)
  if (!cached) renderedLines.set(row, (cached = {}))
  return (cached[part] ??=
    part === 'row'
      ? renderRow(row)
      : `- ${STATUS_ICON[row.status]} **${escapeMarkdown(row.scenario)}** · ${escapeMarkdown(row.metric)}: ${escapeMarkdown(row.reason, 2000)}` +
        (row.context ? `\n  <br>Not deciding: ${escapeMarkdown(describeContext(row.context), 2000)}` : ''))
}

function renderRow(row: MetricVerdict): string {
  const cells = [
    STATUS_ICON[row.status],
    escapeMarkdown(row.scenario),
    escapeMarkdown(row.metric),
    escapeMarkdown(formatValue(row, 'baseline')),
    escapeMarkdown(formatValue(row, 'current')),
    escapeMarkdown(formatChange(row)),
    escapeMarkdown(formatInterval(row)),
    escapeMarkdown(formatThreshold(row)),
    row.status === 'fail' ? `**${escapeMarkdown(formatLabel(row))}**` : escapeMarkdown(formatLabel(row))
  ]
  return `| ${cells.join(' | ')} |`
}

function describeBaseline(report: GateReport): string {
  const baseline = report.baseline
  if (report.saved?.first) {
    const commit = report.saved.sha ? `, commit ${commitLink(report, report.saved.sha)}` : ''
    return `**Baseline saved** (\`${escapeMarkdown(report.saved.id)}\`${commit}): the next ${report.saved.local ? 'run' : 'pull request'} compares against it.`
  }
  if (!baseline && report.targetsOnly) return 'No baseline needed: every threshold is an absolute target.'
  if (!baseline) return describeAbsence(report)
  const commit = baseline.sha ? commitLink(report, baseline.sha) : escapeMarkdown(baseline.id)
  const named = baseline.name ? ` (pinned baseline “${escapeMarkdown(baseline.name)}”)` : ''
  const branch = baseline.ref ? ` on ${escapeMarkdown(baseline.ref.replace(/^refs\/heads\//, ''))}` : ''
  const runner = baseline.environment ? `, measured on ${escapeMarkdown(describeRunner(baseline.environment))}` : ''
  const run = baseline.runUrl ? ` ([run](${safeUrl(baseline.runUrl)}))` : ''
  const history = baseline.historySize > 1 ? `; ${baseline.historySize} stored baselines inform the noise estimate` : ''
  // A baseline handed over as a file is that file: a results file's age would be its modification time, not a save.
  if (baseline.given) {
    const saved = baseline.given === 'saved record' ? `, saved ${formatAge(baseline.ageSeconds)} ago` : ''
    return `Baseline: ${escapeMarkdown(baseline.store)}${baseline.sha ? ` (commit ${commitLink(report, baseline.sha)})` : ''}${saved}${runner}.`
  }
  return `Baseline: ${commit}${named}${branch}, saved ${formatAge(baseline.ageSeconds)} ago${runner}${run}${history}.`
}

/** Without a baseline: never saved, could not be read, or rejected, in words a reviewer can act on. */
function describeAbsence(report: GateReport): string {
  const absence = report.baselineAbsence
  if (!absence) return '**No baseline**: relative thresholds were not checked (absolute budgets were).'
  const reason = escapeMarkdown(absence.reason, 1000)
  // Advice is perf-gate's own sentence (escaped when the report came from an artifact), so it keeps its Markdown.
  const advice = absence.advice ? ` ${absence.advice}` : ''
  switch (absence.kind) {
    case 'not-saved':
      if (decidedByAB(report)) return `**No stored baseline yet**: ${reason}; the same-runner A/B against the base commit checked the relative thresholds.`
      return `**No baseline yet**: ${reason}; relative thresholds were not checked (absolute budgets were).${advice}`
    case 'unreadable':
      return `⚠️ **No baseline: the ${escapeMarkdown(absence.store)} could not be read** (${reason}); nothing was compared with a baseline (absolute budgets were still checked), and one may well exist.${advice}`
    case 'rejected':
      return `⚠️ **No baseline: the stored baseline was rejected** (${reason}); nothing was compared with a baseline (absolute budgets were still checked).${advice}`
  }
}

function describeRunner(environment: NonNullable<GateReport['current']['environment']>): string {
  return [environment.runner, environment.os, environment.cpuModel, environment.cores ? `${environment.cores} cores` : undefined].filter(Boolean).join(' · ')
}

function commitLink(report: GateReport, sha: string): string {
  if (!/^[0-9a-f]{7,64}$/i.test(sha)) return escapeMarkdown(sha.slice(0, 12))
  const short = `\`${sha.slice(0, 7)}\``
  const repository = report.links.repositoryUrl
  return repository ? `[${short}](${safeUrl(`${repository}/commit/${sha}`)})` : short
}

function footer(report: GateReport): string {
  const parts = [`perf-gate · ${report.generatedAt.slice(0, 16).replace('T', ' ')} UTC`]
  if (report.links.runUrl) parts.unshift(`[Workflow run](${safeUrl(report.links.runUrl)})`)
  if (report.current.headSha) parts.push(`PR head ${commitLink(report, report.current.headSha)}`)
  if (report.current.sha && report.current.sha !== report.current.headSha) {
    parts.push(`${report.current.headSha ? 'measured on merge commit' : 'commit'} ${commitLink(report, report.current.sha)}`)
  }
  return `<sub>${parts.join(' · ')}</sub>`
}

/** Only http(s) links, with characters that would end a Markdown link escaped. */
function safeUrl(url: string): string {
  return /^https?:\/\//.test(url) ? url.replace(/[()<>\s]/g, encodeURIComponent) : '#'
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
