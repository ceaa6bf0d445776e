/** The bundled CLI with `--compare-to base-commit` whose base checkout cannot run: exit 2 with the reason, no fallback. */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runCliEntry, scratchDir } from '../support/spawn-dist.js'

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', ...args], { cwd, encoding: 'utf8' }).trim()
}

describe('perf-gate run --compare-to base-commit', () => {
  test('a base checkout that cannot run (its dependencies are not installed) exits 2 with its error and what to set', async () => {
    const repo = scratchDir()
    git(repo, 'init', '-q')
    // A dependency installed in the workspace but not committed: a fresh checkout of the base cannot import it.
    mkdirSync(join(repo, 'node_modules/fastlib'), { recursive: true })
    writeFileSync(join(repo, 'node_modules/fastlib/package.json'), '{"name":"fastlib","type":"module","main":"index.js"}')
    writeFileSync(join(repo, 'node_modules/fastlib/index.js'), 'export const factor = () => 1\n')
    writeFileSync(join(repo, '.gitignore'), 'node_modules\n.perf-gate\nresults.json\n')
    writeFileSync(
      join(repo, 'bench.mjs'),
      `import { factor } from 'fastlib'
import { readFileSync, writeFileSync } from 'node:fs'
const work = Number(readFileSync('work.txt', 'utf8'))
const trials = [0.99, 1.01, 1].map((w) => ({ metrics: { mean: { value: work * 100 * w * factor(), unit: 'us', direction: 'lower' } } }))
writeFileSync('results.json', JSON.stringify({ schemaVersion: 1, scenarios: [{ name: 'parse', trials }] }))
`
    )
    writeFileSync(join(repo, 'work.txt'), '1')
    git(repo, 'add', '.')
    git(repo, 'commit', '-qm', 'base')
    writeFileSync(join(repo, 'work.txt'), '1.3')
    git(repo, 'commit', '-qam', 'head')
    const run = await runCliEntry(
      [
        'run',
        '--command',
        'node bench.mjs',
        '--results',
        'results.json',
        '--thresholds',
        'mean: +10%',
        '--compare-to',
        'base-commit',
        '--base',
        'HEAD~1',
        '--json',
        'report.json'
      ],
      repo
    )
    assert.equal(run.exitCode, 2, run.stderr)
    assert.match(run.stderr, /compare-to base-commit: the same-runner A\/B against [0-9a-f]{7} could not run: suite "command" failed/)
    assert.match(run.stderr, /Cannot find package 'fastlib'/, "the base run's error tail")
    assert.match(run.stderr, /set `build:` \(CLI --build, Action input build\)/)
    assert.doesNotMatch(run.stdout, /PASS|improved/, 'no verdict from the stored comparison')
    assert.doesNotMatch(git(repo, 'worktree', 'list'), /perf-gate-base/, 'the base checkout is removed')
    assert.ok(
      !existsSync(join(repo, '.perf-gate')) ||
        !execFileSync('ls', [join(repo, '.perf-gate')])
          .toString()
          .trim(),
      'no baseline written'
    )
  })
})
