/**
 * Scale through the bundled CLI: 100,000 scenarios (200,000 metric rows) complete, the record they make is written
 * compressed and read back, the comment stays within GitHub's limit; a save that was asked for and fails exits 2.
 */
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { COMMENT_BODY_LIMIT_CHARS } from '../../src/github/publish-comment.js'
import { renderMarkdownReport } from '../../src/report/markdown.js'
import type { GateReport } from '../../src/report/report-model.js'
import { runCliEntry, scratchDir } from '../support/spawn-dist.js'
import { resultsWith } from '../support/results-builder.js'

const SCENARIOS = 100_000

function manyScenarios(): string {
  const scenarios = Array.from({ length: SCENARIOS }, (_, index) => ({
    name: `bench/${index}`,
    trials: [{ metrics: { time: { value: 100 + (index % 7), unit: 'ns', direction: 'lower' }, allocs: { value: 3, unit: 'count', direction: 'lower' } } }]
  }))
  return JSON.stringify({ schemaVersion: 1, scenarios })
}

describe('scale', () => {
  test('100,000 scenarios: the run completes, every row is listed, the saved record is gzip and reads back, the comment is truncated', async () => {
    const dir = scratchDir()
    writeFileSync(join(dir, 'big.json'), manyScenarios())
    const run = await runCliEntry(['run', '--results', 'big.json', '--save-baseline', '--json', 'report.json'], dir, {}, 300_000)
    assert.equal(run.exitCode, 0, run.stderr.slice(-2000))
    // No baseline yet: every one of the 200,000 rows is notable, so the terminal table lists them all.
    assert.match(run.stdout, /bench\/99999\s+allocs/)
    const history = join(dir, '.perf-gate/default/history')
    const [file] = readdirSync(history)
    assert.deepEqual([...readFileSync(join(history, file!)).subarray(0, 2)], [0x1f, 0x8b], 'a large record is written gzip-compressed')
    const listed = await runCliEntry(['baseline', 'list'], dir, {}, 120_000)
    assert.equal(listed.exitCode, 0, listed.stderr)
    assert.match(listed.stdout, new RegExp(`${SCENARIOS} scenario\\(s\\)`))
    // The PR comment of such a report (as the Action renders it) stays within GitHub's limit and says it is cut.
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as GateReport
    const comment = renderMarkdownReport(report, { maxChars: COMMENT_BODY_LIMIT_CHARS, fullReportHint: 'the job summary' })
    assert.ok(comment.length <= COMMENT_BODY_LIMIT_CHARS, `${comment.length} chars`)
    assert.match(comment, /the job summary/)
  })

  test('--save-baseline that cannot save exits 2 and says why', async () => {
    const dir = scratchDir()
    writeFileSync(join(dir, 'results.json'), JSON.stringify(resultsWith({ s: { p95: { values: [1, 2, 3], unit: 'ms' } } })))
    // The store's directory is taken by a file: the save fails.
    writeFileSync(join(dir, 'blocked'), 'not a directory')
    const run = await runCliEntry(['run', '--results', 'results.json', '--baseline-dir', 'blocked', '--save-baseline'], dir)
    assert.equal(run.exitCode, 2, run.stdout + run.stderr)
    assert.match(run.stderr, /asked for and not saved, so the run fails \(exit 2\)/)
    const promote = await runCliEntry(['baseline', 'promote', 'results.json', '--baseline-dir', 'blocked'], dir)
    assert.equal(promote.exitCode, 2, promote.stdout + promote.stderr)
  })
})
