/**
 * One pass of WebSocket load (a warm-up or a measured part): N clients connect (all at once, or ramped at a
 * connect rate), then each sends the message and waits for a reply, in turn, until the window ends. Every socket
 * is closed before the pass returns, on every path: the end of the window, every client failing, cancellation.
 *
 * With a message rate, message k of a client is due at its open time + k / rate; when the reply to the previous one
 * comes late, the next goes out at once and its round trip still counts from its due time (coordinated omission,
 * as the HTTP load's open loop).
 */
import { performance } from 'node:perf_hooks'
import WebSocket from 'ws'
import type { WebSocketScenarioSettings } from '../../config/settings.js'
import type { WebSocketFailureKind, WebSocketTrialRecorder } from './ws-trial-recorder.js'

/** One pass of a scenario: its connection knobs as configured, how long, and where to record. */
export type WebSocketPassOptions = Pick<
  WebSocketScenarioSettings,
  'url' | 'message' | 'clients' | 'connectRatePerSecond' | 'messageRatePerSecond' | 'durationSeconds' | 'timeoutSeconds'
> & {
  recorder: WebSocketTrialRecorder
  signal?: AbortSignal
}

export interface WebSocketPassOutcome {
  startedAt: Date
  /** How long the pass ran (shorter than asked when every client failed or it was cancelled). */
  durationSeconds: number
  cancelled: boolean
  /** Every client had failed and none was left to connect: the pass ended before its window did. */
  allFailed: boolean
}

/** How long a closing socket may take for the close handshake before it is destroyed. */
const CLOSE_GRACE_MS = 1000

export async function runWebSocketPass(options: WebSocketPassOptions): Promise<WebSocketPassOutcome> {
  const startedAt = new Date()
  const passStart = performance.now()
  /** Clients still running; `everyClient` also holds the failed ones, whose sockets are awaited closed too. */
  const clients = new Set<WebSocketClient>()
  const everyClient: WebSocketClient[] = []
  let finished = false
  let ended = false
  let cancelled = false
  let connectsLeft = options.clients
  let finishPass!: () => void
  const done = new Promise<void>((resolve) => (finishPass = resolve))
  const finish = (): void => {
    if (finished) return
    finished = true
    finishPass()
  }
  const onClientEnded = (client: WebSocketClient): void => {
    clients.delete(client)
    if (clients.size === 0 && connectsLeft === 0) {
      ended = true
      finish()
    }
  }
  const startClient = (): void => {
    if (finished || connectsLeft === 0) return
    connectsLeft--
    const client = new WebSocketClient(options, onClientEnded)
    clients.add(client)
    everyClient.push(client)
  }

  const windowTimer = setTimeout(finish, options.durationSeconds * 1000)
  const onAbort = (): void => {
    cancelled = true
    finish()
  }
  if (options.signal?.aborted) onAbort()
  else options.signal?.addEventListener('abort', onAbort, { once: true })

  let rampTimer: NodeJS.Timeout | undefined
  if (options.connectRatePerSecond === undefined) {
    for (let index = 0; index < options.clients; index++) startClient()
  } else {
    // Client k is due at start + k / rate; a 10 ms tick starts every client that is due.
    const rate = options.connectRatePerSecond
    const startDue = (): void => {
      const due = Math.min(options.clients, Math.floor(((performance.now() - passStart) / 1000) * rate) + 1)
      while (options.clients - connectsLeft < due && !finished) startClient()
      if (connectsLeft === 0 && rampTimer) clearInterval(rampTimer)
    }
    startDue()
    if (connectsLeft > 0) rampTimer = setInterval(startDue, 10)
  }

  await done
  const durationSeconds = (performance.now() - passStart) / 1000
  clearTimeout(windowTimer)
  if (rampTimer) clearInterval(rampTimer)
  options.signal?.removeEventListener('abort', onAbort)
  await Promise.all(everyClient.map((client) => client.stop(!cancelled)))
  return { startedAt, durationSeconds, cancelled, allFailed: ended && !cancelled }
}

/** One client: its socket, its message in flight (if any), and how it ended. */
class WebSocketClient {
  private readonly socket: WebSocket
  private readonly createdAt = performance.now()
  private openedAt: number | undefined
  private sent = 0
  /** When the message awaiting its reply was due (its round trip counts from then); undefined when none is. */
  private awaitingSince: number | undefined
  private replyTimer: NodeJS.Timeout | undefined
  private nextTimer: NodeJS.Timeout | undefined
  private outcome: 'running' | 'failed' | 'stopped' = 'running'
  private readonly closed: Promise<void>

  constructor(
    private readonly options: WebSocketPassOptions,
    private readonly onEnded: (client: WebSocketClient) => void
  ) {
    const timeoutMs = options.timeoutSeconds * 1000
    this.socket = new WebSocket(options.url, { handshakeTimeout: timeoutMs, perMessageDeflate: false })
    this.closed = new Promise((resolve) => this.socket.once('close', () => resolve()))
    this.socket.on('open', () => {
      this.openedAt = performance.now()
      options.recorder.recordConnect(this.openedAt - this.createdAt)
      this.sendNext()
    })
    this.socket.on('message', () => this.onReply())
    this.socket.on('error', (error: NodeJS.ErrnoException) => this.fail(...classifyError(error, this.openedAt !== undefined)))
    this.socket.on('close', (code: number) => this.fail('closed', `code ${code}`))
  }

  private sendNext(): void {
    if (this.outcome !== 'running') return
    const rate = this.options.messageRatePerSecond
    const now = performance.now()
    const due = rate === undefined ? now : this.openedAt! + (this.sent * 1000) / rate
    if (due > now) {
      this.nextTimer = setTimeout(() => this.sendNext(), due - now)
      return
    }
    this.sent++
    this.awaitingSince = due
    this.replyTimer = setTimeout(() => {
      this.fail('timeout', `no reply within ${this.options.timeoutSeconds} s`)
    }, this.options.timeoutSeconds * 1000)
    this.socket.send(this.options.message, (error) => {
      if (error) this.fail('closed', error.message)
    })
  }

  private onReply(): void {
    // A message nobody awaits (a push from the server) is not a reply.
    if (this.outcome !== 'running' || this.awaitingSince === undefined) return
    this.options.recorder.recordReply(performance.now() - this.awaitingSince)
    this.awaitingSince = undefined
    clearTimeout(this.replyTimer)
    this.sendNext()
  }

  /** The client's first failure decides its kind; later events of the same socket (error, then close) add nothing. */
  private fail(kind: WebSocketFailureKind, detail: string): void {
    if (this.outcome !== 'running') return
    this.outcome = 'failed'
    this.clearTimers()
    if (this.awaitingSince !== undefined) this.options.recorder.recordUnanswered(performance.now() - this.awaitingSince)
    this.options.recorder.recordFailure(kind, detail)
    this.socket.terminate()
    this.onEnded(this)
  }

  /**
   * Ends a client that is still running when the pass ends: one that lasted the window is a success (when
   * `counts`, i.e. not cancelled); a reply still awaited, or a handshake still under way, adds its wait so far
   * (a lower bound) to its histogram. Resolves when the socket is closed.
   */
  async stop(counts: boolean): Promise<void> {
    if (this.outcome === 'running') {
      this.outcome = 'stopped'
      this.clearTimers()
      const now = performance.now()
      const recorder = this.options.recorder
      if (this.openedAt === undefined) {
        if (counts) recorder.recordConnect(now - this.createdAt)
      } else {
        if (this.awaitingSince !== undefined && counts) recorder.recordUnanswered(now - this.awaitingSince)
        if (counts) recorder.clientsSucceeded++
      }
    }
    if (this.socket.readyState === WebSocket.CLOSED) return
    if (this.socket.readyState === WebSocket.OPEN) this.socket.close(1000, 'load done')
    else this.socket.terminate()
    const grace = setTimeout(() => this.socket.terminate(), CLOSE_GRACE_MS)
    await this.closed
    clearTimeout(grace)
  }

  private clearTimers(): void {
    clearTimeout(this.replyTimer)
    clearTimeout(this.nextTimer)
  }
}

/** The kind of a socket error: before the open, a refusal, a rejected upgrade or a handshake timeout; after it, an early close. */
export function classifyError(error: NodeJS.ErrnoException, opened: boolean): [WebSocketFailureKind, string] {
  if (opened) return ['closed', error.code ?? error.message]
  const upgrade = /Unexpected server response: (\d+)/.exec(error.message)
  if (upgrade) return ['upgrade', `HTTP ${upgrade[1]}`]
  if (/handshake has timed out/i.test(error.message)) return ['timeout', 'no handshake within the time limit']
  if (error.code === 'ECONNRESET' || error.code === 'EPIPE') return ['closed', `${error.code} during the handshake`]
  return ['refused', error.code ?? error.message]
}
