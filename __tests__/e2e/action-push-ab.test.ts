/**
 * The bundled Action on a push to the default branch whose stored history cannot decide: the same-runner A/B measures
 * this commit against the one before the push (the event's `before`), as a pull request's is measured against its base.
 */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pushPayload, scratchDir } from '../support/spawn-dist.js'
import { actionWithFakeApi } from '../support/action-harness.js'
import { git, workBenchRepository, WORK_BENCH_INPUTS } from '../support/bench-script.js'

const inputs = WORK_BENCH_INPUTS

const { run } = actionWithFakeApi()

describe('A/B on a push to the default branch, through the bundled Action', () => {
  test('one stored run cannot decide a 30% slowdown; the A/B against the commit before the push fails it', async () => {
    const ws = workBenchRepository('before')
    const beforeSha = git(ws, 'rev-parse', 'HEAD')
    const first = await run({ workspace: ws, inputs, event: 'push', payload: pushPayload(), sha: beforeSha })
    assert.equal(first.exitCode, 0, first.stdout + first.stderr)

    writeFileSync(join(ws, 'work.txt'), '1.3')
    git(ws, 'commit', '-qam', '30% more work')
    const headSha = git(ws, 'rev-parse', 'HEAD')
    const summary = join(scratchDir(), 'summary.md')
    writeFileSync(summary, '')
    const push = await run({
      workspace: ws,
      inputs: { ...inputs, 'confirm-budget': '60s' },
      event: 'push',
      payload: { ...(pushPayload() as object), before: beforeSha, after: headSha },
      sha: headSha,
      env: { GITHUB_STEP_SUMMARY: summary },
      timeoutMs: 120000
    })
    assert.equal(push.exitCode, 1, push.stdout + push.stderr)
    const short = beforeSha.slice(0, 7)
    assert.match(push.stdout, new RegExp(`Confirming 1 metric\\(s\\) on this runner against the commit before this push ${short}`))
    const page = readFileSync(summary, 'utf8')
    assert.match(page, new RegExp(`Same-runner A/B against the commit before this push ${short}: \\d+ pairs`))
    assert.match(page, /GET \/report/)
    assert.doesNotMatch(page, /did not run/, 'the A/B ran')
  })

  test('a push without an earlier commit (a new branch) is left to the stored history, and says so', async () => {
    const ws = workBenchRepository('first')
    assert.equal((await run({ workspace: ws, inputs, event: 'push', payload: pushPayload(), sha: git(ws, 'rev-parse', 'HEAD') })).exitCode, 0)
    writeFileSync(join(ws, 'work.txt'), '1.3')
    git(ws, 'commit', '-qam', '30% more work')
    const summary = join(scratchDir(), 'summary.md')
    writeFileSync(summary, '')
    const push = await run({
      workspace: ws,
      inputs,
      event: 'push',
      payload: { ...(pushPayload() as object), before: '0'.repeat(40) },
      sha: git(ws, 'rev-parse', 'HEAD'),
      env: { GITHUB_STEP_SUMMARY: summary }
    })
    assert.equal(push.exitCode, 0, push.stdout + push.stderr)
    assert.match(
      readFileSync(summary, 'utf8'),
      /a push is measured again only on the default branch, against the commit before it \(the event's `before`\), and this one has none, so the stored history decides/
    )
  })
})
