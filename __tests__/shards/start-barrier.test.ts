import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { RunError } from '../../src/errors.js'
import { MemoryLogger } from '../../src/log.js'
import {
  ShardStartBarrier,
  parseStartMarker,
  startMarkerName,
  type BarrierClock,
  type MarkerTransport,
  type StartBarrierOptions
} from '../../src/shards/start-barrier.js'
import { scratchDir } from '../support/spawn-dist.js'

const T0 = Date.parse('2026-03-01T12:00:00.000Z')

/** Simulated time: sleeping advances it at once. */
class FakeClock implements BarrierClock {
  constructor(public time = T0) {}
  now(): number {
    return this.time
  }
  async sleep(ms: number): Promise<void> {
    this.time += Math.max(0, ms)
    await new Promise((resolve) => setImmediate(resolve))
  }
}

/** The run's uploads; `later` appear only once the clock reaches their time (siblings arriving). */
class ScriptedTransport implements MarkerTransport {
  readonly uploads = new Map<string, string>()
  readonly later: Array<{ name: string; visibleAt: number }> = []
  lists = 0
  failListsUntil = 0
  constructor(private readonly clock: FakeClock) {}
  async upload(name: string, file: string): Promise<void> {
    this.uploads.set(name, await readFile(file, 'utf8'))
  }
  async list(prefix: string): Promise<string[]> {
    this.lists++
    if (this.clock.now() < this.failListsUntil) throw new Error('HTTP 503 from the results service')
    const visible = this.later.filter((entry) => entry.visibleAt <= this.clock.now()).map((entry) => entry.name)
    return [...this.uploads.keys(), ...visible].filter((name) => name.startsWith(prefix))
  }
  /** Shard index/total of gate `gate` becomes ready at `atMs` (its marker visible `delayMs` later). */
  sibling(index: number, total: number, atMs: number, options: { gate?: string; attempt?: number; state?: 'ready' | 'failed'; delayMs?: number } = {}): void {
    const name = startMarkerName(options.gate ?? 'api', { index, total }, options.attempt ?? 1, options.state ?? 'ready', atMs)
    this.later.push({ name, visibleAt: atMs + (options.delayMs ?? 800) })
  }
}

function setup(overrides: Partial<StartBarrierOptions> = {}) {
  const clock = new FakeClock()
  const transport = new ScriptedTransport(clock)
  const log = new MemoryLogger()
  const barrier = new ShardStartBarrier({
    gate: 'api',
    shard: { index: 2, total: 4 },
    attempt: 1,
    transport,
    workDir: scratchDir(),
    log,
    waitMs: 60_000,
    pollMs: 2000,
    marginMs: 5000,
    clock,
    ...overrides
  })
  return { clock, transport, log, barrier }
}

describe('agreed start of load shards', () => {
  test('marks itself ready, waits for every shard, and starts at the latest ready time plus the margin', async () => {
    const { clock, transport, log, barrier } = setup()
    transport.sibling(1, 4, T0 - 20_000)
    transport.sibling(3, 4, T0 + 7_300)
    transport.sibling(4, 4, T0 + 12_100)
    const agreed = await barrier.wait()
    assert.equal(agreed.readyAt.getTime(), T0)
    assert.equal(agreed.startAt.getTime(), T0 + 12_100 + 5000, 'latest ready time + margin')
    assert.equal(clock.now(), agreed.startAt.getTime(), 'slept until the agreed start')
    assert.equal(agreed.lateMs, 0)
    const [name, text] = [...transport.uploads][0]!
    assert.deepEqual(parseStartMarker('api', name), { index: 2, total: 4, attempt: 1, state: 'ready', atMs: T0 })
    assert.equal(JSON.parse(text).at, new Date(T0).toISOString(), 'the marker holds its ready time')
    assert.ok(
      log.lines.some((line) => /All 4 shards are ready; the load starts at 2026-03-01T12:00:17\.100Z/.test(line)),
      log.lines.join('\n')
    )
    assert.equal(await barrier.wait(), agreed, 'passed once')
  })

  test('every shard computes the same start from the same markers, whenever it arrived', async () => {
    const starts: number[] = []
    for (const [index, readyAt] of [
      [1, T0 - 9000],
      [2, T0],
      [3, T0 + 4000],
      [4, T0 + 1000]
    ] as const) {
      const { clock, transport, barrier } = setup({ shard: { index, total: 4 } })
      clock.time = readyAt
      for (const [other, at] of [
        [1, T0 - 9000],
        [2, T0],
        [3, T0 + 4000],
        [4, T0 + 1000]
      ] as const)
        if (other !== index) transport.sibling(other, 4, at)
      starts.push((await barrier.wait()).startAt.getTime())
    }
    assert.deepEqual(starts, [T0 + 9000, T0 + 9000, T0 + 9000, T0 + 9000])
  })

  test('shards that never become ready fail the wait at the deadline (exit 2), naming them; a failed marker is left', async () => {
    const { clock, transport, barrier } = setup({ waitMs: 30_000 })
    transport.sibling(1, 4, T0 + 1000)
    const error = await barrier.wait().then(
      () => assert.fail('should not pass'),
      (e: unknown) => e
    )
    assert.ok(error instanceof RunError)
    assert.equal(error.exitCode, 2)
    assert.match(error.message, /^shard 2\/4: shards 3\/4, 4\/4 did not become ready within 30 s \(input 'shard-wait'\)/)
    assert.match(error.message, /re-run all jobs/)
    assert.equal(clock.now(), T0 + 30_000, 'gave up at the deadline, not later')
    await barrier.abandon()
    const failed = [...transport.uploads.keys()].map((name) => parseStartMarker('api', name)!).find((m) => m.state === 'failed')
    assert.deepEqual(failed && { index: failed.index, attempt: failed.attempt }, { index: 2, attempt: 1 })
  })

  test('a sibling that failed before the start stops the wait at once, named', async () => {
    const { clock, transport, barrier } = setup()
    transport.sibling(1, 4, T0)
    transport.sibling(3, 4, T0 + 3000, { state: 'failed' })
    await assert.rejects(barrier.wait(), /^RunError: shard 2\/4: shard 3\/4 failed before the agreed start.*Not ready either: shards 3\/4, 4\/4/)
    assert.ok(clock.now() < T0 + 10_000, 'did not wait for the deadline')
  })

  test('markers of another attempt, another matrix size or another gate do not count', async () => {
    const { transport, barrier } = setup({ waitMs: 10_000, shard: { index: 1, total: 2 } })
    transport.sibling(2, 2, T0, { attempt: 2 })
    transport.sibling(2, 3, T0)
    transport.sibling(2, 2, T0, { gate: 'api-2' })
    transport.sibling(2, 2, T0, { gate: 'ap' })
    await assert.rejects(barrier.wait(), /shard 2\/2 did not become ready within 10 s/)
    assert.equal(parseStartMarker('api', startMarkerName('api-2', { index: 2, total: 2 }, 1, 'ready', T0)), undefined)
  })

  test('a listing that fails is retried until it works; a shard that learns of the start late starts at once and says so', async () => {
    const { clock, transport, log, barrier } = setup({ shard: { index: 1, total: 2 } })
    transport.sibling(2, 2, T0 + 1000)
    transport.failListsUntil = T0 + 9000
    const agreed = await barrier.wait()
    assert.equal(agreed.startAt.getTime(), T0 + 6000)
    assert.equal(agreed.lateMs, clock.now() - (T0 + 6000))
    assert.ok(agreed.lateMs > 0)
    assert.ok(log.lines.some((line) => /^warn: .*listing the other shards' ready markers failed \(HTTP 503/.test(line)))
    assert.ok(
      log.lines.some((line) => /^warn: Shard 1\/2 saw the last shard ready only .* after the agreed start/.test(line)),
      log.lines.join('\n')
    )
  })

  test('four barriers on the real clock, sharing one transport, meet and agree on one start', async () => {
    const names = new Map<string, string>()
    const shared: MarkerTransport = {
      async upload(name, file) {
        names.set(name, await readFile(file, 'utf8'))
      },
      async list(prefix) {
        return [...names.keys()].filter((name) => name.startsWith(prefix))
      }
    }
    const dir = scratchDir()
    const barriers = [1, 2, 3, 4].map(
      (index) =>
        new ShardStartBarrier({
          gate: 'web',
          shard: { index, total: 4 },
          attempt: 1,
          transport: shared,
          workDir: dir,
          log: new MemoryLogger(),
          waitMs: 5000,
          pollMs: 10,
          marginMs: 100
        })
    )
    const arrivals = barriers.map((barrier, i) => new Promise((resolve) => setTimeout(resolve, 40 * i)).then(() => barrier.wait()))
    const agreed = await Promise.all(arrivals)
    const released = Date.now()
    assert.equal(new Set(agreed.map((a) => a.startAt.getTime())).size, 1)
    assert.ok(released >= agreed[0]!.startAt.getTime() - 5)
  })
})
