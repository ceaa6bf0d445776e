/**
 * The built-in demo server (`perf-gate demo-server`): a small node:http server with a latency knob, so that the
 * README's example and anyone trying load gates have something to measure, and a "slower" run is one flag away.
 *
 * Routes: /fast waits the latency (or ?ms=N) and answers "ok"; /items waits twice the latency and answers a JSON
 * list; /health answers at once. Every wait is multiplied by the factor. Waits under 1 ms are spent busy (timers
 * cannot wait less than a millisecond), waits of 1 ms and more with a timer, rounded to whole milliseconds.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { performance } from 'node:perf_hooks'
import { InputError } from '../errors.js'

export interface DemoServerOptions {
  host: string
  /** 0 picks a free port. */
  port: number
  latencyMs: number
  factor: number
}

export interface DemoServer {
  url: string
  port: number
  close(): Promise<void>
}

export const DEMO_FACTOR_ENV = 'PERF_GATE_DEMO_FACTOR'

const ITEMS = Array.from({ length: 20 }, (_, index) => ({ id: index + 1, name: `item ${index + 1}`, price: Math.round((index + 1) * 3.7 * 100) / 100 }))
const ITEMS_JSON = JSON.stringify({ items: ITEMS })

/** Options from `demo-server` flags; the port falls back to PORT, then any free port; the factor to PERF_GATE_DEMO_FACTOR, then 1. */
export function parseDemoServerArgs(values: Record<string, string | undefined>, env: Record<string, string | undefined>): DemoServerOptions {
  const number = (raw: string | undefined, where: string, fallback: number, check: (n: number) => boolean, allowed: string): number => {
    if (raw === undefined || raw.trim() === '') return fallback
    const value = Number(raw)
    if (!Number.isFinite(value) || !check(value)) throw new InputError(`${where}: "${raw}" is not ${allowed}`)
    return value
  }
  const envFactor = env[DEMO_FACTOR_ENV]
  return {
    host: '127.0.0.1',
    // Without --port, PORT (the convention side-by-side A/B relies on), else any free port.
    port: number(
      values.port ?? env.PORT,
      values.port !== undefined ? '--port' : 'PORT',
      0,
      (n) => Number.isInteger(n) && n >= 0 && n < 65536,
      'a port number (0 for any free port)'
    ),
    latencyMs: number(values['latency-ms'], '--latency-ms', 1, (n) => n >= 0 && n <= 60_000, 'a latency in milliseconds (0 to 60000)'),
    factor:
      values.factor !== undefined
        ? number(values.factor, '--factor', 1, (n) => n > 0 && n <= 1000, 'a positive factor such as 1.5')
        : number(envFactor, DEMO_FACTOR_ENV, 1, (n) => n > 0 && n <= 1000, 'a positive factor such as 1.5')
  }
}

/** Starts the demo server and resolves once it listens. */
export async function startDemoServer(options: DemoServerOptions): Promise<DemoServer> {
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://demo')
    const delayed = (ms: number, send: () => void): void => wait(ms * options.factor, send)
    request.resume()
    switch (url.pathname) {
      case '/health':
        response.end('ok')
        return
      case '/fast': {
        const ms = url.searchParams.has('ms') ? Number(url.searchParams.get('ms')) : options.latencyMs
        delayed(Number.isFinite(ms) && ms >= 0 ? ms : options.latencyMs, () => response.end('ok'))
        return
      }
      case '/items':
        delayed(2 * options.latencyMs, () => {
          response.setHeader('content-type', 'application/json')
          response.end(ITEMS_JSON)
        })
        return
      default:
        response.statusCode = 404
        response.end('not found: try /fast, /items or /health')
    }
  })
  server.keepAliveTimeout = 30_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://${options.host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

/** Waits `ms` (busy below 1 ms, where timers cannot go), then calls `then`. */
function wait(ms: number, then: () => void): void {
  if (ms <= 0) then()
  else if (ms < 1) {
    const until = performance.now() + ms
    while (performance.now() < until) {
      // Busy on purpose: a sub-millisecond handler is CPU work.
    }
    then()
  } else setTimeout(then, Math.round(ms))
}
