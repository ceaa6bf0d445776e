/**
 * Trials that trend are not independent evidence. A server still warming up (JIT, caches, connection pools) makes
 * each trial faster than the last; averaging such trials measures the warm-up, not the code. Two checks on the
 * trial order, on log values:
 * - a rank trend test (Mann–Kendall, exact for untied data through the distribution of inversions) together with a
 *   size (Sen's slope over the run ≥ `MIN_DRIFT`), or every step between consecutive trials the same way and at
 *   least `MIN_DRIFT` (the only signal 3 trials can give: Mann–Kendall cannot reach significance below 5);
 * - the warm-up case: the first trial lies beyond all the others by at least `MIN_DRIFT` and twice the others' own
 *   range (so that noisy trials do not make one by chance), and the others do not trend. Dropping that one trial
 *   leaves steady trials.
 */
import { median } from 'simple-statistics'
import type { Direction } from '../results/model.js'

/** Smallest drift worth flagging, as a log change (about 10%): well above the few-% spread of steady trials. */
export const MIN_DRIFT = Math.log(1.1)

/** Two-sided Mann–Kendall p-value below which a monotone trend is taken as real. */
export const TREND_P = 0.01

export type TrialTrend =
  | { kind: 'steady' }
  /** The first trial stands apart from steady others, above or below them: a warm-up when that is the worse side. */
  | { kind: 'warm-up'; direction: 'up' | 'down' }
  /**
   * The trials drift up or down (their values, not better or worse); `span` is the drift over the whole run as a log
   * change (Sen's slope times the run's length, or first to last for the step rule).
   */
  | { kind: 'drift'; direction: 'up' | 'down'; span: number }

/** Mann–Kendall S: concordant minus discordant pairs in trial order (ties count 0). */
export function mannKendallS(values: number[]): number {
  let s = 0
  for (let i = 0; i < values.length; i++) for (let j = i + 1; j < values.length; j++) s += Math.sign(values[j]! - values[i]!)
  return s
}

/**
 * P(|S| ≥ |s|) for n untied values in random order. S = n(n−1)/2 − 2·inversions, and the number of permutations
 * with k inversions (Mahonian numbers) follows from a short recurrence, so the tail is exact at any n.
 */
export function mannKendallP(s: number, n: number): number {
  if (n < 2) return 1
  let counts = [1]
  for (let m = 2; m <= n; m++) {
    const next = new Array<number>(counts.length + m - 1).fill(0)
    for (let k = 0; k < counts.length; k++) for (let add = 0; add < m; add++) next[k + add]! += counts[k]!
    counts = next
  }
  const pairs = (n * (n - 1)) / 2
  const total = counts.reduce((a, b) => a + b, 0)
  let tail = 0
  counts.forEach((count, inversions) => {
    if (Math.abs(pairs - 2 * inversions) >= Math.abs(s)) tail += count
  })
  return tail / total
}

/** Sen's slope: the median of pairwise slopes, robust to one odd trial. */
export function senSlope(values: number[]): number {
  const slopes: number[] = []
  for (let i = 0; i < values.length; i++) for (let j = i + 1; j < values.length; j++) slopes.push((values[j]! - values[i]!) / (j - i))
  return slopes.length === 0 ? 0 : median(slopes)
}

type Drift = Omit<Extract<TrialTrend, { kind: 'drift' }>, 'kind'>

function driftOf(logs: number[]): Drift | undefined {
  const n = logs.length
  if (n < 3) return undefined
  const steps = logs.slice(1).map((x, i) => x - logs[i]!)
  const firstToLast = Math.abs(logs[n - 1]! - logs[0]!)
  if (steps.every((step) => step >= MIN_DRIFT)) return { direction: 'up', span: firstToLast }
  if (steps.every((step) => step <= -MIN_DRIFT)) return { direction: 'down', span: firstToLast }
  if (n < 5) return undefined
  const slope = senSlope(logs)
  const span = Math.abs(slope) * (n - 1)
  if (span < MIN_DRIFT || mannKendallP(mannKendallS(logs), n) > TREND_P) return undefined
  return { direction: slope > 0 ? 'up' : 'down', span }
}

/**
 * Above this many trials (formats that keep every sample as a trial: Julia BenchmarkTools, Criterion, BenchmarkDotNet
 * measurements), the trend is tested on this many consecutive block means: the exact Mann–Kendall tail and Sen's
 * slope grow faster than n² (10,000 samples took minutes), and a drift over the run shows in block means as well.
 */
export const MAX_TREND_POINTS = 64

/** Means of `blocks` consecutive, nearly equal groups of `logs`, in order. */
function blockMeans(logs: number[], blocks: number): number[] {
  const means: number[] = []
  for (let b = 0; b < blocks; b++) {
    const start = Math.floor((b * logs.length) / blocks)
    const end = Math.floor(((b + 1) * logs.length) / blocks)
    let sum = 0
    for (let i = start; i < end; i++) sum += logs[i]!
    means.push(sum / (end - start))
  }
  return means
}

/** Whether a side's trials (positive values, in trial order) are steady, warming up, or drifting. */
export function trialTrend(values: number[]): TrialTrend {
  if (values.length < 3 || values.some((v) => !(v > 0))) return { kind: 'steady' }
  if (values.length > MAX_TREND_POINTS) {
    // Many samples: only a drift over the run is looked for (one cold sample among thousands moves nothing).
    const drift = driftOf(blockMeans(values.map(Math.log), MAX_TREND_POINTS))
    return drift ? { kind: 'drift', ...drift } : { kind: 'steady' }
  }
  const logs = values.map(Math.log)
  const rest = logs.slice(1)
  const first = logs[0]!
  const gap = Math.max(MIN_DRIFT, 2 * (Math.max(...rest) - Math.min(...rest)))
  const above = first - Math.max(...rest) >= gap
  const below = Math.min(...rest) - first >= gap
  const drift = driftOf(logs)
  // The first trial alone is off (the others steady, and enough of them to tell): a warm-up that one trial absorbed.
  if ((above || below) && !driftOf(rest) && (!drift || rest.length >= 3)) return { kind: 'warm-up', direction: above ? 'up' : 'down' }
  return drift ? { kind: 'drift', ...drift } : { kind: 'steady' }
}

/**
 * A run's trials without a cold first one: a first trial that stands apart from steady others on the worse side is a
 * warm-up and is set aside; one on the better side is kept (a cold start only ever slows). `trend`: the trials'
 * trend, when the caller has it already.
 */
export function withoutWarmUp(values: number[], direction: Direction, trend: TrialTrend = trialTrend(values)): number[] {
  return trend.kind === 'warm-up' && (trend.direction === 'up') === (direction === 'lower') ? values.slice(1) : values
}

/**
 * One number for a run: the median of its trials, a cold first trial set aside (`withoutWarmUp`). The verdict on
 * stored history, the trend, the history table and absolute budgets all use it, so that a run reads the same
 * wherever it is shown.
 */
export function runLevel(values: number[], direction: Direction): number {
  return median(withoutWarmUp(values, direction))
}
