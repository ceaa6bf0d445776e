/** What is a measurement: negative times and rates are not; a negative size is (a growth that shrank). */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { firstValueProblem } from '../../src/results/value-check.js'
import { resultsWith } from '../support/results-builder.js'

test('a negative time or rate, NaN or a huge value is named; a negative growth in bytes is a measurement', () => {
  assert.equal(
    firstValueProblem(resultsWith({ api: { p95: { values: [3, 4], unit: 'ms' }, server_rss_growth: { values: [1.5, -2.6], unit: 'MiB' } } })),
    undefined
  )
  assert.equal(
    firstValueProblem(resultsWith({ api: { p95: { values: [3, -4], unit: 'ms' } } })),
    'scenario "api", trial 2, metric p95: -4 ms is negative, which a time cannot be'
  )
  assert.equal(
    firstValueProblem(resultsWith({ api: { rps: { values: [-100], unit: 'req/s' } } })),
    'scenario "api", trial 1, metric rps: -100 req/s is negative, which a rate cannot be'
  )
  assert.match(firstValueProblem(resultsWith({ api: { p95: { values: [Number.NaN], unit: 'ms' } } }))!, /metric p95: NaN is not a finite number/)
  assert.match(firstValueProblem(resultsWith({ api: { p95: { values: [1e101], unit: 'ms' } } }))!, /out of range/)
})
