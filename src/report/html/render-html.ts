/**
 * The HTML report: one self-contained page (uPlot and its stylesheet inlined, no network) that shows what is behind
 * each verdict: the table the PR comment shows, and per scenario the latency percentile distribution of both sides
 * (log "1 / (1 − q)" axis, as HdrHistogram's plotter draws it), every trial of each side as a dot with the estimate
 * and its interval, and the history of each gated metric. Pure: the report model in, a string out.
 *
 * Series are told apart by more than colour: baseline dashed with square points, current solid with round ones, and
 * every chart has a legend; colours follow the reader's light or dark scheme.
 */
import type { MetricVerdict } from '../../verdict/types.js'
import {
  headlineAlerts,
  decidedByAB,
  savedDespiteFailure,
  formatChange,
  formatInterval,
  formatLabel,
  formatThreshold,
  formatValue,
  guidanceFor,
  headlineParts,
  headlineStatus,
  orderRows,
  problemsBesideAbsence
} from '../format-cells.js'
import { escapeHtml } from '../escape.js'
import type { GateReport } from '../report-model.js'
import { displayUnit } from '../../results/units.js'
import { chartScript } from './chart-script.js'
import { iconForEmoji, iconSvg } from './icons.js'
import { htmlWithCode } from './inline-code.js'
import { trialStrip } from './trial-strip.js'
import { uplotAssets } from './uplot-assets.js'

/** The data the page's script draws: distributions and histories, per chart. */
export interface ChartSpec {
  id: string
  kind: 'distribution' | 'history'
  title: string
  unit: string
  /** The display unit the table's cells would use for the chart's largest value: ticks and legend read in it. */
  scale: { divisor: number; name: string; space: boolean }
  /** x values shared by the series (percentiles, or run positions). */
  x: number[]
  /** x tick labels for history charts (commit or date). */
  labels?: string[]
  series: Array<{ name: string; role: 'baseline' | 'current'; values: Array<number | null> }>
  /** History: the index of the run compared with, and of this run. */
  marks?: { baseline?: number; current?: number }
  /** History: where steps found among the stored runs start. */
  steps?: number[]
  /** History: the level this run was compared with when it is no one run (the median of the stored runs), as a line. */
  compared?: { value: number; label: string }
}

export function renderHtmlReport(report: GateReport): string {
  const { notable, unchanged } = orderRows(report.metrics, report.targetsOnly === true)
  // As in the comment, metrics nobody set a threshold for are folded away (the reader opens them when curious).
  const ungated = unchanged.filter((row) => !row.gated)
  const charts: ChartSpec[] = []
  const sections = scenarioNames(report).map((scenario, index) => scenarioSection(report, scenario, index, charts))
  const headline = `${iconSvg(report.verdict)} ${escapeHtml(report.gate)}: ${escapeHtml(headlineStatus(report).toUpperCase())}`
  const parts = headlineParts(report)
    .map((part) => `${iconForEmoji(part.icon)} ${escapeHtml(part.text)}`)
    .join(' · ')
  const savedAs = report.saved ? `${escapeHtml(report.saved.id)}${report.saved.sha ? `, commit ${escapeHtml(report.saved.sha.slice(0, 7))}` : ''}` : ''
  const baseline = report.saved?.first
    ? `Baseline saved (${savedAs}): the next ${report.saved.local ? 'run' : 'pull request'} compares against it.`
    : report.baseline
      ? describeBaseline(report.baseline)
      : report.baselineAbsence
        ? `No ${decidedByAB(report) ? 'stored ' : ''}baseline: ${htmlWithCode(report.baselineAbsence.reason.replace(/[.!]?$/, '.'))}${decidedByAB(report) ? ' The same-runner A/B against the base commit checked the relative thresholds.' : ''}`
        : 'No baseline.'
  const assets = uplotAssets()
  // The lines the PR comment and the terminal put under the headline: the page must not tell less than they do.
  const saved =
    report.saved && !report.saved.first
      ? `<p>${iconSvg('saved')} This run is saved as a baseline (${savedAs})${escapeHtml(savedDespiteFailure(report))}.</p>`
      : ''
  const warnings = [
    ...headlineAlerts(report).map((alert) => `${iconSvg('alert')} ${htmlWithCode(alert)}`),
    ...problemsBesideAbsence(report).map((problem) => `${iconSvg('warn')} ${htmlWithCode(`${problem.charAt(0).toUpperCase()}${problem.slice(1)}`)}`)
  ]
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>perf-gate · ${escapeHtml(report.gate)}: ${escapeHtml(headlineStatus(report))}</title>
<style>${assets.css}</style>
<style>${PAGE_CSS}</style>
</head>
<body>
<header>
<h1>${headline}</h1>
<p class="parts">${parts}</p>
<p>${baseline} Generated ${escapeHtml(report.generatedAt)}.</p>
${saved}${warnings.length > 0 ? `<ul class="warnings">${warnings.map((warning) => `<li>${warning}</li>`).join('')}</ul>` : ''}
<p class="guidance">${htmlWithCode(guidanceFor(report))}</p>
${report.notes.length > 0 ? `<ul class="notes">${report.notes.map((note) => `<li>${htmlWithCode(note)}</li>`).join('')}</ul>` : ''}
</header>
<main>
<h2>Verdicts</h2>
${summaryTable([...notable, ...unchanged.filter((row) => row.gated)])}
${ungated.length > 0 ? `<details class="ungated"><summary>${ungated.length} metric(s) measured but not gated</summary>\n${summaryTable(ungated)}\n</details>` : ''}
${sections.join('\n')}
</main>
<script>${assets.js}</script>
<script type="application/json" id="perf-gate-charts">${jsonForScript(charts)}</script>
<script>${chartScript()}</script>
</body>
</html>
`
}

/** The rows of the PR comment's table, with every row shown (the page has room for the unchanged ones too). */
function summaryTable(rows: MetricVerdict[]): string {
  const header = ['', 'Scenario', 'Metric', 'Baseline', 'Current', 'Change', 'Interval', 'Threshold', 'Verdict']
  const body = rows
    .map(
      (row) =>
        `<tr class="status-${row.status}"><td class="icon">${iconSvg(row.status)}</td><td class="scenario">${breakable(row.scenario)}</td><td class="metric">${escapeHtml(row.metric)}</td>` +
        `<td class="num">${escapeHtml(formatValue(row, 'baseline'))}</td><td class="num">${escapeHtml(formatValue(row, 'current'))}</td>` +
        `<td class="num">${escapeHtml(formatChange(row))}</td><td class="num">${escapeHtml(formatInterval(row))}</td>` +
        `<td>${escapeHtml(formatThreshold(row))}</td><td>${escapeHtml(formatLabel(row))}</td></tr>`
    )
    .join('\n')
  return `<table class="verdicts"><thead><tr>${header.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>\n${body}\n</tbody></table>`
}

/**
 * The baseline line. A baseline handed over as a file (`compare`) is named as that file: it is no store's, has no
 * stored history, and a results file's modification time is no save time.
 */
function describeBaseline(baseline: NonNullable<GateReport['baseline']>): string {
  const commit = baseline.sha ? ` (${escapeHtml(baseline.sha.slice(0, 7))})` : ''
  if (baseline.given) {
    const saved = baseline.given === 'saved record' ? `, saved ${escapeHtml(baseline.savedAt)}` : ''
    return `Baseline: ${escapeHtml(baseline.store)}${commit}${saved}.`
  }
  return `Baseline ${escapeHtml(baseline.id)}${commit}, ${escapeHtml(baseline.store)}; ${baseline.historySize} stored run(s).`
}

/** A name as text that may wrap after its separators ("::", "/", "_", "[", "-", "."), where a reader expects it to. */
function breakable(name: string): string {
  return escapeHtml(name).replace(/([/:_.,=[\]()-]+)(?=[^/:_.,=[\]()-])/g, '$1<wbr>')
}

/** Scenarios with a gated metric, in the order of the report's rows. */
function scenarioNames(report: GateReport): string[] {
  return [...new Set(report.metrics.filter((m) => m.gated).map((m) => m.scenario))]
}

function scenarioSection(report: GateReport, scenario: string, index: number, charts: ChartSpec[]): string {
  const parts: string[] = [`<section class="scenario"><h2>${escapeHtml(scenario)}</h2>`]
  const distribution = report.distributions?.find((d) => d.scenario === scenario)
  if (distribution && (distribution.baseline || distribution.current)) {
    const id = `distribution-${index}`
    const x = (distribution.current ?? distribution.baseline)!.map((point) => point.percentile)
    const series: ChartSpec['series'] = []
    if (distribution.baseline) series.push({ name: 'baseline', role: 'baseline', values: valuesAt(distribution.baseline, x) })
    if (distribution.current) series.push({ name: 'current', role: 'current', values: valuesAt(distribution.current, x) })
    // Latency is recorded in µs; read in ms (the table's unit for latencies) unless it is that small.
    const inMs = distribution.unit === 'µs' && Math.max(...series.flatMap((s) => s.values.filter((v): v is number => v !== null))) >= 1000
    const shown = inMs ? series.map((s) => ({ ...s, values: s.values.map((v) => (v === null ? null : v / 1000)) })) : series
    const unit = inMs ? 'ms' : distribution.unit
    charts.push({ id, kind: 'distribution', title: `${scenario}: latency by percentile`, unit, scale: scaleOf(shown, unit), x, series: shown })
    const leftOut = distribution.warmUpLeftOut ?? []
    const caption =
      leftOut.length > 0
        ? `<p class="caption">Trial 1 of ${leftOut.length === 2 ? 'both sides' : leftOut[0] === 'current' ? 'this run' : 'the baseline'} is left out: it was still warming up, and the verdict set it aside.</p>`
        : ''
    parts.push(`<h3>Latency distribution</h3>${caption}<div class="chart" id="${id}" data-chart="distribution"></div>`)
  }
  const rows = report.metrics.filter((m) => m.scenario === scenario && m.gated)
  const strips = rows.map((row) => trialStrip(row)).filter((strip) => strip !== '')
  if (strips.length > 0) parts.push(`<h3>Trials and estimates</h3>${strips.join('\n')}`)
  for (const [position, trend] of (report.trends ?? []).filter((t) => t.scenario === scenario).entries()) {
    const id = `history-${index}-${position}`
    const baselineAt = trend.points.findIndex((p) => p.role === 'baseline')
    const currentAt = trend.points.findIndex((p) => p.role === 'current')
    const series: ChartSpec['series'] = [{ name: trend.metric, role: 'current', values: trend.points.map((p) => p.value) }]
    charts.push({
      id,
      kind: 'history',
      title: `${scenario} · ${trend.metric}: stored runs and this run`,
      unit: trend.unit,
      scale: scaleOf(series, trend.unit),
      x: trend.points.map((_, i) => i),
      labels: trend.points.map((p) => p.label),
      series,
      marks: { ...(baselineAt >= 0 ? { baseline: baselineAt } : {}), ...(currentAt >= 0 ? { current: currentAt } : {}) },
      ...(trend.comparedWith && baselineAt < 0 ? { compared: { value: trend.comparedWith.value, label: `compared with: ${trend.comparedWith.what}` } } : {}),
      ...(trend.changePoints?.length ? { steps: trend.changePoints.map((step) => step.index) } : {})
    })
    const row = rows.find((candidate) => candidate.metric === trend.metric)
    // The table's Baseline and Current may be another estimate (the geometric mean of trials): say which the points are.
    const otherEstimate = row?.decidedBy === 'trials' || row?.decidedBy === 'paired'
    const caption = `<p class="caption">Each point is a run's level: the median of its trials (a cold first trial set aside)${otherEstimate ? '; the table compares the geometric means of the trials, so its values can differ from these' : ''}.</p>`
    parts.push(`<h3>History of ${escapeHtml(trend.metric)}</h3>${caption}<div class="chart" id="${id}" data-chart="history"></div>`)
  }
  parts.push('</section>')
  return parts.join('\n')
}

/** The unit the table would write the chart's largest value in. */
function scaleOf(series: ChartSpec['series'], unit: string): ChartSpec['scale'] {
  const largest = Math.max(0, ...series.flatMap((s) => s.values.filter((v): v is number => v !== null && Number.isFinite(v)).map(Math.abs)))
  const { divisor, name, space } = displayUnit(largest, unit)
  return { divisor, name, space }
}

function valuesAt(points: Array<{ percentile: number; value: number }>, x: number[]): Array<number | null> {
  const byPercentile = new Map(points.map((p) => [p.percentile, p.value]))
  return x.map((percentile) => byPercentile.get(percentile) ?? null)
}

/** JSON inside a script element: "</script>" and "<!--" in user text must not end or change it. */
function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
}

const PAGE_CSS = `
:root { color-scheme: light dark; --fg: #1f2328; --bg: #ffffff; --muted: #59636e; --line: #d1d9e0; --baseline: #0969da; --current: #bc4c00;
  --fail: #cf222e; --pass: #1a7f37; --band: rgba(188, 76, 0, 0.18); --code: rgba(129, 139, 152, 0.15); }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6edf3; --bg: #0d1117; --muted: #9198a1; --line: #3d444d; --baseline: #4493f8; --current: #f0883e;
    --fail: #ff7b72; --pass: #3fb950; --band: rgba(240, 136, 62, 0.25); }
}
body { font: 14px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); margin: 0 auto; max-width: 1100px; padding: 16px 24px 48px; }
h1 { font-size: 22px; margin: 8px 0; } h2 { font-size: 18px; border-bottom: 1px solid var(--line); padding-bottom: 4px; margin-top: 32px; } h3 { font-size: 15px; margin: 16px 0 4px; }
.parts, .guidance { margin: 4px 0; } details.ungated { margin-top: 8px; } details.ungated summary { cursor: pointer; color: var(--muted); } .notes, .caption { color: var(--muted); } .warnings { font-weight: 600; }
table.verdicts { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
table.verdicts th, table.verdicts td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
table.verdicts td.num { text-align: right; white-space: nowrap; }
/* A 110-character pytest id or JMH name must wrap, not push Change and Verdict off the page: at its separators where
   it can (<wbr>), anywhere if it must. A metric name wraps only when it cannot fit at all. */
table.verdicts td.scenario, section.scenario h2, .strip figcaption, .u-title { overflow-wrap: anywhere; }
table.verdicts td.metric { overflow-wrap: break-word; }
table.verdicts td.icon { width: 16px; }
svg.icon { display: inline-block; width: 1em; height: 1em; vertical-align: -0.15em; }
code { font: 0.92em ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--code); padding: 0.1em 0.3em; border-radius: 4px; }
tr.status-fail td { color: var(--fail); font-weight: 600; }
.chart { margin: 4px 0 12px; min-height: 300px; }
.strip { margin: 6px 0 14px; } .caption { margin: 2px 0; } .strip svg { display: block; max-width: 100%; } .strip p { margin: 2px 0; color: var(--muted); }
.strip .dot-baseline { fill: none; stroke: var(--baseline); stroke-width: 1.5; } .strip .dot-current { fill: var(--current); }
.strip .estimate { stroke: var(--fg); stroke-width: 2; } .strip .interval { fill: var(--band); } .strip .axis { stroke: var(--line); }
.strip text { fill: var(--muted); font-size: 11px; }
.u-legend { color: var(--fg); } .u-axis { color: var(--muted); }
`
