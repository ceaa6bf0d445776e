import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { InputError } from '../../src/errors.js'
import { assertParseError, fixtureText, needsShared, parseChecked, scenarioNamed, sharedFixtureText, trialValues } from '../support/format-fixtures.js'

describe('JMH -rf json', () => {
  test('every iteration of every fork is a trial; units normalised; secondary metrics lower-is-better; NaN strings tolerated', () => {
    const results = parseChecked(fixtureText('jmh.json'), 'jmh')
    const avgt = scenarioNamed(results, 'org.example.ParseBench.parse(size=100) [avgt]')
    assert.deepEqual(trialValues(avgt, 'time'), [1.2, 1.23, 1.24, 1.27])
    assert.equal(avgt.trials[0]!.metrics.time!.unit, 'µs')
    assert.deepEqual(avgt.trials[0]!.metrics['gc.alloc.rate.norm'], { value: 1024, unit: 'B/op', direction: 'lower' })
    const thrpt = scenarioNamed(results, 'org.example.ParseBench.parse(size=100) [thrpt]')
    assert.deepEqual(thrpt.trials[0]!.metrics.ops, { value: 810500, unit: 'ops/s', direction: 'higher' })
    const sampled = scenarioNamed(results, 'org.example.ParseBench.sampled')
    assert.deepEqual(trialValues(sampled, 'time'), [2.4, 2])
    assert.equal(sampled.trials[0]!.metrics.time!.unit, 'ms')
  })

  test('errors name the JSON path', () => {
    assertParseError(
      '[{"benchmark":"b","mode":"avgt","primaryMetric":{"scoreUnit":"ns/op","rawData":[[1,"x"]]}}]',
      'jmh',
      'j.json',
      /^j\.json: \/0\/primaryMetric\/rawData\/0\/1: expected a number \(or "NaN", "\+INF", "-INF"\), got "x"$/,
      InputError
    )
    assertParseError('[]', 'jmh', 'j.json', /no JMH benchmark results/, InputError)
  })

  test('real file: JMH 1.29 throughput run', needsShared, () => {
    const results = parseChecked(sharedFixtureText('jmh-json-github-action-benchmark-helloworld.json')!, 'jmh')
    assert.equal(results.scenarios[0]!.trials.length, 3)
    assert.equal(results.scenarios[0]!.trials[0]!.metrics.ops!.direction, 'higher')
  })
})
