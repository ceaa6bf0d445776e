/**
 * Change points on the default branch, end to end: a sequence of pushes through the bundled Action (built fresh from
 * src/) with baselines in the Actions cache of the local storage fake; p95 steps up by 30 % at push k. The summary of
 * the first push where the step is significant names the commit it started at, with a warning annotation.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { bundleActionEntry, pushPayload, runActionEntry, scratchDir, type ActionRun } from '../support/spawn-dist.js'
import { FakeActionsStorage, REPOSITORY_ID, type CacheScope, type FakeRun } from '../support/fake-actions-storage.js'

const BENCH_SCRIPT = `import { writeFileSync } from 'node:fs'
const factor = Number(process.env.SLOWDOWN ?? 1)
const trials = [-2, -1, 0, 1, 2].map((k) => ({ metrics: { p95: { value: 20 * factor * (1 + 0.01 * k), unit: 'ms' } } }))
writeFileSync('bench.json', JSON.stringify({ schemaVersion: 1, scenarios: [{ name: 'GET /cart', trials }] }))
`
const MAIN_SCOPES: CacheScope[] = [{ scope: 'refs/heads/main', permission: 3 }]
// Run-to-run noise of about ±2 %; the step (+30 %) comes with push STEP_AT.
const WIGGLE = [0, 1.5, -1, 2, -2, 0.5, -0.5, 1, -1.5, 0, 2, -1, 1, -2, 0.5]
const STEP_AT = 10
const shaOf = (push: number): string => `${(0xc0de00 + push).toString(16)}${'0'.repeat(34)}`

describe('Action: change points on the default branch', () => {
  let fake: FakeActionsStorage
  let entry: string
  before(async () => {
    entry = bundleActionEntry()
    fake = await new FakeActionsStorage().start()
  })
  after(async () => fake.close())

  function push(index: number, extraInputs: Record<string, string> = {}): Promise<ActionRun> {
    const ws = scratchDir('perf-gate-ws-')
    writeFileSync(join(ws, 'bench.mjs'), BENCH_SCRIPT)
    const sha = shaOf(index)
    const run: FakeRun = { id: 500 + index, headBranch: 'main', headSha: sha, headRepositoryId: REPOSITORY_ID }
    const slowdown = (1 + WIGGLE[index]! / 100) * (index >= STEP_AT ? 1.3 : 1)
    const inputs = {
      command: 'node bench.mjs',
      results: 'bench.json',
      thresholds: 'p95: +10%',
      name: 'drift',
      'baseline-store': 'cache',
      'github-token': 'ghs_test',
      ...extraInputs
    }
    const env = { ...fake.env(run, MAIN_SCOPES), GITHUB_RUN_ID: String(500 + index), SLOWDOWN: String(slowdown) }
    return runActionEntry({ entry, workspace: ws, inputs, event: 'push', payload: pushPayload(), sha, env })
  }

  test('the step is flagged with the commit where it starts, its size and p-value, once there is evidence', async () => {
    const runs: ActionRun[] = []
    for (let index = 0; index < WIGGLE.length; index++) {
      const run = await push(index)
      assert.ok(run.exitCode === 0 || run.exitCode === 1, run.stdout + run.stderr)
      assert.match(run.outputs['baseline-saved'] ?? '', /./, `push ${index} saved its run`)
      runs.push(run)
    }
    for (const run of runs.slice(0, STEP_AT)) {
      assert.match(run.summary, /### History on the default branch/)
      assert.doesNotMatch(run.summary, /### 📉|step in the stored history|📉 \|/, 'no step before the step')
    }
    const flagged = runs.findIndex((run) => /### 📉 History: 1 step\(s\) the bad way/.test(run.summary))
    assert.ok(flagged >= STEP_AT && flagged <= STEP_AT + 3, `flagged at push ${flagged}`)
    const summary = runs[flagged]!.summary
    const short = shaOf(STEP_AT).slice(0, 7)
    assert.match(
      summary,
      new RegExp(
        `GET /cart · p95: a \\+(2[5-9]|3[0-5])\\.\\d% step in the stored history starts at commit ${short} \\(E-Divisive means, p (=|&lt;) [0-9.e-]+\\)`
      )
    )
    assert.match(summary, new RegExp(`^\\| \`[^|]+\` \\| \`${short}\` \\|[^\\n]*❌ 📉 \\|$`, 'm'), 'the row of the step commit carries its marks')
    assert.match(
      runs[flagged]!.stdout,
      new RegExp(
        `::warning title=perf-gate drift%3A change point::GET /cart · p95: a \\+[0-9.]+%25 step in the stored history starts at commit ${short} \\(E-Divisive means, p < 0\\.000001\\)`
      )
    )
    assert.match(runs.at(-1)!.summary, /\*\*Change points\*\*[^]*📉 GET \/cart · p95/, 'still listed on later pushes')
  })

  test('a gate compared against a pinned baseline still shows the branch history on a push', async () => {
    // A pinned name that was never promoted: each push warns, saves its rolling run, and the history has them all.
    const inputs = { name: 'pinned-gate', baseline: 'release-9' }
    const runs: ActionRun[] = []
    for (let index = 0; index < 4; index++) runs.push(await push(index, inputs))
    for (const run of runs) assert.match(run.outputs['baseline-saved'] ?? '', /./, run.stdout + run.stderr)
    assert.match(runs.at(-1)!.summary, /4 of 4 stored run\(s\), newest first/, runs.at(-1)!.summary)
  })
})
