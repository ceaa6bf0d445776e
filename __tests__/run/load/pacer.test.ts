/**
 * The open-loop pacer: sends fire in due-time order, never before their due time by more than the wake-up margin;
 * sends due closer together than a wake-up takes are waited for awake, and that waiting is counted apart.
 */
import assert from 'node:assert/strict'
import { performance } from 'node:perf_hooks'
import { after, describe, test } from 'node:test'
import { AWAKE_WITHIN_MS, Pacer, WAKE_EARLY_MS } from '../../../src/run/load/pacer.js'

describe('pacer', () => {
  const pacer = new Pacer()
  after(() => pacer.stop())

  test('fires in due order, whatever the order of asking; a cancelled send never fires', async () => {
    const start = performance.now() + 20
    const fired: Array<{ index: number; early: number }> = []
    const dues = [7, 3, 9, 0, 5, 1, 8, 2, 6, 4].map((index) => ({ index, due: start + index * 0.3 }))
    const cancels = new Map<number, () => void>()
    await new Promise<void>((resolve) => {
      for (const { index, due } of dues) {
        cancels.set(
          index,
          pacer.at(due, (now) => {
            fired.push({ index, early: due - now })
            if (fired.length === 8) resolve()
          })
        )
      }
      cancels.get(5)!()
      cancels.get(2)!()
    })
    // Nothing more fires once the rest is done.
    await new Promise((resolve) => setTimeout(resolve, 20))
    assert.deepEqual(
      fired.map((f) => f.index),
      [0, 1, 3, 4, 6, 7, 8, 9]
    )
    for (const { index, early } of fired) assert.ok(early <= WAKE_EARLY_MS + 1e-6, `send ${index} left ${early} ms before its due time`)
  })

  test('a poll from a busy main thread sends what is due at once; the worker still wakes for the rest', async () => {
    const start = performance.now()
    const fired: string[] = []
    pacer.at(start + 2, () => fired.push('due while busy'))
    const later = new Promise<number>((resolve) => pacer.at(start + 15, (now) => resolve(now)))
    // The main thread works through something long (a run of responses): the worker's message waits behind it.
    while (performance.now() < start + 4) {
      /* busy */
    }
    assert.deepEqual(fired, [], 'nothing fires while the main thread is busy and nobody polls')
    pacer.poll()
    assert.deepEqual(fired, ['due while busy'], 'the poll sent it at once')
    pacer.poll()
    assert.deepEqual(fired, ['due while busy'], 'once')
    const firedAt = await later
    assert.ok(firedAt >= start + 15 - WAKE_EARLY_MS - 1e-6, 'the later send waited for its time')
    assert.deepEqual(fired, ['due while busy'], "the worker's message for the polled send fired nothing twice")
  })

  test('a send asked for in the past fires at once; stop drops what still waits', async () => {
    const now = await new Promise<number>((resolve) => pacer.at(performance.now() - 5, resolve))
    assert.ok(now > 0)
    const stopped = new Pacer()
    let fired = false
    stopped.at(performance.now() + 5, () => (fired = true))
    stopped.stop()
    await new Promise((resolve) => setTimeout(resolve, 30))
    assert.equal(fired, false)
  })

  test('sends due closer together than a wake-up are waited for awake: none leaves early, the waiting is counted as idle', async () => {
    const rate = 10_000
    const count = 500
    const start = performance.now() + 10
    const idleBefore = pacer.idleTurnsMs
    const lateness: number[] = []
    await new Promise<void>((resolve) => {
      for (let k = 0; k < count; k++) {
        const due = start + (k * 1000) / rate
        pacer.at(due, (now) => {
          lateness.push(now - due)
          if (lateness.length === count) resolve()
        })
      }
    })
    assert.equal(lateness.length, count)
    // The first send comes from the worker's wake-up (up to its margin early); from then on the loop stays awake.
    assert.ok(lateness[0]! >= -WAKE_EARLY_MS - 1e-6)
    const early = lateness.slice(1).filter((late) => late < -1e-6)
    assert.deepEqual(early, [], 'an awake turn sends at the due time, never early')
    // 500 sends 0.1 ms apart span 50 ms, most of it waiting between sends (how much depends on how busy the machine is).
    const idle = pacer.idleTurnsMs - idleBefore
    assert.ok(idle > 0 && idle < 60, `awake waiting counted as ${idle} ms over a 50 ms schedule`)

    // The same schedule on a pacer that never stays awake: the worker wakes the loop for each send, nothing turns idle.
    const asleep = new Pacer(0)
    let fired = 0
    await new Promise<void>((resolve) => {
      for (let k = 0; k < 50; k++) asleep.at(performance.now() + 5 + k * 0.1, () => ++fired === 50 && resolve())
    })
    asleep.stop()
    assert.equal(asleep.idleTurnsMs, 0)
    assert.ok(AWAKE_WITHIN_MS > (1000 / rate) * 1, 'the schedule above is one the pacer waits for awake')
  })
})
