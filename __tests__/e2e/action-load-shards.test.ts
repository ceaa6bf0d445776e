/**
 * A sharded load through the bundled Action, run as the runner runs a job matrix on a pull request: four shard jobs
 * load one loopback server at a quarter of the rate each, meet at the agreed start through workflow artifacts of
 * the run (the real @actions/artifact client against the local fake of the results service), upload their trials;
 * the aggregate job merges them and posts one PR comment (real Octokit against the fake GitHub API).
 * The test decodes what the shards really uploaded and adds their histograms by hand.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import * as hdr from 'hdr-histogram-js'
import { micromark } from 'micromark'
import { gfm, gfmHtml } from 'micromark-extension-gfm'
import { bundleActionEntry, pullRequestPayload, runActionEntry, scratchDir, type ActionRun } from '../support/spawn-dist.js'
import { FakeActionsStorage, REPOSITORY_ID, type FakeRun } from '../support/fake-actions-storage.js'
import { BOT_LOGIN, FakeGitHubApi } from '../support/fake-github-api.js'
import { unzipFiles } from '../support/zip.js'
import { commentMarker } from '../../src/github/pr-comment.js'
import { formatQuantity } from '../../src/results/units.js'
import type { ShardReport } from '../../src/shards/merge-shards.js'
import type { MetricVerdict } from '../../src/verdict/types.js'

const HEAD_SHA = 'd'.repeat(40)
const BASE_SHA = 'b'.repeat(40)
const PR = 31

describe('Action entry: a load split over a 4-shard matrix, merged by the aggregate job', () => {
  let fake: FakeActionsStorage
  const api = new FakeGitHubApi()
  let entry: string
  let target: Server
  let port = 0
  let served = 0
  let nextRunId = 700

  before(async () => {
    entry = bundleActionEntry()
    fake = await new FakeActionsStorage().start()
    await api.start()
    // The service under load: a few milliseconds per request, as a real endpoint would take.
    target = createServer((_request, response) => {
      served++
      setTimeout(() => response.writeHead(200, { 'content-type': 'application/json' }).end('{"items":[]}'), 3)
    })
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve))
    port = (target.address() as AddressInfo).port
  })
  after(async () => {
    target.closeAllConnections()
    await new Promise<void>((resolve) => target.close(() => resolve()))
    await fake.close()
    await api.stop()
  })

  const loadInputs = (): Record<string, string> => ({
    name: 'api',
    url: `http://127.0.0.1:${port}/items`,
    rate: '160',
    connections: '8',
    duration: '1500ms',
    trials: '2',
    profile: 'smoke',
    thresholds: 'p95: +20%\np99: +20%',
    'baseline-store': 'file',
    'github-token': 'test-token'
  })

  /** One job of workflow run `run` on pull request PR. */
  function job(run: FakeRun, inputs: Record<string, string>): Promise<ActionRun> {
    return runActionEntry({
      entry,
      workspace: scratchDir('perf-gate-ws-'),
      inputs: { ...loadInputs(), ...inputs },
      event: 'pull_request',
      payload: pullRequestPayload({ number: PR, baseSha: BASE_SHA }),
      sha: HEAD_SHA,
      ref: `refs/pull/${PR}/merge`,
      timeoutMs: 120_000,
      env: {
        ...fake.env(run, [
          { scope: `refs/pull/${PR}/merge`, permission: 3 },
          { scope: 'refs/heads/main', permission: 1 }
        ]),
        GITHUB_RUN_ID: String(run.id),
        GITHUB_API_URL: api.url
      }
    })
  }

  const newRun = (): FakeRun => ({ id: nextRunId++, headBranch: 'feature', headSha: HEAD_SHA, headRepositoryId: REPOSITORY_ID })

  /** What a shard really uploaded: its artifact's ZIP from the fake storage, decoded. */
  function uploadedShards(run: FakeRun): ShardReport[] {
    return fake.artifacts
      .filter((a) => a.runBackendId === `run-${run.id}` && a.finalized && a.name.startsWith('perf-gate-shard-api-'))
      .map((a) => {
        const files = Object.values(unzipFiles(fake.blobOf(a.blob)!))
        assert.equal(files.length, 1, `artifact ${a.name} holds one file`)
        return JSON.parse(files[0]!.toString('utf8')) as ShardReport
      })
      .sort((a, b) => a.shard.index - b.shard.index)
  }

  test('four shards start together and merge to the percentiles of their histograms added by hand; one comment shows them', async () => {
    const run = newRun()
    const shards = await Promise.all([1, 2, 3, 4].map((index) => job(run, { mode: 'shard', shard: `${index}/4` })))
    const agreedStarts = new Set<string>()
    for (const [i, shard] of shards.entries()) {
      assert.equal(shard.exitCode, 0, shard.stdout + shard.stderr)
      assert.equal(shard.outputs.shard, `${i + 1}/4`)
      assert.equal(shard.outputs.verdict, undefined, 'a shard gives no verdict')
      assert.match(shard.stdout, /All 4 shards are ready; the load starts at /)
      const agreed = /started at the time all 4 shards agreed on, (\d{4}-\d\d-\d\dT[\d:.]+Z)/.exec(shard.summary)
      assert.ok(agreed, shard.summary)
      agreedStarts.add(agreed[1]!)
    }
    assert.equal(agreedStarts.size, 1, `one agreed start: ${[...agreedStarts].join(', ')}`)
    assert.equal(api.requests.length, 0, 'shards post no comment')
    assert.equal(
      fake.artifacts.filter((a) => a.runBackendId === `run-${run.id}` && a.name.startsWith('perf-gate-start-api-')).length,
      4,
      'one ready marker per shard'
    )

    const reports = uploadedShards(run)
    assert.deepEqual(
      reports.map((r) => `${r.shard.index}/${r.shard.total} ${r.split}`),
      ['1/4 load', '2/4 load', '3/4 load', '4/4 load']
    )
    for (const report of reports) {
      assert.equal(report.agreedStartAt, [...agreedStarts][0])
      assert.equal(report.results.scenarios[0]!.labels?.rate, '40/s', 'each shard ran a quarter of the rate')
      assert.equal(report.results.scenarios[0]!.trials.length, 2)
    }

    const aggregate = await job(run, { mode: 'aggregate', shards: '4' })
    assert.equal(aggregate.exitCode, 0, aggregate.stdout + aggregate.stderr)
    assert.equal(aggregate.outputs.verdict, 'no-baseline')
    const report = JSON.parse(readFileSync(aggregate.outputs['report-json']!, 'utf8')) as { metrics: MetricVerdict[]; notes: string[] }
    assert.ok(
      report.notes.some((note) => /Measured by 4 shards .* the load started together at /.test(note)),
      report.notes.join('\n')
    )
    const metric = (name: string): MetricVerdict => {
      const found = report.metrics.find((m) => m.scenario === '/items' && m.metric === name)
      assert.ok(found, `${name} in ${report.metrics.map((m) => `${m.scenario}·${m.metric}`).join(', ')}`)
      return found
    }

    // By hand: each trial's four uploaded histograms decoded and added; counts and rates summed.
    const byHand = [0, 1].map((t) => {
      const sum = hdr.build({ numberOfSignificantValueDigits: 3 })
      let requests = 0
      let rps = 0
      let cutOff = 0
      for (const shard of reports) {
        const trial = shard.results.scenarios[0]!.trials[t]!
        const histogram = hdr.decodeFromCompressedBase64(trial.distributions!.latency!.hdrHistogram!)
        sum.add(histogram)
        histogram.destroy()
        requests += trial.metrics.requests!.value
        rps += trial.metrics.rps!.value
        cutOff += (trial.generator?.inFlightAtEnd ?? 0) + (trial.generator?.unsentAtEnd ?? 0)
      }
      const figures = { p95: sum.getValueAtPercentile(95) / 1000, p99: sum.getValueAtPercentile(99) / 1000, requests, rps, cutOff, count: sum.totalCount }
      sum.destroy()
      return figures
    })
    // The histograms also hold the requests each trial's end cut off (in flight or due but unsent), which have no outcome.
    for (const figures of byHand) assert.ok(figures.count > 0 && figures.requests + figures.cutOff >= figures.count, JSON.stringify(figures))
    // The same histogram sums; µs → ms conversion may differ in the last bit (22.923000000000002 vs 22.923).
    for (const name of ['p95', 'p99', 'requests', 'rps'] as const) {
      const values = metric(name).current!.values
      assert.equal(values.length, 2)
      values.forEach((value, t) =>
        assert.ok(Math.abs(value - byHand[t]![name]) <= 1e-9 * byHand[t]![name], `${name} trial ${t + 1}: ${value} vs ${byHand[t]![name]}`)
      )
    }
    assert.ok(served >= byHand[0]!.count + byHand[1]!.count, 'the loopback server answered every measured request')

    // One comment, whose table shows the merged figures as the report formats them.
    const comments = (api.issueComments.get(PR) ?? []).filter((c) => c.user.login === BOT_LOGIN && c.body.startsWith(commentMarker('api')))
    assert.equal(comments.length, 1)
    assert.equal(aggregate.outputs['comment-url'], comments[0]!.html_url)
    const rows = tableRows(comments[0]!.body)
    for (const name of ['p95', 'p99']) {
      const median = metric(name).current!.value
      const values = byHand.map((f) => f[name as 'p95' | 'p99']).sort((a, b) => a - b)
      // Up to float rounding: the level goes through logs (exp(ln x) need not give x back to the last bit).
      const expected = (values[0]! + values[1]!) / 2
      assert.ok(Math.abs(median - expected) <= 1e-9 * expected, `${name}: the median of the merged trials: ${median} against ${expected}`)
      const row = rows.find((cells) => cells.some((cell) => cell.includes(name)) && cells.some((cell) => cell.includes('/items')))
      assert.ok(row, `a ${name} row in\n${comments[0]!.body}`)
      assert.ok(row.includes(`${formatQuantity(median, 'ms')} (2×)`), `${name} row ${JSON.stringify(row)} shows ${formatQuantity(median, 'ms')} (2×)`)
    }
    assert.match(comments[0]!.body, /4 shards/)
  })

  test('a load shard whose siblings never arrive fails (exit 2) after shard-wait, naming them, and uploads nothing to merge', async () => {
    const run = newRun()
    const lone = await job(run, { mode: 'shard', shard: '2/3', 'shard-wait': '2s' })
    assert.equal(lone.exitCode, 2, lone.stdout + lone.stderr)
    assert.match(lone.stdout, /::error::perf-gate: the run failed: shard 2\/3: shards 1\/3, 3\/3 did not become ready within 2 s \(input 'shard-wait'\)/)
    assert.equal(lone.outputs.shard, undefined)
    const names = fake.artifacts.filter((a) => a.runBackendId === `run-${run.id}`).map((a) => a.name)
    assert.deepEqual(names.map((name) => name.replace(/-\d+$/, '')).sort(), ['perf-gate-start-api-2-of-3-a1-failed', 'perf-gate-start-api-2-of-3-a1-ready'])

    // A sibling arriving after the give-up sees the failed marker and stops at once instead of waiting.
    const late = await job(run, { mode: 'shard', shard: '3/3', 'shard-wait': '5m' })
    assert.equal(late.exitCode, 2, late.stdout + late.stderr)
    assert.match(late.stdout, /shard 3\/3: shard 2\/3 failed before the agreed start/)
  })
})

function tableRows(markdown: string): string[][] {
  const html = micromark(markdown, { extensions: [gfm()], htmlExtensions: [gfmHtml()], allowDangerousHtml: true })
  return [...html.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => [...m[1]!.matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((c) => c[1]!))
}
