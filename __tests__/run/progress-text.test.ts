import { test } from 'node:test'
import assert from 'node:assert/strict'
import { describeProgress, formatDuration } from '../../src/run/progress-text.js'

test('a timed part: percent of its plan and the time left, later trials included', () => {
  assert.equal(describeProgress({ elapsedSeconds: 4, plannedSeconds: 10 }), '40% · 6s left')
  assert.equal(describeProgress({ elapsedSeconds: 4, plannedSeconds: 10, laterSeconds: 66 }), '40% · 1m 12s left')
  assert.equal(describeProgress({ elapsedSeconds: 12, plannedSeconds: 10 }), '100% · 0s left', 'an overrun is capped, never negative')
})

test('a request-count part: percent of requests, time left extrapolated from the pace so far', () => {
  assert.equal(describeProgress({ elapsedSeconds: 10, plannedSeconds: 30, done: 250, planned: 1000 }), '25% · 30s left')
  assert.equal(describeProgress({ elapsedSeconds: 1, done: 0, planned: 1000 }), '0%')
})

test('nothing known about the plan: no progress text at all', () => {
  assert.equal(describeProgress({ elapsedSeconds: 5 }), '')
})

test('durations read as people write them', () => {
  assert.deepEqual([5, 59.6, 72, 3600 + 180].map(formatDuration), ['5s', '1m 00s', '1m 12s', '1h 03m'])
})
