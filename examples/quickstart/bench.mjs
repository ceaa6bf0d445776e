// A tiny benchmark suite in perf-gate's own results format: 5 trials of two benchmarks.
// SLOWDOWN=1.5 makes the code under test do 50% more work, as a regression would.
import { writeFileSync } from 'node:fs'

const slowdown = Number(process.env.SLOWDOWN ?? 1)
const payload = Array.from({ length: 200 }, (_, i) => ({ id: i, name: `item-${i}`, tags: ['a', 'b', 'c'], price: i * 1.5 }))

function serialize() {
  let size = 0
  for (let r = 0; r < slowdown * 20; r++) size += JSON.stringify(payload).length
  return size
}

function parse() {
  const text = JSON.stringify(payload)
  let count = 0
  for (let r = 0; r < slowdown * 20; r++) count += JSON.parse(text).length
  return count
}

/** Median time of one call in microseconds over a 200 ms trial. */
function trial(fn) {
  const samples = []
  const end = performance.now() + 200
  while (performance.now() < end) {
    const start = performance.now()
    fn()
    samples.push((performance.now() - start) * 1000)
  }
  samples.sort((a, b) => a - b)
  return { median: samples[Math.floor(samples.length / 2)], opsPerSecond: samples.length / 0.2 }
}

const scenarios = [
  ['serialize catalog', serialize],
  ['parse catalog', parse]
].map(([name, fn]) => {
  for (let i = 0; i < 50; i++) fn() // warm-up, discarded
  const trials = Array.from({ length: 5 }, () => {
    const { median } = trial(fn)
    return { metrics: { time: { value: median, unit: 'us' } } }
  })
  return { name, trials }
})

writeFileSync(process.env.RESULTS ?? 'bench-results.json', JSON.stringify({ schemaVersion: 1, scenarios }, null, 2))
console.log(`benchmarked ${scenarios.length} scenarios (slowdown ${slowdown})`)
