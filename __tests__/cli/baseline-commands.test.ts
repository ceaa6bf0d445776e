/** `baseline list` and `baseline show` as a developer uses them: by commit, and never silent about a record they skip. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runCliInProcess } from '../support/cli-in-process.js'
import { around, resultsWith } from '../support/results-builder.js'
import { scratchDir } from '../support/spawn-dist.js'

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd })
    .toString()
    .trim()
}

test('baseline show takes a commit as report does, and list and show name a record they could not read', async () => {
  const dir = scratchDir()
  git(dir, 'init', '-q')
  writeFileSync(join(dir, '.gitignore'), '.perf-gate\n')
  writeFileSync(join(dir, 'results.json'), JSON.stringify(resultsWith({ parse: { p95: { values: around(10, 5), unit: 'ms' } } })))
  const shas: string[] = []
  for (const message of ['one', 'two']) {
    git(dir, 'add', '-A')
    git(dir, 'commit', '-qm', message, '--allow-empty')
    shas.push(git(dir, 'rev-parse', 'HEAD'))
    const promoted = await runCliInProcess(['baseline', 'promote', 'results.json'], dir)
    assert.equal(promoted.code, 0, promoted.stderr)
  }
  const byCommit = await runCliInProcess(['baseline', 'show', shas[0]!.slice(0, 7)], dir)
  assert.equal(byCommit.code, 0, byCommit.stderr)
  assert.equal((JSON.parse(byCommit.stdout) as { source: { sha: string } }).source.sha, shas[0])

  // The newest record truncated: list leaves it out and says so; "latest" shows the one before, and says why.
  const history = join(dir, '.perf-gate/default/history')
  const newest = readdirSync(history).sort().at(-1)!
  writeFileSync(join(history, newest), '{"schemaVersion": 1, "gate": "def')
  const listed = await runCliInProcess(['baseline', 'list'], dir)
  assert.equal(listed.code, 0, listed.stderr)
  assert.equal(listed.stdout.trim().split('\n').length, 1)
  assert.match(listed.stderr, new RegExp(`warning: baseline .*${newest.replace(/\./g, '\\.')} is corrupt or truncated`))
  const latest = await runCliInProcess(['baseline', 'show'], dir)
  assert.equal(latest.code, 0, latest.stderr)
  assert.equal((JSON.parse(latest.stdout) as { source: { sha: string } }).source.sha, shas[0])
  assert.match(latest.stderr, /is corrupt or truncated/)
})
