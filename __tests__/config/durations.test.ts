/** Durations as people write them: 500ms, 30s, 10m, 1h, 1m30s, "10 minutes", or a bare number of seconds. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseDurationMs } from '../../src/config/durations.js'
import { schemaProblems } from '../../src/schemas.js'

test('units short and spelled out, parts together, a bare number of seconds; anything else names the field', () => {
  const cases: Array<[string | number, number]> = [
    ['500ms', 500],
    ['30s', 30_000],
    ['10m', 600_000],
    ['1h', 3_600_000],
    ['10 minutes', 600_000],
    ['90 seconds', 90_000],
    ['2 secs', 2_000],
    ['1.5 hours', 5_400_000],
    ['1m30s', 90_000],
    ['1h 2m 3s', 3_723_000],
    ['90', 90_000],
    [2.5, 2_500]
  ]
  for (const [text, ms] of cases) assert.equal(parseDurationMs(text, 'timeout'), ms, String(text))
  for (const bad of ['1m 30', 'abc', '10 parsecs', '', 'ms']) {
    assert.throws(
      () => parseDurationMs(bad, 'suites/0/timeout'),
      new RegExp(`^InputError: suites/0/timeout: "${bad}" is not a duration; write e\\.g\\. 500ms, 30s, 10m, 1h or 1m30s$`)
    )
  }
  assert.throws(() => parseDurationMs('0s', 'duration'), /"0s" must be longer than zero/)
  assert.equal(parseDurationMs('0s', 'warmup', { allowZero: true }), 0)
})

test('the config schema takes the same spellings', () => {
  const config = (timeout: string) => ({ suites: [{ command: 'true', timeout }] })
  for (const good of ['10 minutes', '1m30s', '90', '500ms']) assert.deepEqual(schemaProblems('config', config(good)), [], good)
  for (const bad of ['1m 30', 'ten minutes']) assert.notDeepEqual(schemaProblems('config', config(bad)), [], bad)
})
