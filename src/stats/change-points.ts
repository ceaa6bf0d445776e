/**
 * Change points in a series of stored runs: windowed E-Divisive means with a Student's t significance test, as
 * Apache Otava (formerly Hunter; Fleming et al., ICPE 2023, https://doi.org/10.1145/3578244.3583719) does it:
 * split each window recursively at the point that maximises the energy-distance statistic Q̂ (Matteson & James 2014)
 * while the t-test between the two neighbouring segments is significant at 10× the target p, then merge away the
 * weak points (p above the target, a step smaller than the minimum magnitude, or optionally a segment shorter than a
 * minimum), recomputing the neighbours each time.
 * No maintained JS implementation exists (npm has none of E-Divisive / Otava), so this is a port of Otava's
 * algorithm, tested against its published test series. Pure: no I/O, imports nothing above stats.
 */
import tCdf from '@stdlib/stats-base-dists-t-cdf'

export interface ChangePoint {
  /** Index of the first value of the new level (the run where the step starts). */
  index: number
  /** Two-sided p-value of Student's t between the segments on either side (as Otava computes it). */
  pValue: number
  /** Means of the segments before and after (between the neighbouring change points). */
  meanBefore: number
  meanAfter: number
  /** meanAfter / meanBefore − 1. */
  change: number
}

/** p-value a reported step must reach (Otava's default). */
export const STEP_MAX_P = 0.001
/** Runs on each side of a reported step: one shocked run is not a step (docs/history.md). */
export const STEP_MIN_RUNS = 3

export interface ChangePointOptions {
  /** Sliding window length of the split step (Otava's default 50). */
  windowLength?: number
  /** Largest p-value a change point may have (Otava's default 0.001). */
  maxPValue?: number
  /** Smallest relative step kept, as max(|after/before − 1|, |before/after − 1|) (Otava's min_magnitude). */
  minMagnitude?: number
  /**
   * Fewest runs on each side of a kept change point (1 = Otava). A run hit by a one-sided shock makes a one-run
   * segment that the t-test finds significant; asking for a few runs after the step trades delay for false points.
   */
  minSegment?: number
}

interface Segment {
  start: number
  end: number
}

interface Candidate {
  index: number
  qHat: number
}

/** Column prefix sums of |x_i − x_j|: prefix[i][j] = Σ_{i' < i} |x_i' − x_j|, so any block sum is O(1). */
function distancePrefix(series: readonly number[]): Float64Array[] {
  const n = series.length
  const prefix: Float64Array[] = [new Float64Array(n)]
  for (let i = 0; i < n; i++) {
    const row = new Float64Array(n)
    const previous = prefix[i]!
    for (let j = 0; j < n; j++) row[j] = previous[j]! + Math.abs(series[i]! - series[j]!)
    prefix.push(row)
  }
  return prefix
}

/**
 * The split of series[start, end) that maximises Q̂(X, Y) over X = [start, τ), Y = [τ, κ), start < τ < κ ≤ end:
 * Q̂ = 2/(m+n)·ΣΣ|X−Y| − 2m/((m+n)(n−1))·Σ|X−X'| − 2n/((m+n)(m−1))·Σ|Y−Y'|. Ties and non-positive maxima resolve as
 * Otava's argmax over its upper-triangular Q matrix does (first maximum in row-major order, zeros below the diagonal).
 */
export function bestSplit(series: readonly number[], segment: Segment, prefix = distancePrefix(series)): Candidate {
  const { start, end } = segment
  const between = (from: number, to: number, column: number) => prefix[to]![column]! - prefix[from]![column]!
  let best: Candidate = { index: start + 1, qHat: Number.NEGATIVE_INFINITY }
  let withinX = 0
  for (let tau = start + 1; tau < end; tau++) {
    if (tau > start + 1) withinX += between(start, tau - 1, tau - 1)
    const n = tau - start
    let across = 0
    let withinY = 0
    for (let kappa = start + 2; kappa <= end; kappa++) {
      let q = 0
      if (kappa > tau) {
        const last = kappa - 1
        across += between(start, tau, last)
        withinY += between(tau, last, last)
        const m = kappa - tau
        q = (2 / (m + n)) * across - (n > 1 ? ((2 * m) / ((m + n) * (n - 1))) * withinX : 0) - (m > 1 ? ((2 * n) / ((m + n) * (m - 1))) * withinY : 0)
      }
      if (q > best.qHat) best = { index: tau, qHat: q }
    }
  }
  return best
}

function mean(values: readonly number[]): number {
  let sum = 0
  for (const value of values) sum += value
  return sum / values.length
}

/** Population standard deviation (numpy's default, which Otava passes on to scipy as if it were the sample one). */
function populationSd(values: readonly number[], average: number): number {
  if (values.length < 2) return 0
  let sum = 0
  for (const value of values) sum += (value - average) ** 2
  return Math.sqrt(sum / values.length)
}

/** Two-sided pooled-variance t-test from summary statistics, as Otava's TTestSignificanceTester.compare does. */
export function compareSegments(left: readonly number[], right: readonly number[]): { pValue: number; meanBefore: number; meanAfter: number } {
  if (left.length === 0 || right.length === 0) throw new RangeError('change points: a segment is empty')
  const meanBefore = mean(left)
  const meanAfter = mean(right)
  const n1 = left.length
  const n2 = right.length
  if (n1 + n2 <= 2) return { pValue: 1, meanBefore, meanAfter }
  const sd1 = populationSd(left, meanBefore)
  const sd2 = populationSd(right, meanAfter)
  const df = n1 + n2 - 2
  const pooled = ((n1 - 1) * sd1 ** 2 + (n2 - 1) * sd2 ** 2) / df
  const t = (meanBefore - meanAfter) / Math.sqrt(pooled * (1 / n1 + 1 / n2))
  // 0/0 (two identical flat segments) is no evidence; x/0 with different means is certain.
  const pValue = Number.isNaN(t) ? Number.NaN : 2 * tCdf(-Math.abs(t), df)
  return { pValue, meanBefore, meanAfter }
}

function segmentsBetween(indexes: readonly number[], start: number, end: number): Segment[] {
  const bounds = [start, ...indexes, end]
  const segments: Segment[] = []
  for (let i = 0; i + 1 < bounds.length; i++) if (bounds[i] !== bounds[i + 1]) segments.push({ start: bounds[i]!, end: bounds[i + 1]! })
  return segments
}

/** Statistics of the point at `index` against its neighbouring points (or the ends of the series). */
function statsAt(series: readonly number[], index: number, sortedIndexes: readonly number[]): ChangePoint {
  const position = sortedIndexes.indexOf(index)
  const from = position > 0 ? sortedIndexes[position - 1]! : 0
  const to = position >= 0 && position + 1 < sortedIndexes.length ? sortedIndexes[position + 1]! : series.length
  const { pValue, meanBefore, meanAfter } = compareSegments(series.slice(from, index), series.slice(index, to))
  return { index, pValue, meanBefore, meanAfter, change: meanBefore === 0 ? 0 : meanAfter / meanBefore - 1 }
}

/**
 * E-Divisive with the t-test, unwindowed, over series[start, end): keep splitting the segment with the largest Q̂ while
 * the t-test between the two halves of that segment gives p ≤ maxPValue. Returns sorted absolute indexes.
 */
export function eDivisive(series: readonly number[], maxPValue: number, start = 0, end = series.length): number[] {
  const window = series.slice(start, end)
  const prefix = distancePrefix(window)
  const found: number[] = []
  for (;;) {
    const segments = segmentsBetween(found, 0, window.length).filter((segment) => segment.end - segment.start > 1)
    if (segments.length === 0) break
    let candidate: Candidate | undefined
    let home: Segment | undefined
    for (const segment of segments) {
      const split = bestSplit(window, segment, prefix)
      if (candidate === undefined || split.qHat > candidate.qHat) {
        candidate = split
        home = segment
      }
    }
    const { pValue } = compareSegments(window.slice(home!.start, candidate!.index), window.slice(candidate!.index, home!.end))
    if (!(pValue <= maxPValue)) break
    found.push(candidate!.index)
    found.sort((a, b) => a - b)
  }
  return found.map((index) => index + start)
}

function magnitude(point: ChangePoint): number {
  if (point.meanBefore === 0 || point.meanAfter === 0) return 0
  return Math.max(Math.abs(point.meanAfter / point.meanBefore - 1), Math.abs(point.meanBefore / point.meanAfter - 1))
}

/**
 * Otava's compute_change_points: the split step over sliding windows (half-window steps) at a relaxed p
 * (10× below 0.05), then the merge step at maxPValue and minMagnitude.
 */
export function detectChangePoints(series: readonly number[], options: ChangePointOptions = {}): ChangePoint[] {
  const windowLength = options.windowLength ?? 50
  const maxPValue = options.maxPValue ?? 0.001
  const minMagnitude = options.minMagnitude ?? 0
  const minSegment = options.minSegment ?? 1
  if (!(windowLength >= 2)) throw new RangeError(`change points: window length ${windowLength} must be at least 2`)
  for (const [i, value] of series.entries()) if (!Number.isFinite(value)) throw new RangeError(`change points: value ${i} is ${value}, not a finite number`)
  const firstPassPValue = maxPValue < 0.05 ? maxPValue * 10 : maxPValue < 0.5 ? maxPValue * 2 : maxPValue
  const step = Math.floor(windowLength / 2)
  const weak = new Set<number>()
  for (let start = 0; start < series.length;) {
    const end = Math.min(start + windowLength, series.length)
    const found = eDivisive(series, firstPassPValue, start, end)
    for (const index of found) weak.add(index)
    start = Math.max(found.at(-1) ?? 0, start + step)
  }
  const indexes = [...weak].sort((a, b) => a - b)
  const points = indexes.map((index) => statsAt(series, index, indexes))
  // Merge: drop the weakest point (among points next to a too-short segment if any, the largest p if any is above the
  // target, else the smallest step below the minimum)
  // and recompute its two neighbours against their new neighbours, until every point is strong.
  const segmentOf = (at: number) =>
    Math.min(points[at]!.index - (at > 0 ? points[at - 1]!.index : 0), (at + 1 < points.length ? points[at + 1]!.index : series.length) - points[at]!.index)
  while (points.length > 0) {
    const short = points.filter((_, at) => segmentOf(at) < minSegment)
    let weakest = (short.length > 0 ? short : points).reduce((worst, point) => (!(point.pValue <= worst.pValue) ? point : worst))
    if (short.length === 0 && weakest.pValue < maxPValue) {
      weakest = points.reduce((least, point) => (magnitude(point) < magnitude(least) ? point : least))
      if (magnitude(weakest) > minMagnitude) break
    }
    const at = points.indexOf(weakest)
    points.splice(at, 1)
    const remaining = points.map((point) => point.index)
    for (const neighbour of [at, at + 1]) if (neighbour < points.length) points[neighbour] = statsAt(series, points[neighbour]!.index, remaining)
  }
  return points
}
