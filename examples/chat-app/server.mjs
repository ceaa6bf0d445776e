// A small chat service for perf-gate's examples (and its end-to-end tests): an HTTP API and a WebSocket on one port.
//   node server.mjs [--port 47340] [--work-ms 2]
// Listens on PORT when set (perf-gate gives each arm of a same-runner A/B its own port), else on --port.
//   GET /health                      200 (perf-gate polls it until the server is ready)
//   GET /agents, GET /channels       JSON lists
//   POST /messages {channel, text}   201; GET /messages?channel=general the last 50 of a channel
//   WebSocket /chat                  every message comes back as {type: "echo", ...}
// Every request (and WebSocket message) costs --work-ms of CPU; PERF_GATE_CHAT_FACTOR multiplies it (a slower
// build, without editing the config).
import { createServer } from 'node:http'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { WebSocketServer } from 'ws'

const { values } = parseArgs({ options: { port: { type: 'string', default: '47340' }, 'work-ms': { type: 'string', default: '2' } } })
const port = Number(process.env.PORT || values.port)
const workMs = Number(values['work-ms']) * Number(process.env.PERF_GATE_CHAT_FACTOR ?? 1)

/** Busy CPU for the request's share of work: what a real handler spends parsing, querying and serialising. */
function work() {
  const until = performance.now() + workMs
  let x = 0
  while (performance.now() < until) x += Math.sqrt(x + 1)
  return x
}

const agents = Array.from({ length: 20 }, (_, i) => ({ id: `agent-${i}`, name: `Agent ${i}`, skills: ['search', 'summarise'] }))
const channels = ['general', 'random', 'support'].map((name) => ({ id: name, name, members: 12 }))
const messages = new Map(channels.map((channel) => [channel.id, []]))

function json(response, status, body) {
  response.writeHead(status, { 'content-type': 'application/json' })
  response.end(JSON.stringify(body))
}

const http = createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://localhost')
  if (url.pathname === '/health') return json(response, 200, { ok: true })
  let body = ''
  request.on('data', (chunk) => (body += chunk))
  request.on('end', () => {
    work()
    if (request.method === 'GET' && url.pathname === '/agents') return json(response, 200, agents)
    if (request.method === 'GET' && url.pathname === '/channels') return json(response, 200, channels)
    if (url.pathname === '/messages') {
      const channel = messages.get(url.searchParams.get('channel') ?? 'general')
      if (!channel) return json(response, 404, { error: 'no such channel' })
      if (request.method === 'GET') return json(response, 200, channel.slice(-50))
      if (request.method === 'POST') {
        let message
        try {
          message = JSON.parse(body || '{}')
        } catch {
          return json(response, 400, { error: 'body is not JSON' })
        }
        const target = messages.get(message.channel ?? 'general') ?? channel
        target.push({ text: String(message.text ?? ''), at: Date.now() })
        if (target.length > 500) target.splice(0, target.length - 500)
        return json(response, 201, { ok: true })
      }
    }
    json(response, 404, { error: 'not found' })
  })
})

const sockets = new WebSocketServer({ server: http, path: '/chat' })
sockets.on('connection', (socket) => {
  socket.on('message', (data) => {
    work()
    socket.send(JSON.stringify({ type: 'echo', received: data.toString() }))
  })
})

http.listen(port, '127.0.0.1', () => console.log(`chat app on http://127.0.0.1:${port} (work ${workMs} ms per request)`))
const stop = () => {
  for (const client of sockets.clients) client.terminate()
  http.close(() => process.exit(0))
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
