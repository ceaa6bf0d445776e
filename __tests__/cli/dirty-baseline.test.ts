/**
 * A baseline saved from a working tree with uncommitted changes: the benchmark reads a changed file that HEAD does
 * not hold, so the record is marked, the save says so, `baseline list` shows it, and a pull request's lookup of the
 * baseline at that commit passes it over.
 */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { FileBaselineStore } from '../../src/baselines/file-store.js'
import { changedTrackedPaths } from '../../src/context.js'
import { WORK_BENCH_SCRIPT } from '../support/bench-script.js'
import { runCliInProcess as cli } from '../support/cli-in-process.js'
import { scratchDir } from '../support/spawn-dist.js'

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd })
    .toString()
    .trim()
}

const SAVE = ['run', '--command', 'node bench.mjs', '--results', 'bench.json', '-t', 'p95: +20%', '-n', 'api', '--save-baseline']

function benchRepo(): { dir: string; sha: string } {
  const dir = scratchDir()
  git(dir, 'init', '-q')
  writeFileSync(join(dir, '.gitignore'), '.perf-gate\nbench.json\n')
  writeFileSync(join(dir, 'bench.mjs'), WORK_BENCH_SCRIPT)
  writeFileSync(join(dir, 'work.txt'), '1\n')
  git(dir, 'add', '-A')
  git(dir, 'commit', '-qm', 'bench')
  return { dir, sha: git(dir, 'rev-parse', 'HEAD') }
}

describe('a baseline measured with uncommitted changes', () => {
  test('is marked and said so; list shows it; the base-commit lookup passes it over for a clean one', async () => {
    const { dir, sha } = benchRepo()
    const clean = await cli(SAVE, dir)
    assert.equal(clean.code, 0, clean.stderr)
    assert.doesNotMatch(clean.stderr, /uncommitted/)

    // The benchmark reads work.txt, changed and not committed: twice the work, filed under the same HEAD.
    writeFileSync(join(dir, 'work.txt'), '2\n')
    const dirty = await cli([...SAVE, '-q'], dir)
    assert.equal(dirty.code, 1, `the slower numbers fail against the clean baseline: ${dirty.stderr}`)
    assert.match(
      dirty.stderr,
      new RegExp(`warning: Saved baseline \\S+ to .* from a working tree with uncommitted changes: it is not what ${sha.slice(0, 7)} measures`)
    )
    assert.match(dirty.stdout, /note: This run was saved as a baseline from a working tree with uncommitted changes/)

    const listed = await cli(['baseline', 'list', '-n', 'api'], dir)
    const [newest, older] = listed.stdout.trim().split('\n')
    assert.match(newest!, new RegExp(`\\t${sha.slice(0, 7)}\\t1 scenario\\(s\\)\\tmeasured with uncommitted changes`))
    assert.doesNotMatch(older!, /uncommitted/)
    const shown = JSON.parse((await cli(['baseline', 'show', '-n', 'api'], dir)).stdout) as { source: { sha: string; dirty?: boolean } }
    assert.deepEqual([shown.source.sha, shown.source.dirty], [sha, true])

    // A pull request based on that commit compares against what the commit measures, not the newer dirty run.
    const store = new FileBaselineStore(join(dir, '.perf-gate'))
    const atBase = await store.load({ gate: 'api', historyLimit: 10, preferSha: sha })
    assert.equal(atBase.baseline!.source.dirty, undefined)
    assert.equal(atBase.baseline!.results.scenarios[0]!.trials[0]!.metrics.p95!.value, 99)
    // Without a rolling baseline of its own, the dirty one is still the newest.
    assert.equal((await store.load({ gate: 'api', historyLimit: 10 })).baseline!.source.dirty, true)
  })

  test('a commit with only a dirty record has no baseline "at" it; a committed file store changing is not a dirty tree', async () => {
    const { dir, sha } = benchRepo()
    writeFileSync(join(dir, 'work.txt'), '2\n')
    assert.equal((await cli(SAVE, dir)).code, 0)
    const lookup = await new FileBaselineStore(join(dir, '.perf-gate')).load({ gate: 'api', historyLimit: 10, preferSha: sha })
    assert.match(
      lookup.problems.join('\n'),
      /no baseline saved at the base commit \w{7} \(the one saved there was measured with uncommitted changes, so it is not what that commit measures\); using the newest one/
    )

    // Baselines committed with the code: the store's own files change with every save, and say nothing of the code.
    writeFileSync(join(dir, 'work.txt'), '1\n')
    writeFileSync(join(dir, '.gitignore'), 'bench.json\n')
    git(dir, 'add', '-A')
    git(dir, 'commit', '-qm', 'store committed')
    const [record] = execFileSync('git', ['ls-files', '.perf-gate'], { cwd: dir }).toString().trim().split('\n')
    writeFileSync(join(dir, record!), readFileSync(join(dir, record!), 'utf8').replace('"schemaVersion": 1', '"schemaVersion":1'))
    assert.match(git(dir, 'status', '--porcelain', '--untracked-files=no'), /^M \.perf-gate\//, 'a tracked record of the store changed')
    const saved = await cli(SAVE, dir)
    assert.equal(saved.code, 0, saved.stderr)
    assert.doesNotMatch(saved.stderr, /uncommitted/)
  })

  test('changedTrackedPaths: renames name their new path; the file store is left out', () => {
    const status = [' M src/a.ts', 'R  src/new.ts', 'src/old.ts', 'M  .perf-gate/api/history/1.json', ' D .perf-gate-notes.md', ''].join('\0')
    assert.deepEqual(changedTrackedPaths(status, '/repo', '/repo/.perf-gate'), ['src/a.ts', 'src/new.ts', '.perf-gate-notes.md'])
    assert.deepEqual(changedTrackedPaths(status, '/repo', '/elsewhere/.perf-gate').length, 4)
    assert.deepEqual(changedTrackedPaths(status, '/repo'), ['src/a.ts', 'src/new.ts', '.perf-gate/api/history/1.json', '.perf-gate-notes.md'])
    assert.deepEqual(changedTrackedPaths('', '/repo', '/repo/.perf-gate'), [])
  })
})
