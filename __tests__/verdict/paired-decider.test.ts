import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { createPairedDecider, type ConfirmTarget } from '../../src/verdict/paired-decider.js'

const decide = createPairedDecider()
const latency: ConfirmTarget = { scenario: 'GET /items', metric: 'latency_p95', direction: 'lower', worseFraction: 0.1, text: '+10%' }
const throughput: ConfirmTarget = { scenario: 'GET /items', metric: 'requests_per_second', direction: 'higher', worseFraction: 0.2, text: '-20%' }
const look = (index: number) => ({ index, count: 3, metricsGated: 1, plannedPairs: 20 })
/** ln-ratios around `center` with a small alternating wobble. */
const pairs = (center: number, n: number, wobble = 0.01) =>
  Array.from({ length: n }, (_, i) => Math.log(center) + (i % 2 === 0 ? wobble : -wobble) * (1 + (i % 3) / 2))

describe('the same-runner paired rule', () => {
  test('quiet unchanged code passes at the first look', () => {
    const decision = decide(pairs(1.0, 6), latency, look(0))
    assert.equal(decision.outcome, 'pass')
    assert.equal(decision.change.method, 'paired')
    assert.equal(decision.change.sampleSize, 6)
    assert.match(decision.reason, /within \+10% \(90% interval .*6 same-runner pairs\)/)
  })
  test('a pass needs the threshold ruled out at the pass error split across the looks', () => {
    // Around +3%, ±4-6% per pair: the 90% interval stays within +10%, the 98.3% one (5% over three looks) does not.
    const wobbly = Array.from({ length: 12 }, (_, i) => Math.log(1.03) + (i % 2 === 0 ? 0.04 : -0.04) * (1 + (i % 3) / 2))
    const undecided = decide(wobbly, latency, look(1))
    assert.equal(undecided.outcome, 'continue')
    assert.match(undecided.reason, /^3\.0% higher: probably within \+10% \(90% interval .*\+8\.0%.*\)\. A pass needs 98\.3% certainty at each of 3 looks\.$/)
    const singleLook = decide(wobbly, latency, { index: 0, count: 1, metricsGated: 1, plannedPairs: 12 })
    assert.equal(singleLook.outcome, 'pass', 'with one look, the whole 5% is spent there, and it is the last word')
  })
  test('at the first look a pass, like a failure, needs all pairs but one to agree', () => {
    // Centred on no change, tight enough to rule +10% out, but two of ten pairs are beyond it (a noisy runner whose
    // first ten pairs happened to look tight): the next look decides.
    const twoBeyond = [...pairs(1.0, 8, 0.005), Math.log(1.12), Math.log(1.13)]
    const waited = decide(twoBeyond, latency, { index: 0, count: 5, metricsGated: 1, plannedPairs: 160 })
    assert.equal(waited.outcome, 'continue')
    assert.match(waited.reason, /2 of 10 pairs are beyond \+10%: the next look decides\.$/)
    const oneBeyond = [...pairs(1.0, 9, 0.005), Math.log(1.12)]
    assert.equal(decide(oneBeyond, latency, { index: 0, count: 5, metricsGated: 1, plannedPairs: 160 }).outcome, 'pass')
  })
  test('a clear regression fails at the first look when all pairs but one agree, as early as a clear pass', () => {
    const early = decide(pairs(1.3, 6), latency, look(0))
    assert.equal(early.outcome, 'fail')
    assert.match(early.reason, /^30\.0% higher: beyond \+10% and beyond noise/)
    const oneDissenting = [...pairs(1.3, 5), Math.log(0.99)]
    assert.equal(decide(oneDissenting, latency, look(0)).outcome, 'fail', 'one pair against it does not hold a clear failure back')
  })
  test('at the first look, a regression that two pairs contradict waits for the next look to confirm it', () => {
    const twoDissenting = [...pairs(1.3, 8), Math.log(1.01), Math.log(0.99)]
    assert.equal(decide(twoDissenting, latency, look(0)).outcome, 'continue')
    const failed = decide(pairs(1.3, 12), latency, look(1))
    assert.equal(failed.outcome, 'fail')
    assert.match(failed.reason, /^30\.0% higher: beyond \+10% and beyond noise/)
    assert.ok(failed.change.interval!.low > 1.25 && failed.change.interval!.high < 1.35)
  })
  test('a few disturbed pairs cannot carry a failure: the typical pair must agree', () => {
    const disturbed = [...pairs(1.0, 8), Math.log(2), Math.log(2.1), Math.log(1.9), Math.log(2.2)]
    const decision = decide(disturbed, latency, look(2))
    assert.notEqual(decision.outcome, 'fail')
  })
  test('higher-is-better: a 30% drop in throughput fails a -20% threshold, worded as a drop', () => {
    const failed = decide(pairs(0.7, 12), throughput, look(1))
    assert.equal(failed.outcome, 'fail')
    assert.match(failed.reason, /^30\.0% lower: beyond -20%/)
    assert.equal(decide(pairs(1.3, 6), throughput, look(0)).outcome, 'improved')
  })
  test('a runner too noisy for the threshold stops early as inconclusive, and says why', () => {
    const noisy = [0.3, -0.28, 0.25, -0.3, 0.05, -0.02, 0.29, -0.27, 0.31, -0.3, 0.02, 0.0]
    assert.equal(decide(noisy.slice(0, 6), latency, look(0)).outcome, 'continue', 'never judged hopeless on the first handful')
    const stopped = decide(noisy, latency, look(1))
    assert.equal(stopped.outcome, 'inconclusive')
    assert.match(stopped.reason, /too noisy for \+10%: at ±\d+\.\d% per pair, even 20 pairs could not rule it out/)
  })
  test('undecided at the last look is inconclusive, never a failure', () => {
    const straddling = pairs(1.1, 20, 0.08)
    const decision = decide(straddling, latency, look(2))
    assert.equal(decision.outcome, 'inconclusive')
    assert.match(decision.reason, /cannot tell whether it reaches \+10%/)
  })
  test('reasons name the threshold as the user wrote it', () => {
    const unsigned = decide(pairs(0.7, 12), { ...throughput, text: '20%' }, look(1))
    assert.equal(unsigned.outcome, 'fail')
    assert.match(unsigned.reason, /beyond 20% and/)
  })
})
