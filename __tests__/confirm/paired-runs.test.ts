import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { confirmOnSameRunner, type Arm, type PairedDecider } from '../../src/confirm/paired-runs.js'
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
})
