/** Real `ws` servers on 127.0.0.1 for the WebSocket runner's tests, each misbehaving in one way. */
import type { AddressInfo } from 'node:net'
import { WebSocketServer, type WebSocket } from 'ws'
import type { LoadSource, WebSocketScenarioSettings } from '../../../src/config/settings.js'

export type WsServerBehaviour =
  /** Sends every message back. */
  | 'echo'
  /** Accepts the upgrade, then closes the socket at once (code 1011). */
  | 'close-every-socket'
  /** Closes every second connection at once and echoes on the others. */
  | 'close-every-second'
  /** Refuses the upgrade with HTTP 403. */
  | 'reject-upgrade'
  /** Answers every message after `delayMs`. */
  | 'slow'
  /** Accepts and never answers. */
  | 'silent'

export interface WsTestServer {
  url: string
  server: WebSocketServer
  /** When each connection was accepted (Date.now()), in order. */
  acceptedAt: number[]
  close(): Promise<void>
}

export async function startWsServer(behaviour: WsServerBehaviour, delayMs = 30): Promise<WsTestServer> {
  const server = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    ...(behaviour === 'reject-upgrade' ? { verifyClient: (_info: unknown, done: (ok: boolean, code?: number) => void) => done(false, 403) } : {})
  })
  await new Promise<void>((resolve) => server.once('listening', resolve))
  const acceptedAt: number[] = []
  server.on('connection', (socket: WebSocket) => {
    acceptedAt.push(Date.now())
    if (behaviour === 'close-every-socket' || (behaviour === 'close-every-second' && acceptedAt.length % 2 === 0)) {
      socket.close(1011, 'go away')
      return
    }
    socket.on('message', (data, binary) => {
      if (behaviour === 'silent') return
      if (behaviour === 'slow') setTimeout(() => socket.send(data, { binary }), delayMs)
      else socket.send(data, { binary })
    })
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `ws://127.0.0.1:${port}/chat`,
    server,
    acceptedAt,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate()
        server.close(() => resolve())
      })
  }
}

export function wsScenario(name: string, url: string, overrides: Partial<WebSocketScenarioSettings> = {}): WebSocketScenarioSettings {
  return { name, url, message: 'hello', clients: 3, durationSeconds: 0.5, warmupSeconds: 0, trials: 2, timeoutSeconds: 5, ...overrides }
}

export function wsSource(...scenarios: WebSocketScenarioSettings[]): LoadSource {
  return { kind: 'load', scenarios: [], websocketScenarios: scenarios, secrets: [] }
}

/** Waits until `condition` holds (the server sees a close a moment after the client sends it); false after `limitMs`. */
export async function eventually(condition: () => boolean, limitMs = 3000): Promise<boolean> {
  const until = Date.now() + limitMs
  while (!condition()) {
    if (Date.now() > until) return false
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return true
}
