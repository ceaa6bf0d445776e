import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { InputError } from '../../src/errors.js'
import { assertParseError, fixtureText, needsShared, parseChecked, sharedFixtureText, trialValues } from '../support/format-fixtures.js'

describe('autocannon --json', () => {
  test('one run: latency in ms (no p95: autocannon has none), rps, throughput and error share', () => {
    const text = fixtureText('autocannon.json')
    const raw = JSON.parse(text)
    const results = parseChecked(text, 'autocannon')
    const scenario = results.scenarios[0]!
    assert.equal(scenario.name, '/api/items')
    assert.equal(scenario.kind, 'load')
    const metrics = scenario.trials[0]!.metrics
    assert.deepEqual(metrics.p99, { value: raw.latency.p99, unit: 'ms', direction: 'lower' })
    assert.equal(metrics['p97.5']!.value, raw.latency.p97_5)
    assert.equal(metrics.p95, undefined)
    assert.deepEqual(metrics.rps, { value: raw.requests.total / raw.duration, unit: 'req/s', direction: 'higher' })
    assert.equal(metrics.throughput!.unit, 'B/s')
    assert.equal(metrics.errors!.value, 0)
    assert.equal(scenario.trials[0]!.durationSeconds, raw.duration)
  })

  test('runs appended one per line become trials', () => {
    const text = fixtureText('autocannon-3-runs.ndjson')
    const results = parseChecked(text, 'autocannon')
    assert.equal(results.scenarios.length, 1)
    const expected = text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
      .map((run) => run.latency.mean)
    assert.deepEqual(trialValues(results.scenarios[0]!, 'mean'), expected)
  })

  test('errors name the line of an NDJSON file and the field', () => {
    const [first] = fixtureText('autocannon-3-runs.ndjson').trim().split('\n')
    const broken = JSON.parse(first!)
    delete broken.latency.mean
    assertParseError(
      `${first}\n${JSON.stringify(broken)}\n`,
      'autocannon',
      'ac.json',
      /^ac\.json:2: \/latency\/mean: expected a number, got nothing$/,
      InputError
    )
  })

  test('real file: statusCodeStats counts as strings do not matter', needsShared, () => {
    const results = parseChecked(sharedFixtureText('autocannon-json-example-result-autocannon-tests.json')!, 'autocannon')
    assert.equal(results.scenarios[0]!.name, 'example result')
    assert.equal(results.scenarios[0]!.trials[0]!.metrics.p50!.value, 67)
  })
})
