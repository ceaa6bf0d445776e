import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { scratchDir } from './spawn-dist.js'

/**
 * The benchmark the Action e2e suites run as their `command`: five trials of "GET /cart" around p95 = 20 ms and
 * rps = 500, slowed down by the factor in SLOWDOWN (1.5 makes p95 50% worse and rps a third lower). It writes
 * bench.json in perf-gate's own results format and says "bench done" on stdout.
 */
export const SLOWDOWN_BENCH_SCRIPT = `import { writeFileSync } from 'node:fs'
const factor = Number(process.env.SLOWDOWN ?? 1)
const trials = [-2, -1, 0, 1, 2].map((k) => ({ metrics: {
  p95: { value: 20 * factor * (1 + 0.01 * k), unit: 'ms' },
  rps: { value: 500 / factor * (1 + 0.01 * k), unit: 'req/s' }
} }))
writeFileSync('bench.json', JSON.stringify({ schemaVersion: 1, scenarios: [{ name: 'GET /cart', trials }] }))
console.log('bench done')
`

/**
 * The benchmark of the A/B suites: five trials of "GET /report" at p95 = 100 ms × the work in work.txt (commit a
 * new value to change the code's speed) × RUNNER_SPEED (a runner that is slower or faster as a whole).
 */
export const WORK_BENCH_SCRIPT = `import { readFileSync, writeFileSync } from 'node:fs'
const work = Number(readFileSync('work.txt', 'utf8')) * Number(process.env.RUNNER_SPEED ?? 1)
const trials = [0.99, 1.01, 1, 1.005, 0.995].map((w) => ({ metrics: { p95: { value: work * 100 * w, unit: 'ms', direction: 'lower' } } }))
writeFileSync('bench.json', JSON.stringify({ schemaVersion: 1, scenarios: [{ name: 'GET /report', trials }] }))
`

/** The Action inputs that run WORK_BENCH_SCRIPT with a file store. */
export const WORK_BENCH_INPUTS = {
  command: 'node bench.mjs',
  results: 'bench.json',
  thresholds: 'p95: +20%',
  name: 'api',
  'github-token': 'test-token',
  'baseline-store': 'file'
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', ...args], { cwd, encoding: 'utf8' }).trim()
}

/** A new repository holding WORK_BENCH_SCRIPT at work 1, in one commit; answers its directory. */
export function workBenchRepository(message: string): string {
  const ws = scratchDir('perf-gate-ws-')
  git(ws, 'init', '-q')
  writeFileSync(join(ws, 'bench.mjs'), WORK_BENCH_SCRIPT)
  writeFileSync(join(ws, '.gitignore'), 'bench.json\n.perf-gate\n')
  writeFileSync(join(ws, 'work.txt'), '1')
  git(ws, 'add', '.')
  git(ws, 'commit', '-qm', message)
  return ws
}
