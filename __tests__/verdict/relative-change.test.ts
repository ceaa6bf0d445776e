import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { parseThresholdMap } from '../../src/config/thresholds.js'
import { formatValue } from '../../src/report/format-cells.js'
import type { Results } from '../../src/results/model.js'
import { evaluate } from '../../src/verdict/evaluate.js'
import { formatConfidence } from '../../src/verdict/relative-change.js'

function results(values: number[]): Results {
  return {
    schemaVersion: 1,
    scenarios: [{ name: 'GET /a', trials: values.map((value) => ({ metrics: { p95: { value, unit: 'ms', direction: 'lower' as const } } })) }]
  }
}

describe('trials set aside are counted, not hidden', () => {
  test('an outlying trial the estimate set aside shows as "4 of 5×" in the cell and in the JSON arm', () => {
    const verdict = evaluate({
      current: results([120, 121, 119, 120, 190]),
      baseline: results([100, 101, 99, 100.5, 99.5]),
      history: [],
      rules: [{ metrics: parseThresholdMap({ p95: '+10%' }, 'test') }],
      sameMachine: true
    })
    const row = verdict.metrics[0]!
    assert.equal(row.current?.used, 4, JSON.stringify(row.current))
    assert.equal(row.baseline?.used, undefined, 'a side that used every trial says nothing more')
    assert.match(formatValue(row, 'current'), /\(4 of 5×\)$/)
    assert.match(formatValue(row, 'baseline'), /\(5×\)$/)
    assert.equal(row.change?.used?.current, 4)
  })
})

describe('confidence wording', () => {
  test('a split confidence is never rounded up to 100%', () => {
    assert.equal(formatConfidence(0.9933), '99.3%')
    assert.equal(formatConfidence(0.98), '98%')
    assert.equal(formatConfidence(0.99996), '99.996%')
    assert.equal(formatConfidence(0.9999999), '> 99.99%')
  })
})
