/**
 * A busy 2-core runner made by the bench itself, and the CPU-bound server measured on it (bench/decide.ts,
 * bench/slice-noise.ts): one process spins on a core all the time (a CPU hog) and another spins in random bursts of
 * 0.1–2 s with pauses as long (a noisy neighbour). The server spins 1 ms times FACTOR per request, on the port in PORT.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { resolveSettings } from '../src/config/resolve-settings.js'
import type { LoadSource } from '../src/config/settings.js'

const SERVER = `import { createServer } from 'node:http'
import { performance } from 'node:perf_hooks'
const busyMs = 1 * Number(process.env.FACTOR)
createServer((request, response) => {
  request.resume()
  const until = performance.now() + busyMs
  while (performance.now() < until) {}
  response.end('ok')
}).listen(Number(process.env.PORT), '127.0.0.1')
`

const HOG = 'for (;;) {}'
const NEIGHBOUR = `const spin = (ms) => { const until = Date.now() + ms; while (Date.now() < until) {} }
const next = () => { const ms = 100 + Math.random() * 1900; if (Math.random() < 0.5) { spin(ms); setImmediate(next) } else setTimeout(next, ms) }
next()`

/** Aborted on Ctrl-C or SIGTERM: the A/B under way stops its servers, then the bench stops its background load. */
const interrupted = new AbortController()
export const interruptSignal = interrupted.signal

/** Starts the hog and the neighbour; they are killed when the bench exits, whatever way it does. */
export function startBackground(): ChildProcess[] {
  const children = [HOG, NEIGHBOUR].map((code) => spawn(process.execPath, ['-e', code], { stdio: 'ignore' }))
  process.once('exit', () => children.forEach((child) => child.kill('SIGKILL')))
  for (const name of ['SIGINT', 'SIGTERM'] as const) process.once(name, () => interrupted.abort())
  return children
}

/** Writes the server's script into `dir`. */
export async function writeServer(dir: string): Promise<void> {
  await writeFile(join(dir, 'server.mjs'), SERVER)
}

/**
 * The load source of the server at `factor` on `port`, as the gate would parse it: 4 connections (closed loop), one
 * trial of `durationSeconds` after `warmupSeconds`.
 */
export async function serverLoad(dir: string, factor: number, port: number, durationSeconds: number, warmupSeconds: number): Promise<LoadSource> {
  await writeFile(
    join(dir, 'perf-gate.yml'),
    [
      'load:',
      `  base-url: http://127.0.0.1:${port}`,
      '  connections: 4',
      `  duration: ${durationSeconds}s`,
      `  warmup: ${warmupSeconds}s`,
      '  trials: 1',
      '  server:',
      `    start: node server.mjs`,
      `    env: { FACTOR: "${factor}", PORT: "${port}" }`,
      '  scenarios:',
      '    - endpoints: [{ path: /work }]',
      ''
    ].join('\n')
  )
  const settings = await resolveSettings({
    rootDir: dir,
    configExplicit: true,
    configPath: 'perf-gate.yml',
    defaultBaselineStore: 'file',
    failOnRegression: true
  })
  if (settings.source.kind !== 'load') throw new Error('the bench config is not a load')
  return settings.source
}
