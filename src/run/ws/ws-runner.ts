/**
 * WebSocket load scenarios inside a load run (called from the trial loop of src/run/load/load-runner.ts, which
 * owns the server's life): each trial is a warm-up pass (thrown away) and a measured pass, recorded into a trial
 * with connect and round-trip percentiles, messages/s, ws_success and errors by kind. A trial where most clients
 * failed, or none connected, is a failed run naming the URL (exit 2), never a fast result.
 */
import WebSocket from 'ws'
import type { WebSocketScenarioSettings } from '../../config/settings.js'
import { RunError } from '../../errors.js'
import type { Trial } from '../../results/model.js'
import type { LoadRunDeps } from '../load/load-runner.js'
import { addMemoryMetrics, type ManagedServer } from '../load/server.js'
import { describeProgress } from '../progress-text.js'
import { classifyError, runWebSocketPass, type WebSocketPassOptions } from './ws-pass.js'
import { WebSocketTrialRecorder } from './ws-trial-recorder.js'

/** More than this fraction of failed clients makes a trial a failed run (as failed requests do in HTTP load). */
const MAX_FAILED_CLIENT_FRACTION = 0.5
/** How long the check before the first trial waits for one handshake. */
const REACH_TIMEOUT_MS = 5000

/** How the scenario was loaded, so that a report can tell when a baseline was measured differently. */
export function websocketScenarioLabels(scenario: WebSocketScenarioSettings): Record<string, string> {
  return {
    websocket: new URL(scenario.url).pathname,
    clients: String(scenario.clients),
    ...(scenario.connectRatePerSecond ? { 'connect-rate': `${scenario.connectRatePerSecond}/s` } : {}),
    ...(scenario.messageRatePerSecond ? { 'message-rate': `${scenario.messageRatePerSecond}/s per client` } : {}),
    duration: `${scenario.durationSeconds}s`
  }
}

/** The URL without its query (which may carry a token), for messages. */
function shownUrl(scenario: WebSocketScenarioSettings): string {
  const url = new URL(scenario.url)
  return `${url.protocol}//${url.host}${url.pathname}`
}

/**
 * Fails within seconds, naming the URL, when nothing listens there or the server refuses the upgrade: otherwise
 * a whole trial would be spent on clients that cannot connect.
 */
export async function checkWebSocketReachable(scenario: WebSocketScenarioSettings, server: ManagedServer | undefined): Promise<void> {
  const problem = await new Promise<string | undefined>((resolve) => {
    const socket = new WebSocket(scenario.url, { handshakeTimeout: REACH_TIMEOUT_MS, perMessageDeflate: false })
    let settled = false
    const settle = (value: string | undefined): void => {
      if (settled) return
      settled = true
      socket.terminate()
      resolve(value)
    }
    socket.once('open', () => settle(undefined))
    socket.once('error', (error: NodeJS.ErrnoException) => {
      const [kind, detail] = classifyError(error, false)
      settle(kind === 'upgrade' ? `the server rejected the WebSocket upgrade (${detail})` : kind === 'timeout' ? `no handshake within 5 s` : detail)
    })
  })
  if (problem) {
    const hint = /ENOTFOUND|EAI_AGAIN/.test(problem)
      ? ' The host name does not resolve: check the URL.'
      : /ECONNREFUSED/.test(problem) && !server
        ? " Is the server running? Give a start command (load.server.start, or input 'start' / --start) to have perf-gate start it."
        : ''
    throw new RunError(`load scenario "${scenario.name}": cannot open a WebSocket to ${shownUrl(scenario)} (${problem}).${hint}`)
  }
}

/** One trial: a warm-up pass (when configured), then the measured pass turned into a Trial. */
export async function runWebSocketTrial(
  scenario: WebSocketScenarioSettings,
  index: number,
  deps: LoadRunDeps,
  server: ManagedServer | undefined
): Promise<Trial> {
  const label = `load ${scenario.name} trial ${index + 1}/${scenario.trials}`
  const signals = [deps.signal, server?.deathSignal].filter((signal): signal is AbortSignal => signal !== undefined)
  const pass: Omit<WebSocketPassOptions, 'recorder' | 'durationSeconds'> = {
    url: scenario.url,
    message: scenario.message,
    clients: scenario.clients,
    timeoutSeconds: scenario.timeoutSeconds,
    ...(scenario.connectRatePerSecond ? { connectRatePerSecond: scenario.connectRatePerSecond } : {}),
    ...(scenario.messageRatePerSecond ? { messageRatePerSecond: scenario.messageRatePerSecond } : {}),
    ...(signals.length > 0 ? { signal: AbortSignal.any(signals) } : {})
  }
  const checkServer = (): void => {
    const failure = server?.failure
    if (failure) throw new RunError(`${label}: ${failure}`)
  }
  if (scenario.warmupSeconds > 0) {
    const warmup = new WebSocketTrialRecorder()
    try {
      const outcome = await runWebSocketPass({ ...pass, durationSeconds: scenario.warmupSeconds, recorder: warmup })
      checkServer()
      if (outcome.cancelled) throw new RunError(`${label} was cancelled during warm-up`)
      if (outcome.allFailed) throw new RunError(`${label}: during warm-up, every client of ${shownUrl(scenario)} failed (${warmup.describeFailures()})`)
    } finally {
      warmup.destroy()
    }
  }
  server?.resetMemory()
  const recorder = new WebSocketTrialRecorder()
  try {
    const progress = startProgress(label, recorder, deps, scenario, index)
    let outcome
    try {
      outcome = await runWebSocketPass({ ...pass, durationSeconds: scenario.durationSeconds, recorder })
    } finally {
      progress.stop()
    }
    checkServer()
    if (outcome.cancelled) throw new RunError(`${label} was cancelled; every socket was closed`)
    const clients = recorder.clients
    if (clients === 0) {
      throw new RunError(
        `${label}: no client of ${shownUrl(scenario)} connected within ${outcome.durationSeconds.toFixed(1)} s; raise the duration or the connect rate`
      )
    }
    if (recorder.failureFraction > MAX_FAILED_CLIENT_FRACTION) {
      const percent = ((100 * recorder.failed) / clients).toFixed(1)
      throw new RunError(
        `${label}: ${percent}% of ${clients} WebSocket clients of ${shownUrl(scenario)} failed (${recorder.describeFailures()}); a trial where most clients fail is a failed run, not a fast one`
      )
    }
    deps.log.info(
      `${label}: ${clients} clients, ${recorder.replies} replies in ${outcome.durationSeconds.toFixed(1)} s (${(recorder.replies / outcome.durationSeconds).toFixed(0)} messages/s), connect p50 ${formatMicros(recorder.connectMicros.getValueAtPercentile(50))}, rtt p50 ${formatMicros(recorder.roundTripMicros.getValueAtPercentile(50))}, rtt p99 ${formatMicros(recorder.roundTripMicros.getValueAtPercentile(99))}, ${recorder.failed} failed client(s)${recorder.failed > 0 ? ` (${recorder.describeFailures()})` : ''}`
    )
    const trial = recorder.toTrial(outcome.durationSeconds, outcome.startedAt)
    if (server) addMemoryMetrics(trial, server.memory())
    return trial
  } finally {
    recorder.destroy()
  }
}

function startProgress(
  label: string,
  recorder: WebSocketTrialRecorder,
  deps: LoadRunDeps,
  scenario: WebSocketScenarioSettings,
  index: number
): { stop(): void } {
  const startedAt = Date.now()
  const laterSeconds = (scenario.trials - index - 1) * (scenario.durationSeconds + scenario.warmupSeconds)
  const timer = setInterval(
    () => {
      const where = describeProgress({
        plannedSeconds: scenario.durationSeconds,
        laterSeconds,
        elapsedSeconds: (Date.now() - startedAt) / 1000,
        done: recorder.replies
      })
      deps.log.progress(`${label}: ${where ? `${where} · ` : ''}${recorder.replies} replies, ${recorder.failed} failed client(s)`)
    },
    deps.progressIntervalMs ?? deps.log.progressIntervalMs ?? 5000
  )
  timer.unref()
  return {
    stop() {
      clearInterval(timer)
      deps.log.progressDone()
    }
  }
}

function formatMicros(micros: number): string {
  return micros < 1000 ? `${micros} µs` : `${(micros / 1000).toFixed(2)} ms`
}
