/**
 * The server under load when perf-gate owns it: started from a shell command in its own process group, polled
 * until ready, watched (an exit during load fails the run with its last output), sampled for resident memory,
 * and stopped as a whole group (also on failure and cancellation), with any descendant that left the group.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { connect } from 'node:net'
import type { ServerSettings } from '../../config/settings.js'
import { RunError } from '../../errors.js'
import type { Logger } from '../../log.js'
import type { Trial } from '../../results/model.js'
import { findMarked, markerEnv, newMarker, stopMarked, type ProcessMarker } from '../marked-processes.js'
import { groupAlive, signalGroup } from '../process-group.js'
import { ProcessTreeMemory, type TreeMemory } from '../process-memory.js'

const TAIL_LINES = 30
const LINES_SHOWN_AFTER_READY = 20
const KILL_GRACE_MS = 3000
const READY_POLL_MS = 100
/** How long the output of a stopped server may still drain before its pipes are closed from this side. */
const PIPE_DRAIN_MS = 300
/** How long the check for a process already on the port waits for a connection. */
const PORT_CHECK_MS = 1000
/** Resident memory of the server's process tree over the watched window. */
export type ServerMemory = TreeMemory

/** Adds the started server's memory over a measured part to a trial of any load kind (nothing when not sampled). */
export function addMemoryMetrics(trial: Trial, memory: ServerMemory | undefined): void {
  if (!memory) return
  trial.metrics.server_rss_peak = { value: memory.peakMiB, unit: 'MiB', direction: 'lower' }
  trial.metrics.server_rss_growth = { value: memory.growthMiB, unit: 'MiB', direction: 'lower' }
}

export class ManagedServer {
  private child: ChildProcess | undefined
  private exited: Promise<void> = Promise.resolve()
  private exitDescription: string | undefined
  /** Said after the exit description: what to change in the start command. */
  private exitAdvice = ''
  private death = new AbortController()
  private readonly tail: string[] = []
  private memorySampler: ProcessTreeMemory | undefined
  private memoryUnsupportedNoted = false
  private ready = false
  private linesShownAfterReady = 0
  private marker: ProcessMarker = newMarker()
  private escapeUnsupportedNoted = false

  constructor(
    private readonly settings: ServerSettings,
    private readonly log: Logger,
    private readonly signal?: AbortSignal
  ) {}

  /** Aborted when the server exits by itself: load against it stops at once. */
  get deathSignal(): AbortSignal {
    return this.death.signal
  }

  /** Why the server stopped on its own, with its last output; undefined while it runs. */
  get failure(): string | undefined {
    if (this.exitDescription === undefined) return undefined
    return `the server (\`${this.settings.start}\`) ${this.exitDescription} during the load run.${this.exitAdvice}${this.outputTail()}`
  }

  /**
   * Starts the server and waits until `readyUrl` answers (any status below 500). With `ignoredPortUrl` (the URL the
   * server would answer at if it ignored the PORT it was given), an answer there first is a PortIgnoredError.
   */
  async start(readyUrl: string, ignoredPortUrl?: string): Promise<void> {
    if (this.child) await this.stop()
    this.tail.length = 0
    this.ready = false
    this.linesShownAfterReady = 0
    this.exitDescription = undefined
    this.exitAdvice = ''
    this.death = new AbortController()
    await this.refuseTakenPort(readyUrl)
    this.log.info(`Starting server: ${this.settings.start}`)
    // Descendants inherit the marker even when they leave the process group, so that stop() finds them too.
    this.marker = newMarker()
    const child = spawn(this.settings.start, {
      shell: true,
      cwd: this.settings.cwd,
      env: { ...process.env, ...this.settings.env, ...markerEnv(this.marker) },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    this.child = child
    this.relay(child.stdout!)
    this.relay(child.stderr!)
    this.exited = new Promise<void>((resolve) => {
      child.once('error', (error) => {
        this.exitDescription ??= `could not be started (${error.message})`
        resolve()
      })
      child.once('exit', (code, signal) => {
        if (this.child !== child || code !== 0) {
          this.exitDescription ??= signal ? `was killed by ${signal}` : `exited with code ${code}`
          if (this.child === child) this.death.abort()
          resolve()
          return
        }
        // A start command that exits 0 either failed quietly or put the server in the background (`&`, a daemon):
        // the marker tells which, so that the outcome does not depend on whether the server answered first.
        void findMarked(this.marker).then((left) => {
          this.exitDescription ??= 'exited with code 0'
          const background = left?.length
            ? ` It left its server running in the background (pid ${left.map((found) => found.pid).join(', ')}); perf-gate stops it.`
            : ''
          this.exitAdvice = `${background} ${FOREGROUND_ADVICE}`
          if (this.child === child) this.death.abort()
          resolve()
        })
      })
    })
    this.startMemorySampling(child.pid)
    await this.waitUntilReady(readyUrl, ignoredPortUrl)
  }

  /**
   * Something already listening where the started server should answer would be measured instead of it (and the
   * started one would fail on the taken port, or be ignored): refuse before starting anything.
   */
  private async refuseTakenPort(readyUrl: string): Promise<void> {
    const url = new URL(readyUrl)
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80))
    if (!(await acceptsConnections(url.hostname, port))) return
    throw new RunError(
      `port ${port} on ${url.hostname} already accepts connections before the server (\`${this.settings.start}\`) was started: perf-gate would measure that process instead of the one it starts. Stop the process on port ${port} (a server left from an earlier run?), or use a free port in the URL and have the start command listen there.`
    )
  }

  private relay(stream: NodeJS.ReadableStream): void {
    let pending = ''
    stream.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8')
      const lines = pending.split('\n')
      pending = lines.pop() ?? ''
      for (const line of lines) this.emit(line)
    })
    stream.on('end', () => {
      if (pending) this.emit(pending)
      pending = ''
    })
  }

  private emit(line: string): void {
    // Servers that log every request would flood the log (and slow the run) under load: after it is ready, a few
    // more lines are shown, the rest only kept as the tail for error messages.
    if (!this.ready || this.linesShownAfterReady < LINES_SHOWN_AFTER_READY) {
      this.log.info(`  │ ${line}`)
      if (this.ready) this.linesShownAfterReady++
    } else if (this.linesShownAfterReady === LINES_SHOWN_AFTER_READY) {
      this.log.info(`  │ (further server output is not shown; its last ${TAIL_LINES} lines appear if the run fails)`)
      this.linesShownAfterReady++
    }
    this.tail.push(line)
    if (this.tail.length > TAIL_LINES) this.tail.shift()
  }

  /** The server's last output lines, for error messages ("" when it printed nothing). */
  outputTail(): string {
    return this.tail.length > 0 ? `\nLast output:\n${this.tail.map((line) => `  ${line}`).join('\n')}` : '\n(It printed nothing.)'
  }

  private async waitUntilReady(readyUrl: string, ignoredPortUrl: string | undefined): Promise<void> {
    const started = Date.now()
    const deadline = started + this.settings.readyTimeoutMs
    let lastProblem = 'no answer yet'
    while (Date.now() < deadline) {
      if (this.signal?.aborted) {
        await this.stop()
        throw new RunError(`cancelled while waiting for the server to answer at ${readyUrl}`)
      }
      if (this.exitDescription !== undefined) {
        const description = this.exitDescription
        await this.stop()
        throw new RunError(`the server (\`${this.settings.start}\`) ${description} before it answered at ${readyUrl}.${this.exitAdvice}${this.outputTail()}`)
      }
      try {
        const response = await fetch(readyUrl, { signal: AbortSignal.timeout(Math.max(100, Math.min(2000, deadline - Date.now()))) })
        await response.body?.cancel()
        if (response.status < 500) {
          this.ready = true
          this.log.info(`Server ready at ${readyUrl} after ${Date.now() - started} ms.`)
          return
        }
        lastProblem = `HTTP ${response.status}`
      } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause
        lastProblem = cause?.code ?? (error as Error).message
      }
      if (ignoredPortUrl && (await answers(ignoredPortUrl))) {
        await this.stop()
        throw new PortIgnoredError(`answered at ${ignoredPortUrl}, not at ${readyUrl} (the port given in its PORT environment variable)`)
      }
      await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS))
    }
    await this.stop()
    throw new RunError(
      `the server (\`${this.settings.start}\`) did not answer at ${readyUrl} within ${(this.settings.readyTimeoutMs / 1000).toFixed(1)} s (last: ${lastProblem}); its process group was stopped. Check the ready URL, or raise the ready timeout.${this.outputTail()}`
    )
  }

  /**
   * Stops the whole process group and every descendant that left it (found by the marker): SIGTERM, then SIGKILL
   * after a grace period. Never waits on pipes an escaped process may still hold.
   */
  async stop(): Promise<void> {
    const child = this.child
    this.stopMemorySampling()
    if (!child) return
    this.child = undefined
    signalGroup(child.pid, 'SIGTERM')
    const killTimer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS)
    // Escaped descendants get the same grace, at the same time: the whole stop fits in the cancellation window.
    const escapedStop = stopMarked(this.marker, KILL_GRACE_MS)
    await this.exited
    clearTimeout(killTimer)
    // Grandchildren that ignored SIGTERM or outlived the leader go too, and are gone before the next trial's
    // server (same port) starts.
    signalGroup(child.pid, 'SIGKILL')
    if (child.pid !== undefined) {
      const deadline = Date.now() + KILL_GRACE_MS
      while (Date.now() < deadline && (await groupAlive(child.pid))) await new Promise((resolve) => setTimeout(resolve, 20))
    }
    const marked = await escapedStop
    // Processes forked while the first sweep ran.
    const late = marked === undefined ? undefined : await stopMarked(this.marker, 500)
    if (marked === undefined) {
      if (!this.escapeUnsupportedNoted) {
        this.log.warn(
          'Processes of the server that left its process group (setsid, a daemon) cannot be found on this platform (no /proc): keep the start command in the foreground, or they keep running after perf-gate.'
        )
        this.escapeUnsupportedNoted = true
      }
    } else {
      const escaped = [...marked, ...(late ?? [])].filter((found) => found.pgrp !== child.pid)
      const pids = [...new Set(escaped.map((found) => found.pid))]
      if (pids.length > 0) {
        this.log.info(
          `The server (\`${this.settings.start}\`) had left its process group (setsid or a daemon); stopped it by its marker (pid ${pids.join(', ')}).`
        )
      }
    }
    await closePipes(child)
  }

  /** Starts a new memory window (after warm-up). */
  resetMemory(): void {
    this.memorySampler?.reset()
  }

  /** Peak and growth of resident memory since the last reset; undefined where it cannot be read. */
  memory(): ServerMemory | undefined {
    return this.memorySampler?.read()
  }

  private startMemorySampling(pid: number | undefined): void {
    this.memorySampler?.stop()
    this.memorySampler = ProcessTreeMemory.watch(pid)
    if (process.platform !== 'linux' && !this.memoryUnsupportedNoted) {
      this.log.info('Server memory is sampled on Linux only (/proc); server_rss_* metrics are skipped here.')
      this.memoryUnsupportedNoted = true
    }
  }

  private stopMemorySampling(): void {
    this.memorySampler?.stop()
  }
}

/** Why a start command that exits 0 is a failure, however soon its server answered. */
const FOREGROUND_ADVICE =
  'The start command must keep running in the foreground as long as the server runs (perf-gate stops it, and everything it started, at the end): drop a trailing `&`, nohup or a daemon option.'

/**
 * Waits a moment for the last output of a stopped server, then stops reading: a process that left the group may
 * still hold the pipes, and an open pipe would keep perf-gate from exiting.
 */
async function closePipes(child: ChildProcess): Promise<void> {
  const streams = [child.stdout, child.stderr].filter((stream) => stream !== null)
  await Promise.race([
    Promise.all(
      streams.map((stream) => new Promise<void>((resolve) => (stream.readableEnded || stream.destroyed ? resolve() : stream.once('close', () => resolve()))))
    ),
    new Promise<void>((resolve) => setTimeout(resolve, PIPE_DRAIN_MS).unref())
  ])
  for (const stream of streams) stream.destroy()
}

/** Whether something accepts TCP connections at host:port (no answer within a second counts as no). */
async function acceptsConnections(host: string, port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const socket = connect({ host: host.replace(/^\[|\]$/g, ''), port, timeout: PORT_CHECK_MS })
    const done = (result: boolean): void => {
      socket.destroy()
      resolve(result)
    }
    socket.once('connect', () => done(true))
    socket.once('timeout', () => done(false))
    socket.once('error', () => done(false))
  })
}

/** A started server listened on its configured port, not on the PORT perf-gate gave it. */
export class PortIgnoredError extends RunError {}

/** Whether `url` answers at all (any HTTP status) within a short wait. */
async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(500) })
    await response.body?.cancel()
    return true
  } catch {
    return false
  }
}
