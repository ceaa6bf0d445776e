import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { InputError, RunError } from '../../src/errors.js'
import { assertParseError, fixtureText, needsShared, parseChecked, scenarioNamed, sharedFixtureText, trialValues } from '../support/format-fixtures.js'

describe('Google Benchmark JSON', () => {
  test('one iteration row per benchmark: one trial with time, cpu and counters', () => {
    const results = parseChecked(fixtureText('google-benchmark.json'), 'google-benchmark')
    assert.deepEqual(
      results.scenarios.map((s) => s.name),
      ['BM_StringCopy/64', 'BM_StringCopy/4096', 'BM_VectorPush']
    )
    const copy = scenarioNamed(results, 'BM_StringCopy/64').trials[0]!.metrics
    assert.equal(copy.time!.unit, 'ns')
    assert.equal(copy.cpu!.unit, 'ns')
    assert.equal(copy.bytes_per_second!.unit, 'B/s')
    assert.equal(copy.bytes_per_second!.direction, 'higher')
    assert.equal(scenarioNamed(results, 'BM_VectorPush').trials[0]!.metrics.items_per_second!.direction, 'higher')
    assert.equal(results.environment?.cores, 2)
  })

  test('repetitions become trials; the derived aggregate rows are not trials', () => {
    const text = fixtureText('google-benchmark-repetitions.json')
    const results = parseChecked(text, 'google-benchmark')
    const rows = JSON.parse(text).benchmarks.filter(
      (row: { run_name: string; run_type: string }) => row.run_name === 'BM_VectorPush' && row.run_type === 'iteration'
    )
    assert.deepEqual(
      trialValues(scenarioNamed(results, 'BM_VectorPush'), 'time'),
      rows.map((row: { real_time: number }) => row.real_time)
    )
  })

  test('aggregates only: one trial of mean, median and stddev', () => {
    const text = fixtureText('google-benchmark-aggregates.json')
    const rows = JSON.parse(text).benchmarks.filter((row: { run_name: string }) => row.run_name === 'BM_VectorPush')
    const metrics = scenarioNamed(parseChecked(text, 'google-benchmark'), 'BM_VectorPush').trials[0]!.metrics
    assert.equal(metrics.time!.value, rows.find((row: { aggregate_name: string }) => row.aggregate_name === 'mean').real_time)
    assert.equal(metrics.median!.value, rows.find((row: { aggregate_name: string }) => row.aggregate_name === 'median').real_time)
    assert.equal(metrics.stdev!.value, rows.find((row: { aggregate_name: string }) => row.aggregate_name === 'stddev').real_time)
  })

  test('a benchmark error is a run failure; bad fields name their path', () => {
    const failing = {
      context: {},
      benchmarks: [
        {
          name: 'BM_X',
          run_name: 'BM_X',
          run_type: 'iteration',
          error_occurred: true,
          error_message: 'out of memory',
          real_time: 0,
          cpu_time: 0,
          time_unit: 'ns'
        }
      ]
    }
    assertParseError(
      JSON.stringify(failing),
      'google-benchmark',
      'g.json',
      /g\.json: \/benchmarks\/0: benchmark "BM_X" reported an error: out of memory/,
      RunError
    )
    const bad = { context: {}, benchmarks: [{ name: 'BM_X', run_type: 'iteration', real_time: 'fast', cpu_time: 1, time_unit: 'ns' }] }
    assertParseError(JSON.stringify(bad), 'google-benchmark', 'g.json', /^g\.json: \/benchmarks\/0\/real_time: expected a number, got "fast"$/, InputError)
    assertParseError('{"context":{},"benchmarks":[],"real_time":1}', 'google-benchmark', 'g.json', /no benchmarks found/, InputError)
  })

  test('real files: the user guide and a 2019 run', needsShared, () => {
    const guide = parseChecked(sharedFixtureText('google-benchmark-json-userguide.json')!, 'google-benchmark')
    assert.equal(scenarioNamed(guide, 'BM_SetInsert/1024/1').trials[0]!.metrics.time!.value, 29275)
    const run = parseChecked(sharedFixtureText('google-benchmark-json-github-action-benchmark.json')!, 'google-benchmark')
    assert.deepEqual(
      run.scenarios.map((s) => s.name),
      ['fib_10', 'fib_20']
    )
  })
})
