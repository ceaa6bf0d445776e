/**
 * The bundled Action's shard and aggregate modes, run as the runner runs a job matrix: every shard job uploads its
 * share as a workflow artifact of the run (the real @actions/artifact client against the local fake of the results
 * service), then the aggregate job downloads them all, checks the set and judges the merged results.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { bundleActionEntry, pushPayload, runActionEntry, scratchDir, type ActionRun } from '../support/spawn-dist.js'
import { FakeActionsStorage, REPOSITORY_ID, type FakeRun } from '../support/fake-actions-storage.js'
import type { Results } from '../../src/results/model.js'

/** A suite per scenario: `node bench.mjs <scenario> <ms>` writes `<scenario>.json` with five trials around <ms>. */
const BENCH_SCRIPT = `import { writeFileSync } from 'node:fs'
const [scenario, ms] = process.argv.slice(2)
const trials = [-2, -1, 0, 1, 2].map((k) => ({ metrics: { p95: { value: Number(ms) * (1 + 0.01 * k), unit: 'ms' } } }))
writeFileSync(scenario + '.json', JSON.stringify({ schemaVersion: 1, scenarios: [{ name: scenario, trials }] }))
`
const SUITES = { cart: 20, search: 35, login: 12, checkout: 50, profile: 8 }
const CONFIG = `name: shop
suites:
${Object.entries(SUITES)
  .map(([name, ms]) => `  - name: ${name}\n    command: node bench.mjs ${name} ${ms}\n    results: ${name}.json`)
  .join('\n')}
thresholds:
  p95: +20%
`
const HEAD_SHA = 'e'.repeat(40)

describe('Action entry: shard and aggregate modes across a job matrix', () => {
  let fake: FakeActionsStorage
  let entry: string
  let nextRunId = 500

  before(async () => {
    entry = bundleActionEntry()
    fake = await new FakeActionsStorage().start()
  })
  after(async () => fake.close())

  function workspace(): string {
    const dir = scratchDir('perf-gate-ws-')
    writeFileSync(join(dir, 'bench.mjs'), BENCH_SCRIPT)
    mkdirSync(join(dir, '.github'))
    writeFileSync(join(dir, '.github/perf-gate.yml'), CONFIG)
    return dir
  }

  /** One job of workflow run `run` on a push to main at `sha`. */
  function job(run: FakeRun, inputs: Record<string, string>, sha = HEAD_SHA): Promise<ActionRun> {
    return runActionEntry({
      entry,
      workspace: workspace(),
      inputs: { 'baseline-store': 'file', ...inputs },
      event: 'push',
      payload: pushPayload(),
      sha,
      env: { ...fake.env(run, [{ scope: 'refs/heads/main', permission: 3 }]), GITHUB_RUN_ID: String(run.id) }
    })
  }

  function newRun(): FakeRun {
    return { id: nextRunId++, headBranch: 'main', headSha: HEAD_SHA, headRepositoryId: REPOSITORY_ID }
  }

  test('four shards split the suites; the aggregate merges every scenario once and judges them together', async () => {
    const run = newRun()
    const shards = await Promise.all([0, 1, 2, 3].map((index) => job(run, { mode: 'shard', 'shard-index': String(index), shards: '4' })))
    const measured: string[] = []
    for (const [index, shard] of shards.entries()) {
      assert.equal(shard.exitCode, 0, shard.stdout + shard.stderr)
      assert.equal(shard.outputs.shard, `${index + 1}/4`)
      assert.equal(shard.outputs.verdict, undefined, 'a shard gives no verdict')
      assert.match(shard.summary, /shard \d\/4\n\nMeasured \d scenario\(s\) and uploaded them/)
      measured.push(...[...shard.stdout.matchAll(/Running suite "(\w+)"/g)].map((m) => m[1]!))
    }
    assert.deepEqual(measured.sort(), Object.keys(SUITES).sort(), 'every suite ran on exactly one shard')
    assert.equal(
      fake.artifacts.filter((a) => a.name.startsWith('perf-gate-shard-shop-')).length,
      4,
      JSON.stringify(fake.artifacts.map((a) => [a.id, a.name, a.runBackendId, a.blob]))
    )

    const aggregate = await job(run, { mode: 'aggregate', shards: '4' })
    assert.equal(aggregate.exitCode, 0, aggregate.stdout + aggregate.stderr)
    assert.equal(aggregate.outputs.verdict, 'no-baseline')
    const report = JSON.parse(readFileSync(aggregate.outputs['report-json']!, 'utf8')) as {
      metrics: Array<{ scenario: string; current?: { value: number } }>
      notes: string[]
    }
    const scenarios = report.metrics.map((m) => m.scenario).sort()
    assert.deepEqual(scenarios, Object.keys(SUITES).sort())
    for (const [name, ms] of Object.entries(SUITES)) {
      assert.ok(Math.abs(report.metrics.find((m) => m.scenario === name)!.current!.value - ms) < 1e-9, `${name} keeps its measured median`)
    }
    assert.ok(
      report.notes.some((note) => /4 shards/.test(note)),
      report.notes.join('\n')
    )
    assert.ok(aggregate.outputs['baseline-saved'], 'the aggregate of a push to main saves the merged baseline')
    const saved = JSON.parse(
      readFileSync(join(aggregate.workspace, '.perf-gate/shop/history', readdirOnly(join(aggregate.workspace, '.perf-gate/shop/history'))), 'utf8')
    ) as { results: Results }
    assert.equal(saved.results.scenarios.length, 5)
  })

  test('a missing shard fails the aggregate (exit 2) naming it; nothing is judged or saved', async () => {
    const run = newRun()
    for (const index of [0, 1, 3]) assert.equal((await job(run, { mode: 'shard', 'shard-index': String(index), shards: '4' })).exitCode, 0)
    const aggregate = await job(run, { mode: 'aggregate', shards: '4' })
    assert.equal(aggregate.exitCode, 2, aggregate.stdout)
    assert.match(aggregate.stdout, /shard 3\/4.*(missing|did not report)/i)
    assert.equal(aggregate.outputs.verdict, undefined)
    assert.equal(aggregate.outputs['baseline-saved'], undefined)
  })

  test('a shard measured at another commit is rejected with its name', async () => {
    const run = newRun()
    for (const index of [0, 1, 2]) assert.equal((await job(run, { mode: 'shard', 'shard-index': String(index), shards: '4' })).exitCode, 0)
    assert.equal((await job(run, { mode: 'shard', 'shard-index': '3', shards: '4' }, 'f'.repeat(40))).exitCode, 0)
    const aggregate = await job(run, { mode: 'aggregate', shards: '4' })
    assert.equal(aggregate.exitCode, 2, aggregate.stdout)
    assert.match(aggregate.stdout, /shard 4\/4.*fffffff/)
  })

  test('more shards than suites is a configuration error that says how many to use', async () => {
    const shard = await job(newRun(), { mode: 'shard', 'shard-index': '0', shards: '8' })
    assert.equal(shard.exitCode, 3)
    assert.match(shard.stdout, /there are 5 suite\(s\) to split over 8 shards; use at most 5 shards/)
  })
})

function readdirOnly(dir: string): string {
  const entries = readdirSync(dir)
  assert.equal(entries.length, 1, `one baseline in ${dir}`)
  return entries[0]!
}
