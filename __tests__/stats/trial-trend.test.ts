import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mannKendallP, mannKendallS, runLevel, senSlope, trialTrend, withoutWarmUp } from '../../src/stats/trial-trend.js'

describe("trend across a side's trials", () => {
  test("a run's level: the median, a cold first trial set aside on the worse side only", () => {
    assert.deepEqual(withoutWarmUp([14, 10.1, 10.2, 10], 'lower'), [10.1, 10.2, 10])
    assert.deepEqual(withoutWarmUp([14, 10.1, 10.2, 10], 'higher'), [14, 10.1, 10.2, 10], 'a higher rate first is no warm-up')
    assert.equal(runLevel([14, 10.1, 10.2, 10], 'lower'), 10.1)
    assert.equal(runLevel([700, 1000, 1010, 990], 'higher'), 1000, 'a slow first rate is one')
    assert.equal(runLevel([10.4, 10.5, 10.3], 'lower'), 10.4, 'steady: the median')
    assert.equal(runLevel([14, 10], 'lower'), 12, 'two trials cannot tell a warm-up')
  })

  test('Mann–Kendall: S and its exact two-sided p-value', () => {
    assert.equal(mannKendallS([1, 2, 3, 4, 5]), 10)
    assert.equal(mannKendallS([5, 4, 3, 2, 1]), -10)
    assert.equal(mannKendallS([1, 3, 2]), 1)
    // 5 values: only the 2 perfectly ordered of 120 permutations reach |S| = 10.
    assert.equal(mannKendallP(10, 5), 2 / 120)
    // |S| ≥ 8: one inversion or fewer from either order: (1 + 4) · 2 of 120.
    assert.equal(mannKendallP(8, 5), 10 / 120)
    assert.equal(mannKendallP(0, 4), 1)
    // Against brute force: every permutation of 6 values.
    const permutations = (items: number[]): number[][] =>
      items.length <= 1 ? [items] : items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]))
    const all = permutations([1, 2, 3, 4, 5, 6]).map(mannKendallS)
    for (const s of [1, 5, 9, 13, 15]) assert.equal(mannKendallP(s, 6), all.filter((x) => Math.abs(x) >= s).length / all.length, `|S| ≥ ${s}`)
    assert.equal(senSlope([1, 2, 3, 4, 20]), 1, 'one wild trial does not move it')
  })
  test('steady, warm-up and drift', () => {
    assert.deepEqual(trialTrend([100, 102, 99, 101, 100]), { kind: 'steady' })
    assert.deepEqual(trialTrend([100, 103]), { kind: 'steady' }, 'two trials cannot trend')
    assert.deepEqual(
      trialTrend([1929, 3178, 4738]),
      { kind: 'drift', direction: 'up', span: Math.log(4738) - Math.log(1929) },
      'three trials each 10%+ beyond the last'
    )
    assert.deepEqual(trialTrend([150, 100, 101]), { kind: 'warm-up', direction: 'up' }, 'a first trial apart from two that agree')
    assert.deepEqual(trialTrend([60, 95, 100, 98, 101]), { kind: 'warm-up', direction: 'down' })
    assert.deepEqual(trialTrend([112, 90, 100, 95, 104]), { kind: 'steady' }, 'apart by 10%, but not by twice the spread of the others')
    const monotone = trialTrend([100, 106, 112, 119, 127, 134])
    assert.equal(monotone.kind, 'drift', 'monotone, significant and 30% in all')
    assert.equal(monotone.kind === 'drift' && monotone.direction, 'up')
    assert.ok(monotone.kind === 'drift' && Math.abs(monotone.span - Math.log(1.34)) < 0.02, 'the span is the drift over the run')
    assert.deepEqual(trialTrend([100, 101, 102, 103, 104]), { kind: 'steady' }, 'a significant but small drift (4%) is noise-sized')
    assert.deepEqual(trialTrend([100, 0, 101]), { kind: 'steady' }, 'non-positive values are not judged')
  })
})

describe('many trials', () => {
  test('10,000 samples are judged on block means (the exact test on them would not finish): steady noise is steady, a drift over the run is a drift', () => {
    let seed = 7
    const noise = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return 1 + 0.02 * (seed / 2 ** 31 - 0.5)
    }
    const steady = Array.from({ length: 10_000 }, () => 100 * noise())
    const drifting = Array.from({ length: 10_000 }, (_, i) => 100 * (1 + (0.3 * i) / 10_000) * noise())
    assert.deepEqual(trialTrend(steady), { kind: 'steady' })
    const drift = trialTrend(drifting)
    assert.equal(drift.kind === 'drift' && drift.direction, 'up')
    assert.ok(drift.kind === 'drift' && Math.abs(drift.span - Math.log(1.3)) < 0.03, `span ${JSON.stringify(drift)}`)
  })
})
