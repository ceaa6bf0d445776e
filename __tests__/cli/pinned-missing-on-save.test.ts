/** A pinned baseline that does not exist is warned about on a run that saves too, and never called the first baseline. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runCliInProcess } from '../support/cli-in-process.js'
import { scratchDir } from '../support/spawn-dist.js'

test('--baseline naming a missing pinned baseline on a saving run: a warning, "no baseline", not "first baseline saved"', async () => {
  const dir = scratchDir()
  writeFileSync(join(dir, 'b.mjs'), `console.log(JSON.stringify({ results: [{ command: 'sum', mean: 0.01, times: [0.01, 0.0101, 0.0099] }] }))`)
  const args = ['run', '--command', 'node b.mjs', '--format', 'hyperfine', '--save-baseline', '--no-color']
  const first = await runCliInProcess(args, dir)
  assert.equal(first.code, 0, first.stderr)
  assert.match(first.stdout, /FIRST BASELINE SAVED/)
  assert.doesNotMatch(first.stderr + first.stdout, /warning: Baseline/, 'a first save is how it should go')

  const typo = await runCliInProcess([...args, '--baseline', 'release-9'], dir)
  assert.equal(typo.code, 0, typo.stderr)
  assert.match(typo.stderr + typo.stdout, /warning: Baseline: pinned baseline "release-9" does not exist in file store at \.perf-gate/)
  assert.match(typo.stdout, /perf-gate · default: NO-BASELINE/)
  assert.doesNotMatch(typo.stdout, /FIRST BASELINE SAVED|recorded as the first baseline/)
})
