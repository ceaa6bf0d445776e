import assert from 'node:assert/strict'
import { performance } from 'node:perf_hooks'
import { describe, test } from 'node:test'
import type { GeneratorHealth } from '../../../src/results/model.js'
import { GeneratorHealthMonitor, describeLateSends, workersAdvice } from '../../../src/run/load/generator-health.js'

const healthy: GeneratorHealth = {
  cpu: 0.3,
  eventLoopDelayP99Ms: 0.5,
  inFlightAtEnd: 0,
  unsentAtEnd: 0,
  saturated: false,
  lagP99Ms: 0.2,
  queuedLateFraction: 0.3
}

describe('generator health', () => {
  test('late sends are put down to the likely cause', () => {
    // Enough connections for 1 ms per request at 1,000 req/s (one busy on average of 10), yet sends waited: a stall.
    assert.match(describeLateSends(healthy, 10, 1000, 500, 1), /server stalled \(p99 500\.0 ms, against 1\.00 ms per request on average\)/)
    // 2 connections, 200 req/s at 20 ms of the server's own time: 4 busy on average, 6 with headroom. (The latency
    // counted from the due time, queueing included, reads hundreds of ms: by it, 100+ connections would be asked for.)
    assert.match(
      describeLateSends(healthy, 2, 200, 900, 20),
      /2 connection\(s\) cannot carry 200 requests\/s at 20\.00 ms per request \(about 4 busy on average\); raise connections \(e\.g\. 6\)/
    )
    const saturated = { ...healthy, saturated: true, saturatedBecause: 'generator CPU at 97% of a core' }
    assert.match(describeLateSends(saturated, 10, 1000, 500, 1), /generator was saturated \(generator CPU at 97% of a core\)/)
  })

  test('a generator held by its own CPU on a machine with cores to spare is told to use more threads, and only then', () => {
    const cpuBound = { ...healthy, cpu: 0.97, saturated: true, saturatedBecause: 'generator CPU at 97% of a core' }
    assert.equal(workersAdvice(cpuBound, 8), ' This machine has 8 cores: spread the generator over more threads with workers: 2 (or auto).')
    assert.equal(
      workersAdvice({ ...cpuBound, cpu: 3.8, workers: 4 }, 8),
      ' This machine has 8 cores: spread the generator over more threads with workers: 8 (or auto).'
    )
    assert.equal(workersAdvice(cpuBound, 1), '', 'no core to spare')
    assert.equal(
      workersAdvice({ ...cpuBound, cpu: 0.4, lagP99Ms: 4, saturatedBecause: 'sends left up to 4 ms off schedule' }, 8),
      '',
      'lag without a busy CPU: more threads are not the cure'
    )
    assert.equal(workersAdvice(healthy, 8), '')
  })

  test('a generator whose timers fire off schedule while connections are free is saturated; queueing behind busy connections is not', () => {
    const lagging = new GeneratorHealthMonitor()
    for (let i = 0; i < 100; i++) lagging.recordTimedSend(i < 5 ? 8 : 0.1)
    const lagged = lagging.finish(true, { inFlight: 0, unsent: 0, longestMs: 0 }, 2)
    assert.equal(lagged.saturated, true)
    assert.match(lagged.saturatedBecause!, /off schedule/)

    const queueing = new GeneratorHealthMonitor()
    for (let i = 0; i < 100; i++) queueing.recordImmediateSend(50, 2)
    const queued = queueing.finish(true, { inFlight: 2, unsent: 40, longestMs: 250 }, 2)
    assert.equal(queued.queuedLateFraction, 1)
    assert.equal(queued.inFlightAtEnd, 2)
    assert.equal(queued.unsentAtEnd, 40)
    assert.equal(queued.longestCutOffMs, 250)
    assert.equal(lagged.longestCutOffMs, undefined, 'nothing cut off, no longest wait')
    assert.ok(!queued.saturatedBecause?.includes('off schedule'), 'waiting for a busy connection is the server’s time, not the generator’s')

    // A lag that is small next to the latency measured does not make a slow endpoint's figures untrustworthy.
    const slowEndpoint = new GeneratorHealthMonitor()
    for (let i = 0; i < 100; i++) slowEndpoint.recordTimedSend(3)
    assert.ok(!slowEndpoint.finish(true, { inFlight: 0, unsent: 0, longestMs: 0 }, 200).saturatedBecause?.includes('off schedule'))
  })

  test('time the pacer spent turning the event loop awake with nothing to do is not counted as generator CPU', () => {
    // A busy-wait stands for the awake turns. What a core gives it depends on the machine's other work (tests run
    // side by side), so each monitor is checked against the CPU the spin actually got, not against a fixed share.
    const spin = (ms: number): { wallMs: number; cpuMs: number } => {
      const cpuStart = process.cpuUsage()
      const start = performance.now()
      while (performance.now() - start < ms) {
        /* turning the event loop with nothing due */
      }
      const cpu = process.cpuUsage(cpuStart)
      return { wallMs: performance.now() - start, cpuMs: (cpu.user + cpu.system) / 1000 }
    }
    let idleMs = 0
    const waiting = new GeneratorHealthMonitor(() => idleMs)
    const waited = spin(60)
    idleMs = waited.wallMs
    const idle = waiting.finish(true, { inFlight: 0, unsent: 0, longestMs: 0 }, 1)
    // All of the spin was waiting; what is left is the CPU around it and the process's background threads (compiling
    // the spin, a GC helper), up to 0.16 of a core on a first run here.
    assert.ok(idle.cpu < 0.5, `waiting counted as ${idle.cpu} of a core (the spin got ${waited.cpuMs.toFixed(1)} ms of CPU in ${waited.wallMs.toFixed(1)} ms)`)
    assert.equal(idle.saturated, false)

    const working = new GeneratorHealthMonitor()
    const worked = spin(60)
    const busy = working.finish(true, { inFlight: 0, unsent: 0, longestMs: 0 }, 1)
    const got = worked.cpuMs / worked.wallMs
    assert.ok(Math.abs(busy.cpu - got) < 0.15, `work counted as ${busy.cpu} of a core; the spin got ${got.toFixed(3)}`)
  })
})
