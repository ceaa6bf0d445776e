/** A report where results are expected, or results where a report is: one line that says which it is, exit 3. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runCliInProcess } from '../support/cli-in-process.js'
import { around, resultsWith } from '../support/results-builder.js'
import { scratchDir } from '../support/spawn-dist.js'

test('results given to report, and a report given as results, are named for what they are', async () => {
  const dir = scratchDir()
  writeFileSync(join(dir, 'results.json'), JSON.stringify(resultsWith({ parse: { p95: { values: around(10, 5), unit: 'ms' } } })))
  const compared = await runCliInProcess(
    ['compare', '--baseline', 'results.json', '--current', 'results.json', '--thresholds', 'p95: +10%', '--json', 'report.json'],
    dir
  )
  assert.equal(compared.code, 0, compared.stderr)

  const rendered = await runCliInProcess(['report', 'results.json', '--html', 'out.html'], dir)
  assert.equal(rendered.code, 3)
  assert.match(rendered.stderr, /^perf-gate: report results\.json is a results file, not a report: compare it/)

  const promoted = await runCliInProcess(['baseline', 'promote', 'report.json'], dir)
  assert.equal(promoted.code, 3)
  assert.match(promoted.stderr, /report\.json is a perf-gate report \(written by --json\), not results/)
  assert.doesNotMatch(promoted.stderr, /unknown key/, 'one line, not a key-by-key schema dump')
})
