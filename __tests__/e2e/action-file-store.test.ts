/**
 * The bundled Action with `baseline-store: file`, run as the runner runs it: a pull request is judged against the
 * runs up to its base commit, and a pinned name the store does not hold is refused before the suite runs. The bundle
 * is built fresh from src/ into a scratch directory, so these tests never depend on a stale dist/.
 */
import { before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { bundleActionEntry, pullRequestPayload, pushPayload, runActionEntry, scratchDir, type ActionRun } from '../support/spawn-dist.js'
import { SLOWDOWN_BENCH_SCRIPT } from '../support/bench-script.js'

const inputs = { command: 'node bench.mjs', results: 'bench.json', thresholds: 'p95: +20%', name: 'api', 'baseline-store': 'file' }
/** Commit 1…01, 1…02, …: the pushes' shas in the order they ran. */
const sha = (n: number): string => `1${String(n).padStart(39, '0')}`

describe('Action entry with the file store', () => {
  let entry: string
  before(() => {
    entry = bundleActionEntry()
  })

  function workspace(): string {
    const dir = scratchDir('perf-gate-ws-')
    writeFileSync(join(dir, 'bench.mjs'), SLOWDOWN_BENCH_SCRIPT)
    return dir
  }

  /** Pushes to main in `ws`, one per slowdown, at shas 1…01 onward. */
  async function pushes(ws: string, slowdowns: string[]): Promise<void> {
    for (const [index, slowdown] of slowdowns.entries()) {
      const push = await runActionEntry({
        entry,
        workspace: ws,
        inputs,
        event: 'push',
        payload: pushPayload(),
        sha: sha(index + 1),
        env: { SLOWDOWN: slowdown }
      })
      assert.equal(push.exitCode, 0, push.stdout + push.stderr)
    }
  }

  const reportOf = (
    run: ActionRun
  ): { verdict: string; baseline?: { sha?: string; historySize: number }; metrics: { metric: string; baseline?: { value: number } }[] } =>
    JSON.parse(readFileSync(run.outputs['report-json']!, 'utf8'))

  test('a PR based before main improved is compared with what main measured at its base, not with the newer runs', async () => {
    const ws = workspace()
    // Four pushes at p95 ≈ 26 ms, then main improves to ≈ 20 ms for four more.
    await pushes(ws, ['1.31', '1.29', '1.3', '1.3', '1.01', '0.99', '1', '1'])
    const pr = await runActionEntry({
      entry,
      workspace: ws,
      inputs,
      event: 'pull_request',
      payload: pullRequestPayload({ baseSha: sha(2) }),
      ref: 'refs/pull/7/merge',
      env: { SLOWDOWN: '1.3' }
    })
    assert.equal(pr.exitCode, 0, pr.stdout + pr.stderr)
    const report = reportOf(pr)
    assert.equal(report.verdict, 'pass', 'the PR measures what its base measured')
    assert.equal(report.baseline?.sha, sha(2))
    assert.equal(report.baseline?.historySize, 2, 'the base commit and the run before it')
    const p95 = report.metrics.find((metric) => metric.metric === 'p95')!
    assert.ok(Math.abs(p95.baseline!.value - 26) < 0.5, `the baseline level is the base's, not main's newer 20 ms: ${p95.baseline!.value}`)
    assert.match(pr.summary, /2 stored baselines inform the noise estimate/)
    assert.equal(readdirSync(join(ws, '.perf-gate/api/history')).length, 8, 'a pull request never saves')
  })

  test('a pinned baseline that is not in the file store is refused before the suite runs (exit 3), naming the pinned ones', async () => {
    const ws = workspace()
    // The promotion that pins rel-9 may name it as the baseline too: it is what makes it exist.
    const promoted = await runActionEntry({
      entry,
      workspace: ws,
      inputs: { ...inputs, baseline: 'rel-9', promote: 'true', 'promote-as': 'rel-9' },
      event: 'workflow_dispatch',
      payload: pushPayload(),
      sha: sha(1)
    })
    assert.equal(promoted.exitCode, 0, promoted.stdout + promoted.stderr)
    assert.deepEqual(readdirSync(join(ws, '.perf-gate/api/pinned')), ['rel-9.json'])

    const typo = await runActionEntry({
      entry,
      workspace: ws,
      inputs: { ...inputs, baseline: 'rel-8' },
      event: 'pull_request',
      payload: pullRequestPayload({ baseSha: sha(1) })
    })
    assert.equal(typo.exitCode, 3, typo.stdout + typo.stderr)
    assert.doesNotMatch(typo.stdout, /bench done/, 'refused before the suite ran')
    assert.match(
      typo.stdout,
      /::error::perf-gate: configuration error: pinned baseline "rel-8" does not exist in the file store at \.perf-gate \(pinned for gate "api": rel-9\)\. Pin it first:/
    )

    const pinned = await runActionEntry({
      entry,
      workspace: ws,
      inputs: { ...inputs, baseline: 'rel-9' },
      event: 'pull_request',
      payload: pullRequestPayload({ baseSha: sha(1) })
    })
    assert.equal(pinned.exitCode, 0, pinned.stdout + pinned.stderr)
    assert.equal(pinned.outputs.verdict, 'pass')
  })
})
