/**
 * WebSocket load scenarios from the config (`websocket:` in place of `endpoints:`) or from a ws:// `url` input:
 * the target, the message, the connect ramp and the message rate, with the knobs every load scenario shares.
 * Messages name the JSON path, like every config error (exit 3).
 */
import { InputError } from '../errors.js'
import type { LoadKnobsConfig, LoadWebSocketConfig } from './config-file.js'
import type { ResolvedLoadKnobs } from './load-settings.js'
import type { WebSocketScenarioSettings } from './settings.js'

/** What a client sends when the config names no message: a short text any echo server returns. */
export const DEFAULT_WEBSOCKET_MESSAGE = 'ping'

export function isWebSocketUrl(url: string): boolean {
  return /^wss?:\/\//i.test(url.trim())
}

/** The http(s) origin of a ws(s) URL: where a started server's readiness is polled by default. */
export function httpOriginOf(websocketUrl: string): string {
  const url = new URL(websocketUrl)
  return `${url.protocol === 'wss:' ? 'https:' : 'http:'}//${url.host}/`
}

/** "WS /chat": the protocol and path, never the host or query (which may carry a token). */
export function websocketScenarioName(url: string): string {
  try {
    return `WS ${new URL(url).pathname}`
  } catch {
    return `WS ${url}`
  }
}

/**
 * One WebSocket scenario. `placeholders` fills `${{ env.X }}` in the message (and masks the result in logs).
 * The HTTP knobs a WebSocket scenario cannot honour (`rate` over all connections, a `requests` count) are refused
 * when the scenario itself sets them, and ignored when they come from the `load:` section or a profile.
 */
export function buildWebSocketScenario(
  name: string,
  config: LoadWebSocketConfig,
  knobs: ResolvedLoadKnobs,
  own: LoadKnobsConfig,
  at: string,
  placeholders: (text: string, at: string) => string
): WebSocketScenarioSettings {
  const url = websocketUrl(config.url, `${at}${at.startsWith('input') ? '' : '/websocket/url'}`)
  if (own.rate !== undefined) {
    throw new InputError(`${at}/rate: a WebSocket scenario paces each client, not all of them: use websocket.message-rate (messages per second per client)`)
  }
  if (own.requests !== undefined) throw new InputError(`${at}/requests: a WebSocket scenario is measured over a duration; use duration instead`)
  if (own.workers !== undefined)
    throw new InputError(`${at}/workers: generator worker threads drive HTTP scenarios; a WebSocket scenario's clients run on one thread. Remove workers`)
  const raw = config.message ?? DEFAULT_WEBSOCKET_MESSAGE
  const message = typeof raw === 'string' ? placeholders(raw, `${at}/websocket/message`) : JSON.stringify(raw)
  if (message === '') throw new InputError(`${at}/websocket/message: the message is empty; an echo of nothing cannot be told from no reply`)
  const scenario: WebSocketScenarioSettings = {
    name,
    url,
    message,
    clients: knobs.connections,
    durationSeconds: knobs.durationSeconds,
    warmupSeconds: knobs.warmupSeconds,
    trials: knobs.trials,
    timeoutSeconds: knobs.timeoutSeconds
  }
  const messageRate = config['message-rate']
  if (messageRate !== undefined) scenario.messageRatePerSecond = positiveRate(messageRate, `${at}/websocket/message-rate`, 'messages per second per client')
  const connectRate = config['connect-rate']
  if (connectRate !== undefined) scenario.connectRatePerSecond = positiveRate(connectRate, `${at}/websocket/connect-rate`, 'new connections per second')
  return scenario
}

/** The schema already refuses 0 and below; this guard keeps the settings sound when built from other edges. */
function positiveRate(value: number, at: string, what: string): number {
  if (!Number.isFinite(value) || value <= 0) throw new InputError(`${at}: ${value} is not a positive number of ${what}`)
  return value
}

function websocketUrl(raw: string, at: string): string {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new InputError(`${at}: "${raw}" is not an absolute URL; write e.g. ws://127.0.0.1:8080/chat`)
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw new InputError(`${at}: "${url.href}" must be ws:// or wss:// for a WebSocket scenario (an http(s) endpoint goes under endpoints)`)
  }
  if (url.username || url.password) throw new InputError(`${at}: put credentials in the message or a query token, not in the URL (they would be logged)`)
  return url.href
}
