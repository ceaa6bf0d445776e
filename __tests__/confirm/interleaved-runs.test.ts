import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { InterleavedSchedule, describeInterleaving, interleavedArmRunner } from '../../src/confirm/interleaved-runs.js'
import { confirmOnSameRunner, type Arm } from '../../src/confirm/paired-runs.js'
import type { PairedDecider } from '../../src/verdict/paired-decider.js'
import { armSource } from '../../src/confirm/confirm-on-base.js'
import { MemoryLogger } from '../../src/log.js'
import { resultsWith } from '../support/results-builder.js'

const orders = (seed: number, pairs: number): string[] => {
  const schedule = new InterleavedSchedule(seed)
  return Array.from({ length: pairs }, (_, i) => schedule.orderOf(i).join('>'))
}

describe('interleaved suite runs (randomized ABBA blocks)', () => {
  test('every block of two pairs is ABBA or BAAB: each arm goes first once per block', () => {
    for (const seed of [1, 2, 3, 42, 0xffffffff]) {
      const schedule = new InterleavedSchedule(seed)
      for (let block = 0; block < 50; block++) {
        const [a, b] = [schedule.orderOf(2 * block), schedule.orderOf(2 * block + 1)]
        assert.notEqual(a[0], a[1])
        assert.deepEqual(b, [a[1], a[0]], `seed ${seed} block ${block}: the second pair mirrors the first`)
      }
    }
  })

  test('the same seed gives the same order, asked in any order; different seeds give different ones', () => {
    assert.deepEqual(orders(7, 40), orders(7, 40))
    const late = new InterleavedSchedule(7)
    assert.equal(late.orderOf(39).join('>'), orders(7, 40)[39], 'asking for a late pair first draws the same coins')
    assert.notDeepEqual(orders(7, 40), orders(8, 40))
  })

  test('block orientations are a fair coin: about half the blocks start with base, and the runs are not periodic', () => {
    const schedule = new InterleavedSchedule(2017)
    const firsts = Array.from({ length: 1000 }, (_, block) => schedule.orderOf(2 * block)[0])
    const baseFirst = firsts.filter((arm) => arm === 'base').length
    // Binomial(1000, 0.5): ±4.4 standard deviations.
    assert.ok(baseFirst > 430 && baseFirst < 570, `${baseFirst} of 1000 blocks start with base`)
    const switches = firsts.slice(1).filter((arm, i) => arm !== firsts[i]).length
    assert.ok(switches > 430 && switches < 570, `${switches} orientation changes in 999 (an alternating or fixed order would give 999 or 0)`)
  })

  test('the runner runs each pair in the schedule order, once, whatever order the confirmation asks in', async () => {
    const calls: Arm[] = []
    const runner = interleavedArmRunner(async (arm) => {
      calls.push(arm)
      return resultsWith({ s: { mean: { values: [arm === 'base' ? 10 : 13], unit: 'ms' } } })
    }, new InterleavedSchedule(5))
    const decide: PairedDecider = (logRatios) => ({
      outcome: logRatios.length >= 6 ? 'fail' : 'continue',
      change: { ratio: Math.exp(logRatios[0]!), method: 'paired', sampleSize: logRatios.length },
      reason: 'decided.'
    })
    const target = { scenario: 's', metric: 'mean', direction: 'lower' as const, worseFraction: 0.1, text: '+10%' }
    const result = await confirmOnSameRunner({ targets: [target], runner, decide, looks: [6], log: new MemoryLogger() })
    assert.equal(result.pairs, 6)
    assert.equal(calls.length, 12, 'two command runs per pair, no more')
    assert.deepEqual(
      calls.join(' '),
      orders(5, 6)
        .flatMap((o) => o.split('>'))
        .join(' ')
    )
    assert.deepEqual(result.confirmations[0]!.arms, { base: [10, 10, 10, 10, 10, 10], head: [13, 13, 13, 13, 13, 13] }, 'each arm value is its own run')
    assert.equal(runner.ran.length, 6)
    assert.match(runner.describe(), /^one command run per arm, in randomized ABBA blocks \(seed 5; b base, h head\): (bh·hb|hb·bh)( (bh·hb|hb·bh)){2}$/)
  })

  test('the order text groups pairs by block; an odd last pair stands alone', () => {
    assert.equal(
      describeInterleaving(
        [
          ['head', 'base'],
          ['base', 'head'],
          ['base', 'head']
        ],
        9
      ),
      'one command run per arm, in randomized ABBA blocks (seed 9; b base, h head): hb·bh bh'
    )
  })

  test('a suite arm runs each command once: its repeats become pairs', () => {
    const suite = { name: 'unit', command: 'node bench.mjs', format: 'auto', timeoutMs: 1000, cwd: '/w', env: {} }
    const arm = armSource({ kind: 'suites', suites: [{ ...suite, repeat: 5 }, suite] })
    assert.equal(arm.kind, 'suites')
    if (arm.kind === 'suites')
      assert.deepEqual(
        arm.suites.map((s) => s.repeat),
        [1, 1]
      )
  })
})
