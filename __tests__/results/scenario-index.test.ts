import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { scenariosByName } from '../../src/results/scenario-index.js'
import { evaluate } from '../../src/verdict/evaluate.js'
import { parseThresholdMap } from '../../src/config/thresholds.js'
import { around, resultsWith } from '../support/results-builder.js'

describe('scenarios by name', () => {
  test('built once per results object; the first scenario of a name wins, as find did', () => {
    const results = resultsWith({ a: { p95: { values: [1], unit: 'ms' } }, b: { p95: { values: [2], unit: 'ms' } } })
    results.scenarios.push({ ...results.scenarios[0]!, trials: [] })
    const index = scenariosByName(results)
    assert.equal(scenariosByName(results), index, 'the same index is reused')
    assert.equal(index.get('a'), results.scenarios[0])
    assert.equal(index.get('b')!.trials[0]!.metrics.p95!.value, 2)
    assert.equal(index.get('c'), undefined)
  })

  test('a verdict finds each scenario in every stored baseline whatever the scenario order', () => {
    const current = resultsWith({ s: { p95: { values: around(100, 5), unit: 'ms' } }, t: { p95: { values: around(10, 5), unit: 'ms' } } })
    const stored = [90, 100, 110].map((level) =>
      resultsWith({ t: { p95: { values: around(10, 5), unit: 'ms' } }, s: { p95: { values: around(level, 5), unit: 'ms' } } })
    )
    const rules = [{ metrics: parseThresholdMap({ p95: '+20%' }, 'test') }]
    const verdict = evaluate({ current, baseline: stored[0]!, history: stored, rules })
    const row = verdict.metrics.find((m) => m.scenario === 's' && m.metric === 'p95')!
    // History decides: the baseline arm is the median of scenario s's stored runs (90, 100, 110), never t's 10.
    assert.ok(Math.abs(row.baseline!.value - 100) < 1e-9, `baseline ${row.baseline!.value}: the stored runs of scenario s, not of t`)
  })
})
