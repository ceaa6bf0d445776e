// The "AI pipeline" benchmark of the chat-app examples: three components (embed, retrieve, rank), each timed over
// 40 calls; prints one perf-gate results document with each component's p90 and median in milliseconds.
//   node pipeline-bench.mjs            (PERF_GATE_PIPELINE_FACTOR=1.5 makes every component 1.5 times the work)
// A stand-in for a real pipeline (model calls, a vector store): CPU work of a known size per component.
// PERF_GATE_PIPELINE_CLOCK=cpu times each call in the process's CPU time instead of the wall clock: a machine busy
// with other work then cannot stretch a call by preempting it (the repository's tests use it on shared runners).
import { performance } from 'node:perf_hooks'

const factor = Number(process.env.PERF_GATE_PIPELINE_FACTOR ?? 1)
const CALLS = 40
const cpuMilliseconds = () => {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}
const now = process.env.PERF_GATE_PIPELINE_CLOCK === 'cpu' ? cpuMilliseconds : () => performance.now()

function spin(ms) {
  const until = now() + ms * factor
  let x = 0
  while (now() < until) x += Math.sqrt(x + 1)
  return x
}

const components = { embed: () => spin(1.5), retrieve: () => spin(0.8), rank: () => spin(2.5) }

function quantile(sorted, q) {
  const at = (sorted.length - 1) * q
  const low = Math.floor(at)
  return sorted[low] + (sorted[Math.min(low + 1, sorted.length - 1)] - sorted[low]) * (at - low)
}

const scenarios = Object.entries(components).map(([name, call]) => {
  const times = []
  for (let i = 0; i < CALLS; i++) {
    const start = now()
    call()
    times.push(now() - start)
  }
  times.sort((a, b) => a - b)
  const metric = (value) => ({ value: Number(value.toFixed(4)), unit: 'ms', direction: 'lower' })
  return { name: `pipeline ${name}`, kind: 'benchmark', trials: [{ metrics: { p90: metric(quantile(times, 0.9)), median: metric(quantile(times, 0.5)) } }] }
})
console.log(JSON.stringify({ schemaVersion: 1, producer: { name: 'pipeline-bench' }, scenarios }, null, 2))
