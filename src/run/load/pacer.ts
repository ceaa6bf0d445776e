/**
 * Open-loop sends on time to within about a tenth of a millisecond, without spinning at low rates. Node's timers count
 * whole milliseconds: one `setTimeout` per request sends a 10,000 req/s schedule in bursts of ten per millisecond, each
 * up to a millisecond late, and spinning the event loop until every due time costs a core even at modest rates.
 *
 * The pacer keeps every waiting send in one queue by due time. A small worker thread sleeps in `Atomics.wait`, whose
 * timeout has microsecond resolution (a futex), until shortly before the earliest due time, and then wakes the main
 * thread with a message; the main thread sends everything due. The clock both threads read is
 * `process.hrtime` (monotonic, process-wide). The worker is a few lines of plain JavaScript evaluated from a string,
 * so the bundle needs no second entry file. One pacer serves the whole process (sharedPacer): a worker takes tens of
 * milliseconds to start, which must not fall on the first sends of a pass, and side-by-side passes share it.
 *
 * When the next send is due sooner than a wake-up takes (AWAKE_WITHIN_MS: thousands of sends a second), the main
 * thread does not sleep at all: it keeps its event loop turning (`setImmediate`, which still serves every socket) and
 * sends each request at its time. A sleeping thread on a virtual machine wakes in about 0.1 ms with a tail of a
 * millisecond (bench/pacing.ts, figures in docs/load.md: at 10,000 req/s a pacer that slept between sends let arrival
 * gaps spread to a p90 of 169 µs on a 100 µs schedule, and was busy 94 % of a core; awake, 104 µs and 45 %). The
 * turning counts as CPU; the pacer adds up the turns that found nothing to do (`idleTurnsMs`) so that the
 * generator's health can leave them out.
 */
import { performance } from 'node:perf_hooks'
import { Worker } from 'node:worker_threads'

/**
 * The worker wakes this long before the due time: its sleep ends late by the kernel's timer slack (about 50 µs on
 * Linux) plus the message's trip to the main thread; a send that leaves this early counts its latency from the send.
 */
export const WAKE_EARLY_MS = 0.06

/** A send due within this long is waited for awake: a wake-up through the worker takes about as long. */
export const AWAKE_WITHIN_MS = 0.15

/** Control words shared with the worker: [generation, stop], then the wake-up time in hrtime nanoseconds (0: none). */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const control = new Int32Array(workerData, 0, 2)
const wake = new BigInt64Array(workerData, 8, 1)
for (;;) {
  const generation = Atomics.load(control, 0)
  if (Atomics.load(control, 1) !== 0) break
  const at = Atomics.load(wake, 0)
  if (at === 0n) {
    Atomics.wait(control, 0, generation)
    continue
  }
  const now = process.hrtime.bigint()
  if (now < at) {
    Atomics.wait(control, 0, generation, Number(at - now) / 1e6)
    continue
  }
  if (Atomics.compareExchange(wake, 0, at, 0n) === at) parentPort.postMessage(0)
}
`

interface Waiting {
  due: number
  fire: (now: number) => void
  cancelled: boolean
}

export class Pacer {
  /** A binary min-heap by due time; cancelled entries are dropped when they reach the top. */
  private readonly heap: Waiting[] = []
  private readonly shared = new SharedArrayBuffer(16)
  private readonly control = new Int32Array(this.shared, 0, 2)
  private readonly wake = new BigInt64Array(this.shared, 8, 1)
  private readonly worker: Worker
  /** The due time the worker is set to wake for (Infinity: none). */
  private armedFor = Number.POSITIVE_INFINITY
  private stopped = false
  /** Whether the worker holds the process open (while sends wait). */
  private holding = false
  /** Whether an awake turn of the event loop is asked for (the next send is due within `awakeWithinMs`). */
  private awake = false
  /** When the last awake turn ran (or was asked for), and the polls counted then: a turn after no poll and no send found nothing to do. */
  private lastTurnAt = 0
  private polls = 0
  private pollsAtLastTurn = 0
  /** Time spent turning the event loop while nothing was due or answered (ms): waiting, not work. */
  idleTurnsMs = 0
  /** performance.now() and hrtime nanoseconds at one moment: converts due times to the worker's clock. */
  private readonly origin = { performance: performance.now(), hrtime: process.hrtime.bigint() }

  /** `awakeWithinMs`: how soon a send must be due for the event loop to wait for it awake (0: always sleep). */
  constructor(private readonly awakeWithinMs: number = AWAKE_WITHIN_MS) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: this.shared })
    this.worker.on('message', this.turn)
    // An exit or error of the worker (never expected) must not go unseen: fall back to firing on a timer.
    this.worker.on('error', () => this.fallBack())
    this.worker.on('exit', () => this.fallBack())
    this.worker.unref()
  }

  /** Calls `fire(now)` at `due` (ms on the performance clock); the answer cancels it. */
  at(due: number, fire: (now: number) => void): () => void {
    const waiting: Waiting = { due, fire, cancelled: false }
    this.push(waiting)
    if (due < this.armedFor) this.arm()
    return () => {
      waiting.cancelled = true
      // The send the worker wakes for is gone: wake for the next one (or for none, letting the process exit).
      if (waiting.due === this.armedFor) this.arm()
    }
  }

  /** Drops every waiting send and stops the worker; nothing fires after this. */
  stop(): void {
    if (this.stopped) return
    this.stopped = true
    this.heap.length = 0
    if (this.fallBackTimer) clearTimeout(this.fallBackTimer)
    Atomics.store(this.control, 1, 1)
    Atomics.add(this.control, 0, 1)
    Atomics.notify(this.control, 0)
    void this.worker.terminate()
  }

  /** The worker's wake-up: sends what is due, and the send it woke for up to its margin early. */
  private readonly turn = (): void => {
    const wokeFor = this.armedFor
    this.armedFor = Number.POSITIVE_INFINITY
    if (this.stopped) return
    const now = performance.now()
    // Only the send the worker woke for is taken early (the margin makes up for the wake-up): later ones within the
    // margin go at their time, not in a burst with it, and a wake-up that comes after the loop stayed awake takes none.
    const next = this.fireDue(now, 0) === 0 ? this.top() : undefined
    if (next && next.due === wokeFor && next.due <= now + WAKE_EARLY_MS) {
      this.pop()
      next.fire(now)
    }
    this.arm()
  }

  /** One awake turn of the event loop: sends what is due, then turns again or lets the worker wake it. */
  private readonly awakeTurn = (): void => {
    this.awake = false
    if (this.stopped) return
    const now = performance.now()
    const sent = this.fireDue(now, 0)
    if (sent === 0 && this.polls === this.pollsAtLastTurn) this.idleTurnsMs += now - this.lastTurnAt
    this.pollsAtLastTurn = this.polls
    this.lastTurnAt = performance.now()
    this.arm()
  }

  /**
   * Sends what is due, from whatever the main thread is doing anyway (a load pass calls it on every response). At
   * high rates the event loop is seldom idle: a send that falls due while it works through a run of responses would
   * otherwise wait behind them for the worker's message. The worker needs no new time: it is set for the earliest
   * send, no later than anything still waiting, and the turn its message starts sets it for the next.
   */
  poll(): void {
    if (this.stopped) return
    this.polls++
    const top = this.top()
    // Only what is due: the worker's early margin makes up for its own wake-up, which a poll does not have, and sends
    // taken early here would go out in bursts.
    if (top && top.due <= performance.now()) this.fireDue(performance.now(), 0)
  }

  /** Fires every send due by `now + early`; answers how many. */
  private fireDue(now: number, early: number): number {
    let fired = 0
    for (let top = this.top(); top && top.due <= now + early; top = this.top()) {
      this.pop()
      top.fire(now)
      fired++
    }
    return fired
  }

  private hrtimeOf(due: number): bigint {
    return this.origin.hrtime + BigInt(Math.round((due - WAKE_EARLY_MS - this.origin.performance) * 1e6))
  }

  /** Sets the worker to wake for the earliest waiting send, or turns the event loop when it is due too soon to sleep. */
  private arm(): void {
    if (this.stopped) return
    const top = this.top()
    if (top && this.awakeWithinMs > 0 && top.due - performance.now() <= this.awakeWithinMs) {
      // The worker stands down (its wake-up, if it comes, finds nothing to do); the awake turn arms it again.
      this.armedFor = Number.POSITIVE_INFINITY
      Atomics.store(this.wake, 0, 0n)
      if (!this.awake) {
        this.awake = true
        this.lastTurnAt = performance.now()
        this.pollsAtLastTurn = this.polls
        setImmediate(this.awakeTurn)
      }
      return
    }
    // A waiting send keeps the process alive, as its timer would; an idle pacer does not.
    if ((top !== undefined) !== this.holding) {
      this.holding = top !== undefined
      if (this.holding) this.worker.ref()
      else this.worker.unref()
    }
    this.armedFor = top ? top.due : Number.POSITIVE_INFINITY
    const at = top ? this.hrtimeOf(top.due) : 0n
    Atomics.store(this.wake, 0, at)
    Atomics.add(this.control, 0, 1)
    Atomics.notify(this.control, 0)
  }

  private fallBackTimer: NodeJS.Timeout | undefined
  private fallBack(): void {
    if (this.stopped || this.fallBackTimer) return
    const tick = (): void => {
      this.turn()
      if (!this.stopped) this.fallBackTimer = setTimeout(tick, 1)
    }
    this.fallBackTimer = setTimeout(tick, 1)
  }

  private top(): Waiting | undefined {
    while (this.heap.length > 0 && this.heap[0]!.cancelled) this.pop()
    return this.heap[0]
  }

  private push(waiting: Waiting): void {
    const heap = this.heap
    heap.push(waiting)
    let index = heap.length - 1
    while (index > 0) {
      const parent = (index - 1) >> 1
      if (heap[parent]!.due <= waiting.due) break
      heap[index] = heap[parent]!
      index = parent
    }
    heap[index] = waiting
  }

  private pop(): void {
    const heap = this.heap
    const last = heap.pop()!
    if (heap.length === 0) return
    let index = 0
    for (;;) {
      const left = 2 * index + 1
      if (left >= heap.length) break
      const right = left + 1
      const child = right < heap.length && heap[right]!.due < heap[left]!.due ? right : left
      if (heap[child]!.due >= last.due) break
      heap[index] = heap[child]!
      index = child
    }
    heap[index] = last
  }
}

let shared: Pacer | undefined

/** The process's pacer, started on first use and kept (its worker sleeps and does not hold the process open). */
export function sharedPacer(): Pacer {
  shared ??= new Pacer()
  return shared
}
