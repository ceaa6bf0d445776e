/** Julia BenchmarkTools JSON (issue 20), on real public files (see __tests__/fixtures/SOURCES). */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { InputError } from '../../src/errors.js'
import { parseResultsText } from '../../src/formats/registry.js'
import { assertParseError, fixtureText, parseChecked, scenarioNamed, trialValues } from '../support/format-fixtures.js'

describe('Julia BenchmarkTools.save JSON of TrialEstimates (real files)', () => {
  test("github-action-benchmark's julia input: nested groups name the scenario; time in ns; memory and allocs kept", () => {
    const results = parseChecked(fixtureText('julia-benchmarktools-estimates.json'), 'julia')
    assert.deepEqual(
      results.scenarios.map((s) => s.name),
      ['fib > 10', 'fib > 20']
    )
    const fib10 = scenarioNamed(results, 'fib > 10').trials
    assert.equal(fib10.length, 1)
    assert.deepEqual(fib10[0]!.metrics, {
      time: { value: 246.03846153846155, unit: 'ns', direction: 'lower' },
      bytes: { value: 0, unit: 'B', direction: 'lower' },
      allocs: { value: 0, unit: 'allocs/op', direction: 'lower' }
    })
    assert.equal(results.producer?.version, '1.0.0')
  })

  test('BenchmarkTools 1.6 writes its version as an object; three-level groups', () => {
    const results = parseChecked(fixtureText('julia-benchmarktools-estimates-1.6.json'), 'julia')
    assert.equal(results.producer?.version, '1.6.0')
    assert.deepEqual(results.scenarios.map((s) => s.name).sort(), ['inference > 2 > 32', 'inference > 2 > 64', 'inference > 4 > 32', 'inference > 4 > 64'])
    assert.deepEqual(trialValues(scenarioNamed(results, 'inference > 4 > 64'), 'time'), [13130])
  })
})

describe('Julia BenchmarkTools Trial (raw samples, real run)', () => {
  const text = fixtureText('julia-benchmarktools-trial.json')
  const trialFields = JSON.parse(text)[1].data.mlogit[1]

  test('each sample of `times` is a trial of time (ns); memory and allocs sit in the first trial only', () => {
    const scenario = scenarioNamed(parseChecked(text, 'julia'), 'mlogit')
    assert.equal(scenario.trials.length, trialFields.times.length)
    assert.deepEqual(trialValues(scenario, 'time'), trialFields.times)
    assert.deepEqual(scenario.trials[0]!.metrics.bytes, { value: trialFields.memory, unit: 'B', direction: 'lower' })
    assert.equal(scenario.trials[0]!.metrics.allocs!.value, trialFields.allocs)
    assert.ok(scenario.trials.slice(1).every((trial) => Object.keys(trial.metrics).join() === 'time'))
  })

  test('the same value saved by BenchmarkTools.save (versions header, list of values) reads the same', () => {
    const saved = JSON.stringify([{ Julia: '1.11.1', BenchmarkTools: '1.6.0' }, [JSON.parse(text)]])
    const bare = parseChecked(text, 'julia')
    const wrapped = parseChecked(saved, 'julia')
    assert.deepEqual(wrapped.scenarios, bare.scenarios)
    assert.equal(wrapped.producer?.version, '1.6.0')
  })

  test('a top-level Trial (no group) is named after the suite; tuple keys stay as BenchmarkTools wrote them', () => {
    const trial = JSON.stringify([{ Julia: '1.11.1', BenchmarkTools: '1.6.0' }, [['Trial', trialFields]]])
    assert.equal(parseResultsText(trial, 'julia', 'r.json', { suite: 'solver' }).scenarios[0]!.name, 'solver')
    const tuple = JSON.stringify(['BenchmarkGroup', { data: { '("a", "b")': ['Trial', trialFields] }, tags: [] }])
    assert.equal(parseResultsText(tuple, 'julia', 'r.json').scenarios[0]!.name, '("a", "b")')
  })
})

describe('Julia BenchmarkTools files that are not results', () => {
  test('a TrialJudgement or TrialRatio compares two runs: refused, naming where', () => {
    const judgement = JSON.stringify([{ Julia: '1.10.0', BenchmarkTools: '1.5.0' }, [['BenchmarkGroup', { data: { f: ['TrialJudgement', {}] }, tags: [] }]]])
    assertParseError(judgement, 'auto', 'j.json', /^j\.json: \/1\/0\/1\/data\/f: a TrialJudgement compares two runs; save the results themselves/, InputError)
  })

  test('tuned Parameters only (a tune! file, as in BenchmarkTools own tests) are refused with a pointer to the results', () => {
    const params =
      '[{"Julia":"1.11.0-DEV.1116","BenchmarkTools":"1.4.0"},[["Parameters",{"gctrial":true,"time_tolerance":0.05,"samples":10000,"evals":1,"gcsample":false,"seconds":5.0,"overhead":0.0,"memory_tolerance":0.01}]]]'
    assertParseError(params, 'auto', 'params.json', /^params\.json: holds BenchmarkTools Parameters \(a tune! file\), not results/, InputError)
  })

  test('a value that is not a ["Type", {fields}] pair names its path; a cut-off file is called truncated', () => {
    assertParseError('[{"Julia":"1.10.0"},[["Benchmark",{}]]]', 'julia', 'r.json', /^r\.json: \/1\/0: expected a \["Type", \{fields\}\] pair/, InputError)
    const text = fixtureText('julia-benchmarktools-estimates.json')
    assertParseError(text.slice(0, 900), 'auto', 'r.json', /the JSON ends before it is complete; the file looks truncated$/, InputError)
  })
})
