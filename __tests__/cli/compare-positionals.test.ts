/** `compare old.json new.json`, as benchstat and diff take two files, gives the same report as the flags. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runCliInProcess } from '../support/cli-in-process.js'
import { scratchDir } from '../support/spawn-dist.js'

function hyperfineFile(dir: string, name: string, seconds: number[]): void {
  const results = [{ command: 'sleep 0.01', mean: seconds[0], times: seconds }]
  writeFileSync(join(dir, name), JSON.stringify({ results }))
}

test('compare takes the baseline and current files in that order, or by flags, never three', async () => {
  const dir = scratchDir()
  hyperfineFile(dir, 'old.json', [0.0101, 0.0102, 0.01, 0.0103, 0.0101])
  hyperfineFile(dir, 'new.json', [0.0151, 0.0152, 0.015, 0.0153, 0.0151])
  const byOrder = await runCliInProcess(['compare', 'old.json', 'new.json', '--no-color'], dir)
  const byFlags = await runCliInProcess(['compare', '--baseline', 'old.json', '--current', 'new.json', '--no-color'], dir)
  assert.equal(byOrder.code, 1, byOrder.stderr)
  assert.match(byOrder.stdout, /sleep 0\.01\s+time\s+10\.1 ms \(5×\)\s+15\.1 ms \(5×\)\s+\+49\.\d%/)
  assert.equal(byOrder.stdout.replace(/saved .* ago/, ''), byFlags.stdout.replace(/saved .* ago/, ''))
  // One side by flag, the other by position.
  const mixed = await runCliInProcess(['compare', '--current', 'new.json', 'old.json', '--no-color'], dir)
  assert.equal(mixed.code, 1, mixed.stderr)
  assert.match(mixed.stdout, /10\.1 ms \(5×\)\s+15\.1 ms \(5×\)/)

  const three = await runCliInProcess(['compare', 'old.json', 'new.json', 'extra.json'], dir)
  assert.equal(three.code, 3)
  assert.match(three.stderr, /Unexpected argument 'extra\.json': compare takes a baseline and a current file/)
  const one = await runCliInProcess(['compare', 'old.json'], dir)
  assert.equal(one.code, 3)
  assert.match(one.stderr, /compare needs both --baseline <file> and --current <file> \(or the two files in that order\)/)
})
