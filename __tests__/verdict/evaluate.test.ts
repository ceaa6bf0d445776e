import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { evaluate } from '../../src/verdict/evaluate.js'
import { parseThresholdMap } from '../../src/config/thresholds.js'
import type { ThresholdRule } from '../../src/config/settings.js'
import { InputError } from '../../src/errors.js'
import { around, resultsWith } from '../support/results-builder.js'

function rules(map: Record<string, string | string[] | { warn?: string; fail?: string; direction?: 'lower' | 'higher' }>): ThresholdRule[] {
  return [{ metrics: parseThresholdMap(map, 'test') }]
}

function verdictOf(gate: ReturnType<typeof evaluate>, scenario: string, metric: string) {
  const found = gate.metrics.find((m) => m.scenario === scenario && m.metric === metric)
  assert.ok(found, `${scenario} ${metric}`)
  return found
}

describe('verdicts', () => {
  const base = resultsWith({ s: { p95: { values: around(100, 6), unit: 'ms' }, rps: { values: around(1000, 6), unit: 'req/s' } } })

  test('a relative regression beyond the fail level fails, between warn and fail warns, within passes', () => {
    const current = (p95: number) => resultsWith({ s: { p95: { values: around(p95, 6), unit: 'ms' } } })
    const thresholds = rules({ p95: { warn: '+10%', fail: '+25%' } })
    assert.equal(verdictOf(evaluate({ current: current(140), baseline: base, history: [base], rules: thresholds }), 's', 'p95').status, 'fail')
    assert.equal(verdictOf(evaluate({ current: current(115), baseline: base, history: [base], rules: thresholds }), 's', 'p95').status, 'warn')
    assert.equal(verdictOf(evaluate({ current: current(101), baseline: base, history: [base], rules: thresholds }), 's', 'p95').status, 'pass')
    assert.equal(verdictOf(evaluate({ current: current(60), baseline: base, history: [base], rules: thresholds }), 's', 'p95').status, 'improved')
  })

  test('direction: lower throughput is the regression', () => {
    const current = resultsWith({ s: { rps: { values: around(700, 6), unit: 'req/s' } } })
    const gate = evaluate({ current, baseline: base, history: [base], rules: rules({ rps: '-20%' }) })
    const rps = verdictOf(gate, 's', 'rps')
    assert.equal(rps.status, 'fail')
    assert.equal(rps.direction, 'higher')
    assert.ok(Math.abs(rps.change!.ratio - 0.7) < 1e-9)
  })

  test('a relative threshold whose sign contradicts the direction is a configuration error', () => {
    const current = resultsWith({ s: { rps: { values: around(1000, 6), unit: 'req/s' } } })
    assert.throws(
      () => evaluate({ current, baseline: base, history: [base], rules: rules({ rps: '+20%' }) }),
      (error: unknown) => error instanceof InputError && /"\+20%" on metric "rps" \(higher is better\)/.test(error.message)
    )
  })

  test('absolute budgets need no baseline and convert units', () => {
    const current = resultsWith({ s: { p99: { values: [0.25, 0.31, 0.29], unit: 's' } } })
    const gate = evaluate({ current, history: [], rules: rules({ p99: { warn: '< 250ms', fail: '< 300ms' } }) })
    const p99 = verdictOf(gate, 's', 'p99')
    assert.equal(p99.status, 'warn')
    assert.match(p99.reason, /290 ms breaks the warn budget < 250ms/)
    assert.throws(() => evaluate({ current, history: [], rules: rules({ p99: '< 3 MB' }) }), /budget "< 3 MB" is in MB, but metric "p99" is measured in s/)
  })

  test('no baseline is said loudly: relative thresholds become no-baseline and so does the gate', () => {
    const gate = evaluate({ current: base, history: [], rules: rules({ p95: '+20%' }) })
    assert.equal(gate.status, 'no-baseline')
    assert.equal(verdictOf(gate, 's', 'p95').status, 'no-baseline')
    assert.match(verdictOf(gate, 's', 'p95').reason, /No baseline to compare against/)
    assert.equal(verdictOf(gate, 's', 'rps').status, 'info', 'ungated metrics are information')
  })

  test('new and removed scenarios and metrics', () => {
    const current = resultsWith({
      s: { p95: { values: around(100, 6), unit: 'ms' }, p50: { values: around(50, 6), unit: 'ms' } },
      t: { p95: { values: around(5, 6), unit: 'ms' } }
    })
    const baseline = resultsWith({ s: { p95: { values: around(100, 6), unit: 'ms' }, rps: { values: around(9, 6), unit: 'req/s' } }, gone: { p95: { values: [1], unit: 'ms' } } })
    const gate = evaluate({ current, baseline, history: [baseline], rules: rules({ '*': '20%' }) })
    assert.equal(verdictOf(gate, 's', 'p50').status, 'new')
    assert.match(verdictOf(gate, 's', 'p50').reason, /New metric/)
    assert.equal(verdictOf(gate, 't', 'p95').status, 'new')
    assert.match(verdictOf(gate, 't', 'p95').reason, /New scenario/)
    assert.equal(verdictOf(gate, 's', 'rps').status, 'removed')
    assert.equal(verdictOf(gate, 'gone', 'p95').status, 'removed')
    assert.equal(gate.status, 'pass')
    assert.equal(gate.counts.new, 2)
    assert.equal(gate.counts.removed, 2)
  })

  test('units convert between baseline and current; incompatible units cannot be compared', () => {
    const inMicros = resultsWith({ s: { p95: { values: around(100_000, 6), unit: 'us' } } })
    const same = verdictOf(evaluate({ current: inMicros, baseline: base, history: [base], rules: rules({ p95: '+20%' }) }), 's', 'p95')
    assert.equal(same.status, 'pass')
    assert.ok(Math.abs(same.baseline!.value - 100_000) < 1e-6, 'the baseline is shown in the current unit')
    const opaque = resultsWith({ s: { p95: { values: around(100, 6), unit: 'widgets' } } })
    const odd = verdictOf(evaluate({ current: opaque, baseline: base, history: [base], rules: rules({ p95: '+20%' }) }), 's', 'p95')
    assert.equal(odd.status, 'inconclusive')
    assert.match(odd.reason, /unit changed from ms to widgets/)
  })

  test('zeros: 0 → 0 is unchanged, 0 → 3 allocations is a regression, negative values need a budget', () => {
    const counts = (values: number[]) => resultsWith({ s: { allocs: { values, unit: 'count' } } })
    const judge = (before: number[], after: number[]) =>
      verdictOf(evaluate({ current: counts(after), baseline: counts(before), history: [], rules: rules({ allocs: '+10%' }) }), 's', 'allocs')
    const same = judge([0, 0, 0], [0, 0, 0])
    assert.equal(same.status, 'pass')
    assert.equal(same.change, undefined, 'no ratio is made up for 0 → 0')
    const rose = judge([0, 0, 0], [3, 3, 3])
    assert.equal(rose.status, 'fail')
    assert.match(rose.reason, /Rose from 0 to 3/)
    assert.equal(judge([3, 3, 3], [0, 0, 0]).status, 'improved')
    assert.equal(judge([-5, -4, -6], [-1, -2, -1]).status, 'inconclusive')
  })

  test('the gate status is led by the worst metric', () => {
    const current = resultsWith({ s: { p95: { values: around(140, 6), unit: 'ms' }, rps: { values: around(850, 6), unit: 'req/s' } } })
    const gate = evaluate({ current, baseline: base, history: [base], rules: rules({ p95: '+20%', rps: { warn: '-10%', fail: '-30%' } }) })
    assert.equal(gate.status, 'fail')
    assert.equal(gate.counts.fail, 1)
    assert.equal(gate.counts.warn, 1)
  })
})
