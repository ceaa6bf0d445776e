/** A mistyped option names the option it was probably meant to be, and exits 3 before anything runs. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { runCliInProcess } from '../support/cli-in-process.js'
import { scratchDir } from '../support/spawn-dist.js'

test('an unknown option near a known one says which one it was probably meant to be', async () => {
  const dir = scratchDir()
  const cases: [string[], string][] = [
    [
      ['compare', '--baseline', 'b.json', '--current', 'c.json', '--threshold', 'p95: +10%'],
      `Unknown option '--threshold' (did you mean "--thresholds"?); see --help`
    ],
    [['compare', '--Strict'], `Unknown option '--Strict' (did you mean "--strict"?); see --help`],
    [['run', '--trial', '3'], `Unknown option '--trial' (did you mean "--trials"?); see --help`]
  ]
  for (const [args, message] of cases) {
    const run = await runCliInProcess(args, dir)
    assert.equal(run.code, 3, run.stderr)
    assert.equal(run.stderr.trim(), `perf-gate: ${message}`)
  }
  // Nothing near: no guess.
  const far = await runCliInProcess(['compare', '--zzz'], dir)
  assert.equal(far.code, 3)
  assert.equal(far.stderr.trim(), "perf-gate: Unknown option '--zzz'; see --help")
})

test('every command takes --no-color, whether or not it prints colour', async () => {
  const dir = scratchDir()
  for (const command of [['list'], ['history'], ['report', 'r.json'], ['baseline', 'list'], ['compare', 'a.json', 'b.json'], ['demo-server', '--help']]) {
    const run = await runCliInProcess([...command, '--no-color'], dir)
    assert.doesNotMatch(run.stderr, /Unknown option/, `${command.join(' ')}: ${run.stderr}`)
  }
})
