import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { coldFirstRun, DEFAULT_SINGLE_VALUE_RUNS, mergeRuns, plannedRuns } from '../../src/run/suite-repeats.js'
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
  test('a cold first run of one-value runs is found on a judged metric only, and only from three runs', () => {
    const runsOf = (means: number[], maxes: number[]) =>
      means.map((mean, i) => resultsWith({ 'fib(20)': { mean: { values: [mean], unit: 'ms' }, max: { values: [maxes[i]!], unit: 'ms' } } }))
    const judged = (_scenario: string, metric: string) => metric !== 'max'
    assert.equal(coldFirstRun(runsOf([13, 10, 10.1, 9.9, 10], [20, 20, 20, 20, 20]), judged), 'fib(20): mean 30% above the others')
    assert.equal(coldFirstRun(runsOf([10, 10, 10.1, 9.9, 10], [40, 20, 20, 20, 20]), judged), undefined, 'a cold max alone is not judged')
    assert.equal(coldFirstRun(runsOf([13, 10], [20, 20]), judged), undefined, 'two runs cannot tell')
    assert.equal(coldFirstRun(runsOf([8, 10, 10.1, 9.9, 10], [20, 20, 20, 20, 20]), judged), undefined, 'a faster first run is no warm-up')
    const ownRepeats = [13, 10, 10].map((first) => resultsWith({ a: { mean: { values: [first, 10, 10.1], unit: 'ms' } } }))
    assert.equal(coldFirstRun(ownRepeats, judged), undefined, "a tool's own repetitions are not runs")
  })
})
