/**
 * `baseline promote` of a run the store already holds: pinning a stored run as a release baseline, by its record
 * file (as `compare` takes it) or by latest, id or commit (as `report --baseline` and `baseline show` find it).
 */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { BaselineRecord } from '../../src/baselines/store.js'
import { runCliInProcess as cli } from '../support/cli-in-process.js'
import { around, resultsWith } from '../support/results-builder.js'
import { scratchDir } from '../support/spawn-dist.js'

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd })
    .toString()
    .trim()
}

const pinned = (dir: string, name: string): BaselineRecord =>
  JSON.parse(readFileSync(join(dir, '.perf-gate/api/pinned', `${name}.json`), 'utf8')) as BaselineRecord

/** Two runs of gate "api" saved at two commits (p95 about 10 ms, then 12 ms); HEAD is a third commit. */
async function storeTwoRuns(): Promise<{ dir: string; shas: string[]; files: string[] }> {
  const dir = scratchDir()
  git(dir, 'init', '-q')
  writeFileSync(join(dir, '.gitignore'), '.perf-gate\nresults.json\n')
  const shas: string[] = []
  for (const p95 of [10, 12]) {
    git(dir, 'commit', '-q', '--allow-empty', '-m', `p95 ${p95}`)
    shas.push(git(dir, 'rev-parse', 'HEAD'))
    writeFileSync(join(dir, 'results.json'), JSON.stringify(resultsWith({ parse: { p95: { values: around(p95, 5), unit: 'ms' } } })))
    const saved = await cli(['run', '--results', 'results.json', '-t', 'p95: +50%', '-n', 'api', '--save-baseline'], dir)
    assert.equal(saved.code, 0, saved.stderr)
  }
  git(dir, 'add', '-A')
  git(dir, 'commit', '-q', '--allow-empty', '-m', 'later')
  const history = join(dir, '.perf-gate/api/history')
  return {
    dir,
    shas,
    files: readdirSync(history)
      .sort()
      .map((file) => join('.perf-gate/api/history', file))
  }
}

describe('baseline promote of a stored run', () => {
  test('a stored record file is pinned with its own results and commit, not HEAD', async () => {
    const { dir, shas, files } = await storeTwoRuns()
    const promoted = await cli(['baseline', 'promote', files[0]!, '--as', 'good', '-n', 'api', '-t', 'p95: +50%'], dir)
    assert.equal(promoted.code, 0, promoted.stderr)
    assert.match(promoted.stderr, new RegExp(`Promoting stored run \\S+ \\(commit ${shas[0]!.slice(0, 7)}, saved `))
    const record = pinned(dir, 'good')
    const original = JSON.parse(readFileSync(join(dir, files[0]!), 'utf8')) as BaselineRecord
    assert.equal(promoted.stdout.split('\n')[0], record.id)
    assert.deepEqual([record.name, record.gate, record.source.sha, record.source.ref], ['good', 'api', shas[0], original.source.ref])
    assert.deepEqual(record.results.scenarios, original.results.scenarios)

    // The pinned baseline is what a run against it compares with: the 10 ms run, not the newest 12 ms one.
    const against = await cli(['run', '--results', 'results.json', '-t', 'p95: +10%', '-n', 'api', '--baseline', 'good', '--json', '-'], dir)
    assert.equal(against.code, 1, 'the 12 ms results are 20% slower than the pinned 10 ms run')
  })

  test('latest, an id or a commit names a stored run as report --baseline does', async () => {
    const { dir, shas, files } = await storeTwoRuns()
    for (const [argument, sha] of [
      ['latest', shas[1]],
      [shas[0]!.slice(0, 7), shas[0]],
      [files[1]!.replace(/^.*\/|\.json$/g, ''), shas[1]]
    ] as const) {
      const promoted = await cli(['baseline', 'promote', argument, '--as', 'release', '-n', 'api', '-t', 'p95: +50%'], dir)
      assert.equal(promoted.code, 0, `${argument}: ${promoted.stderr}`)
      assert.equal(pinned(dir, 'release').source.sha, sha, argument)
    }
    const unknown = await cli(['baseline', 'promote', 'release-9', '--as', 'release', '-n', 'api'], dir)
    assert.equal(unknown.code, 3)
    assert.match(unknown.stderr, /baseline promote: "release-9" is neither a file nor a stored run of gate "api": no baseline "release-9" for gate "api"/)
    for (const missing of ['results/bench.json', 'bench.json']) {
      const file = await cli(['baseline', 'promote', missing, '-n', 'api'], dir)
      assert.equal(file.code, 3)
      assert.equal(file.stderr, `perf-gate: baseline promote: ${missing} does not exist\n`)
    }
  })

  test('a record of another gate is refused, naming both gates', async () => {
    const { dir, files } = await storeTwoRuns()
    const refused = await cli(['baseline', 'promote', files[0]!, '--as', 'good'], dir)
    assert.equal(refused.code, 3)
    assert.match(refused.stderr, /is a baseline of gate "api", not of gate "default"; give -n api/)
    assert.deepEqual(readdirSync(join(dir, '.perf-gate')), ['api'], 'nothing was saved for gate "default"')
  })
})
