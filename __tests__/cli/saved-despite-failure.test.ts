/**
 * A run saved as a baseline although it failed its gate (an explicit --save-baseline, a push to the default branch)
 * becomes the reference later runs compare with: every report says so beside the save, not only a log line.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runCliInProcess } from '../support/cli-in-process.js'
import { scratchDir } from '../support/spawn-dist.js'

const hyperfine = (mean: number): string =>
  JSON.stringify({ results: [{ command: 'sum', mean, times: [mean, mean * 1.01, mean * 0.99, mean * 1.005, mean * 0.995] }] })

test('a failing or undecided run saved with --save-baseline says it becomes the reference, in the terminal and the Markdown', async () => {
  const dir = scratchDir()
  writeFileSync(join(dir, 'fast.json'), hyperfine(0.01))
  writeFileSync(join(dir, 'slow.json'), hyperfine(0.015))
  const args = ['run', '--format', 'hyperfine', '--save-baseline', '--no-color', '-t', 'time: +10%']
  const first = await runCliInProcess([...args, '--results', 'fast.json'], dir)
  assert.equal(first.code, 0, first.stderr)

  const steady = await runCliInProcess([...args, '--results', 'fast.json'], dir)
  assert.equal(steady.code, 0, steady.stderr)
  assert.match(steady.stdout, /^saved as a baseline \(\S+\)$/m, 'a passing save is one plain line')

  const slower = await runCliInProcess([...args, '--results', 'slow.json', '--markdown', 'comment.md'], dir)
  assert.equal(slower.code, 1, slower.stderr)
  assert.match(
    slower.stdout,
    /^! saved as a baseline \(\S+\) although it failed \(1 regression\(s\)\): later runs are compared with it, so what it measured becomes the reference$/m
  )
  assert.match(readFileSync(join(dir, 'comment.md'), 'utf8'), /💾 This run is saved as a baseline \(`\S+`\) although it failed \(1 regression\(s\)\)/)

  // Too noisy to decide, and saved all the same: an undecided slowdown becomes the reference as much as a decided one.
  writeFileSync(join(dir, 'noisy.json'), JSON.stringify({ results: [{ command: 'sum', mean: 0.0164, times: [0.016, 0.024, 0.0135, 0.033, 0.0165] }] }))
  const noisy = await runCliInProcess([...args, '--results', 'noisy.json'], dir)
  assert.equal(noisy.code, 0, noisy.stderr)
  assert.match(noisy.stdout, /INCONCLUSIVE/)
  assert.match(
    noisy.stdout,
    /^! saved as a baseline \(\S+\) with 1 metric\(s\) undecided: if they did get worse, later runs are compared with it all the same$/m
  )
})
