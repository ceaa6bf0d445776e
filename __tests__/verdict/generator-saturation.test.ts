import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { parseThresholdMap } from '../../src/config/thresholds.js'
import type { Results } from '../../src/results/model.js'
import { evaluate } from '../../src/verdict/evaluate.js'
import { distrustSaturatedGenerator } from '../../src/verdict/generator-saturation.js'

function load(p95: number, saturated: boolean): Results {
  const trial = (value: number) => ({
    metrics: { p95: { value, unit: 'ms', direction: 'lower' as const }, errors: { value: 0, unit: '%', direction: 'lower' as const } },
    generator: {
      cpu: saturated ? 0.98 : 0.4,
      eventLoopDelayP99Ms: 1,
      inFlightAtEnd: 0,
      unsentAtEnd: 0,
      saturated,
      ...(saturated ? { saturatedBecause: 'generator CPU at 98% of a core' } : {})
    }
  })
  return { schemaVersion: 1, scenarios: [{ name: 'GET /', kind: 'load', trials: [p95, p95 * 1.01, p95 * 0.99, p95 * 1.02, p95 * 0.98].map(trial) }] }
}

describe('a saturated load generator', () => {
  const rules = [{ metrics: parseThresholdMap({ p95: '+20%' }, 'test') }]
  test('turns a latency failure into inconclusive, saying why, and notes the scenario', () => {
    const baseline = load(10, false)
    const current = load(20, true)
    const verdict = evaluate({ current, baseline, history: [baseline], rules, sameMachine: true })
    assert.equal(verdict.metrics.find((m) => m.metric === 'p95')!.status, 'fail', 'the evidence alone would fail')
    const trusted = distrustSaturatedGenerator(verdict, current, true)
    const p95 = trusted.verdict.metrics.find((m) => m.metric === 'p95')!
    assert.equal(p95.status, 'inconclusive')
    assert.match(p95.reason, /generator was saturated \(5 of 5 trial\(s\): generator CPU at 98% of a core\)/)
    assert.equal(trusted.verdict.status, 'inconclusive')
    assert.deepEqual(trusted.notes, [
      'GET /: the load generator was saturated in 5 of 5 trial(s): generator CPU at 98% of a core; give it more CPU (workers, a bigger runner) or lower the load.'
    ])
  })
  test('quotes the worst trial, and blames the machine when the generator itself was not busy', () => {
    const lagging = (lagP99Ms: number, saturated: boolean) => ({
      metrics: { p95: { value: 20, unit: 'ms', direction: 'lower' as const } },
      generator: {
        cpu: 0.12,
        eventLoopDelayP99Ms: 1,
        inFlightAtEnd: 0,
        unsentAtEnd: 0,
        lagP99Ms,
        saturated,
        ...(saturated ? { saturatedBecause: `sends left up to ${lagP99Ms} ms off schedule (p99) with connections free` } : {})
      }
    })
    const current: Results = {
      schemaVersion: 1,
      scenarios: [{ name: 'GET /', kind: 'load', trials: [lagging(1.367, true), lagging(0.2, false), lagging(3.315, true)] }]
    }
    const baseline = load(10, false)
    const verdict = evaluate({ current, baseline, history: [baseline], rules, sameMachine: true })
    assert.deepEqual(distrustSaturatedGenerator(verdict, current, true).notes, [
      'GET /: the load generator was saturated in 2 of 3 trial(s): sends left up to 3.315 ms off schedule (p99) with connections free; the generator itself was not busy, so the machine was (other processes, a shared or throttled runner): run on a quieter machine or lower the load.'
    ])
  })
  test('leaves a healthy generator’s failure alone', () => {
    const baseline = load(10, false)
    const current = load(20, false)
    const verdict = evaluate({ current, baseline, history: [baseline], rules, sameMachine: true })
    const trusted = distrustSaturatedGenerator(verdict, current, true)
    assert.equal(trusted.verdict, verdict)
    assert.deepEqual(trusted.notes, [])
  })
})
