import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { DEFAULT_SINGLE_VALUE_RUNS, mergeRuns, plannedRuns } from '../../src/run/suite-repeats.js'
import { resultsWith } from '../support/results-builder.js'

describe('suite repeats', () => {
  test("runs' trials are concatenated per scenario, in run order; a format's own repeats are kept", () => {
    const first = resultsWith({ a: { p95: { values: [1, 2], unit: 'ms' } }, b: { p95: { values: [5], unit: 'ms' } } })
    const second = resultsWith({ a: { p95: { values: [3, 4], unit: 'ms' } }, c: { p95: { values: [9], unit: 'ms' } } })
    const merged = mergeRuns([first, second])
    assert.deepEqual(
      merged.scenarios.map((s) => s.name),
      ['a', 'b', 'c']
    )
    assert.deepEqual(
      merged.scenarios[0]!.trials.map((t) => t.metrics.p95!.value),
      [1, 2, 3, 4]
    )
    assert.equal(first.scenarios[0]!.trials.length, 2, 'the first run is not mutated')
  })

  test('unset repeat: five runs when a run gives one value per benchmark, else one; a configured count is kept', () => {
    const single = resultsWith({ a: { mean: { values: [1], unit: 'ms' } } })
    const repeated = resultsWith({ a: { mean: { values: [1, 2, 3], unit: 'ms' } } })
    assert.equal(plannedRuns(undefined, single), DEFAULT_SINGLE_VALUE_RUNS)
    assert.equal(DEFAULT_SINGLE_VALUE_RUNS, 5)
    assert.equal(plannedRuns(undefined, repeated), 1)
    assert.equal(plannedRuns(1, single), 1)
    assert.equal(plannedRuns(3, repeated), 3)
  })
})
