import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { InputError, RunError } from '../../src/errors.js'
import { parseResultsText } from '../../src/formats/registry.js'
import { assertParseError, fixtureText, needsShared, parseChecked, sharedFixtureText } from '../support/format-fixtures.js'

describe('hey', () => {
  test('text report: summary, percentiles in seconds, rps; the scenario is named after the suite, never the file', () => {
    const results = parseChecked(fixtureText('hey.txt'), 'hey', 'results/api-items.txt')
    const scenario = results.scenarios[0]!
    assert.equal(scenario.name, 'hey')
    assert.equal(parseResultsText(fixtureText('hey.txt'), 'hey', 'results/other-name.txt', { suite: 'api' }).scenarios[0]!.name, 'api')
    const metrics = scenario.trials[0]!.metrics
    assert.deepEqual(metrics.p95, { value: 0.0036, unit: 's', direction: 'lower' })
    assert.deepEqual(metrics.mean, { value: 0.0011, unit: 's', direction: 'lower' })
    assert.deepEqual(metrics.rps, { value: 3612.5364, unit: 'req/s', direction: 'higher' })
    assert.equal(metrics.errors!.value, 0)
    assert.equal(scenario.trials[0]!.durationSeconds, 0.1107)
    assert.equal(parseChecked(fixtureText('hey.txt'), 'hey', 'standard output of suite "api"').scenarios[0]!.name, 'hey')
  })

  test('several reports in one file become trials; error and non-2xx counts give the error share', () => {
    const report = fixtureText('hey.txt')
    const failing = report.replace(
      '[200]\t400 responses',
      '[200]\t380 responses\n  [503]\t10 responses\n\nError distribution:\n  [10]\tGet "http://x": dial tcp: connection refused'
    )
    const results = parseChecked(`${report}\n${failing}`, 'hey')
    assert.equal(results.scenarios[0]!.trials.length, 2)
    assert.equal(results.scenarios[0]!.trials[1]!.metrics.errors!.value, 5)
  })

  test('-o csv: per-request latencies summarised and kept as a distribution', () => {
    const text = fixtureText('hey.csv')
    const rows = text
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(',').map(Number))
    const trial = parseChecked(text, 'hey', 'hey.csv').scenarios[0]!.trials[0]!
    assert.deepEqual(
      trial.distributions?.latency?.samples,
      rows.map((row) => row[0])
    )
    assert.equal(trial.distributions?.latency?.unit, 's')
    assert.equal(trial.metrics.max!.value, Math.max(...rows.map((row) => row[0]!)))
    assert.ok(trial.metrics.p50!.value <= trial.metrics.p99!.value)
    assert.equal(trial.metrics.rps!.unit, 'req/s')
  })

  test('a run where every request failed is a run failure naming the count and the first error, never a pass', () => {
    // hey 0.1.4 against a port nothing listens on: no latency at all, "Average: NaN secs", only an error distribution.
    const allFailed = `
Summary:
  Total:\t0.0123 secs
  Slowest:\t0.0000 secs
  Fastest:\t0.0000 secs
  Average:\tNaN secs
  Requests/sec:\t32520.3252
  

Response time histogram:


Latency distribution:

Details (average, fastest, slowest):
  DNS+dialup:\tNaN secs, 0.0000 secs, 0.0000 secs
  DNS-lookup:\tNaN secs, 0.0000 secs, 0.0000 secs
  req write:\tNaN secs, 0.0000 secs, 0.0000 secs
  resp wait:\tNaN secs, 0.0000 secs, 0.0000 secs
  resp read:\tNaN secs, 0.0000 secs, 0.0000 secs

Status code distribution:

Error distribution:
  [400]\tGet "http://127.0.0.1:18080/api/items": dial tcp 127.0.0.1:18080: connect: connection refused

`
    assertParseError(
      allFailed,
      'hey',
      'c.txt',
      /^c\.txt:2: all 400 requests of this hey run failed; the first error: Get "http:\/\/127\.0\.0\.1:18080\/api\/items": dial tcp .*connection refused$/,
      RunError
    )
    // The CSV of the same run: hey writes rows only for answered requests, so the header stands alone.
    assertParseError(
      'response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset\n',
      'hey',
      'c.csv',
      /^c\.csv: the hey CSV has a header but no request rows: .*every request of this run failed/,
      RunError
    )
    // NaN in a report that has successful responses is no hey report.
    assertParseError(
      fixtureText('hey.txt').replace(/Average:\t[\d.]+ secs/, 'Average:\tNaN secs'),
      'hey',
      'hey.txt',
      /^hey\.txt:\d+: expected "Average: <number> secs" \(NaN only when every request failed\), got "Average:\\tNaN secs"$/,
      InputError
    )
  })

  test('truncated and malformed reports name the line', () => {
    const report = fixtureText('hey.txt')
    assertParseError(report.slice(0, report.indexOf('Requests/sec')), 'hey', 'hey.txt', /^hey\.txt:2: the hey report is incomplete/, InputError)
    assertParseError(
      report.replace('95% in 0.0036 secs', '95% in fast secs'),
      'hey',
      'hey.txt',
      /^hey\.txt:\d+: expected "NN% in X secs", got "95% in fast secs"$/,
      InputError
    )
    assertParseError(
      'response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset\n0.1,0,0,0,0.1,0,200\n',
      'hey',
      'hey.csv',
      /^hey\.csv:2: expected 8 numbers/,
      InputError
    )
  })

  test('real file: README output with tabs turned into spaces', needsShared, () => {
    const results = parseChecked(sharedFixtureText('hey-text-oha-readme.txt')!, 'hey', 'hey.txt')
    assert.equal(results.scenarios[0]!.trials[0]!.metrics.p99!.value, 0.0066)
    assert.equal(results.scenarios[0]!.trials[0]!.metrics.rps!.value, 10913.3967)
  })
})
