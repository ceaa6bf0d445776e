/**
 * Row labels: what the Verdict cell says and what the headline counts. A pass is "unchanged" only when its interval
 * lies within the noise floor on both sides, "improved" when it lies wholly beyond the floor on the better side,
 * and "within threshold" otherwise; a row decided by a budget is labelled by that budget.
 */
import type { Direction } from '../results/model.js'
import type { LabelKind, MetricStatus, MetricVerdict, RowLabel } from './types.js'

const BY_STATUS: Record<Exclude<MetricStatus, 'pass'>, LabelKind> = {
  fail: 'regression',
  warn: 'warning',
  inconclusive: 'inconclusive',
  improved: 'improved',
  'no-baseline': 'no baseline',
  new: 'new',
  removed: 'removed',
  info: 'not gated'
}

/** The label of a row; `budget` is the budget text that decided it ("< 300 ms"), when a budget did. */
export function labelOf(row: MetricVerdict, noiseFloor: number, budget?: string): RowLabel {
  if (row.decidedBy === 'budget' && budget && (row.status === 'pass' || row.status === 'fail' || row.status === 'warn')) {
    const mark = row.status === 'pass' ? '✓' : row.status === 'fail' ? '✗' : '!'
    // A budget is held to this run alone: missing it is not a regression (nothing earlier was compared).
    return { kind: row.status === 'pass' ? 'target met' : row.status === 'fail' ? 'target missed' : 'warning', text: `${mark} ${budget}` }
  }
  if (row.status !== 'pass') return plain(BY_STATUS[row.status])
  const interval = row.change?.interval
  if (!interval) return plain('within threshold')
  const floor = Math.log1p(noiseFloor)
  if (Math.log(interval.low) >= -floor && Math.log(interval.high) <= floor) return plain('unchanged')
  return plain(betterBeyondFloor(interval, row.direction, noiseFloor) ? 'improved' : 'within threshold')
}

/**
 * Whether a shown interval (ratios) lies wholly beyond the noise floor on the better side: what makes a row
 * "improved", so the reason's words must say the same.
 */
export function betterBeyondFloor(interval: { low: number; high: number }, direction: Direction, noiseFloor: number): boolean {
  const floor = Math.log1p(noiseFloor)
  return direction === 'lower' ? Math.log(interval.high) < -floor : Math.log(interval.low) > floor
}

function plain(kind: LabelKind): RowLabel {
  return { kind, text: kind }
}

/** Headline order: what a reviewer must see first. */
export const LABEL_ORDER: readonly LabelKind[] = [
  'regression',
  'target missed',
  'warning',
  'inconclusive',
  'not decided',
  'improved',
  'no baseline',
  'new',
  'removed',
  'target met',
  'within threshold',
  'unchanged',
  'not gated'
]

/** How many rows carry each label (rows without a label count by their status). */
export function countLabels(rows: MetricVerdict[]): Record<LabelKind, number> {
  const counts = Object.fromEntries(LABEL_ORDER.map((kind) => [kind, 0])) as Record<LabelKind, number>
  for (const row of rows) counts[labelKindOf(row)]++
  return counts
}

export function labelKindOf(row: MetricVerdict): LabelKind {
  return row.label?.kind ?? (row.status === 'pass' ? 'within threshold' : BY_STATUS[row.status])
}
