/**
 * The trend of each gated metric over the stored baselines and this run, as a Markdown table: one row per metric,
 * a sparkline normalized to that metric's own range (so a 0.3 ms series is not flattened under a 47 ms one), the
 * oldest value, the baseline this run was compared with, this run, and this run against the oldest. A table renders
 * wherever GitHub renders Markdown; GitHub's pinned Mermaid (xychart-beta) has no legend and no distinguishable
 * colours, which made lines impossible to name. Absent with fewer than 3 points: two runs show runner mood, not a
 * trend.
 */
import { formatPercentChange, formatQuantity } from '../results/units.js'
import type { GateReport } from './report-model.js'
import { escapeMarkdown } from './escape.js'

type Trend = NonNullable<GateReport['trends']>[number]

export interface TrendChartOptions {
  /** Most rows (metrics). */
  maxRows?: number
  /** Fewest points a trend needs to be shown. */
  minPoints?: number
}

const BARS = '▁▂▃▄▅▆▇█'

/** Markdown with one trend table, or '' when no metric has enough history. */
export function renderTrendCharts(trends: GateReport['trends'], options: TrendChartOptions = {}): string {
  const minPoints = options.minPoints ?? 3
  const rows = (trends ?? []).filter((trend) => trend.points.length >= minPoints).slice(0, options.maxRows ?? 6)
  if (rows.length === 0) return ''
  return [
    '<details open><summary>📈 Trend over the stored baselines and this run</summary>',
    '',
    '| Scenario · Metric | Trend (oldest → this run) | Oldest | Compared with | This run | This run vs oldest |',
    '|---|---|---|---|---|---|',
    ...rows.map(renderRow),
    '',
    '<sub>Each sparkline spans its own metric’s range; ◆ marks the stored baseline this run was compared with, ● this run. A run’s value is the median of its trials (a cold first trial set aside); Compared with and This run are the values in the table above.</sub>',
    '',
    '</details>'
  ].join('\n')
}

function renderRow(trend: Trend): string {
  const points = trend.points
  const first = points[0]!
  const last = points[points.length - 1]!
  const marked = points.find((point) => point.role === 'baseline')
  // A report made before `comparedWith` (an artifact of an older run) only marks the run compared with.
  const compared = trend.comparedWith ?? (marked ? { value: marked.value, what: marked.label } : undefined)
  const cells = [
    `${escapeMarkdown(trend.scenario)} · ${escapeMarkdown(trend.metric)}`,
    `\`${sparkline(points)}\`${stepsText(trend)}`,
    escapeMarkdown(formatQuantity(first.value, trend.unit)),
    compared ? `${marked ? '◆ ' : ''}${escapeMarkdown(formatQuantity(compared.value, trend.unit))} (${escapeMarkdown(compared.what)})` : '—',
    `● ${escapeMarkdown(formatQuantity(last.value, trend.unit))}`,
    first.value > 0 && last.value > 0 ? escapeMarkdown(formatPercentChange(last.value / first.value)) : '—'
  ]
  return `| ${cells.join(' | ')} |`
}

/** The steps found among the stored runs: " · step +24.1% at abc1234", newest last. */
function stepsText(trend: Trend): string {
  return (trend.changePoints ?? [])
    .map((step) => ` · step ${escapeMarkdown(formatPercentChange(1 + step.change))} at ${escapeMarkdown(trend.points[step.index]?.label ?? '?')}`)
    .join('')
}

/**
 * One bar per point, scaled to the series' own min–max; each marker stands before the bar it marks (◆ the compared
 * baseline, ● this run), so that two side by side cannot be read as marking one bar.
 */
export function sparkline(points: Trend['points']): string {
  const values = points.map((point) => point.value).filter(Number.isFinite)
  const low = Math.min(...values)
  const high = Math.max(...values)
  return points
    .map((point, index) => {
      const level = high > low ? Math.round(((point.value - low) / (high - low)) * (BARS.length - 1)) : 3
      const bar = BARS[Math.max(0, Math.min(BARS.length - 1, level))]!
      if (index === points.length - 1) return `●${bar}`
      return point.role === 'baseline' ? `◆${bar}` : bar
    })
    .join('')
}
