/**
 * A pull request is judged against what the default branch measured at its base commit: that commit's stored runs
 * (re-runs included) and the runs saved before them, never the runs of commits merged since. Through the real file
 * store and the whole gate, as the Action runs it on a pull request with `baseline-store: file`.
 */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { FileBaselineStore } from '../../src/baselines/file-store.js'
import { resolveSettings } from '../../src/config/resolve-settings.js'
import type { RunContext } from '../../src/context.js'
import { baselineRecord, runGate } from '../../src/gate.js'
import { MemoryLogger } from '../../src/log.js'
import { renderMarkdownReport } from '../../src/report/markdown.js'
import { around, resultsWith } from '../support/results-builder.js'
import { scratchDir } from '../support/spawn-dist.js'

/** Commit 1…01, 1…02, …: the pushes' shas in the order they were saved. */
const sha = (n: number): string => `1${String(n).padStart(39, '0')}`
const at = (minute: number): Date => new Date(Date.UTC(2026, 10, 23, 10, minute))
const push = (commit: string): RunContext => ({ event: 'push', sha: commit, ref: 'refs/heads/main', runner: 'local' })
const measuring = (ms: number) => resultsWith({ api: { p95: { values: around(ms, 5), unit: 'ms' } } })

/** A store holding pushes of shas 1…01 onward at the given levels, one a minute. */
async function storeWithPushes(levels: number[]): Promise<{ dir: string; store: FileBaselineStore }> {
  const dir = scratchDir()
  const store = new FileBaselineStore(join(dir, '.perf-gate'), '.perf-gate', 20)
  for (const [index, level] of levels.entries()) await store.save(baselineRecord('api', measuring(level), push(sha(index + 1)), at(index)))
  return { dir, store }
}

/** The gate on a pull request based on `baseSha` whose head measures `ms`. */
async function pullRequest(dir: string, store: FileBaselineStore, baseSha: string, ms: number) {
  const settings = await resolveSettings({
    rootDir: dir,
    configExplicit: false,
    name: 'api',
    resultsPath: 'results.json',
    thresholdsText: 'p95: +10%',
    defaultBaselineStore: 'file',
    baselineDir: join(dir, '.perf-gate'),
    failOnRegression: true,
    confirm: 'never'
  })
  return runGate(
    settings,
    {
      log: new MemoryLogger(),
      store,
      context: { event: 'pull_request', runner: 'local', sha: 'f'.repeat(40), pullRequest: { number: 7, baseSha, isFork: false } },
      now: () => at(30),
      produce: async () => measuring(ms)
    },
    { save: 'auto' }
  )
}

describe('a pull request is judged against the runs up to its base commit', () => {
  test('the store answers the base commit, its re-runs and the runs before it, newest first', async () => {
    const dir = scratchDir()
    const store = new FileBaselineStore(dir, '.perf-gate', 20)
    await store.save(baselineRecord('api', measuring(13), push(sha(1)), at(1)))
    await store.save(baselineRecord('api', measuring(13), push(sha(2)), at(2)))
    await store.save(baselineRecord('api', measuring(10), push(sha(3)), at(3)))
    // A re-run of the push of 1…02 after 1…03 was saved: it measured the base commit, 1…03 did not.
    await store.save(baselineRecord('api', measuring(13), push(sha(2)), at(4)))
    await store.save(baselineRecord('api', measuring(10), push(sha(4)), at(5)))
    const lookup = await store.load({ gate: 'api', historyLimit: 10, preferSha: sha(2) })
    assert.deepEqual(lookup.problems, [])
    assert.deepEqual(
      lookup.history.map((record) => [record.source.sha, record.savedAt]),
      [
        [sha(2), at(4).toISOString()],
        [sha(2), at(2).toISOString()],
        [sha(1), at(1).toISOString()]
      ]
    )
    assert.equal(lookup.baseline, lookup.history[0], 'the newest run of the base commit is the baseline')
    const limited = await store.load({ gate: 'api', historyLimit: 2, preferSha: sha(2) })
    assert.deepEqual(
      limited.history.map((record) => record.source.sha),
      [sha(2), sha(2)]
    )
  })

  test('main improved after the base: a PR that keeps the base speed passes, and the report shows the runs it used', async () => {
    const { dir, store } = await storeWithPushes([13, 13, 13, 13, 10, 10, 10, 10])
    const outcome = await pullRequest(dir, store, sha(2), 13)
    const row = outcome.report.metrics.find((metric) => metric.metric === 'p95')!
    assert.equal(outcome.report.verdict, 'pass', row.reason)
    assert.equal(outcome.report.baseline?.sha, sha(2))
    assert.ok(Math.abs(row.baseline!.value - 13) < 0.5, `compared with the base's 13 ms, not main's newer 10 ms: ${row.baseline!.value}`)
    assert.equal(outcome.report.baseline?.historySize, 2, 'the base commit and the run before it')
    const points = outcome.report.trends?.[0]?.points ?? []
    assert.deepEqual(
      points.map((point) => point.role ?? 'run'),
      ['run', 'baseline', 'current'],
      'the trend shows the runs compared with: up to the base, then this run'
    )
    assert.ok(
      points.filter((point) => point.role !== 'current').every((point) => Math.abs(point.value - 13) < 0.5),
      'no newer run is drawn'
    )
    assert.match(renderMarkdownReport(outcome.report), /; 2 stored baselines inform the noise estimate\./)
    assert.equal(outcome.saved, undefined, 'a pull request never saves')
  })

  test('main regressed after the base: a PR that keeps the base speed is not "improved"', async () => {
    const { dir, store } = await storeWithPushes([10, 10, 10, 10, 13, 13, 13, 13])
    const outcome = await pullRequest(dir, store, sha(3), 10)
    const row = outcome.report.metrics.find((metric) => metric.metric === 'p95')!
    assert.equal(row.status, 'pass', row.reason)
    assert.equal(outcome.report.baseline?.sha, sha(3))
    assert.equal(outcome.report.baseline?.historySize, 3)
  })

  test('a base commit with no stored run: the newest runs, named as such, never as the base commit', async () => {
    const { dir, store } = await storeWithPushes([13, 13, 10, 10])
    const outcome = await pullRequest(dir, store, 'e'.repeat(40), 10)
    assert.equal(outcome.report.baseline?.sha, sha(4), 'the baseline named is the newest run, which is what was used')
    assert.equal(outcome.report.baseline?.historySize, 4)
    assert.ok(outcome.report.baselineProblems.some((problem) => /no baseline saved at the base commit eeeeeee; using the newest one/.test(problem)))
    assert.equal(outcome.report.verdict, 'pass')
  })
})
