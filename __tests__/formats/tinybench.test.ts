import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { InputError, RunError } from '../../src/errors.js'
import { assertParseError, fixtureText, needsShared, parseChecked, sharedFixtureText } from '../support/format-fixtures.js'

describe('tinybench', () => {
  test('console.table text and bench.table() JSON give the same metrics', () => {
    const fromText = parseChecked(fixtureText('tinybench-table.txt'), 'tinybench')
    const fromJson = parseChecked(fixtureText('tinybench-table.json'), 'tinybench')
    assert.deepEqual(fromText.scenarios, fromJson.scenarios)
    const row = JSON.parse(fixtureText('tinybench-table.json'))[0]
    const metrics = fromJson.scenarios[0]!.trials[0]!.metrics
    assert.equal(fromJson.scenarios[0]!.name, row['Task name'])
    assert.deepEqual(metrics.mean, { value: Number(row['Latency avg (ns)'].split(' ')[0]), unit: 'ns', direction: 'lower' })
    assert.equal(metrics.ops!.direction, 'higher')
  })

  test('task results: latency statistics in ms and retained samples as a distribution', () => {
    const tasks = JSON.parse(fixtureText('tinybench-results.json'))
    const results = parseChecked(fixtureText('tinybench-results.json'), 'tinybench')
    const trial = results.scenarios[0]!.trials[0]!
    assert.deepEqual(trial.metrics.p99, { value: tasks[0].result.latency.p99, unit: 'ms', direction: 'lower' })
    assert.equal(trial.metrics.ops!.value, tasks[0].result.throughput.mean)
    assert.deepEqual(trial.distributions?.latency?.samples, tasks[0].result.latency.samples)
  })

  test('an errored task is a run failure; a bad cell names its row and column', () => {
    assertParseError('[{"name":"t","result":{"state":"errored","error":{}}}]', 'tinybench', 't.json', /t\.json: \/0: task "t" did not complete/, RunError)
    // console.table of a run where a task threw (tinybench 6: an Error and a Stack column, empty figures).
    const table = [
      '┌─────────┬───────────┬──────────────────┬──────────────────┬─────────┬──────────┬──────────┐',
      '│ (index) │ Task name │ Latency avg (ns) │ Latency med (ns) │ Samples │ Error    │ Stack    │',
      '├─────────┼───────────┼──────────────────┼──────────────────┼─────────┼──────────┼──────────┤',
      "│ 0       │ 'ok task' │ '45.10 ± 1.87%'  │ '40.00 ± 0.00'   │ 1108674 │          │          │",
      "│ 1       │ 'throws'  │                  │                  │         │ 'kaboom' │ 'Error'  │",
      '└─────────┴───────────┴──────────────────┴──────────────────┴─────────┴──────────┴──────────┘'
    ].join('\n')
    assertParseError(table, 'tinybench', 'bench.txt', /^bench\.txt:5: task "throws" did not complete \(error: kaboom\)$/, RunError)
    assertParseError(
      '[{"Task name":"t","Latency avg (ns)":"fast","Samples":1}]',
      'tinybench',
      't.json',
      /^t\.json: \/0: column "Latency avg \(ns\)": expected a number, got "fast"$/,
      InputError
    )
  })

  test('real file: the README table', needsShared, () => {
    const results = parseChecked(sharedFixtureText('tinybench-readme-console-table.txt')!, 'tinybench')
    assert.deepEqual(
      results.scenarios.map((s) => s.name),
      ['faster task', 'slower task']
    )
    assert.equal(results.scenarios[1]!.trials[0]!.metrics.p50!.value, 1652502)
  })
})
