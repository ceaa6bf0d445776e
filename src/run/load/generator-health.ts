/**
 * How healthy the load generator was during one measured pass. A generator that cannot keep its own schedule
 * measures itself, not the server (k6's guidance: results are unreliable above ~80% generator CPU), and the two
 * ways an open-loop request can leave late mean different things:
 * - lag: the connection was free but the timer fired late (the generator's event loop was busy): generator trouble;
 * - queueing: every connection was busy when the request was due (a slow or stalled server, or too few
 *   connections): the wait is part of the latency, as it would be for users, and is not the generator's fault.
 */
import { monitorEventLoopDelay, performance, type IntervalHistogram } from 'node:perf_hooks'
import { isMainThread } from 'node:worker_threads'
import { buildHistogram } from '../../results/histogram.js'
import type { GeneratorHealth } from '../../results/model.js'

/** Above this share of one core the generator is the bottleneck. */
export const SATURATED_CPU = 0.9
/**
 * Open loop: a p99 timer lag above this (or above a tenth of the median latency, when that is larger) means sends
 * left off schedule because of the generator; the lag is part of every latency measured from the due time.
 */
export const SATURATED_LAG_MS = 1
const SATURATED_LAG_SHARE_OF_MEDIAN = 0.1

const LAG_HIGHEST_MICROS = 60_000_000

/** CPU time so far, in µs, of what generates the load. */
type CpuClock = () => number

/**
 * On the main thread, the process's CPU (the generator and its pacer thread). A generator worker thread
 * (src/run/load/workers) sees the whole process in `process.cpuUsage()`, so it reads its own thread's CPU where
 * Node tells it (`process.threadCpuUsage`, Node 23.9+), else its event loop's busy time, which is what saturates.
 */
function generatorCpuClock(): CpuClock {
  if (isMainThread) {
    return () => {
      const usage = process.cpuUsage()
      return usage.user + usage.system
    }
  }
  const threadCpuUsage = (process as { threadCpuUsage?: () => NodeJS.CpuUsage }).threadCpuUsage
  if (threadCpuUsage) {
    return () => {
      const usage = threadCpuUsage.call(process)
      return usage.user + usage.system
    }
  }
  return () => performance.eventLoopUtilization().active * 1000
}

/**
 * Watches one pass: CPU of this process, event-loop delay, and (open loop) each send's lateness by cause. The CPU
 * leaves out the time the pacer kept the event loop turning awake while nothing was due (`idleTurnsMs`, ms so far):
 * at high rates it does not sleep between sends, and that waiting is not work the generator could not keep up with.
 */
export class GeneratorHealthMonitor {
  private readonly cpuClock = generatorCpuClock()
  private readonly cpuStart: number
  private readonly idleTurnsStart: number
  private readonly wallStart = process.hrtime.bigint()
  private readonly loopDelay: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 })
  private readonly lagMicros = buildHistogram(LAG_HIGHEST_MICROS)
  private sends = 0
  private queuedLate = 0

  constructor(private readonly idleTurnsMs: () => number = () => 0) {
    this.cpuStart = this.cpuClock()
    this.idleTurnsStart = idleTurnsMs()
    this.loopDelay.enable()
  }

  /** A send that waited on a timer for its due time: how late the timer fired. */
  recordTimedSend(lagMs: number): void {
    this.sends++
    this.lagMicros.recordValue(Math.min(LAG_HIGHEST_MICROS, Math.max(0, Math.round(lagMs * 1000))))
  }

  /** A send that left at once; `lateMs` > 0 when its due time had passed because every connection was busy. */
  recordImmediateSend(lateMs: number, lateThresholdMs: number): void {
    this.sends++
    if (lateMs > lateThresholdMs) this.queuedLate++
  }

  /** Stops watching and sums up; `openLoop` says whether sends followed a schedule. */
  finish(openLoop: boolean, unfinished: { inFlight: number; unsent: number; longestMs: number }, medianLatencyMs: number): GeneratorHealth {
    this.loopDelay.disable()
    const wallMicros = Number(process.hrtime.bigint() - this.wallStart) / 1000
    const idleMicros = (this.idleTurnsMs() - this.idleTurnsStart) * 1000
    const cpuShare = wallMicros > 0 ? Math.max(0, this.cpuClock() - this.cpuStart - idleMicros) / wallMicros : 0
    const health: GeneratorHealth = {
      cpu: round(cpuShare, 3),
      eventLoopDelayP99Ms: round(this.loopDelay.percentile(99) / 1e6, 3),
      inFlightAtEnd: unfinished.inFlight,
      unsentAtEnd: unfinished.unsent,
      saturated: false
    }
    if (unfinished.inFlight + unfinished.unsent > 0) health.longestCutOffMs = round(unfinished.longestMs, 3)
    if (openLoop && this.sends > 0) {
      health.lagP50Ms = round(this.lagMicros.getValueAtPercentile(50) / 1000, 3)
      health.lagP99Ms = round(this.lagMicros.getValueAtPercentile(99) / 1000, 3)
      health.queuedLateFraction = round(this.queuedLate / this.sends, 4)
    }
    const reasons: string[] = []
    if (cpuShare > SATURATED_CPU) reasons.push(`generator CPU at ${(cpuShare * 100).toFixed(0)}% of a core`)
    const lagLimit = Math.max(SATURATED_LAG_MS, SATURATED_LAG_SHARE_OF_MEDIAN * medianLatencyMs)
    if ((health.lagP99Ms ?? 0) > lagLimit) reasons.push(`sends left up to ${health.lagP99Ms} ms off schedule (p99) with connections free`)
    if (reasons.length > 0) {
      health.saturated = true
      health.saturatedBecause = reasons.join('; ')
    }
    this.lagMicros.destroy()
    return health
  }
}

/**
 * What to set when the generator's own CPU was the limit and this machine has cores to spare ('' otherwise): more
 * generator threads (src/run/load/workers).
 */
export function workersAdvice(health: GeneratorHealth, cores: number): string {
  const workers = health.workers ?? 1
  if (!health.saturated || health.cpu / workers <= SATURATED_CPU || cores <= workers) return ''
  return ` This machine has ${cores} cores: spread the generator over more threads with workers: ${Math.min(cores, 2 * workers)} (or auto).`
}

/**
 * The health of one load spread over generator workers: CPU adds up (it can pass one core), the worst lag and
 * event-loop delay stand for all, what the end cut off adds up, and one saturated worker saturates the trial (its
 * share of the requests measured the generator).
 */
export function combineGeneratorHealth(workers: GeneratorHealth[]): GeneratorHealth {
  if (workers.length === 1) return workers[0]!
  const max = (pick: (health: GeneratorHealth) => number | undefined): number | undefined => {
    const values = workers.map(pick).filter((value): value is number => value !== undefined)
    return values.length > 0 ? Math.max(...values) : undefined
  }
  const sum = (pick: (health: GeneratorHealth) => number): number => workers.reduce((total, health) => total + pick(health), 0)
  const combined: GeneratorHealth = {
    cpu: round(
      sum((health) => health.cpu),
      3
    ),
    eventLoopDelayP99Ms: max((health) => health.eventLoopDelayP99Ms)!,
    inFlightAtEnd: sum((health) => health.inFlightAtEnd),
    unsentAtEnd: sum((health) => health.unsentAtEnd),
    saturated: workers.some((health) => health.saturated),
    workers: workers.length
  }
  const longestCutOffMs = max((health) => health.longestCutOffMs)
  if (longestCutOffMs !== undefined) combined.longestCutOffMs = longestCutOffMs
  const lagP50Ms = max((health) => health.lagP50Ms)
  const lagP99Ms = max((health) => health.lagP99Ms)
  if (lagP50Ms !== undefined) combined.lagP50Ms = lagP50Ms
  if (lagP99Ms !== undefined) combined.lagP99Ms = lagP99Ms
  const queued = workers.map((health) => health.queuedLateFraction).filter((value): value is number => value !== undefined)
  if (queued.length > 0) combined.queuedLateFraction = round(queued.reduce((total, value) => total + value, 0) / queued.length, 4)
  const because = workers.flatMap((health, index) => (health.saturated ? [`worker ${index + 1} of ${workers.length}: ${health.saturatedBecause}`] : []))
  if (because.length > 0) combined.saturatedBecause = because.join('; ')
  return combined
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits
  return Math.round(value * scale) / scale
}

/**
 * The likely cause of late sends, for the log: a generator that could not keep up, too few connections for the rate
 * at the server's own time per request, or a server that stalled (a few very slow answers held every connection).
 * `serviceMs` is the mean time from a request's actual send to its response: the latency counted from the due time
 * includes the queueing itself, and Little's law on it would ask for far too many connections.
 */
export function describeLateSends(health: GeneratorHealth, connections: number, ratePerSecond: number, p99Ms: number, serviceMs: number): string {
  if (health.saturated) return `the generator was saturated (${health.saturatedBecause}); its figures describe the generator, not the server`
  // Little's law: connections busy on average at this rate and service time.
  const busy = (ratePerSecond * serviceMs) / 1000
  if (busy < 0.8 * connections) {
    return `the server stalled (p99 ${p99Ms.toFixed(1)} ms, against ${serviceMs.toFixed(2)} ms per request on average) and held every connection; the wait is in the latency, as users would see it`
  }
  const suggested = Math.max(connections + 1, Math.ceil(busy * 1.5))
  return `${connections} connection(s) cannot carry ${ratePerSecond} requests/s at ${serviceMs.toFixed(2)} ms per request (about ${Math.ceil(busy)} busy on average); raise connections (e.g. ${suggested}) to measure the server at this rate`
}
