import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { InputError } from '../../src/errors.js'
import { assertParseError, fixtureText, needsShared, parseChecked, scenarioNamed, sharedFixtureText } from '../support/format-fixtures.js'

describe('k6 summaries', () => {
  test('legacy --summary-export: trends become scenarios; request and failure rates join http_req_duration', () => {
    const results = parseChecked(fixtureText('k6-summary-export.json'), 'k6')
    assert.deepEqual(
      results.scenarios.map((s) => s.name),
      ['http_req_duration', 'http_req_duration{name:login}', 'iteration_duration']
    )
    const http = scenarioNamed(results, 'http_req_duration').trials[0]!.metrics
    assert.deepEqual(http.p95, { value: 22.9, unit: 'ms', direction: 'lower' })
    assert.deepEqual(http.p50, { value: 11.8, unit: 'ms', direction: 'lower' })
    assert.deepEqual(http.rps, { value: 29.87, unit: 'req/s', direction: 'higher' })
    assert.deepEqual(http.errors, { value: 2, unit: '%', direction: 'lower' })
    assert.deepEqual(scenarioNamed(results, 'iteration_duration').trials[0]!.metrics.ops, { value: 9.95, unit: 'ops/s', direction: 'higher' })
  })

  test('a summary without trends is an error; bad values name their path', () => {
    assertParseError('{"root_group":{},"metrics":{"vus":{"value":1,"min":1,"max":1}}}', 'k6', 'k6.json', /no Trend metrics/, InputError)
    assertParseError(
      '{"root_group":{},"metrics":{"t":{"avg":"x","med":1}}}',
      'k6',
      'k6.json',
      /^k6\.json: \/metrics\/t\/avg: expected a number, got "x"$/,
      InputError
    )
  })

  test('real files: handleSummary (with sub-metrics and failures), k6 unit tests, machine-readable summary', needsShared, () => {
    const simple = parseChecked(sharedFixtureText('k6-handleSummary-benc-uk-simple.json')!, 'k6')
    const http = scenarioNamed(simple, 'http_req_duration').trials[0]!.metrics
    assert.equal(http.p99!.value, 39.577136380000084)
    assert.ok(Math.abs(http.errors!.value - 39.749430523917995) < 1e-9)
    assert.equal(simple.scenarios[0]!.trials[0]!.durationSeconds, 24.425289882)
    scenarioNamed(simple, 'http_req_duration{expected_response:true}')
    const handle = parseChecked(sharedFixtureText('k6-handleSummary-k6-unittest.json')!, 'k6')
    assert.equal(scenarioNamed(handle, 'my_trend').trials[0]!.metrics.p99!.value, 19.9)
    const legacy = parseChecked(sharedFixtureText('k6-summary-export-legacy-k6-unittest.json')!, 'k6')
    assert.equal(scenarioNamed(legacy, 'my_trend').trials[0]!.metrics.mean!.value, 15)
    const machine = parseChecked(sharedFixtureText('k6-machine-readable-summary-v1-schema-example.json')!, 'k6')
    const machineHttp = scenarioNamed(machine, 'http_req_duration').trials[0]!.metrics
    assert.equal(machineHttp.p95!.value, 421.32)
    assert.equal(machineHttp.rps!.value, 24.79)
    assert.equal(machine.producer?.version, '1.1.0')
  })
})
