/** A real HTTP server on 127.0.0.1 for load tests, with routes that succeed, fail, or drop connections. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { LoadEndpointSettings, LoadScenarioSettings } from '../../../src/config/settings.js'

export interface TestServer {
  url: string
  /** Requests seen, by "METHOD /path", with the last headers and body of each. */
  seen: Map<string, { count: number; headers: IncomingMessage['headers']; body: string }>
  /** Every request's arrival (Date.now()) and how many requests were in flight with it (itself included). */
  arrivals: Array<{ at: number; inFlight: number }>
  close(): Promise<void>
}

/**
 * Routes: /fast (immediate 200), /sleep?ms=N (200 after N ms), /fail (500), /mostly-fail (500 three times out of
 * four), /close (destroys the socket without answering), /one-per-connection (answers with Connection: close),
 * /created (201), /stall-after?after=A&until=U (fast for A ms after its first request, then held until U ms),
 * /cold?for=T&slow=S&warm=W (answers after S ms for T ms after its first request, then after W ms: a warm-up),
 * anything else 404.
 */
export async function startTestServer(): Promise<TestServer> {
  const seen: TestServer['seen'] = new Map()
  const arrivals: TestServer['arrivals'] = []
  let inFlight = 0
  let counter = 0
  let stallOrigin: number | undefined
  let coldOrigin: number | undefined
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    arrivals.push({ at: Date.now(), inFlight: ++inFlight })
    response.once('close', () => inFlight--)
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1')
      const key = `${request.method} ${url.pathname}`
      const entry = seen.get(key) ?? { count: 0, headers: {}, body: '' }
      entry.count++
      entry.headers = request.headers
      entry.body = Buffer.concat(chunks).toString('utf8')
      seen.set(key, entry)
      switch (url.pathname) {
        case '/fast':
          response.end('ok')
          return
        case '/sleep':
          setTimeout(() => response.end('slept'), Number(url.searchParams.get('ms') ?? 1))
          return
        case '/fail':
          response.statusCode = 500
          response.end('boom')
          return
        case '/mostly-fail':
          response.statusCode = counter++ % 4 === 0 ? 200 : 500
          response.end()
          return
        case '/close':
          request.socket.destroy()
          return
        case '/one-per-connection':
          response.setHeader('connection', 'close')
          response.end('bye')
          return
        case '/stall-after': {
          // Fast until `after` ms past the first request to this route, then every answer waits until `until` ms.
          stallOrigin ??= Date.now()
          const elapsed = Date.now() - stallOrigin
          const until = Number(url.searchParams.get('until') ?? 0)
          if (elapsed < Number(url.searchParams.get('after') ?? 0)) response.end('ok')
          else setTimeout(() => response.end('late'), Math.max(0, until - elapsed))
          return
        }
        case '/cold': {
          coldOrigin ??= Date.now()
          const cold = Date.now() - coldOrigin < Number(url.searchParams.get('for') ?? 0)
          setTimeout(() => response.end('ok'), Number(url.searchParams.get(cold ? 'slow' : 'warm') ?? 0))
          return
        }
        case '/created':
          response.statusCode = 201
          response.end('{}')
          return
        default:
          response.statusCode = 404
          response.end()
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    arrivals,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

export function endpoint(url: string, extra: Partial<LoadEndpointSettings> = {}): LoadEndpointSettings {
  return { method: 'GET', url, headers: {}, expectedStatus: [], name: `${extra.method ?? 'GET'} ${new URL(url).pathname}`, weight: 1, ...extra }
}

/** A short scenario: 0.5 s per trial, no warm-up, 2 connections, 2 trials, unless overridden. */
export function scenario(name: string, endpoints: LoadEndpointSettings[], extra: Partial<LoadScenarioSettings> = {}): LoadScenarioSettings {
  return { name, endpoints, connections: 2, durationSeconds: 0.5, warmupSeconds: 0, trials: 2, timeoutSeconds: 5, ...extra }
}
