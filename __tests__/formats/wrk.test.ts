import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { InputError } from '../../src/errors.js'
import { assertParseError, fixtureText, needsShared, parseChecked, sharedFixtureText, trialValues } from '../support/format-fixtures.js'

describe('wrk and wrk2', () => {
  test('--latency: mean/stdev/max and percentiles in wrk units; rps; transfer in B/s', () => {
    const results = parseChecked(fixtureText('wrk-latency.txt'), 'wrk')
    const scenario = results.scenarios[0]!
    assert.equal(scenario.name, '/api/items')
    assert.deepEqual(scenario.labels, { url: 'http://127.0.0.1:18080/api/items' })
    const metrics = scenario.trials[0]!.metrics
    assert.deepEqual(metrics.mean, { value: 560.88, unit: 'µs', direction: 'lower' })
    assert.deepEqual(metrics.stdev, { value: 0.88, unit: 'ms', direction: 'lower' })
    assert.deepEqual(metrics.p50, { value: 240, unit: 'µs', direction: 'lower' })
    assert.deepEqual(metrics.p99, { value: 4.39, unit: 'ms', direction: 'lower' })
    assert.deepEqual(metrics.rps, { value: 12172.16, unit: 'req/s', direction: 'higher' })
    assert.deepEqual(metrics.throughput, { value: 2.69 * 1024 * 1024, unit: 'B/s', direction: 'higher' })
    assert.equal(scenario.trials[0]!.durationSeconds, 1)
  })

  test('runs appended to one file become trials', () => {
    const results = parseChecked(fixtureText('wrk-3-runs.txt'), 'wrk')
    assert.deepEqual(trialValues(results.scenarios[0]!, 'rps'), [15423.86, 15094.32, 15385.65])
  })

  test('socket errors and non-2xx responses give the error share', () => {
    const text = fixtureText('wrk-latency.txt').replace(
      'Requests/sec:',
      'Socket errors: connect 0, read 2, write 0, timeout 10\n  Non-2xx or 3xx responses: 110\nRequests/sec:'
    )
    assert.ok(Math.abs(parseChecked(text, 'wrk').scenarios[0]!.trials[0]!.metrics.errors!.value - (100 * 122) / 12186) < 1e-9)
  })

  test('truncated or malformed reports name the line', () => {
    const text = fixtureText('wrk-latency.txt')
    assertParseError(text.slice(0, text.indexOf('Requests/sec')), 'wrk', 'wrk.txt', /^wrk\.txt:1: the wrk report is incomplete/, InputError)
    assertParseError(text.replace('560.88us', '560.88xs'), 'wrk', 'wrk.txt', /^wrk\.txt:4: expected a duration like "635\.91us"/, InputError)
  })

  test('real files: wrk README and the wrk2 percentile spectrum (p95 from the spectrum)', needsShared, () => {
    const basic = parseChecked(sharedFixtureText('wrk-readme-basic.txt')!, 'wrk').scenarios[0]!.trials[0]!
    assert.equal(basic.metrics.rps!.value, 748868.53)
    assert.equal(basic.durationSeconds, 30)
    const wrk2 = parseChecked(sharedFixtureText('wrk2-readme-latency.txt')!, 'wrk').scenarios[0]!.trials[0]!.metrics
    assert.deepEqual(wrk2['p99.9'], { value: 12.3, unit: 'ms', direction: 'lower' })
    assert.deepEqual(wrk2['p99.999'], { value: 12.5, unit: 'ms', direction: 'lower' })
    assert.deepEqual(wrk2.p95, { value: 10.015, unit: 'ms', direction: 'lower' })
    assert.equal(wrk2.throughput!.value, 676.18 * 1024)
  })
})
