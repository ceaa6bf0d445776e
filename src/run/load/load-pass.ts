/**
 * One pass of load with autocannon (a warm-up or a trial's measured part), recorded by perf-gate itself.
 *
 * autocannon's own numbers are not used: its histogram truncates latencies to whole milliseconds, and with a rate
 * set it both sends in bursts at the start of every second (its per-connection counter resets once a second) and
 * "corrects" coordinated omission with a 1 ms expected interval whatever the rate. So:
 * - every connection (autocannon "client") is instrumented in `setupClient`: with pipelining 1 a connection has
 *   one request in flight, whose write time it keeps; each response's latency goes into our HdrHistogram in
 *   microseconds;
 * - with a fixed arrival rate (open loop) perf-gate paces the requests itself, like wrk2: request k of the pass is
 *   due at start + k / rate. A connection that is ready to send claims the next due time and waits for it (on the
 *   pacer, pacer.ts: to within about a tenth of a millisecond, where one timer per send would burst); when
 *   every connection is busy the due times pass and requests go out late. Latency is measured from the due
 *   (intended) time, not from the actual write, so the wait behind a slow server counts: that is the honest
 *   answer to coordinated omission. autocannon's `overallRate` is deliberately not passed (it would add its
 *   bursty per-second cap on top and switch on its wrong correction).
 * - failures are counted by kind: a status the endpoint does not expect, a timeout, a connection error (refused,
 *   reset, or a connection closed by the server while a request was in flight, which autocannon silently drops).
 *   Responses with an unexpected status keep their latency (like autocannon); a timed-out request's wait is
 *   recorded too, so a server that stops answering does not look fast.
 */
import { performance } from 'node:perf_hooks'
import autocannon from 'autocannon'
import type { LoadEndpointSettings, LoadShapeSettings, ThinkTimeSettings } from '../../config/settings.js'
import type { GeneratorHealth } from '../../results/model.js'
import { GeneratorHealthMonitor } from './generator-health.js'
import { dueSeconds, nextActiveTime, type MeasuredWindow } from './load-shape.js'
import { sharedPacer, type Pacer } from './pacer.js'
import type { TrialRecorder } from './trial-recorder.js'

export interface LoadPassOptions {
  /** Endpoints cycled in order on every connection; all share one origin (checked when settings are parsed). */
  endpoints: LoadEndpointSettings[]
  connections: number
  /** Length of the pass; ignored when `requests` is set. */
  durationSeconds: number
  requests?: number
  ratePerSecond?: number
  timeoutSeconds: number
  /** Everything the pass sends (the watchdog and the failure checks read it). */
  recorder: TrialRecorder
  signal?: AbortSignal
  /**
   * Stages: users become active as their ramp reaches them (closed loop), or the due times follow the ramping rate
   * (open loop, instead of `ratePerSecond`). `durationSeconds` is then the shape's length.
   */
  shape?: LoadShapeSettings
  /** Closed loop: each connection pauses this long (uniform in the range) after a response before its next request. */
  thinkTime?: ThinkTimeSettings
  /** The measured spans of a shape and a recorder per part: a request counts in the part its start falls in. */
  measured?: { windows: MeasuredWindow[]; recorders: TrialRecorder[] }
  /** Open loop: the pacer (default: sends within tens of µs of their due time), or one ms-granular timer per send. */
  pacing?: 'pacer' | 'timers'
  /** Which pacer: the process's shared one by default; bench/pacing.ts passes one that never stays awake. */
  pacer?: Pacer
  /**
   * This pass is one of several generators sharing one load (worker threads, src/run/load/workers): it takes every
   * `every`-th request of the whole schedule from `offset` on (open loop), and its connections are users
   * offset+1, offset+1+every, … of the whole ramp (users stages), so together they send the configured load.
   */
  stride?: Stride
}

/** Generator `offset` (from 0) of `every`: its share of one schedule. */
export interface Stride {
  every: number
  offset: number
}

const WHOLE: Stride = { every: 1, offset: 0 }

export interface LoadPassOutcome {
  startedAt: Date
  /** Length of the recorded window. */
  durationSeconds: number
  cancelled: boolean
  /** Open loop: requests sent more than LATE_MS after their due time (every connection was busy). */
  lateSends: number
  /**
   * The server's own time: from each request's actual send to its response, summed over the recorded responses. In
   * open loop the latency counts from the due time, queueing included; connections needed follow from this instead.
   */
  service: { totalMs: number; count: number }
  /** Ended early: every request failed for FAILING_SECONDS_TO_STOP seconds in a row. */
  stoppedFailing: boolean
  /** How healthy the generator was, and what the end of the window cut off. */
  generator: GeneratorHealth
}

export const FAILING_SECONDS_TO_STOP = 3

/** A request sent this much after its due time was held back by busy connections, not by timer granularity. */
const LATE_MS = 2

/** The parts of autocannon's connection object (lib/httpClient.js) the instrumentation relies on. */
interface AutocannonConnection {
  destroyed: boolean
  _doRequest(): void
  _connect(): void
  pipelinedRequests: { size(): number; clear(): void }
  /** The request time limit in ms, and its timer: restarted at every write, it fires `timeout` when it runs out. */
  timeout: number
  timeoutTicker: { reschedule(ms: number): void }
  /**
   * Which of the `requests` was written last. With pipelining 1 that is the one in flight: autocannon emits
   * 'response' before it moves on to the next request (kOnMessageComplete, then `_doRequest()`).
   */
  requestIterator: { currentRequestIndex: number; context: object; resetContext(): void }
  /** The current socket (replaced on every reconnect). */
  conn: { prependListener(event: 'data', listener: () => void): void }
  on(event: 'request' | 'timeout', listener: () => void): void
  on(event: 'response', listener: (statusCode: number, bytes: number, durationMs: number) => void): void
  on(event: 'connError', listener: (error: NodeJS.ErrnoException) => void): void
  on(event: 'headers', listener: (info: { shouldKeepAlive?: boolean }) => void): void
}

/** When an open loop's requests are due (ms on the performance clock); Infinity when no more are due. */
interface DueTimes {
  claim(): number
  claimOverdue(endMs: number): number[]
}

/**
 * Due times of an open-loop schedule: request k at start + k / rate (ms on the performance clock); with a stride,
 * only requests offset, offset + every, … of it.
 */
export class ArrivalSchedule implements DueTimes {
  private next = 0
  constructor(
    private readonly startMs: number,
    private readonly ratePerSecond: number,
    private readonly stride: Stride = WHOLE
  ) {}

  private dueOf(index: number): number {
    return this.startMs + ((index * this.stride.every + this.stride.offset) * 1000) / this.ratePerSecond
  }

  /** Claims the next request's due time. */
  claim(): number {
    return this.dueOf(this.next++)
  }

  /** Claims every due time up to `endMs` that no connection claimed: requests the schedule owed but never sent. */
  claimOverdue(endMs: number): number[] {
    const overdue: number[] = []
    while (this.dueOf(this.next) <= endMs) overdue.push(this.claim())
    return overdue
  }
}

/** Due times of a ramping rate (rate stages): request k when the integral of the rate reaches k (with a stride, as above). */
export class ShapedSchedule implements DueTimes {
  private next = 0
  constructor(
    private readonly startMs: number,
    private readonly shape: LoadShapeSettings,
    private readonly stride: Stride = WHOLE
  ) {}

  private dueOf(index: number): number {
    return this.startMs + 1000 * dueSeconds(this.shape, index * this.stride.every + this.stride.offset)
  }

  claim(): number {
    return this.dueOf(this.next++)
  }

  claimOverdue(endMs: number): number[] {
    const overdue: number[] = []
    while (this.dueOf(this.next) <= endMs) overdue.push(this.claim())
    return overdue
  }
}

type StatusCheck = (status: number) => boolean

const anySuccess: StatusCheck = (status) => status >= 200 && status < 300

/** Per endpoint, whether a status is expected: any 2xx, or one of its configured statuses. Equal lists share a check. */
function statusChecks(endpoints: LoadEndpointSettings[]): StatusCheck[] {
  const byList = new Map<string, StatusCheck>()
  return endpoints.map(({ expectedStatus }) => {
    const key = [...new Set(expectedStatus)].sort((a, b) => a - b).join(',')
    let check = byList.get(key)
    if (!check) {
      const accepted = new Set(expectedStatus)
      check = accepted.size === 0 ? anySuccess : (status) => accepted.has(status)
      byList.set(key, check)
    }
    return check
  })
}

/** Runs one pass and records into `options.recorder`; resolves when the pass is over (or cancelled). */
export async function runLoadPass(options: LoadPassOptions): Promise<LoadPassOutcome> {
  const { recorder, endpoints } = options
  const origin = new URL(endpoints[0]!.url)
  const checks = statusChecks(endpoints)
  /** The check of every endpoint when they all share one (the usual case): no lookup per response. */
  const sharedCheck = checks.every((check) => check === checks[0]) ? checks[0] : undefined
  let recording = true
  // No `onResponse`: autocannon would build a headers object for every response to call it.
  // A mix by weight: each endpoint appears `weight` times in the sequence every connection cycles through, so the
  // shares hold exactly over every whole cycle. `endpointOf` maps a position in it back to its endpoint.
  const endpointOf = endpoints.flatMap((endpoint, index) => Array.from({ length: endpoint.weight }, () => index))
  const requests = endpointOf.map((index) => {
    const endpoint = endpoints[index]!
    const url = new URL(endpoint.url)
    return {
      method: endpoint.method as autocannon.Request['method'],
      path: `${url.pathname}${url.search}`,
      headers: endpoint.headers,
      ...(endpoint.body !== undefined ? { body: endpoint.body } : {})
    }
  })
  const startMs = performance.now()
  const shape = options.shape
  const stride = options.stride ?? WHOLE
  const schedule: DueTimes | undefined =
    shape?.unit === 'rate'
      ? new ShapedSchedule(startMs, shape, stride)
      : options.ratePerSecond && !shape
        ? new ArrivalSchedule(startMs, options.ratePerSecond, stride)
        : undefined
  // bench/pacing.ts compares the pacer with one that never stays awake and with one whole-millisecond timer per send.
  const pacer = schedule && options.pacing !== 'timers' ? (options.pacer ?? sharedPacer()) : undefined
  /** Closed loop with users stages: user n (from 1) sends only while the ramp has reached n. */
  const users = shape?.unit === 'users' ? shape : undefined
  const think = options.thinkTime
  const thinkMs = think ? (): number => 1000 * (think.minSeconds + Math.random() * (think.maxSeconds - think.minSeconds)) : undefined
  /** The part a request started at `atMs` counts for, if it falls in a measured window. */
  const measured = options.measured
  const partAt = (atMs: number): TrialRecorder | undefined => {
    if (!measured) return undefined
    const t = (atMs - startMs) / 1000
    const window = measured.windows.find((span) => t >= span.fromSeconds && t < span.toSeconds)
    return window ? measured.recorders[window.part] : undefined
  }
  let clients = 0
  /** Per connection (open loop): cancels its waiting send. */
  const cancelWaits: Array<() => void> = []
  /** Per connection: when the request it owes started waiting (in flight, or due and waiting to be sent), if any. */
  const owedSince: Array<() => number | undefined> = []
  const health = new GeneratorHealthMonitor(() => pacer?.idleTurnsMs ?? 0)
  let cutOff = { inFlight: 0, unsent: 0, longestMs: 0 }
  let lastOutcomeMs: number | undefined
  let lateSends = 0
  const service = { totalMs: 0, count: 0 }

  const setupClient = (client: autocannon.Client): void => {
    const connection = client as unknown as AutocannonConnection
    // autocannon deep-clones the (unused) user context each time its request list wraps, i.e. for every request of a
    // one-endpoint load: a sixth of the generator's allocations, and so of its garbage-collection pauses, which hold
    // back sends and stamps. perf-gate sets no context and no per-request hooks; a fresh empty one is the same.
    connection.requestIterator.resetContext = function (this: { context: object }) {
      this.context = {}
    }
    /** This connection's user number (from 1) in the whole ramp. */
    const user = clients++ * stride.every + stride.offset + 1
    /**
     * When the request in flight's latency starts (due time in open loop, write time otherwise). With pipelining 1
     * a connection has at most one request in flight.
     */
    let started: number | undefined
    /** When the request in flight actually left (started may be its earlier due time). */
    let sentReally: number | undefined
    /** Open loop: the due time and actual send time of the request being written. */
    let dueTime: number | undefined
    let sentAt: number | undefined
    let timedOutStart: number | undefined
    let timedOutEndpoint: number | undefined
    let closeAnnounced = false
    /**
     * When the bytes that complete a response arrived. autocannon parses a chunk and runs its own bookkeeping before
     * it emits 'response'; stamping at the chunk's arrival keeps that generator-side work out of the latency.
     */
    let arrivedAt: number | undefined
    const stampArrival = (): void => {
      arrivedAt = performance.now()
    }
    if (schedule) {
      const send = connection._doRequest.bind(connection)
      /** The claimed due time of the next send, and how to cancel its wait (one per connection). */
      let due = 0
      let waiting: (() => void) | undefined
      const fire = (now: number = performance.now(), paced = true): void => {
        waiting = undefined
        if (connection.destroyed || !recording) return
        dueTime = due
        sentAt = now
        send()
        // Bookkeeping after the write, so that it adds nothing to the latency measured from `sentAt`.
        if (paced) health.recordTimedSend(now - due)
        else health.recordImmediateSend(now - due, LATE_MS)
      }
      connection._doRequest = () => {
        // A reconnect while the next send waits for its due time: that send goes out on the new socket.
        if (connection.destroyed || !recording || waiting !== undefined) return
        due = schedule.claim()
        const now = performance.now()
        if (!Number.isFinite(due)) {
          // The shape asks for nothing more: this connection idles to the end (its time limit must not fire).
          connection.timeoutTicker.reschedule(options.durationSeconds * 1000 + connection.timeout)
          return
        }
        const waitMs = due - now
        if (waitMs > 0) {
          // autocannon's time limit runs from the last write: waiting for the due time is not a request taking
          // long (at a low rate per connection the wait can exceed the limit).
          connection.timeoutTicker.reschedule(waitMs + connection.timeout)
          if (pacer) waiting = pacer.at(due, fire)
          else {
            const timer = setTimeout(fire, Math.floor(waitMs))
            waiting = () => clearTimeout(timer)
          }
        } else fire(now, false)
      }
      cancelWaits.push(() => {
        waiting?.()
        waiting = undefined
      })
      // A send still waiting for its due time although it passed (the event loop was busy) is owed too.
      owedSince.push(() => started ?? (waiting !== undefined ? due : undefined))
    } else {
      owedSince.push(() => started)
      if (users || thinkMs) holdClosedLoopSends(connection, user)
    }
    const connect = connection._connect.bind(connection)
    connection._connect = () => {
      // autocannon reconnects when the server ends the connection, forgetting the request in flight.
      if (connection.pipelinedRequests.size() > 0) {
        // A server that answers with "Connection: close" closes after every response; autocannon has already
        // written the next request on that connection by then. That one was never going to be served: no error.
        if (recording && !closeAnnounced) {
          const cause = 'connection closed by the server with a request in flight'
          recorder.recordConnectionError(cause)
          partAt(started ?? performance.now())?.recordConnectionError(cause)
        }
        connection.pipelinedRequests.clear()
      }
      closeAnnounced = false
      // After a timeout autocannon reconnects (and sends anew) before it emits 'timeout': keep the start of the
      // request that timed out for that event.
      timedOutStart = started
      timedOutEndpoint = endpointOf[connection.requestIterator.currentRequestIndex]
      started = undefined
      connect()
      connection.conn.prependListener('data', stampArrival)
    }
    connection.on('headers', (info) => {
      closeAnnounced = info.shouldKeepAlive === false
    })
    connection.on('request', () => {
      if (dueTime === undefined) {
        started = performance.now()
        sentReally = started
        return
      }
      const now = sentAt!
      sentReally = now
      // Late (every connection was busy): from the due time, so the wait counts. Early (the pacer wakes up to
      // WAKE_EARLY_MS before a due time): from the actual send.
      if (recording && now - dueTime > LATE_MS) lateSends++
      started = Math.min(dueTime, now)
      dueTime = undefined
      sentAt = undefined
    })
    connection.on('response', (statusCode, bytes) => {
      const now = arrivedAt ?? performance.now()
      arrivedAt = undefined
      const start = started
      started = undefined
      if (!recording || start === undefined) return
      if (sentReally !== undefined) {
        service.totalMs += now - sentReally
        service.count++
      }
      lastOutcomeMs = now
      const endpoint = endpointOf[connection.requestIterator.currentRequestIndex]
      const expected = sharedCheck ? sharedCheck(statusCode) : checks[endpoint!]!(statusCode)
      recorder.recordResponse(now - start, statusCode, bytes, expected, endpoint)
      partAt(start)?.recordResponse(now - start, statusCode, bytes, expected, endpoint)
      endWhenCounted()
      pacer?.poll()
    })
    connection.on('timeout', () => {
      const start = timedOutStart
      timedOutStart = undefined
      if (!recording) return
      lastOutcomeMs = performance.now()
      // autocannon's time limit starts at the write, a little before our stamp of it: a timed-out request waited at
      // least the limit, whatever the two clocks say.
      const waited = start === undefined ? undefined : Math.max(lastOutcomeMs - start, connection.timeout)
      recorder.recordTimeout(waited, timedOutEndpoint)
      partAt(start ?? lastOutcomeMs)?.recordTimeout(waited, timedOutEndpoint)
      endWhenCounted()
    })
    connection.on('connError', (error) => {
      // A failed connection's request never reached the server; autocannon would match its queue entry to the
      // next connection's first response.
      started = undefined
      connection.pipelinedRequests.clear()
      if (!recording) return
      lastOutcomeMs = performance.now()
      recorder.recordConnectionError(error.code ?? error.message, endpointOf[connection.requestIterator.currentRequestIndex])
      partAt(lastOutcomeMs)?.recordConnectionError(error.code ?? error.message, endpointOf[connection.requestIterator.currentRequestIndex])
      endWhenCounted()
    })
  }

  /**
   * Closed loop with a ramp or think time: the next request of connection `user` waits for the user's think time
   * after the last response, and for the ramp to reach the user; a user the ramp has left idles until it comes back
   * (or the end). The request's latency starts when it is written, as any closed-loop request.
   */
  function holdClosedLoopSends(connection: AutocannonConnection, user: number): void {
    const send = connection._doRequest.bind(connection)
    let timer: NodeJS.Timeout | undefined
    let first = true
    connection._doRequest = () => {
      if (connection.destroyed || !recording || timer !== undefined) return
      const now = performance.now()
      let at = now + (first || !thinkMs ? 0 : thinkMs())
      first = false
      if (users) {
        const active = nextActiveTime(users, user, (at - startMs) / 1000)
        if (active === undefined) {
          connection.timeoutTicker.reschedule(options.durationSeconds * 1000 + connection.timeout)
          return
        }
        at = startMs + active * 1000
      }
      const waitMs = at - now
      if (waitMs < 1) {
        send()
        return
      }
      // autocannon's time limit runs from the last write: a user thinking or waiting for the ramp is not a request taking long.
      connection.timeoutTicker.reschedule(waitMs + connection.timeout)
      timer = setTimeout(() => {
        timer = undefined
        if (!connection.destroyed && recording) send()
      }, Math.floor(waitMs))
    }
    cancelWaits.push(() => {
      if (timer !== undefined) clearTimeout(timer)
      timer = undefined
    })
  }

  const amount = options.requests
  /**
   * By request count, the pass ends when that many requests have an outcome. autocannon counts responses only:
   * against a server that went away it would reconnect forever.
   */
  const endWhenCounted = (): void => {
    if (amount !== undefined && recorder.attempted >= amount) finish()
  }
  const connections = amount ? Math.min(options.connections, amount) : options.connections
  const startedAt = new Date()
  const instance = autocannon({
    url: origin.origin,
    connections,
    pipelining: 1,
    timeout: options.timeoutSeconds,
    requests,
    setupClient,
    // Stop promptly after our own deadline (autocannon checks for the end only at each sample tick).
    sampleInt: 100,
    ...(amount ? { amount } : { duration: options.durationSeconds + 60 })
  } as autocannon.Options) as unknown as autocannon.Instance & PromiseLike<autocannon.Result>

  let cancelled = false
  let stoppedFailing = false
  let endedAtMs: number | undefined
  const finish = (atDeadline = false): void => {
    if (endedAtMs !== undefined) return
    endedAtMs = performance.now()
    if (atDeadline) cutOff = accountCutOff(endedAtMs)
    recording = false
    for (const cancel of cancelWaits) cancel()
    instance.stop()
  }
  /**
   * The deadline cuts off what is owed: requests in flight, and (open loop) requests due but not sent. Dropping them
   * would hide a server that stalls across the end of a trial; their wait up to the end is a lower bound of their
   * latency, and it goes into the histogram.
   */
  const accountCutOff = (endMs: number): { inFlight: number; unsent: number; longestMs: number } => {
    let inFlight = 0
    let unsent = 0
    let longestMs = 0
    for (const since of owedSince) {
      const start = since()
      if (start === undefined || start > endMs) continue
      inFlight++
      longestMs = Math.max(longestMs, endMs - start)
      recorder.recordCutOff(endMs - start)
      partAt(start)?.recordCutOff(endMs - start)
    }
    for (const due of schedule?.claimOverdue(endMs) ?? []) {
      unsent++
      longestMs = Math.max(longestMs, endMs - due)
      recorder.recordCutOff(endMs - due)
      partAt(due)?.recordCutOff(endMs - due)
    }
    return { inFlight, unsent, longestMs }
  }
  const deadline = amount ? undefined : setTimeout(() => finish(true), options.durationSeconds * 1000)
  // A server that stops answering mid-run (one perf-gate does not own) would otherwise be hammered with
  // reconnects until the end of a possibly long pass: three seconds in a row of nothing but failures end it.
  let failingSeconds = 0
  let seen = { attempted: 0, failed: 0 }
  const watchdog = setInterval(() => {
    const attempted = recorder.attempted - seen.attempted
    const failed = recorder.failed - seen.failed
    seen = { attempted: recorder.attempted, failed: recorder.failed }
    failingSeconds = attempted > 0 && failed === attempted ? failingSeconds + 1 : 0
    if (failingSeconds >= FAILING_SECONDS_TO_STOP) {
      stoppedFailing = true
      finish()
    }
  }, 1000)
  watchdog.unref()
  const onAbort = (): void => {
    cancelled = true
    finish()
  }
  options.signal?.addEventListener('abort', onAbort, { once: true })
  if (options.signal?.aborted) onAbort()
  try {
    await new Promise<void>((resolve, reject) => {
      // Bad options reject the promise and are also emitted as 'error', which must have a listener.
      instance.on('error', reject)
      void instance.then(() => resolve(), reject)
    })
  } finally {
    if (deadline) clearTimeout(deadline)
    clearInterval(watchdog)
    options.signal?.removeEventListener('abort', onAbort)
  }
  // By request count: the window ends with the last outcome, not at autocannon's next sample tick.
  endedAtMs ??= lastOutcomeMs ?? performance.now()
  recording = false
  return {
    startedAt,
    durationSeconds: (endedAtMs - startMs) / 1000,
    cancelled,
    lateSends,
    service,
    stoppedFailing,
    generator: health.finish(schedule !== undefined, cutOff, recorder.latencyMicros.getValueAtPercentile(50) / 1000)
  }
}
