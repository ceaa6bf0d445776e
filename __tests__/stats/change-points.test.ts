import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { bestSplit, compareSegments, detectChangePoints, eDivisive } from '../../src/stats/change-points.js'

// Test series from Apache Otava's public repository (tests/change_point_divisive_test.py, tests/analysis_test.py,
// tests/resources/sample.csv), with the results Otava's own tests expect.
const otavaSequence = [0.3, 2.4, 1.5, -0.9, -0.5, 99.7, 98.3, 99.1, 149.0, 149.7, 149.5, 149.1, 148.8, 150.0]
const otavaSingleSeries = [1.02, 0.95, 0.99, 1.0, 1.12, 1.0, 1.01, 0.98, 1.01, 0.96, 0.5, 0.51, 0.48, 0.48, 0.55, 0.5, 0.49, 0.51, 0.5, 0.49]
const otavaSampleMetric1 = [154023, 138455, 143112, 149190, 132098, 151344, 155145, 148889, 149466, 148209]
const otavaSampleMetric2 = [10.43, 10.23, 10.29, 10.91, 10.34, 10.69, 9.23, 9.11, 9.13, 9.03]

/** Otava's compute_Q_and_candidate_slow: the Q̂ statistic by its definition, every split, no shortcuts. */
function slowBestSplit(sequence: number[]): { index: number; qHat: number } {
  let best = { index: -1, qHat: 0 }
  for (let tau = 1; tau < sequence.length; tau++) {
    for (let kappa = tau + 1; kappa <= sequence.length; kappa++) {
      const x = sequence.slice(0, tau)
      const y = sequence.slice(tau, kappa)
      const n = x.length
      const m = y.length
      let a = 0
      for (const xi of x) for (const yj of y) a += Math.abs(xi - yj)
      let b = 0
      for (let i = 0; i < n; i++) for (let k = i + 1; k < n; k++) b += Math.abs(x[i]! - x[k]!)
      let c = 0
      for (let j = 0; j < m; j++) for (let k = j + 1; k < m; k++) c += Math.abs(y[j]! - y[k]!)
      const q = (2 / (m + n)) * a - (n > 1 ? ((2 * m) / (m + n) / (n - 1)) * b : 0) - (m > 1 ? ((2 * n) / (m + n) / (m - 1)) * c : 0)
      if (q > best.qHat) best = { index: tau, qHat: q }
    }
  }
  return best
}

function seeded(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function noisy(levels: number[], noise: number, seed: number): number[] {
  const random = seeded(seed)
  return levels.map((level) => {
    const gaussian = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())
    return level * Math.exp(noise * gaussian)
  })
}

describe('change points: Otava’s published test series', () => {
  test('the Q̂ split matches the statistic computed by its definition', () => {
    const fast = bestSplit(otavaSequence, { start: 0, end: otavaSequence.length })
    const slow = slowBestSplit(otavaSequence)
    assert.equal(fast.index, slow.index)
    assert.ok(Math.abs(fast.qHat - slow.qHat) < 1e-9 * slow.qHat, `${fast.qHat} vs ${slow.qHat}`)
    const random = noisy(
      Array.from({ length: 23 }, (_, i) => (i < 9 ? 10 : 13)),
      0.1,
      7
    )
    const [fastRandom, slowRandom] = [bestSplit(random, { start: 0, end: random.length }), slowBestSplit(random)]
    assert.equal(fastRandom.index, slowRandom.index)
    assert.ok(Math.abs(fastRandom.qHat - slowRandom.qHat) < 1e-9 * slowRandom.qHat)
  })
  test('E-Divisive with the t-test finds both steps of the sequence (test_ttest: [5, 8])', () => {
    assert.deepEqual(eDivisive(otavaSequence, 0.01), [5, 8])
  })
  test('the windowed detector finds the one step of test_single_series at index 10', () => {
    assert.deepEqual(
      detectChangePoints(otavaSingleSeries, { windowLength: 10, maxPValue: 0.0001 }).map((point) => point.index),
      [10]
    )
  })
  test('the significance test (test_significance_tester)', () => {
    const same = compareSegments([1.0, 1.02, 1.05, 0.95, 0.98], [1.0, 1.02, 1.05, 0.95, 0.98])
    assert.ok(same.pValue > 0.99 && same.pValue < 1.01, `${same.pValue}`)
    const lower = compareSegments([1.0, 1.02, 1.05, 0.95, 0.98], [0.8, 0.82, 0.85, 0.79, 0.77])
    assert.ok(lower.pValue > 0 && lower.pValue < 0.001, `${lower.pValue}`)
  })
  test('sample.csv at Otava’s defaults: metric2 drops 12.9 % at aaa6, metric1 has no change point', () => {
    const points = detectChangePoints(otavaSampleMetric2)
    assert.deepEqual(
      points.map((point) => point.index),
      [6]
    )
    assert.equal((points[0]!.change * 100).toFixed(1), '-12.9')
    assert.ok(points[0]!.pValue <= 0.001)
    assert.deepEqual(detectChangePoints(otavaSampleMetric1), [])
  })
})

describe('change points: hand-made series', () => {
  test('a flat series and a constant series have none', () => {
    assert.deepEqual(detectChangePoints(Array.from({ length: 40 }, () => 100)), [])
    assert.deepEqual(
      detectChangePoints(
        noisy(
          Array.from({ length: 50 }, () => 100),
          0.03,
          11
        )
      ),
      []
    )
  })
  test('a +20 % step with 3 % noise is found where it starts, with its size', () => {
    const series = noisy(
      Array.from({ length: 40 }, (_, i) => (i < 25 ? 100 : 120)),
      0.03,
      3
    )
    const points = detectChangePoints(series, { minMagnitude: 0.1 })
    assert.deepEqual(
      points.map((point) => point.index),
      [25]
    )
    assert.ok(Math.abs(points[0]!.change - 0.2) < 0.04, `${points[0]!.change}`)
    assert.ok(points[0]!.meanAfter > points[0]!.meanBefore)
  })
  test('the minimum magnitude drops a real but small step; two big steps are both found', () => {
    const small = noisy(
      Array.from({ length: 60 }, (_, i) => (i < 30 ? 100 : 104)),
      0.005,
      5
    )
    assert.deepEqual(
      detectChangePoints(small, { minMagnitude: 0.02 }).map((point) => point.index),
      [30]
    )
    assert.deepEqual(detectChangePoints(small, { minMagnitude: 0.1 }), [])
    const twoSteps = noisy(
      Array.from({ length: 70 }, (_, i) => (i < 20 ? 100 : i < 45 ? 130 : 90)),
      0.02,
      9
    )
    assert.deepEqual(
      detectChangePoints(twoSteps, { minMagnitude: 0.1 }).map((point) => point.index),
      [20, 45]
    )
  })
  test('a window longer than the series and steps across window edges', () => {
    const series = noisy(
      Array.from({ length: 120 }, (_, i) => (i < 37 ? 50 : i < 80 ? 70 : 50)),
      0.02,
      13
    )
    assert.deepEqual(
      detectChangePoints(series, { windowLength: 30, minMagnitude: 0.1 }).map((point) => point.index),
      [37, 80]
    )
    assert.deepEqual(detectChangePoints([5, 5]), [])
    assert.deepEqual(detectChangePoints([]), [])
  })
  test('bad input is refused with the position', () => {
    assert.throws(() => detectChangePoints([1, Number.NaN, 2]), /value 1 is NaN/)
    assert.throws(() => detectChangePoints([1, 2], { windowLength: 1 }), /window length 1/)
  })
})

describe('change points: the minimum segment', () => {
  test('one run hit by a shock makes a one-run segment at the default (Otava) but not with three runs a side', () => {
    const series = noisy(
      Array.from({ length: 40 }, () => 100),
      0.01,
      21
    )
    series[39] = 160
    assert.deepEqual(
      detectChangePoints(series, { minMagnitude: 0.1 }).map((point) => point.index),
      [39]
    )
    assert.deepEqual(detectChangePoints(series, { minMagnitude: 0.1, minSegment: 3 }), [])
    series[25] = 170
    assert.deepEqual(detectChangePoints(series, { minMagnitude: 0.1, minSegment: 3 }), [])
  })
  test('a step held for three runs is kept with three runs a side', () => {
    const series = noisy(
      Array.from({ length: 40 }, (_, i) => (i < 37 ? 100 : 125)),
      0.01,
      22
    )
    assert.deepEqual(
      detectChangePoints(series, { minMagnitude: 0.1, minSegment: 3 }).map((point) => point.index),
      [37]
    )
    assert.deepEqual(detectChangePoints(series.slice(0, 39), { minMagnitude: 0.1, minSegment: 3 }), [])
  })
})
