/**
 * The Action's log as a reviewer reads it: the suite's own output folded in a `::group::` titled by the step that
 * started it, perf-gate's lines outside; on failure the error (outside the fold) repeats the suite's last lines.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { bundleActionEntry, pushPayload, runActionEntry, scratchDir } from '../support/spawn-dist.js'

const entry = bundleActionEntry()

function suiteScript(ws: string, fail: boolean): void {
  writeFileSync(
    join(ws, 'suite.mjs'),
    `for (let i = 1; i <= 30; i++) console.error('suite line ' + i)
${fail ? "console.error('the last words'); process.exit(4)" : "console.log(JSON.stringify({ schemaVersion: 1, scenarios: [{ name: 'work', kind: 'benchmark', trials: [{ metrics: { time: { value: 1.5, unit: 'ms', direction: 'lower' } } }] }] }))"}
`
  )
}

test('a failing suite: its output inside one group, the error after the group repeating its last lines', async () => {
  const ws = scratchDir()
  suiteScript(ws, true)
  const run = await runActionEntry({ entry, workspace: ws, inputs: { command: 'node suite.mjs', format: 'perf-gate' }, event: 'push', payload: pushPayload() })
  assert.equal(run.exitCode, 2, run.stdout + run.stderr)
  const lines = run.stdout.split('\n')
  const start = lines.findIndex((line) => line.startsWith('::group::'))
  const end = lines.indexOf('::endgroup::')
  assert.ok(start >= 0 && end > start, run.stdout)
  assert.match(lines[start]!, /^::group::Output: Running suite ".*": node suite\.mjs$/)
  assert.deepEqual(lines.slice(start + 1, start + 3), ['suite line 1', 'suite line 2'])
  assert.equal(lines[end - 1], 'the last words')
  assert.equal(lines.filter((line) => line.startsWith('::group::')).length, 1, 'one fold for one suite run')
  const error = lines.findIndex((line) => line.startsWith('::error::'))
  assert.ok(error > end, 'the failure is written after the group closed, where it is seen unfolded')
  assert.match(run.stdout.slice(run.stdout.indexOf('::error::')), /the last words/)
})

test('a passing suite: the output folded, the verdict lines outside', async () => {
  const ws = scratchDir()
  suiteScript(ws, false)
  const run = await runActionEntry({
    entry,
    workspace: ws,
    inputs: { command: 'node suite.mjs', format: 'perf-gate', 'save-baseline': 'never' },
    event: 'push',
    payload: pushPayload()
  })
  assert.equal(run.exitCode, 0, run.stdout + run.stderr)
  const lines = run.stdout.split('\n')
  const end = lines.indexOf('::endgroup::')
  assert.ok(lines.findIndex((line) => line.startsWith('::group::Output: Running suite')) < end && end > 0, run.stdout)
  // A one-value tool is run several times (repeat): each run's output has a fold of its own.
  let folded = false
  for (const line of lines) {
    if (line.startsWith('::group::')) folded = true
    else if (line === '::endgroup::') folded = false
    else if (/^suite line/.test(line)) assert.ok(folded, `suite output outside a fold: ${line}`)
  }
  assert.equal(lines.filter((line) => line === '::endgroup::').length, lines.filter((line) => line.startsWith('::group::')).length, 'every group is closed')
})
