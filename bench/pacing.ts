/**
 * Does an open loop send on schedule? perf-gate's pacer (src/run/load/pacer.ts) against the same pacer never staying
 * awake between sends (what it did before: the worker wakes the event loop for every send) and against one
 * whole-millisecond `setTimeout` per send (what load passes did before the pacer), taking turns on the same server in
 * one run.
 *
 * The server runs in a child process and stamps every request's arrival (process.hrtime); the figures:
 * - send lag p50 and p99: how late a send left its due time with its connection free (the generator's own figures,
 *   in every trial's generator health; a pacer send may leave up to 60 µs early, which counts as 0);
 * - arrival gaps at the server: p50 and p90 of the time between consecutive requests, and the share under 25 µs
 *   (requests that arrived in a burst; at 10,000 req/s the schedule spaces them 100 µs apart);
 * - the generator's CPU: all of this process's (the pacer's worker and the awake turns included), and the busy share
 *   its health reports (awake turns that found nothing to do left out), which is what flags a saturated generator;
 * - garbage collections a second in this process (mostly scavenges; a send due during one leaves after it);
 * - the latency recorded (p50, mean): whatever delays the event loop's reading of a response (a collection, a turn
 *   that does not yield) adds to it, so a change to the pacer must leave it where it was.
 *
 * Usage: node --import tsx bench/pacing.ts [--rates 1000,10000] [--seconds 3] [--rounds 3] [--connections 50] [--each-round]
 *   [--pacings timers,asleep,pacer]
 * (--each-round: every round's send lag p99 and gap p90 on stderr, to see how much a p99 moves between rounds;
 * --pacings: which of the three to run, e.g. pacer alone to trace its collections with --trace-gc)
 */
import { spawn } from 'node:child_process'
import { PerformanceObserver } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { runLoadPass } from '../src/run/load/load-pass.js'
import { Pacer } from '../src/run/load/pacer.js'
import { TrialRecorder } from '../src/run/load/trial-recorder.js'

const { values: flags } = parseArgs({
  options: {
    rates: { type: 'string', default: '1000,10000' },
    seconds: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '50' },
    pacings: { type: 'string', default: 'timers,asleep,pacer' },
    'each-round': { type: 'boolean', default: false }
  }
})

const SERVER = `
const { createServer } = require('node:http')
let stamps = []
createServer((request, response) => {
  if (request.url === '/stats') {
    const gaps = []
    for (let i = 1; i < stamps.length; i++) gaps.push(Number(stamps[i] - stamps[i - 1]) / 1000)
    gaps.sort((a, b) => a - b)
    const q = (p) => gaps.length ? gaps[Math.min(gaps.length - 1, Math.floor(p * gaps.length))] : 0
    const burst = gaps.filter((gap) => gap < 25).length / Math.max(1, gaps.length)
    stamps = []
    response.end(JSON.stringify({ p50: q(0.5), p90: q(0.9), burst }))
    return
  }
  stamps.push(process.hrtime.bigint())
  response.end('ok')
}).listen(0, '127.0.0.1', function () { console.log(this.address().port) })
`

const ALL_PACINGS = { timers: 'timers', asleep: 'pacer, always asleep', pacer: 'pacer' } as const
const PACINGS = flags.pacings.split(',').map((key) => {
  const pacing = ALL_PACINGS[key.trim() as keyof typeof ALL_PACINGS]
  if (!pacing) throw new Error(`--pacings: "${key}" is none of ${Object.keys(ALL_PACINGS).join(', ')}`)
  return pacing
})
/** The pacer as it was before it stayed awake between close sends: the worker wakes the event loop for each one. */
const asleep = new Pacer(0)

/** Garbage collections of this process (a send due during one leaves after it): counted per pass. */
let collections = 0
new PerformanceObserver((list) => {
  collections += list.getEntries().length
}).observe({ entryTypes: ['gc'] })

const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] })
const stopServer = (): void => {
  child.kill('SIGTERM')
}
process.once('SIGINT', () => {
  stopServer()
  process.exit(130)
})
process.once('SIGTERM', () => {
  stopServer()
  process.exit(143)
})

try {
  const port = await new Promise<number>((resolve) => child.stdout.once('data', (data: Buffer) => resolve(Number(String(data).trim()))))
  const url = `http://127.0.0.1:${port}/`
  const endpoint = { method: 'GET', url, headers: {}, expectedStatus: [], name: 'GET /', weight: 1 }
  const rows: string[] = []
  for (const rate of flags.rates.split(',').map(Number)) {
    const figures = new Map<string, number[][]>()
    for (let round = 0; round < Number(flags.rounds); round++) {
      for (const pacing of round % 2 === 0 ? PACINGS : [...PACINGS].reverse()) {
        const recorder = new TrialRecorder()
        await fetch(`${url}stats`).then((response) => response.text())
        const cpuStart = process.cpuUsage()
        const collectionsBefore = collections
        const outcome = await runLoadPass({
          endpoints: [endpoint],
          connections: Number(flags.connections),
          durationSeconds: Number(flags.seconds),
          ratePerSecond: rate,
          timeoutSeconds: 10,
          recorder,
          pacing: pacing === 'timers' ? 'timers' : 'pacer',
          ...(pacing === 'pacer, always asleep' ? { pacer: asleep } : {})
        })
        const cpu = process.cpuUsage(cpuStart)
        const gaps = (await fetch(`${url}stats`).then((response) => response.json())) as { p50: number; p90: number; burst: number }
        const row = [
          outcome.generator.lagP50Ms ?? 0,
          outcome.generator.lagP99Ms ?? 0,
          gaps.p50,
          gaps.p90,
          gaps.burst,
          (cpu.user + cpu.system) / 1e6 / outcome.durationSeconds,
          outcome.generator.cpu,
          recorder.completed / outcome.durationSeconds,
          (collections - collectionsBefore) / outcome.durationSeconds,
          recorder.latencyMicros.getValueAtPercentile(50),
          recorder.latencyMicros.mean
        ]
        if (flags['each-round'])
          console.error(`round ${round + 1}: ${rate} req/s, ${pacing}: send lag p99 ${(row[1]! * 1000).toFixed(0)} µs, gap p90 ${row[3]!.toFixed(0)} µs`)
        figures.set(pacing, [...(figures.get(pacing) ?? []), row])
        recorder.destroy()
      }
    }
    for (const [pacing, runs] of figures) {
      const median = (index: number): number => runs.map((run) => run[index]!).sort((a, b) => a - b)[Math.floor(runs.length / 2)]!
      rows.push(
        `| ${rate} | ${pacing} | ${(median(0) * 1000).toFixed(0)} µs | ${(median(1) * 1000).toFixed(0)} µs | ${median(2).toFixed(0)} µs | ${median(3).toFixed(0)} µs | ${(median(4) * 100).toFixed(1)} % | ${(median(5) * 100).toFixed(0)} % | ${(median(6) * 100).toFixed(0)} % | ${median(7).toFixed(0)} | ${median(8).toFixed(0)} | ${median(9).toFixed(0)} µs | ${median(10).toFixed(0)} µs |`
      )
    }
  }
  console.log(`${flags.connections} connections, ${flags.seconds} s per pass, median of ${flags.rounds} rounds (pacings take turns):\n`)
  console.log(
    '| rate (req/s) | pacing | send lag p50 | send lag p99 | arrival gap p50 | gap p90 | gaps < 25 µs | process CPU | generator busy | achieved req/s | GCs/s | latency p50 | latency mean |'
  )
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|')
  for (const row of rows) console.log(row)
} finally {
  asleep.stop()
  stopServer()
}
