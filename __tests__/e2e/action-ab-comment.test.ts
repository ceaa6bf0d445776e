/**
 * The bundled Action on a PR whose same-runner A/B contradicts the stored baseline: the posted comment's table shows
 * the A/B arms and estimate (the evidence that decided), and the stored comparison only as non-deciding context.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { micromark } from 'micromark'
import { gfm, gfmHtml } from 'micromark-extension-gfm'
import { bundleActionEntry, pullRequestPayload, pushPayload, runActionEntry, scratchDir, type ActionRunOptions } from '../support/spawn-dist.js'
import { BOT_LOGIN, FakeGitHubApi } from '../support/fake-github-api.js'
import { commentMarker } from '../../src/github/pr-comment.js'

// A runner factor (RUNNER_SPEED) scales every value: the stored baselines came from runners twice as slow.
const BENCH = `import { readFileSync, writeFileSync } from 'node:fs'
const work = Number(readFileSync('work.txt', 'utf8')) * Number(process.env.RUNNER_SPEED ?? 1)
const trials = [0.99, 1.01, 1, 1.005, 0.995].map((w) => ({ metrics: { p95: { value: work * 100 * w, unit: 'ms', direction: 'lower' } } }))
writeFileSync('bench.json', JSON.stringify({ schemaVersion: 1, scenarios: [{ name: 'GET /report', trials }] }))
`
const inputs = {
  command: 'node bench.mjs',
  results: 'bench.json',
  thresholds: 'p95: +20%',
  name: 'api',
  'github-token': 'test-token',
  'baseline-store': 'file'
}

let entry = ''
const api = new FakeGitHubApi()
before(async () => {
  entry = bundleActionEntry()
  await api.start()
})
after(() => api.stop())

function run(options: Omit<ActionRunOptions, 'entry'>) {
  return runActionEntry({ ...options, entry, env: { GITHUB_API_URL: api.url, ...options.env } })
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', ...args], { cwd, encoding: 'utf8' }).trim()
}

function cells(markdown: string): string[][] {
  const html = micromark(markdown, { extensions: [gfm()], htmlExtensions: [gfmHtml()], allowDangerousHtml: true })
  return [...html.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => [...m[1]!.matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((c) => c[1]!))
}

describe('A/B against a contradicting stored baseline, through the bundled Action', () => {
  test('the comment shows the A/B figures, not the stored comparison', async () => {
    const ws = scratchDir('perf-gate-ws-')
    git(ws, 'init', '-q')
    writeFileSync(join(ws, 'bench.mjs'), BENCH)
    writeFileSync(join(ws, '.gitignore'), 'bench.json\n.perf-gate\n')
    writeFileSync(join(ws, 'work.txt'), '1')
    git(ws, 'add', '.')
    git(ws, 'commit', '-qm', 'base')
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
