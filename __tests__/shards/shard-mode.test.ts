import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import type { SuiteSettings } from '../../src/config/settings.js'
import { MemoryLogger } from '../../src/log.js'
import { collectShards, shardShare, uploadShard, type ShardTransport } from '../../src/shards/shard-mode.js'
import { resultsWith } from '../support/results-builder.js'
import { scratchDir } from '../support/spawn-dist.js'

/** Uploads kept in memory, as a run's artifacts would be. */
class MemoryTransport implements ShardTransport {
  readonly uploads = new Map<string, string>()
  readonly downloaded: string[] = []
  async upload(name: string, file: string): Promise<void> {
    this.uploads.set(name, await readFile(file, 'utf8'))
  }
  async list(prefix: string) {
    return [...this.uploads.keys()].filter((name) => name.startsWith(prefix))
  }
  async downloadAll(prefix: string, accept: (name: string) => boolean) {
    const wanted = [...this.uploads].filter(([name]) => name.startsWith(prefix) && accept(name))
    this.downloaded.push(...wanted.map(([name]) => name))
    return wanted.map(([name, text]) => ({ name, text }))
  }
}

const suite = (name: string): SuiteSettings => ({ name, command: `bench ${name}`, format: 'auto', timeoutMs: 1000, cwd: '/w', env: {} })
const environment = { os: 'linux', arch: 'x64', cores: 2, runner: 'github-actions:ubuntu24' }

describe('shard mode', () => {
  test('suites are dealt to shards stably, each suite to exactly one shard', () => {
    const source = { kind: 'suites' as const, suites: ['e', 'a', 'd', 'b', 'c'].map(suite) }
    const shares = [1, 2, 3].map((index) => shardShare(source, { index, total: 3 }))
    const names = shares.map((share) => (share.source.kind === 'suites' ? share.source.suites.map((s) => s.name) : []))
    assert.deepEqual(names, [['a', 'd'], ['b', 'e'], ['c']])
    assert.ok(shares.every((share) => share.split === 'scenarios'))
    assert.throws(() => shardShare(source, { index: 1, total: 6 }), /5 suite\(s\) to split over 6 shards; use at most 5 shards/)
    assert.throws(() => shardShare({ kind: 'results-file', path: 'r.json', format: 'auto' }, { index: 1, total: 2 }), /a results file cannot be sharded/)
  })

  test('uploads of every shard are collected and merged; a re-run attempt replaces its earlier upload', async () => {
    const transport = new MemoryTransport()
    const log = new MemoryLogger()
    const dir = scratchDir()
    const sha = 'c'.repeat(40)
    const shardResults = (name: string, value: number) => ({ ...resultsWith({ [name]: { mean: { values: [value], unit: 'ms' } } }), environment })
    await uploadShard(
      'api',
      { index: 1, total: 2 },
      'scenarios',
      shardResults('a', 1),
      { event: 'push', runner: 'x', sha, runId: '9', runAttempt: 1 },
      transport,
      dir,
      log
    )
    await uploadShard(
      'api',
      { index: 2, total: 2 },
      'scenarios',
      shardResults('b', 2),
      { event: 'push', runner: 'x', sha, runId: '9', runAttempt: 1 },
      transport,
      dir,
      log
    )
    await uploadShard(
      'api',
      { index: 2, total: 2 },
      'scenarios',
      shardResults('b', 3),
      { event: 'push', runner: 'x', sha, runId: '9', runAttempt: 2 },
      transport,
      dir,
      log
    )
    await uploadShard('web', { index: 1, total: 1 }, 'scenarios', shardResults('z', 1), { event: 'push', runner: 'x', sha }, transport, dir, log)
    const { results, notes, reports } = await collectShards('api', { sha }, transport, log)
    assert.deepEqual(
      results.scenarios.map((s) => `${s.name}=${s.trials[0]!.metrics.mean!.value}`),
      ['a=1', 'b=3']
    )
    assert.equal(reports.length, 2)
    assert.match(notes[0]!, /Measured by 2 shards/)
    assert.ok(log.lines.some((line) => /Ignored 1 shard upload\(s\) of earlier attempts/.test(line)))

    // Two jobs that both claimed shard 1 in one attempt are named, not silently merged.
    await uploadShard(
      'api',
      { index: 1, total: 2 },
      'scenarios',
      shardResults('a', 5),
      { event: 'push', runner: 'x', sha, runId: '9', runAttempt: 1 },
      transport,
      dir,
      log
    )
    await assert.rejects(collectShards('api', { sha }, transport, log), /shard 1\/2 reported twice/)
  })

  test("a gate whose name extends another's keeps its own shards; load shards carry their agreed start into the note", async () => {
    const transport = new MemoryTransport()
    const log = new MemoryLogger()
    const dir = scratchDir()
    const context = { event: 'push', runner: 'x', sha: 'c'.repeat(40), runId: '9', runAttempt: 1 }
    const loadResults = { ...resultsWith({ 'GET /': { requests: { values: [10], unit: 'count' } } }), environment }
    const agreedStartAt = '2026-03-01T12:00:05.000Z'
    for (const index of [1, 2]) await uploadShard('api', { index, total: 2 }, 'load', loadResults, context, transport, dir, log, { agreedStartAt })
    await uploadShard(
      'api-2',
      { index: 1, total: 1 },
      'scenarios',
      { ...resultsWith({ other: { mean: { values: [1], unit: 'ms' } } }), environment },
      context,
      transport,
      dir,
      log
    )
    const { results, notes, reports } = await collectShards('api', { total: 2 }, transport, log)
    assert.equal(reports.length, 2)
    // Gate api-2's upload shares the prefix of gate api, but is not even downloaded.
    assert.equal(transport.downloaded.length, 2, transport.downloaded.join(', '))
    assert.ok(
      transport.downloaded.every((name) => /^perf-gate-shard-api-[12]-of-2-/.test(name)),
      transport.downloaded.join(', ')
    )
    assert.deepEqual(
      results.scenarios.map((s) => s.name),
      ['GET /']
    )
    assert.equal(results.scenarios[0]!.trials[0]!.metrics.requests!.value, 20)
    assert.equal(reports[0]!.agreedStartAt, agreedStartAt)
    assert.match(notes[0]!, /load histograms added, rates summed; the load started together at 2026-03-01T12:00:05\.000Z/)
  })
})
