import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { InputError } from '../../src/errors.js'
import { assertParseError, fixtureText, needsShared, parseChecked, scenarioNamed, sharedFixtureText, trialValues } from '../support/format-fixtures.js'

describe('pytest-benchmark --benchmark-json', () => {
  test('each round in stats.data is a trial of time in seconds', () => {
    const text = fixtureText('pytest-benchmark.json')
    const data = JSON.parse(text)
    const results = parseChecked(text, 'pytest-benchmark')
    const fib = scenarioNamed(results, 'sources/test_pybench.py::test_fib_15')
    assert.equal(fib.trials.length, data.benchmarks[0].stats.rounds)
    assert.deepEqual(trialValues(fib, 'time'), data.benchmarks[0].stats.data)
    assert.equal(scenarioNamed(results, 'sources/test_pybench.py::test_sorted').trials.length, 20)
    assert.equal(results.environment?.os, 'linux')
    assert.equal(results.producer?.version, data.version)
  })

  test('without data (saved runs), one trial holds the aggregates', () => {
    const saved = {
      benchmarks: [{ name: 't', fullname: 'a.py::t', group: 'g', stats: { min: 1, max: 3, mean: 2, stddev: 0.5, median: 2, ops: 0.5, rounds: 5 } }]
    }
    const results = parseChecked(JSON.stringify(saved), 'pytest-benchmark')
    const metrics = results.scenarios[0]!.trials[0]!.metrics
    assert.deepEqual(Object.keys(metrics), ['time', 'median', 'min', 'max', 'stdev', 'ops'])
    assert.deepEqual(metrics.ops, { value: 0.5, unit: 'ops/s', direction: 'higher' })
    assert.deepEqual(results.scenarios[0]!.labels, { group: 'g' })
  })

  test('errors name the JSON path', () => {
    assertParseError(
      '{"benchmarks":[{"fullname":"a","stats":{}}]}',
      'pytest-benchmark',
      'p.json',
      /^p\.json: \/benchmarks\/0\/stats\/mean: expected a number, got nothing$/,
      InputError
    )
    assertParseError('{"benchmarks":[],"machine_info":{}}', 'pytest-benchmark', 'p.json', /no benchmarks found/, InputError)
  })

  test('real file: its data array was cut short by hand, which is reported at the field', needsShared, () => {
    assertParseError(
      sharedFixtureText('pytest-benchmark-json-github-action-benchmark.json')!,
      'pytest-benchmark',
      'p.json',
      /^p\.json: \/benchmarks\/0\/stats\/data\/4: expected a number, got "\.\.\. omitted/,
      InputError
    )
  })
})
