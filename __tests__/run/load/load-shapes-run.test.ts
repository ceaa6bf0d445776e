/** Load stages and think time against a real server on 127.0.0.1: users ramp, pause, and each level is its own scenario. */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { LoadSource } from '../../../src/config/settings.js'
import { MemoryLogger } from '../../../src/log.js'
import { runLoad } from '../../../src/run/load/load-runner.js'
import { endpoint, scenario, startTestServer, type TestServer } from './test-server.js'

function source(...scenarios: LoadSource['scenarios']): LoadSource {
  return { kind: 'load', scenarios, secrets: [] }
}

describe('load stages and think time against a real server', () => {
  let server: TestServer
  before(async () => {
    server = await startTestServer()
  })
  after(async () => {
    await server.close()
  })

  test('users ramp up: no more requests in flight than the ramp allows; each steady level is a scenario of its own', async () => {
    server.arrivals.length = 0
    const notes: string[] = []
    const ramp = scenario('ramp', [endpoint(`${server.url}/sleep?ms=20`)], {
      trials: 1,
      connections: 6,
      durationSeconds: 3.1,
      shape: {
        unit: 'users',
        measure: 'steady',
        stages: [
          { durationSeconds: 0.5, target: 2 },
          { durationSeconds: 1, target: 2 },
          { durationSeconds: 0.3, target: 6 },
          { durationSeconds: 1, target: 6 },
          { durationSeconds: 0.3, target: 0 }
        ]
      }
    })
    const results = await runLoad(source(ramp), { log: new MemoryLogger(), notes })
    assert.deepEqual(
      results.scenarios.map((s) => s.name),
      ['ramp @ 2 users', 'ramp @ 6 users']
    )
    const [two, six] = results.scenarios.map((s) => s.trials[0]!)
    assert.equal(two!.durationSeconds, 1)
    const ratio = six!.metrics.rps!.value / two!.metrics.rps!.value
    // Closed loop at ~20 ms per request: three times the users, about three times the rate.
    assert.ok(ratio > 2.2 && ratio < 3.6, `6 users / 2 users rps ${ratio.toFixed(2)}`)
    assert.ok(two!.metrics.p50!.value >= 20 && six!.metrics.p50!.value >= 20)
    const first = server.arrivals[0]!.at
    assert.equal(Math.max(...server.arrivals.map((a) => a.inFlight)), 6, 'the peak is reached and never passed')
    const third = server.arrivals.find((a) => a.inFlight >= 3)!
    // User 3 starts at 1.575 s into the trial, user 1 at 0.25 s.
    assert.ok(third.at - first >= 1100, `a third request in flight ${third.at - first} ms after the first`)
    assert.deepEqual(notes, ['Load ramp: 0→2 users in 0.5s, 2 users for 1s (measured), 2→6 users in 0.3s, 6 users for 1s (measured), 6→0 users in 0.3s.'])
    assert.deepEqual(results.scenarios[0]!.labels!.stages, notes[0]!.slice('Load ramp: '.length, -1))
  })

  test('think time: each user pauses between requests, so the rate is users / (latency + think time)', async () => {
    const thinking = scenario('think', [endpoint(`${server.url}/fast`)], {
      trials: 1,
      connections: 4,
      durationSeconds: 1.5,
      thinkTime: { minSeconds: 0.08, maxSeconds: 0.12 }
    })
    const results = await runLoad(source(thinking), { log: new MemoryLogger() })
    const rps = results.scenarios[0]!.trials[0]!.metrics.rps!.value
    // 4 users, ~0.1 s per request: about 40 req/s (a machine that is busy only lowers it).
    assert.ok(rps > 20 && rps <= 46, `rps ${rps}`)
    assert.equal(results.scenarios[0]!.labels!['think-time'], '80ms–120ms')
    // The pause is not latency: p50 of /fast stays far below the think time.
    assert.ok(results.scenarios[0]!.trials[0]!.metrics.p50!.value < 40)
  })

  test('a ramping rate (open loop): the steady part runs at its rate, the ramp is not measured', async () => {
    const before = server.seen.get('GET /fast')?.count ?? 0
    const rate = scenario('rate', [endpoint(`${server.url}/fast`)], {
      trials: 1,
      connections: 4,
      durationSeconds: 2,
      ratePerSecond: 100,
      shape: {
        unit: 'rate',
        measure: 'steady',
        stages: [
          { durationSeconds: 1, target: 100 },
          { durationSeconds: 1, target: 100 }
        ]
      }
    })
    const results = await runLoad(source(rate), { log: new MemoryLogger() })
    assert.deepEqual(
      results.scenarios.map((s) => s.name),
      ['rate']
    )
    const trial = results.scenarios[0]!.trials[0]!
    assert.ok(Math.abs(trial.metrics.rps!.value - 100) < 12, `steady rps ${trial.metrics.rps!.value}`)
    const sent = server.seen.get('GET /fast')!.count - before
    // 50 during the ramp (0→100 over 1 s) and 100 in the steady second.
    assert.ok(sent >= 135 && sent <= 155, `${sent} requests in all`)
    assert.ok(trial.metrics.requests!.value >= 90 && trial.metrics.requests!.value <= 105, `${trial.metrics.requests!.value} measured`)
  })
})
