/**
 * One metric's evidence as a strip: each trial (or A/B pair arm) of the baseline and of the current run as a dot on
 * a shared axis, each side's level as a tick, and the change's interval as a band on the current row. Drawn as
 * static SVG (no script needed): the reader sees how far apart the sides are against how much each side scatters.
 */
import { displayUnit, formatPercentChange, formatQuantity } from '../../results/units.js'
import type { MetricVerdict } from '../../verdict/types.js'
import { escapeHtml } from '../escape.js'
import { formatInterval } from '../format-cells.js'
import { htmlWithCode } from './inline-code.js'

const WIDTH = 720
const LEFT = 90
const RIGHT = 20
const ROW = 26

/** The strip of one row, or '' when neither side has values. */
export function trialStrip(row: MetricVerdict): string {
  const baseline = row.baseline?.values ?? []
  const current = row.current?.values ?? []
  if (baseline.length === 0 && current.length === 0) return ''
  // Against stored history the baseline side is the stored runs, one level each (not one run's trials): say so.
  const baselineSide = row.change?.method === 'history' ? 'stored runs' : 'baseline'
  const change = row.change
  const band = change?.interval && row.baseline ? { low: row.baseline.value * change.interval.low, high: row.baseline.value * change.interval.high } : undefined
  const all = [...baseline, ...current, ...(row.baseline ? [row.baseline.value] : []), ...(row.current ? [row.current.value] : [])]
  if (band) all.push(band.low, band.high)
  const finite = all.filter(Number.isFinite)
  const { min, max } = axisRange(Math.min(...finite), Math.max(...finite))
  const x = (value: number): number => LEFT + ((value - min) / (max - min)) * (WIDTH - LEFT - RIGHT)
  const rowY = { baseline: 18, current: 18 + ROW }
  const axisY = rowY.current + 18
  const shapes: string[] = []
  shapes.push(`<line class="axis" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${axisY}" y2="${axisY}"/>`)
  shapes.push(`<text x="4" y="${rowY.baseline + 4}">${baselineSide}</text><text x="4" y="${rowY.current + 4}">current</text>`)
  if (band) {
    const from = x(Math.min(band.low, band.high))
    shapes.push(
      `<rect class="interval" x="${from.toFixed(1)}" y="${rowY.current - 10}" width="${Math.max(1, x(Math.max(band.low, band.high)) - from).toFixed(1)}" height="20"/>`
    )
  }
  baseline.forEach((value, i) =>
    shapes.push(`<rect class="dot-baseline" x="${(x(value) - 4).toFixed(1)}" y="${rowY.baseline - 4 + jitter(i)}" width="8" height="8"/>`)
  )
  current.forEach((value, i) => shapes.push(`<circle class="dot-current" cx="${x(value).toFixed(1)}" cy="${rowY.current + jitter(i)}" r="4"/>`))
  for (const [side, y] of [
    ['baseline', rowY.baseline],
    ['current', rowY.current]
  ] as const) {
    const level = row[side]?.value
    if (level !== undefined && Number.isFinite(level)) {
      shapes.push(`<line class="estimate" x1="${x(level).toFixed(1)}" x2="${x(level).toFixed(1)}" y1="${y - 10}" y2="${y + 10}"/>`)
    }
  }
  const [low, high] = endLabels(min, max, row.unit)
  shapes.push(`<text x="${LEFT}" y="${axisY + 14}">${escapeHtml(low)}</text>`)
  shapes.push(`<text x="${WIDTH - RIGHT}" y="${axisY + 14}" text-anchor="end">${escapeHtml(high)}</text>`)
  const height = axisY + 20
  const counts =
    baselineSide === 'stored runs'
      ? `${baseline.length} stored run${baseline.length === 1 ? '' : 's'} and ${current.length} current value(s)`
      : `${baseline.length} baseline and ${current.length} current value(s)`
  const summary = change ? `${formatPercentChange(change.ratio)}${change.interval ? `, interval ${formatInterval(row)}` : ''}; ${counts}` : counts
  const title = `${row.scenario} · ${row.metric}: ${summary}`
  return `<figure class="strip" data-metric="${escapeHtml(row.metric)}" data-baseline-points="${baseline.length}" data-current-points="${current.length}">
<figcaption><strong>${escapeHtml(row.metric)}</strong>: ${escapeHtml(summary)}</figcaption>
<svg viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="${escapeHtml(title)}">${shapes.join('')}</svg>
<p>${htmlWithCode(row.reason)}</p>
</figure>`
}

/**
 * The axis's ends: the values' range with 5% to spare on each side, and at least ±1% around its centre. Identical
 * trials (whose interval band differs from them by float rounding only: 4095.999999999997 to 4096) would otherwise
 * stretch nothing across the whole axis, putting one side's tick at the far left and every dot at the far right;
 * widened, they sit mid-axis and read as what they are, the same.
 */
export function axisRange(low: number, high: number): { min: number; max: number } {
  const centre = (low + high) / 2
  const half = Math.max(((high - low) / 2) * 1.1, Math.abs(centre) * 0.01 || 1)
  return { min: centre - half, max: centre + half }
}

/** The axis's end labels, in the table's unit, with as many digits as it takes for them to differ. */
export function endLabels(min: number, max: number, unit: string): [string, string] {
  const scale = displayUnit(Math.max(Math.abs(min), Math.abs(max)), unit)
  const text = (value: number, digits: number): string => {
    const scaled = scale.toDisplay(value)
    const number = scaled.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    return scale.name ? `${number}${scale.space ? ' ' : ''}${scale.name}` : number
  }
  const same = formatQuantity(min, unit) === formatQuantity(max, unit)
  if (!same) return [formatQuantity(min, unit), formatQuantity(max, unit)]
  for (let digits = 0; digits < 8; digits++) if (text(min, digits) !== text(max, digits)) return [text(min, digits), text(max, digits)]
  return [text(min, 8), text(max, 8)]
}

/** A small vertical offset so that equal values stay visible as several dots. */
function jitter(index: number): number {
  return ((index % 5) - 2) * 1.5
}
