/**
 * The agreed start of a sharded load: every load shard of a matrix must apply its 1/N of the load at the same time,
 * or the server under test carries less than the configured load and the merged latencies look better than they are.
 * Matrix jobs start whenever a runner picks them up, so the shards meet at a barrier, through the same transport
 * that carries their results (workflow artifacts of the run):
 *   1. once ready (its server started and answering, right before the first load), a shard uploads a small marker
 *      whose name carries its shard, run attempt and ready time;
 *   2. it lists the run's markers until every shard 1..N of this attempt is ready, or the wait's deadline passes
 *      (a run failure naming the shards that never came);
 *   3. every shard computes the same start from the same markers, the latest ready time plus a margin that covers
 *      upload and polling delays, and sleeps until then. Runners' clocks are NTP-synchronised.
 * A shard that fails before the start leaves a "failed" marker, so its siblings stop waiting at once.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { RunError, messageOf } from '../errors.js'
import type { Logger } from '../log.js'
import type { ShardTransport } from './shard-mode.js'
import { escapeRegExp, formatShard, type ShardSpec } from './shard-spec.js'

/** What the barrier needs of a shard transport: upload a file under a name, list the run's upload names. */
export type MarkerTransport = Pick<ShardTransport, 'upload' | 'list'>

/** Wall-clock time (ms since the epoch) and sleeping, replaceable in tests. */
export interface BarrierClock {
  now(): number
  sleep(ms: number): Promise<void>
}

const systemClock: BarrierClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)))
}

/** How often the run's markers are listed while waiting. */
const BARRIER_POLL_MS = 2000
/**
 * From the last shard's ready time to the start: the last marker's upload (about a second) plus one poll of the
 * others, with room to spare. A shard that learns of the start only after it has passed starts at once and says so.
 */
const BARRIER_MARGIN_MS = 5000
/** Default of input 'shard-wait': matrix jobs may queue for runners. */
export const DEFAULT_SHARD_WAIT_MS = 10 * 60_000
/** A waiting shard says so this often. */
const PROGRESS_EVERY_MS = 30_000

export interface StartBarrierOptions {
  gate: string
  shard: ShardSpec
  /** The workflow run attempt: only markers of this attempt count (a re-run measures anew). */
  attempt: number
  transport: MarkerTransport
  /** Where the marker file is written before upload. */
  workDir: string
  log: Logger
  /** Longest wait for the other shards, from the moment this one is ready. */
  waitMs: number
  pollMs?: number
  marginMs?: number
  clock?: BarrierClock
}

export interface AgreedStart {
  /** This shard's ready time (its own clock). */
  readyAt: Date
  /** The start every shard computed. */
  startAt: Date
  /** How late this shard began after startAt (0 when on time): it saw the last marker after the start had passed. */
  lateMs: number
}

/** Every marker of a gate starts with this. */
function startMarkerPrefix(gate: string): string {
  return `perf-gate-start-${gate}-`
}

/** One shard's marker: ready at `atMs`, or failed before the start. */
export function startMarkerName(gate: string, shard: ShardSpec, attempt: number, state: 'ready' | 'failed', atMs: number): string {
  return `${startMarkerPrefix(gate)}${shard.index}-of-${shard.total}-a${attempt}-${state}-${Math.round(atMs)}`
}

interface Marker {
  index: number
  total: number
  attempt: number
  state: 'ready' | 'failed'
  atMs: number
}

/** Parses a marker name of `gate` (anchored, so gate "api" never reads the markers of gate "api-2"). */
export function parseStartMarker(gate: string, name: string): Marker | undefined {
  const match = new RegExp(`^perf-gate-start-${escapeRegExp(gate)}-(\\d+)-of-(\\d+)-a(\\d+)-(ready|failed)-(\\d+)$`).exec(name)
  if (!match) return undefined
  return { index: Number(match[1]), total: Number(match[2]), attempt: Number(match[3]), state: match[4] as Marker['state'], atMs: Number(match[5]) }
}

/** The barrier one load shard passes before its first load. */
export class ShardStartBarrier {
  private readonly clock: BarrierClock
  private readonly pollMs: number
  private readonly marginMs: number
  private passed: AgreedStart | undefined

  constructor(private readonly options: StartBarrierOptions) {
    this.clock = options.clock ?? systemClock
    this.pollMs = options.pollMs ?? BARRIER_POLL_MS
    this.marginMs = options.marginMs ?? BARRIER_MARGIN_MS
  }

  /** The agreed start, once the barrier was passed. */
  get agreed(): AgreedStart | undefined {
    return this.passed
  }

  /**
   * Marks this shard ready, waits until every shard of this attempt is, then sleeps until the agreed start.
   * Throws RunError (exit 2) naming the shards that were not ready by the deadline or that failed.
   */
  async wait(): Promise<AgreedStart> {
    if (this.passed) return this.passed
    const { gate, shard, attempt, log, waitMs } = this.options
    const readyAtMs = this.clock.now()
    await this.uploadMarker('ready', readyAtMs)
    const deadline = readyAtMs + waitMs
    let nextProgress = readyAtMs + PROGRESS_EVERY_MS
    let listProblem: string | undefined
    log.info(
      `Shard ${formatShard(shard)} is ready; waiting for the other ${shard.total - 1} shard(s) so that all start the load together (at most ${formatWait(waitMs)}, input 'shard-wait').`
    )
    for (;;) {
      let markers: Marker[] | undefined
      try {
        markers = (await this.options.transport.list(startMarkerPrefix(gate)))
          .map((name) => parseStartMarker(gate, name))
          .filter((m): m is Marker => m !== undefined && m.total === shard.total && m.attempt === attempt)
        listProblem = undefined
      } catch (error) {
        // A listing that fails once is retried at the next poll; only the deadline ends the wait.
        listProblem = messageOf(error)
        log.warn(`Shard ${formatShard(shard)}: listing the other shards' ready markers failed (${listProblem}); retrying.`)
      }
      const ready = new Map<number, number>()
      const failed = new Set<number>()
      for (const marker of markers ?? []) {
        if (marker.state === 'failed') failed.add(marker.index)
        else ready.set(marker.index, Math.max(ready.get(marker.index) ?? 0, marker.atMs))
      }
      ready.set(shard.index, Math.max(ready.get(shard.index) ?? 0, readyAtMs))
      const waitingFor = allShards(shard.total).filter((index) => !ready.has(index))
      const failedOthers = [...failed].filter((index) => index !== shard.index).sort((a, b) => a - b)
      if (failedOthers.length > 0) {
        throw new RunError(
          `shard ${formatShard(shard)}: ${listShards(failedOthers, shard.total)} failed before the agreed start of the load, so this shard does not load alone (the merged load would be incomplete).` +
            (waitingFor.length > 0 ? ` Not ready either: ${listShards(waitingFor, shard.total)}.` : '') +
            ' See the failed matrix job for why.'
        )
      }
      const now = this.clock.now()
      if (waitingFor.length === 0) return await this.startAt(Math.max(...ready.values()) + this.marginMs, readyAtMs)
      if (now >= deadline) {
        throw new RunError(
          `shard ${formatShard(shard)}: ${listShards(waitingFor, shard.total)} did not become ready within ${formatWait(waitMs)} (input 'shard-wait'); ` +
            `load shards must start together, so this one does not load alone. Did ${waitingFor.length > 1 ? 'those matrix jobs' : 'that matrix job'} start (enough runners?) and ${waitingFor.length > 1 ? 'their servers' : 'its server'} come up? ` +
            `After "re-run failed jobs" a load shard waits for siblings that do not run again: re-run all jobs.` +
            (listProblem ? ` The last listing of the markers failed: ${listProblem}` : '')
        )
      }
      if (now >= nextProgress) {
        log.info(
          `Shard ${formatShard(shard)}: still waiting for ${listShards(waitingFor, shard.total)} (${formatWait(now - readyAtMs)} of ${formatWait(waitMs)}).`
        )
        nextProgress = now + PROGRESS_EVERY_MS
      }
      await this.clock.sleep(Math.min(this.pollMs, deadline - now))
    }
  }

  /**
   * Tells the other shards that this one failed before the start, so they stop waiting (best effort: the failure
   * that got here is what this job reports). Does nothing once the barrier was passed.
   */
  async abandon(): Promise<void> {
    if (this.passed) return
    try {
      await this.uploadMarker('failed', this.clock.now())
    } catch (error) {
      this.options.log.warn(
        `Shard ${formatShard(this.options.shard)}: could not tell the other shards that it failed (${messageOf(error)}); they wait until 'shard-wait' passes.`
      )
    }
  }

  private async startAt(startMs: number, readyAtMs: number): Promise<AgreedStart> {
    const { shard, log } = this.options
    const now = this.clock.now()
    if (startMs > now) {
      log.info(`All ${shard.total} shards are ready; the load starts at ${new Date(startMs).toISOString()} (in ${formatWait(startMs - now)}).`)
      await this.clock.sleep(startMs - now)
    } else {
      log.warn(
        `Shard ${formatShard(shard)} saw the last shard ready only ${formatWait(now - startMs)} after the agreed start (${new Date(startMs).toISOString()}); it starts now, late. The aggregate notes how well the shards' windows overlapped.`
      )
    }
    this.passed = { readyAt: new Date(readyAtMs), startAt: new Date(startMs), lateMs: Math.max(0, now - startMs) }
    return this.passed
  }

  private async uploadMarker(state: 'ready' | 'failed', atMs: number): Promise<void> {
    const { gate, shard, attempt, workDir, transport } = this.options
    const name = startMarkerName(gate, shard, attempt, state, atMs)
    await mkdir(workDir, { recursive: true })
    const file = join(workDir, `${name}.json`)
    await writeFile(file, `${JSON.stringify({ gate, shard, attempt, state, at: new Date(atMs).toISOString() })}\n`)
    await transport.upload(name, file)
  }
}

function allShards(total: number): number[] {
  return Array.from({ length: total }, (_, i) => i + 1)
}

function listShards(indexes: number[], total: number): string {
  return `shard${indexes.length > 1 ? 's' : ''} ${indexes.map((index) => `${index}/${total}`).join(', ')}`
}

function formatWait(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 120_000) return `${Number((ms / 1000).toFixed(1))} s`
  return `${Number((ms / 60_000).toFixed(1))} min`
}
