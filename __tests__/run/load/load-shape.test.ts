/** The arithmetic of load stages: targets, when a user may send, a ramping rate's due times, the measured parts. */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { LoadShapeSettings } from '../../../src/config/settings.js'
import { describeShape } from '../../../src/config/load-shape-settings.js'
import { dueSeconds, nextActiveTime, planShape, targetAt } from '../../../src/run/load/load-shape.js'

const users = (stages: Array<[number, number]>, measure: 'steady' | 'all' = 'steady'): LoadShapeSettings => ({
  unit: 'users',
  stages: stages.map(([durationSeconds, target]) => ({ durationSeconds, target })),
  measure
})

describe('load shape', () => {
  const ramp = users([
    [10, 50],
    [30, 50],
    [5, 100],
    [20, 100],
    [5, 0]
  ])

  test('targets ramp linearly from the previous stage (0 before the first)', () => {
    assert.equal(targetAt(ramp, 0), 0)
    assert.equal(targetAt(ramp, 5), 25)
    assert.equal(targetAt(ramp, 10), 50)
    assert.equal(targetAt(ramp, 42.5), 75)
    assert.equal(targetAt(ramp, 67.5), 50)
    assert.equal(targetAt(ramp, 99), 0)
  })

  test('the steady stages are measured, one part per level; measure: all is one part over the whole trial', () => {
    assert.deepEqual(planShape(ramp), {
      totalSeconds: 70,
      peak: 100,
      parts: [50, 100],
      windows: [
        { fromSeconds: 10, toSeconds: 40, part: 0 },
        { fromSeconds: 45, toSeconds: 65, part: 1 }
      ]
    })
    // Adjacent steady stages join; a level held twice is one part.
    const twice = planShape(
      users([
        [1, 5],
        [2, 5],
        [3, 5],
        [1, 9],
        [1, 5],
        [4, 5]
      ])
    )
    assert.deepEqual(twice.parts, [5])
    assert.deepEqual(
      twice.windows.map((w) => [w.fromSeconds, w.toSeconds]),
      [
        [1, 6],
        [8, 12]
      ]
    )
    assert.deepEqual(planShape({ ...ramp, measure: 'all' }).windows, [{ fromSeconds: 0, toSeconds: 70, part: 0 }])
    // A shard's share keeps the configured levels as the names of its parts.
    assert.deepEqual(
      planShape({
        ...users([
          [1, 17],
          [2, 17]
        ]),
        configuredTargets: [50, 50]
      }).parts,
      [50]
    )
  })

  test('user n sends once the ramp reaches n, stops when it falls below, and never again after the end', () => {
    assert.equal(nextActiveTime(ramp, 1, 0), 0.2)
    assert.equal(nextActiveTime(ramp, 50, 0), 10)
    assert.equal(nextActiveTime(ramp, 75, 0), 42.5)
    assert.equal(nextActiveTime(ramp, 75, 50), 50)
    // The ramp down (100→0 from 65 s to 70 s): user 60 sends until 67 s and does not come back.
    assert.equal(nextActiveTime(ramp, 60, 66.1), 66.1)
    assert.equal(nextActiveTime(ramp, 60, 67.5), undefined)
    assert.equal(nextActiveTime(ramp, 101, 0), undefined)
  })

  test('a ramping rate: due times follow the integral of the rate; a constant rate is k / rate', () => {
    const rate: LoadShapeSettings = {
      unit: 'rate',
      stages: [
        { durationSeconds: 10, target: 100 },
        { durationSeconds: 10, target: 100 },
        { durationSeconds: 10, target: 0 }
      ],
      measure: 'steady'
    }
    // 0→100 req/s over 10 s asks for 500 requests: request k at sqrt(k / 5) s.
    assert.equal(dueSeconds(rate, 0), 0)
    assert.ok(Math.abs(dueSeconds(rate, 125) - 5) < 1e-9)
    assert.ok(Math.abs(dueSeconds(rate, 500) - 10) < 1e-9)
    assert.ok(Math.abs(dueSeconds(rate, 600) - 11) < 1e-9, 'then 100 per second')
    // Ramp down 100→0 over 10 s asks for 500 more: half of them (250) in the first 2.93 s.
    assert.ok(Math.abs(dueSeconds(rate, 1750) - (20 + 10 * (1 - Math.SQRT1_2))) < 1e-6)
    assert.equal(dueSeconds(rate, 2000), Number.POSITIVE_INFINITY)
    const constant: LoadShapeSettings = {
      unit: 'rate',
      stages: [
        { durationSeconds: 0.001, target: 40 },
        { durationSeconds: 5, target: 40 }
      ],
      measure: 'steady'
    }
    assert.ok(Math.abs(dueSeconds(constant, 41) - (0.001 + (41 - 0.02) / 40)) < 1e-9)
  })

  test('the shape in words marks what is measured', () => {
    assert.equal(describeShape(ramp), '0→50 users in 10s, 50 users for 30s (measured), 50→100 users in 5s, 100 users for 20s (measured), 100→0 users in 5s')
  })
})
