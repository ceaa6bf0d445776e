/** The config the WebSocket end-to-end tests (CLI and Action) run: the example echo server, started by perf-gate. */
import { join } from 'node:path'
import { REPO_ROOT } from './spawn-dist.js'

export const ECHO_SERVER = join(REPO_ROOT, 'examples/websocket/echo-server.mjs')

/** A config that starts the echo server on `port` with `serverFlags` and loads it with 4 clients. */
export function websocketConfig(port: number, serverFlags = '', thresholds = ''): string {
  return `name: chat
load:
  server:
    start: node "${ECHO_SERVER}" --port ${port} ${serverFlags}
    ready-url: http://127.0.0.1:${port}/health
  duration: 0.5s
  warmup: 0.2s
  trials: 3
  scenarios:
    - name: chat echo
      connections: 4
      websocket:
        url: ws://127.0.0.1:${port}/chat
        message: { text: hello }
${thresholds}`
}
