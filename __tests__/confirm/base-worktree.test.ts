import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { prepareBaseWorktree, repositoryTop } from '../../src/confirm/base-worktree.js'
import { MemoryLogger } from '../../src/log.js'
import { scratchDir } from '../support/spawn-dist.js'

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd })
    .toString()
    .trim()
}

test('the base commit is checked out beside the workspace, built, and removed', async () => {
  const repo = scratchDir()
  git(repo, 'init', '-q')
  writeFileSync(join(repo, 'version.txt'), 'base\n')
  git(repo, 'add', '.')
  git(repo, 'commit', '-qm', 'base')
  const baseSha = git(repo, 'rev-parse', 'HEAD')
  writeFileSync(join(repo, 'version.txt'), 'head\n')
  git(repo, 'commit', '-qam', 'head')

  assert.equal(await repositoryTop(repo), git(repo, 'rev-parse', '--show-toplevel'))
  const worktree = await prepareBaseWorktree(repo, baseSha, { command: 'cp version.txt built.txt', timeoutMs: 10000 }, new MemoryLogger())
  assert.equal(readFileSync(join(worktree.dir, 'built.txt'), 'utf8'), 'base\n')
  assert.equal(readFileSync(join(repo, 'version.txt'), 'utf8'), 'head\n', 'the workspace is untouched')
  await worktree.remove()
  assert.equal(existsSync(worktree.dir), false)
  assert.doesNotMatch(git(repo, 'worktree', 'list'), /perf-gate-base/)

  await assert.rejects(
    prepareBaseWorktree(repo, baseSha, { command: 'exit 7', timeoutMs: 10000 }, new MemoryLogger()),
    /building the base commit [0-9a-f]{7} failed: `exit 7` exited with code 7/
  )
  await assert.rejects(repositoryTop(scratchDir()), /needs a git checkout/)
})
