/**
 * How much room does a history of 50 stored load runs take, with and without compaction (src/baselines/compact-record.ts:
 * runs after the newest 3 keep their trials' numbers, not their latency histograms)? The cache store carries the whole
 * history in every entry it saves, so this is also the size of one cache entry, uploaded at every push.
 *
 * Each stored run is a load run as perf-gate records it: 3 endpoints × 5 trials, each trial a latency HdrHistogram
 * (µs, 3 significant digits) of 20,000 requests with heavy-tailed latencies (log-normal around 4 ms, 2 % of requests
 * 5–50× slower), and the metrics the trial recorder derives from it. The records go through the real file store.
 *
 * Usage: node --import tsx bench/history-size.ts [--runs 50] [--endpoints 3] [--trials 5] [--requests 20000]
 */
import { readdirSync, statSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { gzipSync } from 'node:zlib'
import { compactHistory } from '../src/baselines/compact-record.js'
import { FileBaselineStore } from '../src/baselines/file-store.js'
import type { BaselineRecord } from '../src/baselines/store.js'
import { baselineRecord } from '../src/gate.js'
import { buildHistogram, encodeHistogram, histogramMetric } from '../src/results/histogram.js'
import type { Results, Trial } from '../src/results/model.js'
import { seededRandom } from './seeded-random.js'

const { values: flags } = parseArgs({
  options: {
    runs: { type: 'string', default: '50' },
    endpoints: { type: 'string', default: '3' },
    trials: { type: 'string', default: '5' },
    requests: { type: 'string', default: '20000' }
  }
})
const runs = Number(flags.runs)
const random = seededRandom(1)

function loadTrial(): Trial {
  const histogram = buildHistogram(60_000_000)
  for (let request = 0; request < Number(flags.requests); request++) {
    const shock = random.uniform() < 0.02 ? 5 + 45 * random.uniform() : 1
    histogram.recordValue(Math.round(4000 * Math.exp(0.25 * random.normal()) * shock))
  }
  const metrics: Trial['metrics'] = {}
  for (const name of ['p50', 'p90', 'p95', 'p99', 'max', 'mean'])
    metrics[name] = { value: histogramMetric(histogram, name)! / 1000, unit: 'ms', direction: 'lower' }
  metrics.rps = { value: Number(flags.requests) / 10, unit: 'req/s', direction: 'higher' }
  const trial: Trial = { metrics, durationSeconds: 10, distributions: { latency: { unit: 'us', hdrHistogram: encodeHistogram(histogram) } } }
  histogram.destroy()
  return trial
}

function loadResults(): Results {
  return {
    schemaVersion: 1,
    scenarios: Array.from({ length: Number(flags.endpoints) }, (_, index) => ({
      name: `GET /endpoint-${index}`,
      kind: 'load' as const,
      trials: Array.from({ length: Number(flags.trials) }, loadTrial)
    }))
  }
}

const text = (records: BaselineRecord[]): string => records.map((record) => `${JSON.stringify(record, null, 2)}\n`).join('')
const bytes = (records: BaselineRecord[]): number => Buffer.byteLength(text(records))
/** What the cache service stores: @actions/cache uploads the directory as a compressed tar (zstd, or gzip). */
const gzipped = (records: BaselineRecord[]): number => gzipSync(text(records)).length
const directoryBytes = (dir: string): number => readdirSync(dir).reduce((sum, file) => sum + statSync(join(dir, file)).size, 0)
const kib = (n: number): string => `${(n / 1024).toFixed(0)} KiB`

const records: BaselineRecord[] = []
const dir = await mkdtemp(join(tmpdir(), 'perf-gate-history-size-'))
try {
  const store = new FileBaselineStore(dir, 'bench', runs)
  for (let run = 0; run < runs; run++) {
    const record = baselineRecord(
      'size',
      loadResults(),
      { event: 'push', sha: run.toString(16).padStart(40, '0'), ref: 'refs/heads/main', runner: 'bench' },
      new Date(Date.UTC(2026, 11, 1, 0, run))
    )
    records.unshift(record)
    await store.save(record)
  }
  const whole = bytes(records)
  const compact = bytes(compactHistory(records))
  const onDisk = directoryBytes(join(dir, 'size', 'history'))
  console.log(`${runs} stored load runs (${flags.endpoints} endpoints × ${flags.trials} trials × ${flags.requests} requests, latency histograms in µs):\n`)
  const wholeGzip = gzipped(records)
  const compactGzip = gzipped(compactHistory(records))
  console.log('| history | JSON | ratio | compressed (cache upload) | ratio |')
  console.log('|---|---|---|---|---|')
  console.log(`| every run whole | ${kib(whole)} | 1.00 | ${kib(wholeGzip)} | 1.00 |`)
  console.log(
    `| newest 3 whole, older runs compacted (a cache entry) | ${kib(compact)} | ${(compact / whole).toFixed(2)} | ${kib(compactGzip)} | ${(compactGzip / wholeGzip).toFixed(2)} |`
  )
  console.log(`| file store directory after ${runs} saves | ${kib(onDisk)} | ${(onDisk / whole).toFixed(2)} | | |`)
} finally {
  await rm(dir, { recursive: true, force: true })
}
