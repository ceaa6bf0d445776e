/**
 * The bundled Action on a PR whose same-runner A/B contradicts the stored baseline: the posted comment's table shows
 * the A/B arms and estimate (the evidence that decided), and the stored comparison only as non-deciding context.
 */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { micromark } from 'micromark'
import { gfm, gfmHtml } from 'micromark-extension-gfm'
import { pullRequestPayload, pushPayload } from '../support/spawn-dist.js'
import { actionWithFakeApi } from '../support/action-harness.js'
import { BOT_LOGIN } from '../support/fake-github-api.js'
import { commentMarker } from '../../src/github/pr-comment.js'
import { git, workBenchRepository, WORK_BENCH_INPUTS } from '../support/bench-script.js'

// A runner factor (RUNNER_SPEED) scales every value: the stored baselines came from runners twice as slow.
const inputs = WORK_BENCH_INPUTS

const { api, run } = actionWithFakeApi()

function cells(markdown: string): string[][] {
  const html = micromark(markdown, { extensions: [gfm()], htmlExtensions: [gfmHtml()], allowDangerousHtml: true })
  return [...html.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => [...m[1]!.matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((c) => c[1]!))
}

describe('A/B against a contradicting stored baseline, through the bundled Action', () => {
  test('the comment shows the A/B figures, not the stored comparison', async () => {
    const ws = workBenchRepository('base')
    const baseSha = git(ws, 'rev-parse', 'HEAD')
    for (const speed of ['2', '2.02', '1.98', '2.01']) {
      const push = await run({ workspace: ws, inputs, event: 'push', payload: pushPayload(), sha: baseSha, env: { RUNNER_SPEED: speed } })
      assert.equal(push.exitCode, 0, push.stdout + push.stderr)
    }
    writeFileSync(join(ws, 'work.txt'), '1.3')
    git(ws, 'commit', '-qam', 'head: 30% more work')

    const pr = await run({
      workspace: ws,
      inputs: { ...inputs, 'compare-to': 'base-commit', 'confirm-budget': '60s' },
      event: 'pull_request',
      payload: pullRequestPayload({ number: 31, baseSha }),
      ref: 'refs/pull/31/merge',
      sha: git(ws, 'rev-parse', 'HEAD'),
      env: { RUNNER_SPEED: '1' },
      timeoutMs: 120000
    })
    assert.equal(pr.exitCode, 1, pr.stdout + pr.stderr)
    const comment = (api.issueComments.get(31) ?? []).find((c) => c.user.login === BOT_LOGIN && c.body.startsWith(commentMarker('api')))!
    assert.ok(comment, 'a comment was posted')
    const row = cells(comment.body).find((r) => r[2] === 'p95')!
    assert.match(row.slice(3, 6).join(' | '), /^100 ms \((\d+)×\) \| 130 ms \(\1×\) \| \+30\.0%$/, `the A/B arms (pairs) and estimate: ${row.join(' | ')}`)
    assert.equal(row[8], '<strong>regression</strong>')
    assert.match(comment.body, /\*\*❌ 1 regression\*\*/)
    assert.match(comment.body, /Not deciding: stored baselines: \\-3[0-9]\.[0-9]%/, 'the stored comparison (−35%) only as context')
    assert.match(comment.body, /PR head \[`ccccccc`\]/, 'the footer names the PR head commit from the event')
  })
})
