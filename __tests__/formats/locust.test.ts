import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { InputError } from '../../src/errors.js'
import { assertParseError, fixtureText, needsShared, parseChecked, scenarioNamed, sharedFixtureText } from '../support/format-fixtures.js'

describe('Locust --csv stats', () => {
  test('one scenario per request row plus Aggregated; quoted names with commas; rows without requests skipped', () => {
    const results = parseChecked(fixtureText('locust_stats.csv'), 'locust', 'locust_stats.csv')
    assert.deepEqual(
      results.scenarios.map((s) => s.name),
      ['GET /items', 'POST /search?q=a,b', 'Aggregated']
    )
    const search = scenarioNamed(results, 'POST /search?q=a,b').trials[0]!.metrics
    assert.deepEqual(search.p95, { value: 52, unit: 'ms', direction: 'lower' })
    assert.deepEqual(search['p99.9'], { value: 120, unit: 'ms', direction: 'lower' })
    assert.equal(search.p100, undefined)
    assert.deepEqual(search.mean, { value: 27.9, unit: 'ms', direction: 'lower' })
    assert.deepEqual(search.rps, { value: 3.97, unit: 'req/s', direction: 'higher' })
    assert.deepEqual(search.errors, { value: 10, unit: '%', direction: 'lower' })
  })

  test('malformed rows name the line and field; the history file is pointed at the stats file', () => {
    const header = fixtureText('locust_stats.csv').split('\n')[0]
    assertParseError(
      `${header}\nGET,/a,10,0,1,1,1,1,1,1,0,1,1,1,1,1,1,1,1,1,1\n`,
      'locust',
      's.csv',
      /^s\.csv:2: expected 22 fields as in the header, got 21$/,
      InputError
    )
    assertParseError(
      `${header}\nGET,/a,ten,0,1,1,1,1,1,1,0,1,1,1,1,1,1,1,1,1,1,1\n`,
      'locust',
      's.csv',
      /^s\.csv:2: field 3: expected a request count, got "ten"$/,
      InputError
    )
    assertParseError(
      'Timestamp,User Count,Type,Name,Requests/s\n1,1,,Aggregated,0\n',
      'locust',
      'h.csv',
      /_stats_history\.csv .*give the _stats\.csv/,
      InputError
    )
    assertParseError(`${header}\n`, 'locust', 's.csv', /^s\.csv:1: the last row is not Locust's "Aggregated" row; the file looks truncated$/, InputError)
    assertParseError(`${header}\n,Aggregated,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0\n`, 'locust', 's.csv', /no request rows/, InputError)
    // Cut at a line end: the rows after the cut, and the "Aggregated" row Locust always writes last, are missing.
    const full = fixtureText('locust_stats.csv').trimEnd().split('\n')
    assertParseError(
      `${full.slice(0, 2).join('\n')}\n`,
      'locust',
      's.csv',
      /^s\.csv:2: the last row is not Locust's "Aggregated" row; the file looks truncated$/,
      InputError
    )
  })

  test('real files: default and custom percentile columns', needsShared, () => {
    const results = parseChecked(sharedFixtureText('locust-stats-motiur12.csv')!, 'locust')
    assert.equal(scenarioNamed(results, 'GET /api/users?page=2').trials[0]!.metrics.p95!.value, 150)
    const custom = parseChecked(sharedFixtureText('locust-stats-custom-percentiles-nikita-filonov.csv')!, 'locust')
    assert.equal(scenarioNamed(custom, 'Aggregated').trials[0]!.metrics.p60!.value, 5500)
    assertParseError(sharedFixtureText('locust-stats-history-motiur12.csv')!, 'auto', 'h.csv', /_stats_history\.csv/, InputError)
  })
})
