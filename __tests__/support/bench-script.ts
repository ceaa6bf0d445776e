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
