import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { RunError } from '../../../src/errors.js'
import { MemoryLogger } from '../../../src/log.js'
import { decodeHistogram } from '../../../src/results/histogram.js'
import type { Trial } from '../../../src/results/model.js'
import { runLoad } from '../../../src/run/load/load-runner.js'
import { eventually, startWsServer, wsScenario, wsSource, type WsTestServer } from './ws-test-server.js'

function metric(trial: Trial, name: string): number {
  const value = trial.metrics[name]?.value
  assert.notEqual(value, undefined, `metric ${name} is missing`)
  return value!
}

/** Every socket the runner opened is closed: the server holds no client any more. */
async function assertAllClosed(server: WsTestServer): Promise<void> {
  assert.ok(await eventually(() => server.server.clients.size === 0), `the server still holds ${server.server.clients.size} socket(s)`)
}

describe('WebSocket runner against an echo server', () => {
  let server: WsTestServer
  before(async () => {
    server = await startWsServer('echo')
  })
  after(async () => {
    await server.close()
  })

  test('records connect and round-trip histograms in µs, messages/s, ws_success 100% and no errors', async () => {
    const results = await runLoad(wsSource(wsScenario('chat', server.url, { warmupSeconds: 0.2 })), { log: new MemoryLogger() })
    const [scenario] = results.scenarios
    assert.equal(scenario!.name, 'chat')
    assert.equal(scenario!.kind, 'load')
    assert.deepEqual(scenario!.labels, { websocket: '/chat', clients: '3', duration: '0.5s' })
    assert.equal(scenario!.trials.length, 2)
    for (const trial of scenario!.trials) {
      for (const name of ['connect p50', 'connect p95', 'connect p99', 'rtt p50', 'rtt p95', 'rtt p99']) {
        assert.equal(trial.metrics[name]!.unit, 'ms', name)
        assert.equal(trial.metrics[name]!.direction, 'lower', name)
        assert.ok(metric(trial, name) > 0, `${name} is above 0`)
      }
      assert.ok(metric(trial, 'rtt p50') <= metric(trial, 'rtt p99'))
      assert.ok(metric(trial, 'messages/s') > 0)
      assert.deepEqual(trial.metrics['messages/s'], { value: metric(trial, 'messages/s'), unit: 'msg/s', direction: 'higher' })
      assert.deepEqual(trial.metrics.ws_success, { value: 100, unit: '%', direction: 'higher' })
      for (const name of ['errors', 'errors_refused', 'errors_upgrade', 'errors_closed', 'errors_timeout']) assert.equal(metric(trial, name), 0, name)
      assert.equal(metric(trial, 'clients'), 3)
      const rtt = decodeHistogram(trial.distributions!.rtt!.hdrHistogram!, 'rtt')
      // The metric is the µs histogram read in ms; the histogram holds every reply, and the wait of each message
      // the window's end cut off (at most one per client).
      assert.equal(rtt.getValueAtPercentile(50) / 1000, metric(trial, 'rtt p50'))
      assert.ok(rtt.totalCount >= metric(trial, 'messages') && rtt.totalCount <= metric(trial, 'messages') + 3)
      rtt.destroy()
      const connect = decodeHistogram(trial.distributions!.connect!.hdrHistogram!, 'connect')
      assert.equal(connect.totalCount, 3)
      connect.destroy()
    }
    await assertAllClosed(server)
  })

  test('a message rate per client paces the messages (open loop), a connect rate ramps the clients in', async () => {
    const acceptedBefore = server.acceptedAt.length
    const results = await runLoad(
      wsSource(wsScenario('paced', server.url, { clients: 4, trials: 1, durationSeconds: 1, messageRatePerSecond: 10, connectRatePerSecond: 8 })),
      { log: new MemoryLogger() }
    )
    const trial = results.scenarios[0]!.trials[0]!
    // 4 clients × 10 messages/s for at most 1 s: no more than 10 each (+1 for the one due at the open).
    assert.ok(metric(trial, 'messages') <= 44, `paced: ${metric(trial, 'messages')} replies`)
    assert.ok(metric(trial, 'messages') >= 4, 'every client got a reply')
    assert.equal(metric(trial, 'ws_success'), 100)
    // 8 connections per second: the 4th is due 3/8 s after the first.
    const accepted = server.acceptedAt.slice(acceptedBefore + 1) // after the reachability check's own connection
    assert.equal(accepted.length, 4)
    assert.ok(accepted[3]! - accepted[0]! >= 300, `ramp spread ${accepted[3]! - accepted[0]!} ms`)
    assert.deepEqual(results.scenarios[0]!.labels, {
      websocket: '/chat',
      clients: '4',
      'connect-rate': '8/s',
      'message-rate': '10/s per client',
      duration: '1s'
    })
    await assertAllClosed(server)
  })

  test('cancellation ends the trial at once with a run error, and every socket is closed', async () => {
    const controller = new AbortController()
    const started = Date.now()
    setTimeout(() => controller.abort(), 300)
    await assert.rejects(
      runLoad(wsSource(wsScenario('long', server.url, { durationSeconds: 30, trials: 1 })), { log: new MemoryLogger(), signal: controller.signal }),
      (error: unknown) => error instanceof RunError && /cancelled/.test(error.message)
    )
    // Far from the 30 s window: the pass did not wait for it.
    assert.ok(Date.now() - started < 15_000)
    await assertAllClosed(server)
  })
})

describe('WebSocket runner against servers that fail', () => {
  test('a server that closes every socket is a failed run naming the URL and the kind, never a pass', async () => {
    const server = await startWsServer('close-every-socket')
    try {
      const started = Date.now()
      await assert.rejects(
        runLoad(wsSource(wsScenario('closing', server.url, { durationSeconds: 20, trials: 1 })), { log: new MemoryLogger() }),
        (error: unknown) =>
          error instanceof RunError &&
          error.message.includes(server.url) &&
          /100\.0% of 3 WebSocket clients/.test(error.message) &&
          /3 closed early \(code 1011\)/.test(error.message)
      )
      // Every client had failed: the pass ended without waiting for its 20 s window.
      assert.ok(Date.now() - started < 15_000)
      await assertAllClosed(server)
    } finally {
      await server.close()
    }
  })

  test('a server that closes half the sockets gives ws_success 50% and errors_closed 50%: a figure to gate', async () => {
    const server = await startWsServer('close-every-second')
    try {
      // The reachability check takes the 1st connection; the 4 clients are the 2nd..5th: two are closed.
      const results = await runLoad(wsSource(wsScenario('half', server.url, { clients: 4, trials: 1 })), { log: new MemoryLogger() })
      const trial = results.scenarios[0]!.trials[0]!
      assert.equal(metric(trial, 'ws_success'), 50)
      assert.equal(metric(trial, 'errors'), 50)
      assert.equal(metric(trial, 'errors_closed'), 50)
      assert.equal(metric(trial, 'errors_timeout'), 0)
      await assertAllClosed(server)
    } finally {
      await server.close()
    }
  })

  test('a server that rejects the upgrade fails within seconds, naming the URL and the status', async () => {
    const server = await startWsServer('reject-upgrade')
    try {
      await assert.rejects(
        runLoad(wsSource(wsScenario('rejected', server.url)), { log: new MemoryLogger() }),
        (error: unknown) => error instanceof RunError && error.message.includes(server.url) && /rejected the WebSocket upgrade \(HTTP 403\)/.test(error.message)
      )
    } finally {
      await server.close()
    }
  })

  test('nothing listening is a run error naming the URL (refused)', async () => {
    const server = await startWsServer('echo')
    const url = server.url
    await server.close()
    await assert.rejects(
      runLoad(wsSource(wsScenario('nobody', url)), { log: new MemoryLogger() }),
      (error: unknown) =>
        error instanceof RunError && error.message.includes(url) && /ECONNREFUSED/.test(error.message) && /Is the server running\?/.test(error.message)
    )
  })

  test('a slow server shows in the round trips: rtt p50 is at least its delay', async () => {
    const server = await startWsServer('slow', 40)
    try {
      const results = await runLoad(wsSource(wsScenario('slow', server.url, { trials: 1, durationSeconds: 1 })), { log: new MemoryLogger() })
      const trial = results.scenarios[0]!.trials[0]!
      assert.ok(metric(trial, 'rtt p50') >= 40, `rtt p50 ${metric(trial, 'rtt p50')} ms`)
      assert.equal(metric(trial, 'ws_success'), 100)
      await assertAllClosed(server)
    } finally {
      await server.close()
    }
  })

  test('a server that never replies: every client times out: a failed run naming the URL and the kind', async () => {
    const server = await startWsServer('silent')
    try {
      await assert.rejects(
        runLoad(wsSource(wsScenario('silent', server.url, { trials: 1, durationSeconds: 5, timeoutSeconds: 1 })), { log: new MemoryLogger() }),
        (error: unknown) => error instanceof RunError && error.message.includes(server.url) && /3 timed out \(no reply within 1 s\)/.test(error.message)
      )
      await assertAllClosed(server)
    } finally {
      await server.close()
    }
  })
})
