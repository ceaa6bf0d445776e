import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import * as hdr from 'hdr-histogram-js'
import { decodeHistogram } from '../../src/results/histogram.js'
import type { Results } from '../../src/results/model.js'
import { checkShardSet, isShardUploadOf, loadWindowNotes, mergeShardResults, parseShardReport, type ShardReport } from '../../src/shards/merge-shards.js'

const environment = { os: 'linux', arch: 'x64', cores: 4, runner: 'github-actions:ubuntu-24.04', cpuModel: 'AMD EPYC 7763' }
const sha = 'a'.repeat(40)

/** A latency histogram in µs of `count` values spread from `low` to `high`. */
function latencies(low: number, high: number, count: number): hdr.Histogram {
  const histogram = hdr.build({ numberOfSignificantValueDigits: 3 })
  for (let i = 0; i < count; i++) histogram.recordValue(Math.round(low + ((high - low) * i) / (count - 1)))
  return histogram
}

function loadShard(index: number, total: number, histograms: hdr.Histogram[], extra: Partial<ShardReport> = {}): ShardReport {
  const results: Results = {
    schemaVersion: 1,
    environment,
    git: { sha },
    scenarios: [
      {
        name: 'GET /items',
        kind: 'load',
        trials: histograms.map((histogram) => ({
          metrics: {
            p50: { value: histogram.getValueAtPercentile(50), unit: 'µs', direction: 'lower' },
            p99: { value: histogram.getValueAtPercentile(99), unit: 'µs', direction: 'lower' },
            max: { value: histogram.maxValue, unit: 'µs', direction: 'lower' },
            requests: { value: histogram.totalCount, unit: 'count', direction: 'higher' },
            rps: { value: histogram.totalCount / 2, unit: 'req/s', direction: 'higher' },
            errors: { value: index === 1 ? 10 : 0, unit: '%', direction: 'lower' },
            'rss.peak': { value: 100 + index, unit: 'MB', direction: 'lower' }
          },
          distributions: { latency: { unit: 'µs', hdrHistogram: hdr.encodeIntoCompressedBase64(histogram) } }
        }))
      }
    ]
  }
  return { schemaVersion: 1, gate: 'api', shard: { index, total }, split: 'load', sha, results, ...extra }
}

describe('merging load shards', () => {
  test('four shards merge to the percentiles of their histograms added by hand; rates sum; ratios weighted', () => {
    const perShard = [1, 2, 3, 4].map((i) => [latencies(100 * i, 1000 * i, 2000 + i), latencies(90 * i, 900 * i, 1500)])
    const reports = perShard.map((histograms, i) => loadShard(i + 1, 4, histograms))
    assert.deepEqual(checkShardSet(reports, { gate: 'api', total: 4, sha }), [])
    const merged = mergeShardResults(reports)
    assert.equal(merged.scenarios.length, 1)
    const trials = merged.scenarios[0]!.trials
    assert.equal(trials.length, 2, 'trials stay trials')
    for (const t of [0, 1]) {
      // By hand: what each shard uploaded, decoded and added.
      const byHand = hdr.build({ numberOfSignificantValueDigits: 3 })
      for (const report of reports) byHand.add(hdr.decodeFromCompressedBase64(report.results.scenarios[0]!.trials[t]!.distributions!.latency!.hdrHistogram!))
      const metrics = trials[t]!.metrics
      assert.equal(metrics.p50!.value, byHand.getValueAtPercentile(50))
      assert.equal(metrics.p99!.value, byHand.getValueAtPercentile(99))
      assert.equal(metrics.max!.value, byHand.maxValue)
      assert.equal(metrics.requests!.value, byHand.totalCount)
      assert.equal(metrics.rps!.value, byHand.totalCount / 2)
      const decoded = decodeHistogram(trials[t]!.distributions!.latency!.hdrHistogram!, 'merged')
      assert.equal(decoded.totalCount, byHand.totalCount)
      assert.equal(decoded.getValueAtPercentile(99.9), byHand.getValueAtPercentile(99.9))
      const counts = perShard.map((h) => h[t]!.totalCount)
      assert.ok(Math.abs(metrics.errors!.value - (10 * counts[0]!) / counts.reduce((a, b) => a + b, 0)) < 1e-9)
      assert.equal(metrics['rss.peak']!.value, 104, 'peaks take the worst shard')
    }
    // Not the average of the shards' own p99s: that would be a different (wrong) number.
    const averaged = perShard.reduce((sum, h) => sum + h[0]!.getValueAtPercentile(99), 0) / 4
    assert.notEqual(trials[0]!.metrics.p99!.value, averaged)
  })

  test('a missing shard fails the aggregate, naming it', () => {
    const reports = [1, 2, 4].map((i) => loadShard(i, 4, [latencies(100, 200, 10)]))
    assert.throws(() => checkShardSet(reports, { gate: 'api', total: 4 }), /shard 3\/4 did not report/)
    assert.throws(() => checkShardSet([], { gate: 'api', total: 4 }), /no shard results of gate "api"/)
  })

  test('a duplicated shard, a shard of another commit, another gate or another runner kind are rejected', () => {
    const one = [latencies(100, 200, 10)]
    const dup = [loadShard(1, 2, one, { runId: '7' }), loadShard(1, 2, one, { runId: '8' }), loadShard(2, 2, one)]
    assert.throws(() => checkShardSet(dup, { gate: 'api' }), /shard 1\/2 reported twice \(runs 7 and 8\)/)
    const other = [loadShard(1, 2, one), loadShard(2, 2, one, { sha: 'b'.repeat(40) })]
    assert.throws(() => checkShardSet(other, { gate: 'api', sha }), /shard 2\/2 measured commit bbbbbbb, but this run is for aaaaaaa/)
    assert.throws(() => checkShardSet(other, { gate: 'api' }), /all shards must measure one commit/)
    assert.throws(() => checkShardSet([loadShard(1, 1, one, { gate: 'web' })], { gate: 'api' }), /belongs to gate "web"/)
    const bigger = loadShard(2, 2, one)
    bigger.results.environment = { ...environment, cores: 16 }
    assert.throws(() => checkShardSet([loadShard(1, 2, one), bigger], { gate: 'api' }), /shard 2\/2 ran on linux · x64 · 16 ·/)
    const otherCpu = loadShard(2, 2, one)
    otherCpu.results.environment = { ...environment, cpuModel: 'Intel Xeon 8370C' }
    assert.match(checkShardSet([loadShard(1, 2, one), otherCpu], { gate: 'api' })[0]!, /2 different CPU models/)
  })

  test('shards with different trial counts or scenarios cannot be merged', () => {
    const a = loadShard(1, 2, [latencies(100, 200, 10)])
    const b = loadShard(2, 2, [latencies(100, 200, 10), latencies(100, 200, 10)])
    assert.throws(() => mergeShardResults([a, b]), /shard 2\/2 has 2 trial\(s\) of "GET \/items", shard 1\/2 1/)
    const c = loadShard(2, 2, [latencies(100, 200, 10)])
    c.results.scenarios[0]!.name = 'GET /other'
    assert.throws(() => mergeShardResults([a, c]), /shard 2\/2 measured scenario "GET \/other", which shard 1\/2 did not/)
  })

  test("the shards' measured windows: a note when they overlap poorly, none when they line up", () => {
    const agreedStartAt = '2026-03-01T12:00:05.000Z'
    const timed = (index: number, startsMs: number[]): ShardReport => {
      const report = loadShard(
        index,
        3,
        startsMs.map(() => latencies(100, 200, 10)),
        { agreedStartAt }
      )
      report.results.scenarios[0]!.trials.forEach((trial, t) => {
        trial.startedAt = new Date(Date.parse(agreedStartAt) + startsMs[t]!).toISOString()
        trial.durationSeconds = 10
      })
      return report
    }
    // Within 0.3 s of each other on 10 s trials: fine.
    assert.deepEqual(loadWindowNotes([timed(1, [1000, 11_500]), timed(2, [1100, 11_700]), timed(3, [1300, 11_600])]), [])
    // Shard 3 started its first trial 4 s late, and drifted 1.5 s on the second.
    const notes = loadWindowNotes([timed(1, [1000, 11_500]), timed(2, [1100, 11_600]), timed(3, [5000, 13_000])])
    assert.equal(notes.length, 1, notes.join('\n'))
    assert.match(
      notes[0]!,
      /overlapped for only 60% of trial 1 of "GET \/items" \(shard 3\/3 started 4\.0 s after shard 1\/3\) and 1 other trial\(s\) below 90%: .*less than the configured load/
    )
    // A shard that did not wait, and shards that agreed on different starts.
    const lone = timed(2, [1100, 11_600])
    delete lone.agreedStartAt
    assert.match(loadWindowNotes([timed(1, [1000, 11_500]), lone])[0]!, /Shard 2\/3 did not wait for the agreed start/)
    const other = { ...timed(2, [1100, 11_600]), agreedStartAt: '2026-03-01T12:00:09.000Z' }
    assert.match(loadWindowNotes([timed(1, [1000, 11_500]), other])[0]!, /agreed on starts 4\.0 s apart/)
    // Scenario shards ran different things at different times, by design.
    assert.deepEqual(
      loadWindowNotes([
        { ...timed(1, [0]), split: 'scenarios' },
        { ...timed(2, [60_000]), split: 'scenarios' }
      ]),
      []
    )
  })

  test('upload names are matched to their gate exactly: gate "api" does not take gate "api-2"\'s shards', () => {
    assert.ok(isShardUploadOf('api', 'perf-gate-shard-api-1-of-4-a1-xyz'))
    assert.ok(!isShardUploadOf('api', 'perf-gate-shard-api-2-1-of-4-a1-xyz'))
    assert.ok(isShardUploadOf('api-2', 'perf-gate-shard-api-2-1-of-4-a1-xyz'))
    assert.ok(isShardUploadOf('a.b', 'perf-gate-shard-a.b-1-of-4'))
    assert.ok(!isShardUploadOf('a.b', 'perf-gate-shard-axb-1-of-4'))
  })
})

describe('merging scenario shards', () => {
  const suiteShard = (index: number, names: string[]): ShardReport => ({
    schemaVersion: 1,
    gate: 'api',
    shard: { index, total: 2 },
    split: 'scenarios',
    results: {
      schemaVersion: 1,
      environment,
      scenarios: names.map((name) => ({ name, trials: [{ metrics: { mean: { value: 1, unit: 'ms', direction: 'lower' } } }] }))
    }
  })

  test('scenarios are united and labelled with their shard; one scenario from two shards is an error', () => {
    const merged = mergeShardResults([suiteShard(2, ['b', 'd']), suiteShard(1, ['a', 'c'])])
    assert.deepEqual(
      merged.scenarios.map((s) => `${s.name}@${s.labels?.shard}`),
      ['a@1/2', 'c@1/2', 'b@2/2', 'd@2/2']
    )
    assert.throws(() => mergeShardResults([suiteShard(1, ['a']), suiteShard(2, ['a'])]), /scenario "a" was measured by shard 1\/2 and shard 2\/2/)
  })

  test('an upload that is not a shard report is rejected with the path of the bad field', () => {
    assert.throws(() => parseShardReport('{"schemaVersion":1', 'artifact perf-gate-shard-api-1-of-2'), /not valid JSON .* cut short/)
    const bad = JSON.stringify({ ...suiteShard(1, ['a']), shard: { index: 0, total: 2 } })
    assert.throws(() => parseShardReport(bad, 'artifact x'), /artifact x is not a valid perf-gate shard upload:\n {2}\/shard\/index/)
    assert.equal(parseShardReport(JSON.stringify(suiteShard(1, ['a'])), 'x').shard.index, 1)
  })
})
