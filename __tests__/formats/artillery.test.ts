import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { InputError } from '../../src/errors.js'
import { assertParseError, fixtureText, needsShared, parseChecked, scenarioNamed, sharedFixtureText } from '../support/format-fixtures.js'

describe('Artillery JSON report', () => {
  test('v2: overall, per-endpoint and session-length scenarios; rps over the run; error share', () => {
    const results = parseChecked(fixtureText('artillery-report.json'), 'artillery')
    assert.deepEqual(
      results.scenarios.map((s) => s.name),
      ['http.response_time', '/health', '/items', 'vusers.session_length']
    )
    const overall = scenarioNamed(results, 'http.response_time').trials[0]!
    assert.deepEqual(overall.metrics.p95, { value: 77.5, unit: 'ms', direction: 'lower' })
    assert.deepEqual(overall.metrics['p99.9'], { value: 308.3, unit: 'ms', direction: 'lower' })
    assert.deepEqual(overall.metrics.rps, { value: 10, unit: 'req/s', direction: 'higher' })
    assert.equal(overall.metrics.errors!.value, 2)
    assert.equal(overall.durationSeconds, 20)
    assert.ok(Math.abs(scenarioNamed(results, '/items').trials[0]!.metrics.errors!.value - (100 * 2) / 98) < 1e-9)
  })

  test('v2: requests of an endpoint that got no response (its errors.ETIMEDOUT counter) are failures of that endpoint', () => {
    const summary = { min: 220, max: 618, count: 1263, mean: 242.2, p50: 232.8, median: 232.8, p75: 247.2, p90: 252.2, p95: 257.3, p99: 415.8, p999: 620.3 }
    const report = {
      aggregate: {
        counters: {
          'http.requests': 4323,
          'http.codes.200': 2526,
          'http.responses': 2526,
          'plugins.metrics-by-endpoint./dino.codes.200': 1263,
          'plugins.metrics-by-endpoint./armadillo.codes.200': 1263,
          'plugins.metrics-by-endpoint./dino.errors.ETIMEDOUT': 1797,
          'errors.ETIMEDOUT': 1797
        },
        firstCounterAt: 1737045325030,
        lastCounterAt: 1737045694150,
        summaries: {
          'http.response_time': summary,
          'plugins.metrics-by-endpoint.response_time./dino': summary,
          'plugins.metrics-by-endpoint.response_time./armadillo': summary
        }
      },
      intermediate: []
    }
    const results = parseChecked(JSON.stringify(report), 'artillery')
    // An outsider's real run: /dino timed out 1797 times against 1263 responses, and showed 0% errors.
    assert.ok(Math.abs(scenarioNamed(results, '/dino').trials[0]!.metrics.errors!.value - (100 * 1797) / (1263 + 1797)) < 1e-9)
    assert.equal(scenarioNamed(results, '/armadillo').trials[0]!.metrics.errors!.value, 0)
    assert.ok(Math.abs(scenarioNamed(results, 'http.response_time').trials[0]!.metrics.errors!.value - (100 * 1797) / 4323) < 1e-9)
  })

  test('v1 layout with raw latencies keeps them as a distribution; a report without requests is an error', () => {
    const v1 = {
      aggregate: {
        latency: { min: 1, max: 9, median: 4, p95: 8, p99: 9 },
        rps: { mean: 5 },
        requestsCompleted: 3,
        codes: { 200: 3 },
        errors: {},
        latencies: [
          [1, 'a', 1e6, 200],
          [2, 'b', 4e6, 200],
          [3, 'c', 9e6, 200]
        ]
      }
    }
    const trial = parseChecked(JSON.stringify(v1), 'artillery').scenarios[0]!.trials[0]!
    assert.deepEqual(trial.distributions, { latency: { unit: 'ns', samples: [1e6, 4e6, 9e6] } })
    assert.equal(trial.metrics.p50!.value, 4)
    assertParseError('{"aggregate":{"latency":{"min":null,"p95":null},"rps":{"mean":0}}}', 'artillery', 'a.json', /no response times/, InputError)
  })

  test('real files: a v2 run and the v1 test input with no completed request', needsShared, () => {
    const v2 = parseChecked(sharedFixtureText('artillery-v2-report-kimhyunmook-get-products.json')!, 'artillery')
    assert.equal(scenarioNamed(v2, '/api/products').trials[0]!.metrics.p99!.value, 186.8)
    assertParseError(sharedFixtureText('artillery-v1-report-artillery-tests.json')!, 'artillery', 'a.json', /no response times/, InputError)
  })
})
