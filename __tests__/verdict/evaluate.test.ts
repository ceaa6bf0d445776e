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

  test('same machine: a relative regression beyond the fail level fails, between warn and fail warns, within passes', () => {
    const current = (p95: number) => resultsWith({ s: { p95: { values: around(p95, 6), unit: 'ms' } } })
    const thresholds = rules({ p95: { warn: '+10%', fail: '+25%' } })
    const judge = (p95: number) => verdictOf(evaluate({ current: current(p95), baseline: base, history: [base], rules: thresholds, sameMachine: true }), 's', 'p95')
    const failed = judge(140)
    assert.equal(failed.status, 'fail')
    assert.equal(failed.change!.method, 'trials')
    assert.ok(failed.change!.interval!.low > 1.3 && failed.change!.interval!.high < 1.5, JSON.stringify(failed.change))
    assert.match(failed.reason, /^40\.0% higher: reaches \+25%, and the change is beyond noise \(90% interval \+3\d\.\d% … \+4\d\.\d%, 6 trials per side; 99\.5% sure it is beyond 3\d\.\d% higher\)\.$/)
    assert.equal(judge(115).status, 'warn')
    assert.equal(judge(101).status, 'pass')
    assert.equal(judge(60).status, 'improved')
  })

  test('across runners, one stored baseline never fails on its own: a suspected regression is inconclusive', () => {
    const current = resultsWith({ s: { p95: { values: around(140, 6), unit: 'ms' } } })
    const p95 = verdictOf(evaluate({ current, baseline: base, history: [base], rules: rules({ p95: '+20%' }) }), 's', 'p95')
    assert.equal(p95.status, 'inconclusive')
    assert.match(p95.reason, /40\.0% higher, beyond \+20% .*another runner.*same-runner confirmation/)
    const fine = verdictOf(evaluate({ current: resultsWith({ s: { p95: { values: around(101, 6), unit: 'ms' } } }), baseline: base, history: [base], rules: rules({ p95: '+20%' }) }), 's', 'p95')
    assert.equal(fine.status, 'pass', 'trials can still rule a regression out')
    const single = (value: number) =>
      verdictOf(evaluate({ current: resultsWith({ s: { p95: { values: [value], unit: 'ms' } } }), baseline: resultsWith({ s: { p95: { values: [100], unit: 'ms' } } }), history: [], rules: rules({ p95: '+20%' }) }), 's', 'p95')
    assert.equal(single(105).status, 'pass', 'within half the threshold passes the pre-screen')
    assert.equal(single(115).status, 'inconclusive')
    assert.equal(single(200).status, 'inconclusive')
    assert.match(single(200).reason, /one stored value from another runner/)
  })

  test('with a history of stored runs, a change must stand out from the run-to-run noise of main', () => {
    // Main's runs scatter by about ±4% from runner to runner; trials within each run are tight.
    const runMedians = [100, 104, 97, 101, 96, 103, 99, 102, 98, 100]
    const history = runMedians.map((m) => resultsWith({ s: { p95: { values: around(m, 5, 0.01), unit: 'ms' } } }))
    const judge = (p95: number, threshold = '+20%') =>
      verdictOf(evaluate({ current: resultsWith({ s: { p95: { values: around(p95, 5, 0.01), unit: 'ms' } } }), baseline: history[0]!, history, rules: rules({ p95: threshold }) }), 's', 'p95')
    const regressed = judge(135)
    assert.equal(regressed.status, 'fail')
    assert.equal(regressed.change!.method, 'history')
    assert.equal(regressed.change!.sampleSize, 10)
    assert.ok(Math.abs(regressed.change!.noise! - 0.0277) < 0.002, `noise ${regressed.change!.noise}`)
    assert.match(regressed.reason, /run-to-run noise from 10 stored runs/)
    assert.equal(judge(101).status, 'pass')
    assert.equal(judge(118).status, 'inconclusive', 'near the threshold the interval straddles it')
    assert.equal(judge(75).status, 'improved')
    // +5% against ±4% noise cannot be told apart from a +5% threshold: the noise guard speaks.
    const guarded = judge(101, '+5%')
    assert.equal(guarded.status, 'inconclusive')
    assert.match(guarded.reason, /too noisy to judge \+5% \(run-to-run noise from 10 stored runs: ±2\.\d% per run\)/)
  })

  test('the error budget is split across the gated metrics: more metrics, wider intervals', () => {
    const runMedians = [100, 104, 97, 101, 96, 103]
    const history = runMedians.map((m) => resultsWith({ s: { p95: { values: [m], unit: 'ms' } } }))
    const current = resultsWith({ s: { p95: { values: [125], unit: 'ms' } } })
    const one = verdictOf(evaluate({ current, baseline: history[0]!, history, rules: rules({ p95: '+10%' }) }), 's', 'p95')
    const many = resultsWith(Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`s${i}`, { p95: { values: [100], unit: 'ms' } }])))
    const manyCurrent = resultsWith({ ...Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`s${i}`, { p95: { values: [100], unit: 'ms' } }])), s: { p95: { values: [125], unit: 'ms' } } })
    const manyBaseline = { ...many, scenarios: [...many.scenarios, ...history[0]!.scenarios] }
    const manyHistory = history.map((h) => ({ ...h, scenarios: [...many.scenarios, ...h.scenarios] }))
    const crowded = verdictOf(evaluate({ current: manyCurrent, baseline: manyBaseline, history: manyHistory, rules: rules({ p95: '+10%' }) }), 's', 'p95')
    assert.equal(one.change!.strictBound!.confidence, 1 - 0.005)
    assert.equal(crowded.change!.strictBound!.confidence, 1 - 0.005 / 21, 'the budget is shared by the 21 gated comparisons')
    assert.ok(crowded.change!.strictBound!.ratio < one.change!.strictBound!.ratio, 'a stricter bound lies further from the estimate')
    assert.equal(crowded.change!.interval!.confidence, 0.9, 'the interval shown stays a plain 90% one')
  })

  test('direction: lower throughput is the regression', () => {
    const current = resultsWith({ s: { rps: { values: around(700, 6), unit: 'req/s' } } })
    const gate = evaluate({ current, baseline: base, history: [base], rules: rules({ rps: '-20%' }), sameMachine: true })
    const rps = verdictOf(gate, 's', 'rps')
    assert.equal(rps.status, 'fail')
    assert.equal(rps.direction, 'higher')
    assert.ok(Math.abs(rps.change!.ratio - 0.7) < 0.002)
    assert.match(rps.reason, /^30\.0% lower: reaches -20%/, 'a drop is worded as a drop, not as "43% worse"')
    // "-20%" means the number dropped by a fifth: 830 of 1000 is within it, 790 is not.
    const at = (value: number) => verdictOf(evaluate({ current: resultsWith({ s: { rps: { values: around(value, 6, 0.001), unit: 'req/s' } } }), baseline: resultsWith({ s: { rps: { values: around(1000, 6, 0.001), unit: 'req/s' } } }), history: [], rules: rules({ rps: '-20%' }), sameMachine: true }), 's', 'rps').status
    assert.equal(at(830), 'pass')
    assert.equal(at(790), 'fail')
    assert.throws(() => evaluate({ current, baseline: base, history: [base], rules: rules({ rps: '-100%' }) }), /can never be reached/)
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
    assert.ok(Math.abs(same.baseline!.value / 100_000 - 1) < 0.01, 'the baseline is shown in the current unit')
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
    const gate = evaluate({ current, baseline: base, history: [base], rules: rules({ p95: '+20%', rps: { warn: '-10%', fail: '-30%' } }), sameMachine: true })
    assert.equal(gate.status, 'fail')
    assert.equal(gate.counts.fail, 1)
    assert.equal(gate.counts.warn, 1)
  })
})
