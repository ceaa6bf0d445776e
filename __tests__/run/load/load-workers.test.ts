/** The load generator on several worker threads: its shares add up to the configured load, its recordings to one. */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { LoadSource } from '../../../src/config/settings.js'
import { RunError } from '../../../src/errors.js'
import { MemoryLogger } from '../../../src/log.js'
import { decodeHistogram } from '../../../src/results/histogram.js'
import type { GeneratorHealth } from '../../../src/results/model.js'
import { combineGeneratorHealth } from '../../../src/run/load/generator-health.js'
import { ArrivalSchedule } from '../../../src/run/load/load-pass.js'
import { runLoad } from '../../../src/run/load/load-runner.js'
import { TrialRecorder } from '../../../src/run/load/trial-recorder.js'
import { splitPass, type WorkerPassPlan } from '../../../src/run/load/workers/split-pass.js'
import { endpoint, scenario, startTestServer, type TestServer } from './test-server.js'

function source(...scenarios: LoadSource['scenarios']): LoadSource {
  return { kind: 'load', scenarios, secrets: [] }
}

const PLAN: WorkerPassPlan = {
  endpoints: [{ method: 'GET', url: 'http://127.0.0.1:1/fast', headers: {}, expectedStatus: [], name: 'GET /fast', weight: 1 }],
  connections: 10,
  durationSeconds: 1,
  timeoutSeconds: 5
}

describe('load generator workers: splitting a pass', () => {
  test('connections and a request count split whole, the remainder to the first workers; each worker takes a stride', () => {
    const shares = splitPass({ ...PLAN, requests: 1001 }, 3)
    assert.deepEqual(
      shares.map((share) => [share.connections, share.requests, share.stride]),
      [
        [4, 334, { every: 3, offset: 0 }],
        [3, 334, { every: 3, offset: 1 }],
        [3, 333, { every: 3, offset: 2 }]
      ]
    )
  })

  test('never more workers than connections or requests: every worker holds a connection and has work', () => {
    assert.equal(splitPass({ ...PLAN, connections: 2 }, 8).length, 2)
    assert.equal(splitPass({ ...PLAN, requests: 3 }, 8).length, 3)
    assert.equal(splitPass(PLAN, 1).length, 1)
  })

  test('the strides of one arrival schedule interleave into exactly the whole schedule', () => {
    const whole = new ArrivalSchedule(0, 1000)
    const expected = Array.from({ length: 30 }, () => whole.claim())
    const strides = [0, 1, 2].map((offset) => new ArrivalSchedule(0, 1000, { every: 3, offset }))
    const claimed = strides.flatMap((schedule) => Array.from({ length: 10 }, () => schedule.claim())).sort((a, b) => a - b)
    assert.deepEqual(claimed, expected)
    // What no worker claimed by the end is owed once, by the worker whose stride it is.
    const owed = strides.flatMap((schedule) => schedule.claimOverdue(35)).sort((a, b) => a - b)
    assert.deepEqual(owed, [30, 31, 32, 33, 34, 35])
  })
})

describe('load generator workers: adding up what they recorded', () => {
  test('recorders absorbed into one equal one recorder that saw every request (histogram buckets, counts, endpoints)', () => {
    const names = ['a', 'b']
    const whole = new TrialRecorder(names)
    const workers = [new TrialRecorder(names), new TrialRecorder(names)]
    for (let index = 0; index < 2000; index++) {
      const latency = 0.05 + ((index * 7919) % 1000) / 37
      const target = workers[index % 2]!
      const endpoint = index % 3 === 0 ? 1 : 0
      if (index % 97 === 0) {
        whole.recordResponse(latency, 503, 10, false, endpoint)
        target.recordResponse(latency, 503, 10, false, endpoint)
      } else if (index % 101 === 0) {
        whole.recordConnectionError('ECONNRESET', endpoint)
        target.recordConnectionError('ECONNRESET', endpoint)
      } else {
        whole.recordResponse(latency, 200, 100, true, endpoint)
        target.recordResponse(latency, 200, 100, true, endpoint)
      }
    }
    const merged = new TrialRecorder(names)
    for (const worker of workers) merged.absorb(structuredClone(worker.snapshot()))
    const at = new Date(0)
    const expected = whole.toTrial(1, at)
    const actual = merged.toTrial(1, at)
    // The maximum of a histogram that crossed threads is its bucket's top (3 significant digits, as every percentile).
    const { max: mergedMax, ...mergedRest } = actual.metrics
    const { max: wholeMax, ...wholeRest } = expected.metrics
    assert.deepEqual(mergedRest, wholeRest)
    assert.ok(Math.abs(mergedMax!.value / wholeMax!.value - 1) < 0.001, `max ${mergedMax!.value} against ${wholeMax!.value}`)
    const wholeHistogram = decodeHistogram(expected.distributions!.latency!.hdrHistogram!, 'whole')
    const mergedHistogram = decodeHistogram(actual.distributions!.latency!.hdrHistogram!, 'merged')
    assert.equal(mergedHistogram.totalCount, wholeHistogram.totalCount)
    for (const percentile of [1, 50, 90, 99, 99.9, 100])
      assert.equal(mergedHistogram.getValueAtPercentile(percentile), wholeHistogram.getValueAtPercentile(percentile))
    assert.equal(merged.describeFailures(), whole.describeFailures())
    for (const recorder of [whole, merged, ...workers]) recorder.destroy()
    wholeHistogram.destroy()
    mergedHistogram.destroy()
  })

  test("workers' health: CPU adds up, the worst lag stands, one saturated worker saturates the trial and is named", () => {
    const healthy: GeneratorHealth = {
      cpu: 0.6,
      eventLoopDelayP99Ms: 2,
      lagP50Ms: 0.02,
      lagP99Ms: 0.2,
      queuedLateFraction: 0,
      inFlightAtEnd: 3,
      unsentAtEnd: 0,
      longestCutOffMs: 4.5,
      saturated: false
    }
    const busy: GeneratorHealth = {
      cpu: 0.95,
      eventLoopDelayP99Ms: 12,
      lagP50Ms: 0.1,
      lagP99Ms: 3,
      queuedLateFraction: 0.1,
      inFlightAtEnd: 2,
      unsentAtEnd: 4,
      saturated: true,
      saturatedBecause: 'generator CPU at 95% of a core'
    }
    assert.deepEqual(combineGeneratorHealth([healthy, busy]), {
      cpu: 1.55,
      eventLoopDelayP99Ms: 12,
      lagP50Ms: 0.1,
      lagP99Ms: 3,
      queuedLateFraction: 0.05,
      inFlightAtEnd: 5,
      unsentAtEnd: 4,
      longestCutOffMs: 4.5,
      saturated: true,
      saturatedBecause: 'worker 2 of 2: generator CPU at 95% of a core',
      workers: 2
    })
    assert.equal(combineGeneratorHealth([healthy]), healthy)
  })
})

describe('load generator workers against a real server', () => {
  let server: TestServer
  before(async () => {
    server = await startTestServer()
  })
  after(async () => {
    await server.close()
  })

  test('closed loop on 2 workers: every request the server saw is recorded once, in one histogram; the trial says so', async () => {
    const seenBefore = server.seen.get('GET /sleep')?.count ?? 0
    const results = await runLoad(
      source(scenario('split', [endpoint(`${server.url}/sleep?ms=5`)], { connections: 4, trials: 1, durationSeconds: 1, workers: 2 })),
      {
        log: new MemoryLogger()
      }
    )
    const [only] = results.scenarios
    const trial = only!.trials[0]!
    const seen = server.seen.get('GET /sleep')!.count - seenBefore
    const recorded = trial.metrics.requests!.value
    // Nothing is recorded twice (never more than the server saw), and no worker's share is lost (that would be half of
    // what the server saw): the server also saw what the end of the window cut off (one in flight per connection) and
    // what connections wrote as the generator stopped, after the window and not recorded. A busy machine can take
    // tens of milliseconds to stop a thread (the CI of record: 38 more than recorded, 5.6 %).
    assert.ok(seen >= recorded && seen - recorded <= Math.max(8, 0.2 * seen), `server saw ${seen}, recorded ${recorded}`)
    assert.ok(recorded > 200, `4 connections at ~5 ms for 1 s: ${recorded} requests`)
    assert.equal(trial.generator?.workers, 2)
    assert.equal(only!.labels!.workers, '2')
    const histogram = decodeHistogram(trial.distributions!.latency!.hdrHistogram!, 'trial')
    // Every response, plus what the end cut off, is in the one histogram.
    assert.equal(histogram.totalCount, recorded + trial.generator!.inFlightAtEnd)
    assert.ok(trial.metrics.p50!.value >= 5)
    histogram.destroy()
  })

  test('open loop on 2 workers: together they keep the one schedule (rate and spacing)', async () => {
    server.arrivals.length = 0
    const results = await runLoad(
      source(scenario('paced', [endpoint(`${server.url}/fast`)], { connections: 4, trials: 1, durationSeconds: 1, ratePerSecond: 400, workers: 2 })),
      { log: new MemoryLogger() }
    )
    const trial = results.scenarios[0]!.trials[0]!
    assert.ok(Math.abs(trial.metrics.rps!.value - 400) < 20, `rps ${trial.metrics.rps!.value}`)
    // 100 ms windows hold about 40 arrivals: the strides interleave rather than doubling up (80) or losing a worker's
    // share (20). The median window: a busy machine can starve both threads for a moment, after which the open loop
    // rightly sends what fell due (the CI of record once saw 9, 8, 12, 60, 181, 48, 40, 40).
    const first = server.arrivals[0]!.at
    const windows = [1, 2, 3, 4, 5, 6, 7, 8].map((k) => server.arrivals.filter((a) => a.at >= first + k * 100 && a.at < first + (k + 1) * 100).length)
    const medianWindow = [...windows].sort((a, b) => a - b)[4]!
    assert.ok(medianWindow >= 30 && medianWindow <= 50, `arrivals per 100 ms: ${windows.join(', ')}`)
  })

  test('users stages on 2 workers: the workers share one ramp (user n of the whole ramp starts when it reaches n)', async () => {
    server.arrivals.length = 0
    const ramp = scenario('ramp', [endpoint(`${server.url}/sleep?ms=20`)], {
      trials: 1,
      connections: 6,
      durationSeconds: 2.6,
      workers: 2,
      shape: {
        unit: 'users',
        measure: 'steady',
        stages: [
          { durationSeconds: 0.5, target: 2 },
          { durationSeconds: 1, target: 2 },
          { durationSeconds: 0.1, target: 6 },
          { durationSeconds: 1, target: 6 }
        ]
      }
    })
    const results = await runLoad(source(ramp), { log: new MemoryLogger() })
    assert.deepEqual(
      results.scenarios.map((s) => s.name),
      ['ramp @ 2 users', 'ramp @ 6 users']
    )
    const first = server.arrivals[0]!.at
    assert.equal(Math.max(...server.arrivals.map((a) => a.inFlight)), 6, 'the peak is reached and never passed')
    const third = server.arrivals.find((a) => a.inFlight >= 3)!
    // User 3 (a user of the first worker) starts 1.525 s in; a worker numbering its users on its own would start it at 0.25 s.
    assert.ok(third.at - first >= 1100, `a third request in flight ${third.at - first} ms after the first`)
    for (const part of results.scenarios) assert.ok(part.trials[0]!.metrics.requests!.value > 10, part.name)
  })

  test('cancelled mid-trial: every worker stops at once and the trial is a cancelled run', async () => {
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 400)
    const started = Date.now()
    await assert.rejects(
      runLoad(source(scenario('long', [endpoint(`${server.url}/fast`)], { connections: 4, trials: 1, durationSeconds: 20, workers: 2 })), {
        log: new MemoryLogger(),
        signal: controller.signal
      }),
      (error: unknown) => error instanceof RunError && /cancelled/.test(error.message)
    )
    assert.ok(Date.now() - started < 5000, `stopped after ${Date.now() - started} ms of a 20 s trial`)
  })
})
