import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { badnessOf, decide, describeRatio, describeRatioInterval, tooNoisyFor, worseLimitLog } from '../../src/stats/decision-rule.js'

const limit = Math.log(1.1)
const floor = Math.log(1.03)
const at = (estimate: number, low: number, high: number) => decide({ estimate: Math.log(estimate), low: Math.log(low), high: Math.log(high) }, limit, floor)

describe('the decision rule', () => {
  test('fail needs both the size and the certainty', () => {
    assert.equal(at(1.2, 1.08, 1.3), 'regressed')
    assert.equal(at(1.2, 1.02, 1.4), 'undecided', 'big but not surely beyond the noise floor')
    assert.equal(at(1.06, 1.04, 1.08), 'within', 'surely worse, but surely not by the threshold')
    assert.equal(at(1.09, 1.05, 1.12), 'undecided', 'surely worse, may reach the threshold, estimate below it')
  })
  test('pass when the interval rules the threshold out; improved when it is surely better', () => {
    assert.equal(at(1.0, 0.95, 1.05), 'within')
    assert.equal(at(0.8, 0.75, 0.85), 'improved')
    assert.equal(at(0.99, 0.975, 0.995), 'within', 'better by less than the floor is just within')
  })
  test('higher-is-better metrics: a drop is the bad direction, and -20% means a drop by a fifth', () => {
    assert.ok(Math.abs(worseLimitLog(0.2, 'higher') + Math.log(0.8)) < 1e-12)
    assert.equal(worseLimitLog(1, 'higher'), Number.POSITIVE_INFINITY)
    const bounds = { strict: { low: Math.log(0.6), high: Math.log(0.75) }, pass: { low: Math.log(0.62), high: Math.log(0.73) } }
    const badness = badnessOf(Math.log(0.7), bounds, 'higher')
    assert.equal(decide(badness, worseLimitLog(0.2, 'higher'), floor), 'regressed')
    assert.equal(badness.low, -Math.log(0.75), 'the strict bound on the worse side')
  })
  test('the noise guard: an interval wider than the threshold cannot answer it', () => {
    assert.equal(tooNoisyFor({ estimate: 0, low: -0.2, high: 0.2 }, limit), true)
    assert.equal(tooNoisyFor({ estimate: 0, low: -0.05, high: 0.05 }, limit), false)
  })
  test("changes worded in the metric's own terms", () => {
    assert.equal(describeRatio(1.234), '23.4% higher')
    assert.equal(describeRatio(0.5), '50.0% lower')
    assert.equal(describeRatio(3), '200% higher')
    assert.equal(describeRatio(1.0001), 'unchanged')
    assert.equal(describeRatioInterval(0.97, 1.081), '−3.0% … +8.1%')
  })
})
