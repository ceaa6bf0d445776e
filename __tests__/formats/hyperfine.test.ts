import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { InputError, RunError } from '../../src/errors.js'
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

  test('results sharing a command (-n build -P threads 1 4) are told apart by their parameters', () => {
    const result = (threads: string, times: number[]): object => ({
      command: 'build',
      mean: times.reduce((sum, time) => sum + time, 0) / times.length,
      times,
      exit_codes: times.map(() => 0),
      parameters: { threads }
    })
    const text = JSON.stringify({ results: [result('1', [2, 2.02, 2.04]), result('4', [0.6, 0.61, 0.62])] }, null, 2)
    const results = parseChecked(text, 'hyperfine')
    assert.deepEqual(
      results.scenarios.map((s) => [s.name, trialValues(s, 'time')]),
      [
        ['build (threads=1)', [2, 2.02, 2.04]],
        ['build (threads=4)', [0.6, 0.61, 0.62]]
      ]
    )
    assert.deepEqual(scenarioNamed(results, 'build (threads=4)').labels, { 'parameter.threads': '4' })
    // A command that differs by parameter already names itself: unchanged.
    scenarioNamed(parseChecked(fixtureText('hyperfine-params.json'), 'hyperfine'), 'sleep 0.005')
  })

  test('two results of one command and parameters are refused, naming the file and the command', () => {
    const data = JSON.parse(fixtureText('hyperfine.json'))
    data.results[1] = { ...data.results[0], times: data.results[0].times.map((time: number) => time * 2) }
    assertParseError(
      JSON.stringify(data),
      'hyperfine',
      'dup.json',
      /^dup\.json: \/results\/1: a second benchmark named "sleep 0\.01" \(the first is at \/results\/0\); .*give them different names$/,
      InputError
    )
  })

  test('runs that exited non-zero (hyperfine -i) are a run failure naming the command and the count', () => {
    const data = JSON.parse(fixtureText('hyperfine.json'))
    data.results[1].exit_codes = data.results[1].exit_codes.map((_: number, run: number) => (run === 1 ? 1 : run === 3 ? null : 0))
    assertParseError(
      JSON.stringify(data),
      'hyperfine',
      'cur.json',
      /^cur\.json: \/results\/1\/exit_codes: command "sleep 0\.02" failed in 2 of 5 runs \(exit codes: 1, killed by a signal\)/,
      RunError
    )
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
