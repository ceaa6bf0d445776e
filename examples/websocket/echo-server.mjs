// A small WebSocket echo server for the example (and perf-gate's own end-to-end tests), built on `ws`:
//   node echo-server.mjs --port 47330 [--delay-ms 5] [--mode echo|close|reject] [--close-every N]
// GET /health answers 200 (perf-gate polls it until the server is ready); a WebSocket on any path gets every
// message back after --delay-ms (0: at once). --mode close accepts every socket and closes it at once; --mode
// reject refuses every upgrade with 403: the two ways a broken chat server fails, to see perf-gate fail the run.
// --close-every N closes every Nth connection at once (a flaky server: ws_success drops below 100%).
// PERF_GATE_WS_DELAY_MS, when set, wins over --delay-ms (to make a second run slower without editing the config).
import { createServer } from 'node:http'
import { parseArgs } from 'node:util'
import { WebSocketServer } from 'ws'

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '47330' },
    'delay-ms': { type: 'string', default: '0' },
    mode: { type: 'string', default: 'echo' },
    'close-every': { type: 'string', default: '0' }
  }
})
const delayMs = Number(process.env.PERF_GATE_WS_DELAY_MS ?? values['delay-ms'])
const mode = values.mode
const closeEvery = Number(values['close-every'])
let connections = 0

const http = createServer((request, response) => {
  response.writeHead(request.url === '/health' ? 200 : 426, { 'content-type': 'text/plain' })
  response.end(request.url === '/health' ? 'ok\n' : 'WebSocket only\n')
})
const sockets = new WebSocketServer({
  server: http,
  ...(mode === 'reject' ? { verifyClient: (_info, done) => done(false, 403) } : {})
})
sockets.on('connection', (socket) => {
  connections++
  if (mode === 'close' || (closeEvery > 0 && connections % closeEvery === 0)) {
    socket.close(1011, 'closing every socket')
    return
  }
  socket.on('message', (data, binary) => {
    if (delayMs > 0) setTimeout(() => socket.send(data, { binary }), delayMs)
    else socket.send(data, { binary })
  })
})
http.listen(Number(values.port), '127.0.0.1', () => console.log(`echo server on ws://127.0.0.1:${values.port} (mode ${mode}, delay ${delayMs} ms)`))

// perf-gate stops the server's process group with SIGTERM: close every socket, then exit.
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, () => {
    for (const client of sockets.clients) client.terminate()
    sockets.close()
    http.close(() => process.exit(0))
  })
}
