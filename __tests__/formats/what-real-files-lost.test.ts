/** Issue 20, "what real files lost": each defect on a file of its shape. */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { parseResultsText } from '../../src/formats/registry.js'
import { fixtureText, parseChecked, trialValues } from '../support/format-fixtures.js'

describe('what real files lost', () => {
  test('Google Benchmark: aggregate rows without aggregate_name (older versions) are kept, named by their suffix', () => {
    const doc = JSON.parse(fixtureText('google-benchmark-aggregates.json'))
    const noName = doc.benchmarks.map(({ aggregate_name: _, aggregate_unit: __, ...row }: Record<string, unknown>) => row)
    const results = parseChecked(JSON.stringify({ ...doc, benchmarks: noName }), 'google-benchmark')
    const expected = parseChecked(fixtureText('google-benchmark-aggregates.json'), 'google-benchmark')
    assert.deepEqual(
      results.scenarios.map((s) => s.name),
      expected.scenarios.map((s) => s.name)
    )
    assert.deepEqual(results.scenarios[0]!.trials, expected.scenarios[0]!.trials)
    // Versions before run_type and run_name: "<run>_mean" rows are aggregates of "<run>".
    const oldest = doc.benchmarks.map(({ aggregate_name: _, aggregate_unit: __, run_name: ___, run_type: ____, ...row }: Record<string, unknown>) => row)
    assert.deepEqual(
      parseChecked(JSON.stringify({ ...doc, benchmarks: oldest }), 'google-benchmark').scenarios.map((s) => s.name),
      expected.scenarios.map((s) => s.name)
    )
  })

  test('Google Benchmark: rate counters (kIsRate, "/s") are higher-is-better; plain counters stay unitless and lower', () => {
    const doc = JSON.parse(fixtureText('google-benchmark.json'))
    doc.benchmarks[0].requests_per_second = 1000
    doc.benchmarks[0].hits = 3
    const metrics = parseResultsText(JSON.stringify(doc), 'google-benchmark', 'g.json').scenarios[0]!.trials[0]!.metrics
    assert.deepEqual(metrics.requests_per_second, { value: 1000, unit: '/s', direction: 'higher' })
    assert.equal(metrics.hits!.direction, 'lower')
  })

  test('JMH: a secondary metric with a different sample count is kept as its own scenario', () => {
    const doc = JSON.parse(fixtureText('jmh.json'))
    const first = doc[0]
    first.secondaryMetrics = { '·gc.count': { score: 2, scoreError: 'NaN', scoreUnit: 'counts', rawData: [[1, 1, 0]] } }
    const results = parseResultsText(JSON.stringify(doc), 'jmh', 'j.json')
    const own = results.scenarios.find((s) => s.name.endsWith(':gc.count'))
    assert.ok(own, results.scenarios.map((s) => s.name).join(', '))
    assert.deepEqual(trialValues(own, 'gc.count'), [1, 1, 0])
  })

  test('pytest-benchmark: the 2015 layout (no data, no ops) gives ops = 1 / mean and the file time', () => {
    const doc = JSON.parse(fixtureText('pytest-benchmark.json'))
    for (const benchmark of doc.benchmarks) {
      delete benchmark.stats.data
      delete benchmark.stats.ops
    }
    const results = parseResultsText(JSON.stringify(doc), 'pytest-benchmark', 'p.json')
    const trial = results.scenarios[0]!.trials[0]!
    assert.equal(trial.metrics.ops!.value, 1 / trial.metrics.time!.value)
    assert.equal(results.createdAt, new Date(doc.datetime).toISOString())
  })

  test('Artillery 1.x: intermediate[].latencies kept as the latency distribution when the aggregate has none; its timestamp used', () => {
    const report = {
      aggregate: {
        timestamp: '2016-03-16T15:22:25.502Z',
        latency: { min: 1.2, max: 9.5, median: 2.1, p95: 6.0, p99: 9.0 },
        rps: { count: 4, mean: 2 },
        requestsCompleted: 4,
        codes: { 200: 4 },
        errors: {}
      },
      intermediate: [
        {
          latencies: [
            [1458141744000, 'a', 1200000, 200],
            [1458141744100, 'b', 2100000, 200]
          ]
        },
        {
          latencies: [
            [1458141745000, 'c', 6000000, 200],
            [1458141745100, 'd', 9500000, 200]
          ]
        }
      ]
    }
    const results = parseChecked(JSON.stringify(report), 'artillery')
    assert.deepEqual(results.scenarios[0]!.trials[0]!.distributions, { latency: { unit: 'ns', samples: [1200000, 2100000, 6000000, 9500000] } })
    assert.equal(results.createdAt, '2016-03-16T15:22:25.502Z')
  })

  test('Artillery v2 and autocannon files carry their time', () => {
    const artillery = JSON.parse(fixtureText('artillery-report.json'))
    assert.equal(parseChecked(fixtureText('artillery-report.json'), 'artillery').createdAt, new Date(artillery.aggregate.firstCounterAt).toISOString())
    const autocannon = JSON.parse(fixtureText('autocannon.json'))
    assert.equal(parseChecked(fixtureText('autocannon.json'), 'autocannon').createdAt, new Date(autocannon.start).toISOString())
  })
})
