import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { formatPercentChange } from '../../src/results/units.js'
import { evaluate } from '../../src/verdict/evaluate.js'
import { parseThresholdMap } from '../../src/config/thresholds.js'
import type { ThresholdRule } from '../../src/config/settings.js'
import { InputError } from '../../src/errors.js'
import type { Results } from '../../src/results/model.js'
import { around, resultsWith } from '../support/results-builder.js'
import { boundsAt, trialsLogEstimate } from '../../src/stats/log-ratio-intervals.js'
import { DEFAULT_ALPHA, DEFAULT_NOISE_FLOOR } from '../../src/stats/error-budget.js'

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

  test('across runners, stored history with a step: the verdict uses the runs since the step', () => {
    // Newest first: five runs at 13 ms after five at 10 ms (+30% from the sixth).
    const levels = [13.05, 13, 12.9, 13.1, 13, 10.05, 10, 9.9, 10.1, 10]
    const stored = levels.map((level) => resultsWith({ api: { p95: { values: around(level, 5), unit: 'ms' } } }))
    const current = resultsWith({ api: { p95: { values: around(13, 5), unit: 'ms' } } })
    const p95 = verdictOf(evaluate({ current, baseline: stored[0]!, history: stored, rules: rules({ p95: '+20%' }) }), 'api', 'p95')
    assert.deepEqual([p95.status, p95.change!.method, p95.change!.sampleSize], ['pass', 'history', 5], p95.reason)
  })

  test('same machine with 3 stored runs: the trials decide (3 stored runs alone leave +28% inconclusive)', () => {
    const stored = [99, 101, 100].map((level) => resultsWith({ s: { mean: { values: around(level, 5, 0.02), unit: 'µs' } } }))
    const current = resultsWith({ s: { mean: { values: around(128, 5, 0.02), unit: 'µs' } } })
    const judge = (sameMachine: boolean) =>
      verdictOf(evaluate({ current, baseline: stored[0]!, history: stored, rules: rules({ mean: '+10%' }), sameMachine }), 's', 'mean')
    const local = judge(true)
    assert.equal(local.change!.method, 'trials')
    assert.equal(local.status, 'fail', local.reason)
    const acrossRunners = judge(false)
    assert.equal(acrossRunners.change!.method, 'history', 'on CI the stored runs are the evidence')
    assert.equal(acrossRunners.status, 'inconclusive', acrossRunners.reason)
  })

  test('an improvement the shown interval proves but the strict bound does not: the label and the reason both say improved', () => {
    // Trials ±15% apart: a 20% drop has its 90% interval beyond the 3% floor, its 99.8% one not.
    const [before, after] = [around(100, 5, 0.15), around(80, 5, 0.15)]
    const strict = boundsAt(trialsLogEstimate(before.map(Math.log), after.map(Math.log))!, DEFAULT_ALPHA)
    assert.ok(strict.high > -Math.log1p(DEFAULT_NOISE_FLOOR), 'the decision rule alone would not call it improved')
    const baseline = resultsWith({ s: { mean: { values: before, unit: 'µs' } } })
    const current = resultsWith({ s: { mean: { values: after, unit: 'µs' } } })
    const row = verdictOf(evaluate({ current, baseline, history: [baseline], rules: rules({ mean: '+10%' }), sameMachine: true }), 's', 'mean')
    assert.ok(row.change!.interval!.high < 0.97, JSON.stringify(row.change))
    assert.equal(row.status, 'improved')
    assert.equal(row.label!.kind, 'improved')
    assert.match(row.reason, /^20\.0% lower: better, beyond noise \(90% interval/)
  })

  test('same machine: a relative regression beyond the fail level fails, between warn and fail warns, within passes', () => {
    const current = (p95: number) => resultsWith({ s: { p95: { values: around(p95, 6), unit: 'ms' } } })
    const thresholds = rules({ p95: { warn: '+10%', fail: '+25%' } })
    const judge = (p95: number) =>
      verdictOf(evaluate({ current: current(p95), baseline: base, history: [base], rules: thresholds, sameMachine: true }), 's', 'p95')
    const failed = judge(140)
    assert.equal(failed.status, 'fail')
    assert.equal(failed.change!.method, 'trials')
    assert.ok(failed.change!.interval!.low > 1.3 && failed.change!.interval!.high < 1.5, JSON.stringify(failed.change))
    assert.match(
      failed.reason,
      /^40\.0% higher: beyond \+25% and beyond noise \(90% interval \+3\d\.\d% … \+4\d\.\d%, 6 trials per side; 99\.8% sure it is beyond 3\d\.\d% higher\)\.$/
    )
    assert.ok(failed.reason.length <= 160, failed.reason)
    assert.equal(judge(115).status, 'warn')
    assert.equal(judge(101).status, 'pass')
    assert.equal(judge(60).status, 'improved')
  })

  test('across runners, one stored baseline never fails on its own: a suspected regression is inconclusive', () => {
    const current = resultsWith({ s: { p95: { values: around(140, 6), unit: 'ms' } } })
    const p95 = verdictOf(evaluate({ current, baseline: base, history: [base], rules: rules({ p95: '+20%' }) }), 's', 'p95')
    assert.equal(p95.status, 'inconclusive')
    assert.match(
      p95.reason,
      /^40\.0% higher, beyond \+20% \(.*\), but trials of one run miss the noise between runs \(another runner, another load\): A\/B or 3\+ stored runs can decide\.$/
    )
    const fine = verdictOf(
      evaluate({
        current: resultsWith({ s: { p95: { values: around(101, 6), unit: 'ms' } } }),
        baseline: base,
        history: [base],
        rules: rules({ p95: '+20%' })
      }),
      's',
      'p95'
    )
    assert.equal(fine.status, 'pass', 'trials can still rule a regression out')
  })

  test('one value per side is never judged against a relative threshold: inconclusive, naming what gives evidence', () => {
    for (const sameMachine of [false, true]) {
      const single = (value: number) =>
        verdictOf(
          evaluate({
            current: resultsWith({ s: { p95: { values: [value], unit: 'ms' } } }),
            baseline: resultsWith({ s: { p95: { values: [100], unit: 'ms' } } }),
            history: [],
            rules: rules({ p95: '+20%' }),
            sameMachine
          }),
          's',
          'p95'
        )
      for (const value of [100, 105, 115, 200, 50]) {
        const verdict = single(value)
        assert.equal(verdict.status, 'inconclusive', `${value} ms, same machine ${sameMachine}: never fails, passes or improves on one value`)
        assert.ok(verdict.reason.length <= 160, verdict.reason)
      }
      assert.equal(single(200).reason, '+100% on one value per side: no measure of noise to judge +20%. Add `repeat`, 3+ stored runs or A/B.')
      assert.deepEqual(single(200).change!.levels, { baseline: 100, current: 200 })
    }
    const lopsided = verdictOf(
      evaluate({
        current: resultsWith({ s: { p95: { values: [130], unit: 'ms' } } }),
        baseline: base,
        history: [base],
        rules: rules({ p95: '+20%' }),
        sameMachine: true
      }),
      's',
      'p95'
    )
    assert.equal(lopsided.status, 'inconclusive')
    assert.match(lopsided.reason, /on 6 vs 1 trials: the one trial of this run could be one slow trial, so \+20% is not judged on it\. Add `repeat`/)
  })

  test('with a history of stored runs, a change must stand out from the run-to-run noise of main', () => {
    // Main's runs scatter by about ±3% from runner to runner; trials within each run are tight.
    const runMedians = [100, 104, 97, 101, 96, 103, 99, 102, 98, 100]
    const history = runMedians.map((m) => resultsWith({ s: { p95: { values: around(m, 5, 0.01), unit: 'ms' } } }))
    const judge = (p95: number, threshold = '+20%') =>
      verdictOf(
        evaluate({
          current: resultsWith({ s: { p95: { values: around(p95, 5, 0.01), unit: 'ms' } } }),
          baseline: history[0]!,
          history,
          rules: rules({ p95: threshold })
        }),
        's',
        'p95'
      )
    const regressed = judge(135)
    assert.equal(regressed.status, 'fail')
    assert.equal(regressed.change!.method, 'history')
    assert.equal(regressed.change!.sampleSize, 10)
    assert.ok(Math.abs(regressed.change!.noise! - 0.0278) < 0.002, `winsorized spread of the 10 runs: ${regressed.change!.noise}`)
    assert.ok(Math.abs(regressed.change!.levels!.baseline - 100) < 1e-9, 'the baseline level is the median of the stored runs')
    assert.ok(Math.abs(regressed.change!.levels!.current / regressed.change!.levels!.baseline - regressed.change!.ratio) < 1e-12)
    assert.match(regressed.reason, /^35\.0% higher: beyond \+20% and beyond noise \(90% interval .*, 10 stored runs; 99\.8% sure/)
    assert.equal(judge(101).status, 'pass')
    assert.equal(judge(118).status, 'inconclusive', 'near the threshold the interval straddles it')
    assert.equal(judge(75).status, 'improved')
    // +5% against ±3% noise cannot be told apart from a +5% threshold: the noise guard speaks.
    const guarded = judge(101, '+5%')
    assert.equal(guarded.status, 'inconclusive')
    assert.match(guarded.reason, /too noisy to judge \+5% at ±2\.\d% per run \(10 stored runs\)\. A\/B can decide\.$/)
  })

  test('an estimate past the threshold that is not sure enough says so, never "cannot tell whether it reaches"', () => {
    // Three stored runs (2 degrees of freedom for their spread): +45% with its whole 90% interval past +20%.
    const history = [100, 103, 98].map((m) => resultsWith({ s: { p95: { values: around(m, 3, 0.01), unit: 'ms' } } }))
    const verdict = verdictOf(
      evaluate({
        current: resultsWith({ s: { p95: { values: around(145, 3, 0.01), unit: 'ms' } } }),
        baseline: history[0]!,
        history,
        rules: rules({ p95: '+20%' })
      }),
      's',
      'p95'
    )
    assert.equal(verdict.status, 'inconclusive')
    assert.ok(verdict.change!.interval!.low > 1.2, 'the 90% interval lies past +20%')
    assert.match(
      verdict.reason,
      /^4\d\.\d% higher: beyond \+20% on the estimate \(90% interval .*, 3 stored runs\), but not 99\.\d+% sure it is beyond the 3% floor, the bar for a failure\. A\/B or more stored runs can decide\.$/
    )
  })

  test('a wide interval wholly past the threshold is "not sure enough", never "too noisy to judge" it', () => {
    // Four stored load runs at about ±7% apart and this run +65%: the 90% interval is wider than the threshold, yet
    // lies past it. "Too noisy to judge 20%" beside "+37.6% … +99.5%" read as a contradiction.
    const history = [100, 112, 97, 108].map((m) => resultsWith({ s: { p95: { values: around(m, 3, 0.01), unit: 'ms' } } }))
    const current = resultsWith({ s: { p95: { values: around(170, 3, 0.01), unit: 'ms' } } })
    for (const results of [current, ...history]) results.scenarios[0]!.kind = 'load'
    const verdict = verdictOf(evaluate({ current, baseline: history[0]!, history, rules: rules({ p95: '+20%' }) }), 's', 'p95')
    assert.equal(verdict.status, 'inconclusive')
    const { low, high } = verdict.change!.interval!
    assert.ok(low > 1.2 && Math.log(high / verdict.change!.ratio) >= Math.log(1.2), `wide, and past +20%: ${low} … ${high}`)
    assert.match(
      verdict.reason,
      /^\d+\.\d% higher: beyond \+20% on the estimate \(90% interval .*, 4 stored runs\), but not 99\.\d+% sure it is beyond the 3% floor/
    )
    // Two trials of a load run: more trials are added by `trials`, not by a suite's `repeat`.
    const twoTrials = resultsWith({ s: { p95: { values: [170, 171], unit: 'ms' } } })
    twoTrials.scenarios[0]!.kind = 'load'
    const few = verdictOf(evaluate({ current: twoTrials, baseline: history[0]!, history: [...history, ...history], rules: rules({ p95: '+20%' }) }), 's', 'p95')
    assert.match(few.reason, /on 2 trials of this run: one slow trial looks the same\. `trials: 5` or A\/B can decide\.$/)
  })

  test('stored history: identical values never give a zero-width interval, one wild run moves nothing, one-trial runs never fail', () => {
    const stored = (values: number[]) => values.map((v) => resultsWith({ s: { p95: { values: [v], unit: 'ms' } } }))
    // Quantized percentiles: three identical stored values. The floor keeps an unchanged-looking +10.6% from failing.
    const identical = stored([723, 723, 723])
    const quantized = verdictOf(
      evaluate({
        current: resultsWith({ s: { p95: { values: [800, 799, 801], unit: 'ms' } } }),
        baseline: identical[0]!,
        history: identical,
        rules: rules({ p95: '+10%' })
      }),
      's',
      'p95'
    )
    assert.notEqual(quantized.status, 'fail')
    assert.ok(quantized.change!.interval!.high - quantized.change!.interval!.low > 0.05, JSON.stringify(quantized.change))
    assert.ok(quantized.change!.noise! >= 0.02, 'never narrower than the 2% floor')
    // One wild stored run (a noisy neighbour, +80%) neither moves the baseline level nor blows up the spread.
    const wild = stored([100, 102, 99, 101, 180, 98, 100, 103, 97, 101])
    const calm = stored([100, 102, 99, 101, 100, 98, 100, 103, 97, 101])
    const judge = (history: Results[], values: number[]) =>
      verdictOf(
        evaluate({ current: resultsWith({ s: { p95: { values, unit: 'ms' } } }), baseline: history[0]!, history, rules: rules({ p95: '+10%' }) }),
        's',
        'p95'
      )
    const withWild = judge(wild, [130, 131, 129])
    assert.equal(withWild.status, 'fail', withWild.reason)
    assert.ok(Math.abs(withWild.change!.levels!.baseline - Math.sqrt(100 * 101)) < 1e-9, 'median of the stored runs (on logs)')
    assert.ok(withWild.change!.noise! < 1.5 * judge(calm, [130, 131, 129]).change!.noise!, 'the wild run is winsorized')
    // The same +30% measured by one trial: a single slow trial looks the same, so it is not a failure.
    const oneTrial = judge(calm, [130])
    assert.equal(oneTrial.status, 'inconclusive')
    assert.equal(oneTrial.reason, '+30.0% on 1 trial of this run: one slow trial looks the same. `repeat: 5` or A/B can decide.')
  })

  test('trials that trend: a warm-up first trial is dropped, a side that keeps drifting is inconclusive', () => {
    const baseline = resultsWith({ s: { rps: { values: [4800, 4750, 4790, 4770, 4810], unit: 'req/s' } } })
    const judge = (values: number[]) =>
      verdictOf(
        evaluate({
          current: resultsWith({ s: { rps: { values, unit: 'req/s' } } }),
          baseline,
          history: [baseline],
          rules: rules({ rps: '-10%' }),
          sameMachine: true
        }),
        's',
        'rps'
      )
    // The smoke run of issue 14: a fresh server still warming up, each trial faster than the last.
    const warming = judge([1929, 3178, 4738])
    assert.equal(warming.status, 'inconclusive')
    assert.match(
      warming.reason,
      /^[\d.]+% lower \(5 vs 3 trials\), but the current trials are still improving \(\+146% over the run\): lengthen warm-up\. Drifting trials are not independent evidence, and the verdict does not hold across the drift\.$/
    )
    // One slow first trial, then steady: dropped, and the steady trials decide.
    const warmUp = judge([2500, 4780, 4800, 4760, 4790])
    assert.equal(warmUp.status, 'pass', warmUp.reason)
    assert.equal(warmUp.change!.sampleSize, 4)
    // Against stored history only this run's trials are evidence: a drifting chosen baseline does not matter.
    const drifting = resultsWith({ s: { rps: { values: [3000, 3600, 4300], unit: 'req/s' } } })
    const history = [drifting, ...[4800, 4790, 4810].map((v) => resultsWith({ s: { rps: { values: [v, v + 5, v - 5], unit: 'req/s' } } }))]
    const againstHistory = verdictOf(
      evaluate({
        current: resultsWith({ s: { rps: { values: [4790, 4800, 4805], unit: 'req/s' } } }),
        baseline: drifting,
        history,
        rules: rules({ rps: '-10%' })
      }),
      's',
      'rps'
    )
    assert.equal(againstHistory.change!.method, 'history')
    assert.doesNotMatch(againstHistory.reason, /getting/)
    const leaking = judge([4800, 4200, 3700, 3200, 2800])
    assert.equal(leaking.status, 'inconclusive')
    assert.match(
      leaking.reason,
      /^[\d.]+% lower \(5 vs 4 trials\), but the current trials are getting worse from one to the next \(−41\.7% over the run\): check for a leak or throttling\./
    )
  })

  test('a drift decides nothing unless the verdict holds across the whole drift either way', () => {
    // Ten baseline trials drifting about 10% down over the run (a real Julia BenchmarkTools Trial does this).
    const drifting = Array.from({ length: 10 }, (_, i) => 112 - 1.3 * i * (1 + 0.05 * Math.sin(i)))
    const baseline = resultsWith({ s: { time: { values: drifting, unit: 'ms' } } })
    const judge = (factor: number) =>
      verdictOf(
        evaluate({
          current: resultsWith({ s: { time: { values: [100, 101, 99, 100.5, 99.5, 100.2, 99.8, 100.1, 99.9, 100.3].map((v) => v * factor), unit: 'ms' } } }),
          baseline,
          history: [baseline],
          rules: rules({ time: '+10%' }),
          sameMachine: true
        }),
        's',
        'time'
      )
    const slower = judge(1.35)
    assert.equal(slower.status, 'fail', slower.reason)
    assert.match(slower.reason, /Baseline trials drift −[\d.]+% over the run \(still improving\); the verdict holds across it\./)
    const near = judge(1.12)
    assert.equal(near.status, 'inconclusive', near.reason)
    assert.match(
      near.reason,
      /^[\d.]+% higher \(\d+ vs \d+ trials\), but the baseline trials are still improving \(−[\d.]+% over the run\): lengthen warm-up\./
    )
  })

  test('one shocked trial among five does not hide a regression: it is set aside on the worse side only', () => {
    const baseline = resultsWith({ s: { p95: { values: [100, 101, 99, 100.5, 99.5], unit: 'ms' } } })
    const current = resultsWith({ s: { p95: { values: [118, 160, 119, 117.5, 118.5], unit: 'ms' } } })
    const verdict = verdictOf(evaluate({ current, baseline, history: [baseline], rules: rules({ p95: '+10%' }), sameMachine: true }), 's', 'p95')
    assert.equal(verdict.status, 'fail', verdict.reason)
    assert.ok(Math.abs(verdict.change!.ratio - 1.18) < 0.003, `${verdict.change!.ratio}`)
    assert.ok(Math.abs(verdict.change!.levels!.current / verdict.change!.levels!.baseline - verdict.change!.ratio) < 1e-12)
    // Two slow trials of five carry a mean beyond the threshold while the median trial is within it: not a failure.
    const carried = resultsWith({ s: { p95: { values: [101, 150, 100, 152, 102], unit: 'ms' } } })
    const carriedVerdict = verdictOf(
      evaluate({ current: carried, baseline, history: [baseline], rules: rules({ p95: '+10%' }), sameMachine: true }),
      's',
      'p95'
    )
    assert.notEqual(carriedVerdict.status, 'fail')
  })

  test('the error budget is split across the gated metrics: more metrics, wider intervals', () => {
    const runMedians = [100, 104, 97, 101, 96, 103]
    const history = runMedians.map((m) => resultsWith({ s: { p95: { values: [m], unit: 'ms' } } }))
    const current = resultsWith({ s: { p95: { values: [125], unit: 'ms' } } })
    const one = verdictOf(evaluate({ current, baseline: history[0]!, history, rules: rules({ p95: '+10%' }) }), 's', 'p95')
    const many = resultsWith(Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`s${i}`, { p95: { values: [100], unit: 'ms' } }])))
    const manyCurrent = resultsWith({
      ...Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`s${i}`, { p95: { values: [100], unit: 'ms' } }])),
      s: { p95: { values: [125], unit: 'ms' } }
    })
    const manyBaseline = { ...many, scenarios: [...many.scenarios, ...history[0]!.scenarios] }
    const manyHistory = history.map((h) => ({ ...h, scenarios: [...many.scenarios, ...h.scenarios] }))
    const crowded = verdictOf(evaluate({ current: manyCurrent, baseline: manyBaseline, history: manyHistory, rules: rules({ p95: '+10%' }) }), 's', 'p95')
    assert.equal(one.change!.strictBound!.confidence, 1 - 0.002)
    assert.equal(crowded.change!.strictBound!.confidence, 1 - 0.002 / 21, 'the budget is shared by the 21 gated comparisons')
    assert.ok(crowded.change!.strictBound!.ratio < one.change!.strictBound!.ratio, 'a stricter bound lies further from the estimate')
    assert.equal(crowded.change!.interval!.confidence, 0.9, 'the interval shown stays a plain 90% one')
  })

  test('Hochberg: several scenarios that move together, each certain at the whole budget, are judged as one would be', () => {
    const runs = (center: number) => around(center, 6, 0.01)
    const scenarios = (center: number) =>
      resultsWith(Object.fromEntries(['a', 'b', 'c'].map((name, i) => [name, { p95: { values: runs(center * (1 + i * 0.01)), unit: 'ms' } }])))
    const gate = evaluate({ current: scenarios(130), baseline: scenarios(100), history: [], rules: rules({ p95: '+10%' }), sameMachine: true })
    const confidences = gate.metrics.map((m) => m.change!.strictBound!.confidence).sort()
    assert.deepEqual(confidences, [1 - 0.002, 1 - 0.002, 1 - 0.002])
    assert.equal(gate.counts.fail, 3)
  })

  test('direction: lower throughput is the regression', () => {
    const current = resultsWith({ s: { rps: { values: around(700, 6), unit: 'req/s' } } })
    const gate = evaluate({ current, baseline: base, history: [base], rules: rules({ rps: '-20%' }), sameMachine: true })
    const rps = verdictOf(gate, 's', 'rps')
    assert.equal(rps.status, 'fail')
    assert.equal(rps.direction, 'higher')
    assert.ok(Math.abs(rps.change!.ratio - 0.7) < 0.002)
    assert.match(rps.reason, /^30\.0% lower: beyond -20%/, 'a drop is worded as a drop, not as "43% worse"')
    // "-20%" means the number dropped by a fifth: 830 of 1000 is within it, 790 is not.
    const at = (value: number) =>
      verdictOf(
        evaluate({
          current: resultsWith({ s: { rps: { values: around(value, 6, 0.001), unit: 'req/s' } } }),
          baseline: resultsWith({ s: { rps: { values: around(1000, 6, 0.001), unit: 'req/s' } } }),
          history: [],
          rules: rules({ rps: '-20%' }),
          sameMachine: true
        }),
        's',
        'rps'
      ).status
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
    const baseline = resultsWith({
      s: { p95: { values: around(100, 6), unit: 'ms' }, rps: { values: around(9, 6), unit: 'req/s' } },
      gone: { p95: { values: [1], unit: 'ms' } }
    })
    const gate = evaluate({ current, baseline, history: [baseline], rules: rules({ '*': '20%' }) })
    assert.equal(verdictOf(gate, 's', 'p50').status, 'new')
    assert.match(verdictOf(gate, 's', 'p50').reason, /New metric/)
    assert.equal(verdictOf(gate, 't', 'p95').status, 'new')
    assert.match(verdictOf(gate, 't', 'p95').reason, /New scenario/)
    // Nothing compared is never a pass: gated metrics missing from this run fail by default.
    assert.equal(verdictOf(gate, 's', 'rps').status, 'fail')
    assert.match(verdictOf(gate, 's', 'rps').reason, /Gated in the baseline but missing here \(the metric is no longer reported\): nothing compared/)
    assert.equal(verdictOf(gate, 'gone', 'p95').status, 'fail')
    assert.match(verdictOf(gate, 'gone', 'p95').reason, /\(the scenario did not run\).*Set `removed: warn` or `ignore`/)
    assert.equal(gate.status, 'fail')
    assert.equal(gate.counts.new, 2)
    assert.equal(gate.counts.fail, 2)

    const relaxed = evaluate({
      current,
      baseline,
      history: [baseline],
      rules: rules({ '*': '20%' }),
      removed: [
        { scenarios: 'go*', policy: 'ignore' },
        { scenarios: 's', policy: 'warn' }
      ]
    })
    assert.equal(verdictOf(relaxed, 'gone', 'p95').status, 'removed', 'ignore: shown as removed, not gating')
    assert.equal(verdictOf(relaxed, 's', 'rps').status, 'warn')
    assert.equal(relaxed.status, 'warn')

    const lastWins = evaluate({
      current,
      baseline,
      history: [baseline],
      rules: rules({ '*': '20%' }),
      removed: [
        { scenarios: '*', policy: 'ignore' },
        { scenarios: 'gone', policy: 'fail' }
      ]
    })
    assert.equal(verdictOf(lastWins, 'gone', 'p95').status, 'fail')
    assert.equal(verdictOf(lastWins, 's', 'rps').status, 'removed')

    const ungated = evaluate({ current, baseline, history: [baseline], rules: rules({ p50: '20%' }) })
    assert.equal(verdictOf(ungated, 'gone', 'p95').status, 'removed', 'a metric no rule gates is information only')
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

  test('a trial of 0 among positive trials is judged by nothing: the medians are shown, the reason names the zeros', () => {
    const times = (values: number[]) => resultsWith({ w: { p95: { values, unit: 'ms' } } })
    const judge = (before: number[], after: number[]) =>
      verdictOf(evaluate({ current: times(after), baseline: times(before), history: [], rules: rules({ p95: '+10%' }), sameMachine: true }), 'w', 'p95')
    const steady = [260, 261, 259, 258, 262]
    // An outsider's data: one baseline trial of 0 once failed "Fell from 259 to 0" on a row showing +0.4%.
    for (const [before, after, side] of [
      [[258, 0, 259, 262, 260], steady, '1 of 5 baseline trials is 0'],
      [steady, [258, 0, 259, 262, 260], '1 of 5 current trials is 0']
    ] as const) {
      const verdict = judge([...before], [...after])
      assert.equal(verdict.status, 'inconclusive', verdict.reason)
      assert.equal(
        verdict.reason,
        `${formatPercentChange(verdict.change!.ratio)} on the median trials, but ${side}: a trial that measured nothing, or a unit too coarse for the metric. A ratio needs positive values, so +10% was not judged; fix that trial or report a finer unit.`
      )
      assert.ok(Math.abs(verdict.change!.ratio - verdict.current!.value / verdict.baseline!.value) < 1e-12, 'the cells agree with the change')
    }
    // Doubled, with a zero: not judged either (the zero could be anything), and the reason says what was seen.
    const doubled = judge([1, 0, 1, 1, 1], [2, 2, 2, 2, 2])
    assert.equal(doubled.status, 'inconclusive')
    assert.match(doubled.reason, /^\+100% on the median trials, but 1 of 5 baseline trials is 0/)
    // Mostly zero on one side: the medians decide as for counts, in the metric's unit.
    const vanished = judge([2, 2, 2], [0, 0, 1])
    assert.equal(vanished.status, 'improved')
    assert.equal(vanished.reason, 'Fell from 2.00 ms to 0 ms.')
  })

  test('the gate status is led by the worst metric', () => {
    const current = resultsWith({ s: { p95: { values: around(140, 6), unit: 'ms' }, rps: { values: around(850, 6), unit: 'req/s' } } })
    const gate = evaluate({ current, baseline: base, history: [base], rules: rules({ p95: '+20%', rps: { warn: '-10%', fail: '-30%' } }), sameMachine: true })
    assert.equal(gate.status, 'fail')
    assert.equal(gate.counts.fail, 1)
    assert.equal(gate.counts.warn, 1)
  })
})
