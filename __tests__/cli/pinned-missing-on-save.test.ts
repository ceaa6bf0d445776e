/**
 * A pinned baseline asked for by name that the store does not hold is a typo, not a first run: the CLI refuses before
 * measuring anything (exit 3), names the pinned baselines there are, and saves nothing.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runCliInProcess } from '../support/cli-in-process.js'
import { scratchDir } from '../support/spawn-dist.js'

test('--baseline naming a missing pinned baseline: exit 3 before the suite runs, the pinned names listed, nothing saved', async () => {
  const dir = scratchDir()
  writeFileSync(
    join(dir, 'b.mjs'),
    `import { writeFileSync } from 'node:fs'; writeFileSync('ran', ''); console.log(JSON.stringify({ results: [{ command: 'sum', mean: 0.01, times: [0.01, 0.0101, 0.0099] }] }))`
  )
  writeFileSync(join(dir, 'r.json'), JSON.stringify({ results: [{ command: 'sum', mean: 0.01, times: [0.01, 0.0101, 0.0099] }] }))
  const args = ['run', '--command', 'node b.mjs', '--format', 'hyperfine', '--save-baseline', '--no-color']
  const first = await runCliInProcess(args, dir)
  assert.equal(first.code, 0, first.stderr)
  assert.match(first.stdout, /FIRST BASELINE SAVED/)
  const promoted = await runCliInProcess(['baseline', 'promote', 'r.json', '--as', 'release-1.4'], dir)
  assert.equal(promoted.code, 0, promoted.stderr)
  const saved = readdirSync(join(dir, '.perf-gate/default/history'))

  rmSync(join(dir, 'ran'))
  const typo = await runCliInProcess([...args, '--baseline', 'release-14', '--json', 'out.json'], dir)
  assert.equal(typo.code, 3, typo.stderr)
  assert.ok(!existsSync(join(dir, 'ran')), 'refused before the suite ran')
  assert.match(
    typo.stderr,
    /pinned baseline "release-14" does not exist in the file store at \.perf-gate \(pinned for gate "default": release-1\.4\)\. Pin it first: .*perf-gate baseline promote --as release-14/
  )
  assert.deepEqual(readdirSync(join(dir, '.perf-gate/default/history')), saved, 'nothing saved')
  assert.match(readFileSync(join(dir, 'out.json'), 'utf8'), /"verdict": "error"/, 'the JSON says why')

  // The name that exists is compared with.
  const pinned = await runCliInProcess(['run', '--command', 'node b.mjs', '--format', 'hyperfine', '--baseline', 'release-1.4', '--no-color'], dir)
  assert.equal(pinned.code, 0, pinned.stderr)
  assert.match(pinned.stdout, /pinned "release-1\.4"|release-1\.4/)
  assert.ok(existsSync(join(dir, 'ran')))
})
