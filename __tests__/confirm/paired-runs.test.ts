import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { confirmOnSameRunner, type Arm } from '../../src/confirm/paired-runs.js'
import type { PairedDecider } from '../../src/verdict/paired-decider.js'
import { MemoryLogger } from '../../src/log.js'
import { resultsWith } from '../support/results-builder.js'

/** A runner whose head arm is `factor` times slower, recording the order of runs. */
function fakeRunner(factor: number) {
  const order: Arm[] = []
  return {
    order,
    run: async (arm: Arm, pair: number) => {
      order.push(arm)
      const wobble = 1 + 0.01 * Math.sin(pair * 7 + (arm === 'head' ? 1 : 0))
      return resultsWith({ s: { p95: { values: [10 * wobble * (arm === 'head' ? factor : 1)], unit: 'ms' } } })
    }
  }
}

/** Decides once it has at least `needed` pairs: fail when the mean log-ratio is above ln(1.1). */
const decideAfter =
  (needed: number): PairedDecider =>
  (logRatios) => {
    const mean = logRatios.reduce((a, b) => a + b, 0) / logRatios.length
    if (logRatios.length < needed) return { outcome: 'continue', change: { ratio: Math.exp(mean), method: 'paired' }, reason: 'need more.' }
    return {
      outcome: mean > Math.log(1.1) ? 'fail' : 'pass',
      change: { ratio: Math.exp(mean), method: 'paired', sampleSize: logRatios.length },
      reason: 'decided.'
    }
  }

const target = { scenario: 's', metric: 'p95', direction: 'lower' as const, worseFraction: 0.1, text: '+10%' }

describe('same-runner confirmation', () => {
  test('pairs run in ABBA order and stop at the first look that decides', async () => {
    const runner = fakeRunner(1.3)
    const result = await confirmOnSameRunner({ targets: [target], runner, decide: decideAfter(4), looks: [4, 8, 12], log: new MemoryLogger() })
    assert.deepEqual(runner.order, ['base', 'head', 'head', 'base', 'base', 'head', 'head', 'base'])
    assert.equal(result.pairs, 4)
    assert.equal(result.looks, 1)
    assert.equal(result.confirmations[0]!.outcome, 'fail')
    assert.ok(Math.abs(result.confirmations[0]!.change!.ratio - 1.3) < 0.02)
    // The arms as the pairs saw them: the base arm's geometric mean, the head arm at the decided ratio from it.
    const { levels, ratio } = result.confirmations[0]!.change!
    assert.ok(levels && Math.abs(levels.baseline - 10) < 0.2, JSON.stringify(levels))
    assert.ok(Math.abs(levels.current / levels.baseline - ratio) < 1e-12)
  })

  test('undecided at the last look is inconclusive, never a failure', async () => {
    const result = await confirmOnSameRunner({ targets: [target], runner: fakeRunner(1.3), decide: decideAfter(100), looks: [2, 4], log: new MemoryLogger() })
    assert.equal(result.pairs, 4)
    assert.equal(result.confirmations[0]!.outcome, 'inconclusive')
    assert.match(result.confirmations[0]!.reason, /Still undecided after 4 pairs/)
    assert.equal(result.confirmations[0]!.notDecided, undefined, 'the noise left it undecided: inconclusive, not "not decided"')
  })

  test('the time budget ends measuring early', async () => {
    let clock = 0
    const runner = { run: async (arm: Arm, pair: number) => ((clock += 1000), fakeRunner(1).run(arm, pair)) }
    const result = await confirmOnSameRunner({
      targets: [target],
      runner,
      decide: decideAfter(100),
      looks: [6, 12],
      log: new MemoryLogger(),
      deadline: 4500,
      now: () => clock
    })
    assert.equal(result.pairs, 3)
    assert.equal(result.confirmations[0]!.outcome, 'inconclusive')
    assert.match(result.confirmations[0]!.reason, /time budget spent/)
  })

  test('a failed metric ends the A/B: the others stay undecided with the estimate of that look, named in the reason', async () => {
    const run = async (arm: Arm, pair: number) => {
      const wobble = 1 + 0.01 * Math.sin(pair * 7 + (arm === 'head' ? 1 : 0))
      const p50 = 10 * wobble * (arm === 'head' ? 1.3 : 1)
      return resultsWith({ s: { p50: { values: [p50], unit: 'ms' }, p95: { values: [p50 * 2], unit: 'ms' } } })
    }
    // p50 decides at 4 pairs; p95 would need 100.
    const decide: PairedDecider = (logRatios, which, look) => (which.metric === 'p50' ? decideAfter(4) : decideAfter(100))(logRatios, which, look)
    const log = new MemoryLogger()
    const result = await confirmOnSameRunner({
      targets: [{ ...target, metric: 'p50' }, target],
      runner: { run },
      decide,
      looks: [4, 8, 12],
      log
    })
    assert.equal(result.pairs, 4)
    const [p50, p95] = ['p50', 'p95'].map((metric) => result.confirmations.find((c) => c.target.metric === metric)!)
    assert.equal(p50!.outcome, 'fail')
    assert.equal(p95!.outcome, 'inconclusive')
    assert.equal(p95!.pairs, 4)
    assert.ok(Math.abs(p95!.change!.ratio - 1.3) < 0.02, 'the estimate so far is kept')
    assert.match(p95!.reason, /^need more\. Not decided further: the A\/B stopped at 4 pairs, when p50 failed the gate\.$/)
    assert.equal(p95!.notDecided, true, 'left undecided by the stop, not by noise')
    assert.equal(p50!.notDecided, undefined)
    assert.ok(
      log.lines.some((line) => /p50 failed the gate, so the A\/B stops \(1 metric\(s\) left undecided\)/.test(line)),
      log.lines.join('\n')
    )
  })

  test('a passed metric does not end the A/B: the others are measured on until they decide', async () => {
    const decide: PairedDecider = (logRatios, which, look) => (which.metric === 'p50' ? decideAfter(4) : decideAfter(8))(logRatios, which, look)
    const result = await confirmOnSameRunner({
      targets: [{ ...target, metric: 'p50' }, target],
      runner: {
        run: async (arm: Arm, pair: number) =>
          resultsWith({ s: { p50: { values: [10 + (pair % 3)], unit: 'ms' }, p95: { values: [20 + (pair % 2)], unit: 'ms' } } })
      },
      decide,
      looks: [4, 8, 12],
      log: new MemoryLogger()
    })
    assert.equal(result.pairs, 8)
    assert.deepEqual(
      result.confirmations.map((c) => [c.target.metric, c.outcome, c.pairs]),
      [
        ['p50', 'pass', 4],
        ['p95', 'pass', 8]
      ]
    )
  })

  test('a scenario without a failure of its own is measured on: the A/B stops once every undecided scenario has failed', async () => {
    const run = async (arm: Arm, pair: number) => {
      const slower = arm === 'head' ? 1.3 : 1
      const value = (base: number) => ({ values: [base * slower * (1 + 0.01 * Math.sin(pair * 7 + (arm === 'head' ? 1 : 0)))], unit: 'ms' })
      return resultsWith({ a: { p50: value(10), p95: value(20) }, b: { p95: value(40) } })
    }
    // a's p50 decides at 4 pairs, b's p95 at 8, a's p95 would need 100.
    const needs: Record<string, number> = { 'a p50': 4, 'b p95': 8, 'a p95': 100 }
    const decide: PairedDecider = (logRatios, which, look) => decideAfter(needs[`${which.scenario} ${which.metric}`]!)(logRatios, which, look)
    const result = await confirmOnSameRunner({
      targets: [
        { ...target, scenario: 'a', metric: 'p50' },
        { ...target, scenario: 'a' },
        { ...target, scenario: 'b' }
      ],
      runner: { run },
      decide,
      looks: [4, 8, 12],
      log: new MemoryLogger()
    })
    assert.equal(result.pairs, 8, 'b had not failed at 4 pairs: measuring went on')
    const byName = new Map(result.confirmations.map((c) => [`${c.target.scenario} ${c.target.metric}`, c]))
    assert.equal(byName.get('a p50')!.outcome, 'fail')
    assert.equal(byName.get('a p50')!.pairs, 4)
    assert.equal(byName.get('b p95')!.outcome, 'fail')
    assert.equal(byName.get('a p95')!.outcome, 'inconclusive')
    assert.match(byName.get('a p95')!.reason, /Not decided further: the A\/B stopped at 8 pairs, when a p50 failed the gate\.$/)
  })
})
