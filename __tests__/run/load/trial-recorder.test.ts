import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { decodeHistogram } from '../../../src/results/histogram.js'
import { ArrivalSchedule } from '../../../src/run/load/load-pass.js'
import { TrialRecorder } from '../../../src/run/load/trial-recorder.js'

describe('trial recorder', () => {
  test('keeps microseconds: 0.25 ms responses give p50 0.25 ms, not 0', () => {
    const recorder = new TrialRecorder()
    for (let i = 0; i < 1000; i++) recorder.recordResponse(0.25, 200, 100, true)
    const trial = recorder.toTrial(2, new Date('2026-01-01T00:00:00Z'))
    assert.equal(trial.metrics.p50!.value, 0.25)
    for (const name of ['p90', 'p95', 'p99', 'p99.9', 'mean', 'min', 'max']) assert.equal(trial.metrics[name]?.value, 0.25, name)
    assert.equal(trial.metrics.stdev?.value, 0)
    assert.equal(trial.distributions?.latency?.unit, 'µs')
    assert.equal(trial.metrics.rps!.value, 500)
    assert.equal(trial.metrics.throughput!.value, 50_000)
    assert.equal(trial.metrics.requests!.value, 1000)
    assert.equal(trial.startedAt, '2026-01-01T00:00:00.000Z')
    assert.equal(decodeHistogram(trial.distributions!.latency!.hdrHistogram!, 't').totalCount, 1000)
    recorder.destroy()
  })

  test('error rates by kind add up to the total, over every attempted request', () => {
    const recorder = new TrialRecorder()
    for (let i = 0; i < 6; i++) recorder.recordResponse(1, 200, 10, true)
    recorder.recordResponse(1, 503, 10, false)
    recorder.recordTimeout(10_000)
    recorder.recordConnectionError('ECONNRESET')
    recorder.recordConnectionError('ECONNREFUSED')
    const { metrics } = recorder.toTrial(1, new Date())
    assert.equal(metrics.errors!.value, 40)
    assert.equal(metrics.errors_non2xx!.value, 10)
    assert.equal(metrics.errors_timeout!.value, 10)
    assert.equal(metrics.errors_connection!.value, 20)
    assert.equal(metrics.max!.value, 10_000, 'the timed-out wait is in the latency')
    assert.equal(recorder.failureFraction, 0.4)
    assert.equal(recorder.describeFailures(), '1 unexpected status (1 × HTTP 503), 1 timeout(s), 2 connection error(s) (ECONNRESET)')
    recorder.destroy()
  })

  test('a trial with failures only has no latency metrics and no distribution', () => {
    const recorder = new TrialRecorder()
    recorder.recordConnectionError('ECONNREFUSED')
    const trial = recorder.toTrial(1, new Date())
    assert.equal(trial.metrics.p50, undefined)
    assert.equal(trial.distributions, undefined)
    assert.equal(trial.metrics.errors!.value, 100)
    recorder.destroy()
  })
})

describe('arrival schedule', () => {
  test('request k is due at start + k / rate', () => {
    const schedule = new ArrivalSchedule(1000, 200)
    assert.deepEqual([schedule.claim(), schedule.claim(), schedule.claim()], [1000, 1005, 1010])
  })
})
