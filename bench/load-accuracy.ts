/**
 * How well perf-gate's load mode measures, side by side on loopback, in about three minutes:
 *   node --import tsx bench/load-accuracy.ts
 *
 * 1. Observer effect: the request rate perf-gate reaches with its per-request recording, against the plain
 *    autocannon CLI on the same server, connections and duration (pairs in alternating order, median ratio).
 *    Target: ratio ≥ 0.95.
 * 2. Accuracy: p50 and p99 against `wrk --latency` on a ~1 ms endpoint (CPU work, one connection) and a ~5 ms
 *    endpoint (a timer, 10 connections). Target: within 10%. A timer-based ~1 ms endpoint under 10 connections is
 *    shown beside them: its answer depends on how the load generator's rhythm meets the server's millisecond timers.
 * 3. Resolution: a ~0.2 ms endpoint reports a sub-millisecond p50, not 0 (autocannon's own p50 shown beside it).
 * 4. Scale: 10 million latencies recorded into one trial grow the process's memory by a few MB at most
 *    (histograms, not arrays). Target: < 50 MB.
 * The demo server runs in its own process (`perf-gate demo-server`), so the generator and the server do not share
 * an event loop. Absolute numbers depend on the machine; the ratios are the point.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { resolve } from 'node:path'
import { MemoryLogger } from '../src/log.js'
import type { Trial } from '../src/results/model.js'
import { runLoad } from '../src/run/load/load-runner.js'
import { TrialRecorder } from '../src/run/load/trial-recorder.js'

const ROOT = resolve(import.meta.dirname, '..')
const AUTOCANNON = resolve(ROOT, 'node_modules/.bin/autocannon')
const CONNECTIONS = 10
const SECONDS = 3
const PAIRS = 4
const PAIR_SECONDS = 2
const ACCURACY_PAIRS = 5

async function startServer(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(ROOT, 'src/bin.ts'), 'demo-server', '--port', '0', '--latency-ms', '0'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit']
  })
  const url = await new Promise<string>((resolveUrl, reject) => {
    let out = ''
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const match = /listening on (http:\/\/\S+)/.exec(out)
      if (match) resolveUrl(match[1]!)
    })
    child.once('exit', (code) => reject(new Error(`demo server exited with ${code}: ${out}`)))
  })
  return { url, child }
}

/** One perf-gate trial (closed loop), as the gate runs it. */
async function perfGate(url: string, connections = CONNECTIONS, seconds = SECONDS): Promise<Trial> {
  const results = await runLoad(
    {
      kind: 'load',
      scenarios: [
        {
          name: 'bench',
          endpoints: [{ method: 'GET', url, headers: {}, expectedStatus: [], name: 'GET /', weight: 1 }],
          connections,
          durationSeconds: seconds,
          warmupSeconds: 0,
          trials: 1,
          timeoutSeconds: 10
        }
      ],
      secrets: []
    },
    { log: new MemoryLogger() }
  )
  return results.scenarios[0]!.trials[0]!
}

interface AutocannonJson {
  duration: number
  requests: { total: number }
  latency: { p50: number; p99: number }
}

function autocannonCli(url: string, connections = CONNECTIONS, seconds = SECONDS): AutocannonJson {
  const text = execFileSync(AUTOCANNON, ['-c', String(connections), '-d', String(seconds), '--json', url], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore']
  })
  return JSON.parse(text.trim().split('\n').pop()!) as AutocannonJson
}

function hasWrk(): boolean {
  try {
    execFileSync('which', ['wrk'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** wrk --latency's p50 and p99 in ms. */
function wrk(url: string, connections = CONNECTIONS, seconds = SECONDS): { p50: number; p99: number } {
  const text = execFileSync('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', url], { encoding: 'utf8' })
  const read = (percent: string): number => {
    const match = new RegExp(`^\\s*${percent}%\\s+([\\d.]+)(us|ms|s)\\s*$`, 'm').exec(text)
    if (!match) throw new Error(`no ${percent}% line in wrk output:\n${text}`)
    const factor = { us: 1e-3, ms: 1, s: 1000 }[match[2] as 'us' | 'ms' | 's']
    return Number(match[1]) * factor
  }
  return { p50: read('50'), p99: read('99') }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

function row(...cells: Array<string | number>): string {
  return cells.map((cell, index) => String(typeof cell === 'number' ? cell.toFixed(3) : cell).padEnd(index === 0 ? 40 : 16)).join('')
}

function verdict(ok: boolean): string {
  return ok ? 'ok' : 'MISSED'
}

const started = Date.now()
const { url, child } = await startServer()
try {
  const fast = `${url}/fast?ms=0`
  // Warm both sides up (JIT, sockets) before anything is compared.
  await perfGate(fast, CONNECTIONS, 1)
  autocannonCli(fast, CONNECTIONS, 1)

  console.log(`\n1. Observer effect: ${CONNECTIONS} connections, ${PAIR_SECONDS} s per run, ${PAIRS} pairs in alternating order`)
  // Other processes share this machine: each pair is measured back to back, and the median pair ratio is the figure.
  const pgRates: number[] = []
  const acRates: number[] = []
  for (let pair = 0; pair < PAIRS; pair++) {
    for (const who of pair % 2 === 0 ? ['pg', 'ac'] : ['ac', 'pg']) {
      if (who === 'pg') pgRates.push((await perfGate(fast, CONNECTIONS, PAIR_SECONDS)).metrics.rps!.value)
      else {
        const result = autocannonCli(fast, CONNECTIONS, PAIR_SECONDS)
        acRates.push(result.requests.total / result.duration)
      }
    }
  }
  const rateRatio = median(pgRates.map((rate, pair) => rate / acRates[pair]!))
  console.log(row('', 'perf-gate', 'autocannon CLI', 'ratio', 'target ≥ 0.95'))
  console.log(row('requests/s (median)', median(pgRates), median(acRates), rateRatio, verdict(rateRatio >= 0.95)))

  console.log(`\n2. Accuracy against wrk --latency (${SECONDS} s per run, ${ACCURACY_PAIRS} runs each in alternating order, medians)`)
  if (!hasWrk()) {
    console.log('   wrk is not installed: apt-get install wrk (Debian/Ubuntu), brew install wrk (macOS); skipped.')
  } else {
    // The last column is the plain autocannon CLI on the same endpoint (whole milliseconds): where perf-gate and
    // wrk differ, it shows whether the difference comes with autocannon as a load generator or with the recording.
    console.log(row('', 'perf-gate ms', 'wrk ms', 'ratio', 'target 0.9–1.1', 'autocannon ms'))
    // The ~1 ms target endpoint spends its time computing (a fixed service time, one connection): a timer-based
    // 1 ms endpoint answers by the phase of the server's millisecond clock, which the rhythm of the load generator
    // shifts, so there the two generators measure two different servers. That row is shown, not targeted.
    const endpoints = [
      { label: '~1 ms endpoint (CPU, 1 conn)', path: 'fast?ms=0.95', connections: 1, target: true },
      { label: `~5 ms endpoint (${CONNECTIONS} conns)`, path: 'fast?ms=5', connections: CONNECTIONS, target: true },
      { label: `~1 ms timer endpoint (${CONNECTIONS} conns)`, path: 'fast?ms=1', connections: CONNECTIONS, target: false }
    ]
    for (const { label, path, connections, target } of endpoints) {
      const endpoint = `${url}/${path}`
      // Alternating order; p99 on a shared machine moves between runs, so each side's median run is compared.
      const ours: Array<{ p50: number; p99: number }> = []
      const theirs: Array<{ p50: number; p99: number }> = []
      const plain: Array<{ p50: number; p99: number }> = []
      for (let pair = 0; pair < ACCURACY_PAIRS; pair++) {
        for (const who of pair % 2 === 0 ? ['pg', 'wrk', 'ac'] : ['ac', 'wrk', 'pg']) {
          if (who === 'wrk') theirs.push(wrk(endpoint, connections))
          else if (who === 'ac') plain.push(autocannonCli(endpoint, connections).latency)
          else {
            const trial = await perfGate(endpoint, connections)
            ours.push({ p50: trial.metrics.p50!.value, p99: trial.metrics.p99!.value })
          }
        }
      }
      for (const percentile of ['p50', 'p99'] as const) {
        const a = median(ours.map((run) => run[percentile]))
        const b = median(theirs.map((run) => run[percentile]))
        const c = median(plain.map((run) => run[percentile]))
        const within = a / b >= 0.9 && a / b <= 1.1
        console.log(row(`${label} ${percentile}`, a, b, a / b, target ? verdict(within) : '(shown only)', `${c}`))
      }
    }
  }

  if (hasWrk()) {
    // What is left of a gap above is the server answering a JavaScript load generator differently (its timers
    // have whole-millisecond granularity and fire by the phase of its event loop): perf-gate's own measuring cost
    // is what a 0 ms endpoint on one connection shows.
    const zero = `${url}/fast?ms=0`
    const ours = (await perfGate(zero, 1, 2)).metrics.p50!.value
    const theirs = wrk(zero, 1, 2).p50
    console.log(row('0 ms endpoint, 1 connection p50', ours, theirs, `${((ours - theirs) * 1000).toFixed(0)} µs apart`, ''))
  }

  console.log('\n3. Resolution on a ~0.2 ms endpoint (1 connection, 2 s)')
  const tiny = `${url}/fast?ms=0.2`
  const oursTiny = await perfGate(tiny, 1, 2)
  const theirsTiny = autocannonCli(tiny, 1, 2)
  console.log(row('', 'perf-gate ms', 'autocannon ms', '', 'target: 0 < p50 < 1'))
  const p50 = oursTiny.metrics.p50!.value
  console.log(row('p50', p50, theirsTiny.latency.p50, '', verdict(p50 > 0 && p50 < 1)))
  console.log(row('p99', oursTiny.metrics.p99!.value, theirsTiny.latency.p99, '', ''))
} finally {
  child.kill('SIGTERM')
}

console.log('\n4. Scale: 10 million latencies recorded into one trial')
global.gc?.()
const before = process.memoryUsage()
const recorder = new TrialRecorder()
for (let index = 0; index < 10_000_000; index++) recorder.recordResponse(0.05 + (index % 10_000) * 0.037, 200, 120, true)
const after = process.memoryUsage()
const growthMiB = Math.max(after.rss - before.rss, after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers) / 1024 ** 2
const encodedKiB = recorder.toTrial(1, new Date()).distributions!.latency!.hdrHistogram!.length / 1024
recorder.destroy()
console.log(row('', 'MiB', '', '', 'target < 50 MB'))
console.log(row('memory growth (rss or heap)', growthMiB, '', '', verdict(growthMiB * 1.048576 < 50)))
console.log(row('encoded histogram (KiB)', encodedKiB, '', '', ''))
console.log(`\nDone in ${((Date.now() - started) / 1000).toFixed(0)} s.`)
