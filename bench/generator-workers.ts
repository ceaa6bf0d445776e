/**
 * How fast and how cheaply perf-gate's load generator sends on 1 and on N worker threads, against plain autocannon
 * with the same workers, taking turns on the same server in one run (issue 21: max rate ≥ 0.95× autocannon's,
 * CPU per request ≤ 1.1× autocannon's).
 *
 * Each measurement runs in a fresh child process built from the bundles, as users run them: perf-gate's load pass
 * (with `workers`, the dist/load-worker.js bundle in its threads) or `autocannon({ workers })`, closed loop at the
 * given connections for the given seconds. The child reports the requests answered and its own CPU (all threads,
 * worker start-up included) over the run. The server is a Node cluster of `--server-processes` processes that
 * answers "ok", in its own process tree.
 *
 * On a 2-core machine the server and the generator share the cores, so workers cannot add rate there: the
 * ratios against autocannon are the point; the gain of workers needs cores to spare (say so when reading it).
 *
 * Usage: node --import tsx bench/generator-workers.ts [--workers 1,2] [--seconds 5] [--rounds 3] [--connections 64]
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { build } from 'esbuild'

const { values: flags } = parseArgs({
  options: {
    workers: { type: 'string', default: '1,2' },
    seconds: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '64' },
    'server-processes': { type: 'string', default: '2' }
  }
})
const WORKERS = flags.workers.split(',').map(Number)
const SECONDS = Number(flags.seconds)
const ROUNDS = Number(flags.rounds)
const CONNECTIONS = Number(flags.connections)
const ROOT = resolve(import.meta.dirname, '..')

const SERVER = `
const cluster = require('node:cluster')
const { createServer } = require('node:http')
const processes = ${Number(flags['server-processes'])}
if (cluster.isPrimary) {
  let listening = 0
  for (let i = 0; i < processes; i++) cluster.fork().on('listening', (address) => { if (++listening === processes) console.log(address.port) })
  process.on('SIGTERM', () => { for (const worker of Object.values(cluster.workers)) worker.kill(); process.exit(0) })
} else {
  createServer((request, response) => response.end('ok')).listen(0, '127.0.0.1')
}
`

/** A child: one measurement, its figures as one JSON line. perf-gate's runs from a bundle, as dist/ does. */
const PERF_GATE_CHILD = `
import { runLoadPassOnWorkers } from '../src/run/load/workers/worker-pass.js'
import { TrialRecorder } from '../src/run/load/trial-recorder.js'
const [url, connections, seconds, workers] = process.argv.slice(2)
const cpuBefore = process.cpuUsage()
const recorder = new TrialRecorder()
const endpoints = [{ method: 'GET', url, headers: {}, expectedStatus: [], name: 'GET /', weight: 1 }]
await runLoadPassOnWorkers({ endpoints, connections: Number(connections), durationSeconds: Number(seconds), timeoutSeconds: 10, recorder }, Number(workers))
const cpu = process.cpuUsage(cpuBefore)
console.log(JSON.stringify({ requests: recorder.completed, cpuMicros: cpu.user + cpu.system }))
process.exit(0)
`

/** autocannon as installed (its workers mode starts its own lib/ files, so it is not bundled). */
const AUTOCANNON_CHILD = `
import autocannon from 'autocannon'
const [url, connections, seconds, workers] = process.argv.slice(1)
const cpuBefore = process.cpuUsage()
const result = await autocannon({ url, connections: Number(connections), duration: Number(seconds), ...(Number(workers) > 1 ? { workers: Number(workers) } : {}) })
const cpu = process.cpuUsage(cpuBefore)
console.log(JSON.stringify({ requests: result.requests.total, cpuMicros: cpu.user + cpu.system }))
process.exit(0)
`

// CommonJS dependencies (autocannon) bundled into ESM need a real require, as in scripts/build.mjs.
const REQUIRE_SHIM = "import { createRequire as __benchCreateRequire } from 'node:module'; const require = __benchCreateRequire(import.meta.url);"

async function bundleChild(dir: string): Promise<string> {
  const common = {
    bundle: true,
    platform: 'node' as const,
    format: 'esm' as const,
    target: 'node20',
    logLevel: 'warning' as const,
    banner: { js: REQUIRE_SHIM }
  }
  await build({ ...common, stdin: { contents: PERF_GATE_CHILD, resolveDir: join(ROOT, 'bench'), loader: 'ts' }, outfile: join(dir, 'child.js') })
  // Beside the child, as dist/load-worker.js is beside dist/cli.js.
  await build({ ...common, entryPoints: [join(ROOT, 'src/run/load/workers/load-worker.ts')], outfile: join(dir, 'load-worker.js') })
  return join(dir, 'child.js')
}

interface Figures {
  requests: number
  cpuMicros: number
}

function measure(child: string, tool: string, url: string, workers: number): Promise<Figures> {
  return new Promise((resolveFigures, reject) => {
    const args = [String(CONNECTIONS), String(SECONDS), String(workers)]
    const run =
      tool === 'perf-gate'
        ? spawn(process.execPath, [child, url, ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
        : spawn(process.execPath, ['--input-type=module', '-e', AUTOCANNON_CHILD, url, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    run.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()))
    run.once('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? ''
      if (code !== 0) reject(new Error(`${tool} (workers ${workers}) exited with ${code}: ${out}`))
      else resolveFigures(JSON.parse(line) as Figures)
    })
  })
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

let server: ChildProcess | undefined
const scratch = mkdtempSync(join(tmpdir(), 'perf-gate-bench-workers-'))
const cleanUp = (): void => {
  server?.kill('SIGTERM')
  rmSync(scratch, { recursive: true, force: true })
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    cleanUp()
    process.exit(130)
  })
}

try {
  const child = await bundleChild(scratch)
  // A cluster forks its own script: the server is a file.
  writeFileSync(join(scratch, 'server.cjs'), SERVER)
  server = spawn(process.execPath, [join(scratch, 'server.cjs')], { stdio: ['ignore', 'pipe', 'inherit'] })
  const port = await new Promise<string>((resolvePort) => server!.stdout!.once('data', (chunk: Buffer) => resolvePort(chunk.toString().trim())))
  const url = `http://127.0.0.1:${port}/`
  console.log(
    `generator workers: ${CONNECTIONS} connections, ${SECONDS} s per run, ${ROUNDS} rounds taking turns, server: ${flags['server-processes']} processes, ${(await import('node:os')).availableParallelism()} cores`
  )
  const rows: string[] = []
  for (const workers of WORKERS) {
    const rates = { 'perf-gate': [] as number[], autocannon: [] as number[] }
    const cpuPerRequest = { 'perf-gate': [] as number[], autocannon: [] as number[] }
    const rateRatios: number[] = []
    const cpuRatios: number[] = []
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate who goes first, so that drift of the machine falls on both.
      const order = round % 2 === 0 ? (['perf-gate', 'autocannon'] as const) : (['autocannon', 'perf-gate'] as const)
      const figures: Partial<Record<'perf-gate' | 'autocannon', Figures>> = {}
      for (const tool of order) figures[tool] = await measure(child, tool, url, workers)
      for (const tool of order) {
        rates[tool].push(figures[tool]!.requests / SECONDS)
        cpuPerRequest[tool].push(figures[tool]!.cpuMicros / figures[tool]!.requests)
      }
      rateRatios.push(figures['perf-gate']!.requests / figures.autocannon!.requests)
      cpuRatios.push(figures['perf-gate']!.cpuMicros / figures['perf-gate']!.requests / (figures.autocannon!.cpuMicros / figures.autocannon!.requests))
    }
    rows.push(
      `workers ${workers}: rate perf-gate ${median(rates['perf-gate']).toFixed(0)} req/s, autocannon ${median(rates.autocannon).toFixed(0)} req/s, ratio ${median(rateRatios).toFixed(3)} (target ≥ 0.95); ` +
        `CPU per request perf-gate ${median(cpuPerRequest['perf-gate']).toFixed(1)} µs, autocannon ${median(cpuPerRequest.autocannon).toFixed(1)} µs, ratio ${median(cpuRatios).toFixed(3)} (target ≤ 1.1)`
    )
    console.log(rows.at(-1))
  }
} finally {
  cleanUp()
}
