/**
 * Mermaid `xychart-beta` trend charts of the gated metrics over the baseline history plus this run: one chart per
 * unit, a few series each. GitHub pins an older Mermaid without legends, so each chart is followed by a Markdown
 * legend in series order. The table stays the primary view; a chart is an extra that is dropped first for space.
 */
import type { GateReport } from './report-model.js'
import { escapeMarkdown } from './escape.js'

type Trend = NonNullable<GateReport['trends']>[number]

export interface TrendChartOptions {
  /** Most charts (one per unit and x axis). */
  maxCharts?: number
  /** Most lines in one chart. */
  maxSeriesPerChart?: number
}

/** Markdown with one ```mermaid block per unit, or '' when there is no history to draw. */
export function renderTrendCharts(trends: GateReport['trends'], options: TrendChartOptions = {}): string {
  const maxCharts = options.maxCharts ?? 3
  const maxSeries = options.maxSeriesPerChart ?? 4
  // A chart needs a shared x axis: group by unit and by the exact label sequence; a line needs two points.
  const groups = new Map<string, Trend[]>()
  for (const trend of trends ?? []) {
    if (trend.points.length < 2) continue
    const key = `${trend.unit}\u0000${trend.points.map((p) => p.label).join('\u0000')}`
    const group = groups.get(key) ?? []
    if (group.length < maxSeries) group.push(trend)
    groups.set(key, group)
  }
  const charts = [...groups.values()].slice(0, maxCharts).map(renderChart)
  if (charts.length === 0) return ''
  return ['<details open><summary>📈 Trend over the stored baselines and this run</summary>', '', ...charts, '</details>'].join('\n')
}

function renderChart(series: Trend[]): string {
  const unit = mermaidText(series[0]!.unit) || 'value'
  const labels = series[0]!.points.map((point) => `"${mermaidText(point.label) || '?'}"`)
  const values = series.flatMap((trend) => trend.points.map((point) => point.value)).filter(Number.isFinite)
  const low = Math.min(...values)
  const high = Math.max(...values)
  const pad = high > low ? (high - low) * 0.1 : Math.abs(high) * 0.1 || 1
  const lines = [
    '```mermaid',
    'xychart-beta',
    `  title "${unit}"`,
    `  x-axis [${labels.join(', ')}]`,
    `  y-axis "${unit}" ${round(Math.max(0, low - pad))} --> ${round(high + pad)}`,
    ...series.map((trend) => `  line [${trend.points.map((point) => round(point.value)).join(', ')}]`),
    '```',
    ''
  ]
  const legend = series.map((trend, index) => `${index + 1}. ${escapeMarkdown(trend.scenario)} · ${escapeMarkdown(trend.metric)}`)
  return [...lines, `Lines in order: ${legend.join('; ')}.`, ''].join('\n')
}

/** Text inside a Mermaid string: no quotes, brackets, fences or line breaks from untrusted names. */
function mermaidText(text: string): string {
  return text.replace(/[^\p{L}\p{N} ./%_:+-]/gu, '').slice(0, 24)
}

function round(value: number): string {
  if (!Number.isFinite(value)) return '0'
  return String(Number(value.toPrecision(4)))
}
