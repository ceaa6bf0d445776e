import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { InputError } from '../../src/errors.js'
import { assertParseError, fixtureText, needsShared, parseChecked, scenarioNamed, sharedFixtureText, trialValues } from '../support/format-fixtures.js'

describe('hyperfine --export-json', () => {
  test('each run is a trial of time in seconds', () => {
    const results = parseChecked(fixtureText('hyperfine.json'), 'hyperfine')
    assert.deepEqual(
      results.scenarios.map((s) => s.name),
      ['sleep 0.01', 'sleep 0.02']
    )
    const data = JSON.parse(fixtureText('hyperfine.json'))
    assert.deepEqual(trialValues(results.scenarios[0]!, 'time'), data.results[0].times)
    assert.deepEqual(results.scenarios[0]!.trials[0]!.metrics.time!.unit, 's')
    assert.equal(results.scenarios[0]!.trials[0]!.metrics.time!.direction, 'lower')
  })

  test('parameters become labels; memory_usage_byte becomes a per-run memory metric', () => {
    const params = parseChecked(fixtureText('hyperfine-params.json'), 'hyperfine')
    assert.deepEqual(scenarioNamed(params, 'sleep 0.005').labels, { 'parameter.delay': '0.005' })
    const withMemory = { results: [{ command: 'x', mean: 1, times: [1, 2], memory_usage_byte: [100, 120], exit_codes: [0, 0] }] }
    const results = parseChecked(JSON.stringify(withMemory), 'hyperfine')
    assert.deepEqual(trialValues(results.scenarios[0]!, 'memory'), [100, 120])
    assert.equal(results.scenarios[0]!.trials[0]!.metrics.memory!.unit, 'B')
  })

  test('errors name the JSON path; no results is an error', () => {
    assertParseError(
      '{"results":[{"command":"x","times":[1,"2"]}]}',
      'hyperfine',
      'h.json',
      /^h\.json: \/results\/0\/times\/1: expected a number, got "2"$/,
      InputError
    )
    assertParseError('{"results":[]}', 'hyperfine', 'h.json', /no benchmark results/, InputError)
    assertParseError(
      '{"results":[{"command":"x","times":[1,2',
      'hyperfine',
      'h.json',
      /^h\.json:1:40: the JSON ends before it is complete; the file looks truncated$/,
      InputError
    )
  })

  test('real file: 9 commands × 10 runs', needsShared, () => {
    const results = parseChecked(sharedFixtureText('hyperfine-export-json-sqlite-lines-calc.json')!, 'hyperfine')
    assert.equal(results.scenarios.length, 9)
    for (const scenario of results.scenarios) assert.equal(scenario.trials.length, 10)
  })
})
