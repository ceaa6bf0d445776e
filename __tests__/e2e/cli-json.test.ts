/** JSON for agents and later steps, through the bundled CLI: `--json -`, the per-scenario summary, JSON on failure. */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runCliEntry, scratchDir } from '../support/spawn-dist.js'
import { around, resultsWith } from '../support/results-builder.js'

const baseline = resultsWith({
  'GET /users': { p50: { values: around(8, 5), unit: 'ms' }, p95: { values: around(10, 5), unit: 'ms' }, errors: { values: [0, 0, 0, 0, 0], unit: '%' } }
})
const slower = resultsWith({
  'GET /users': { p50: { values: around(12, 5), unit: 'ms' }, p95: { values: around(15, 5), unit: 'ms' }, errors: { values: [2, 2, 2, 2, 2], unit: '%' } }
})

describe('JSON for agents', () => {
  test('--json - writes the report to standard output (the table goes to stderr), with hasRegressions and a summary per scenario', async () => {
    const dir = scratchDir()
    writeFileSync(join(dir, 'base.json'), JSON.stringify(baseline))
    writeFileSync(join(dir, 'current.json'), JSON.stringify(slower))
    const run = await runCliEntry(['compare', '--baseline', 'base.json', '--current', 'current.json', '--thresholds', 'p95: +20%', '--json', '-'], dir)
    assert.equal(run.exitCode, 1, run.stderr)
    const report = JSON.parse(run.stdout)
    assert.equal(report.hasRegressions, true)
    assert.match(run.stderr, /GET \/users\s+p95/, 'the terminal table is on stderr')
    const [summary] = report.scenarios
    assert.equal(summary.scenario, 'GET /users')
    assert.equal(summary.trials, 5)
    assert.deepEqual(summary.median, { value: 12, unit: 'ms' })
    assert.deepEqual(summary.p95, { value: 15, unit: 'ms' })
    assert.deepEqual(summary.successRate, { value: 98, unit: '%' })
  })

  test('a run that fails still writes JSON: the error, its exit code, and the suites measured before it', async () => {
    const dir = scratchDir()
    writeFileSync(join(dir, 'ok.json'), JSON.stringify(baseline))
    writeFileSync(
      join(dir, 'perf-gate.yml'),
      [
        'suites:',
        '  - name: first',
        '    command: cat ok.json',
        '    format: perf-gate',
        '  - name: second',
        '    command: echo boom >&2; exit 4',
        'thresholds:',
        '  p95: +20%',
        ''
      ].join('\n')
    )
    const run = await runCliEntry(['run', '--config', 'perf-gate.yml', '--json', 'out/report.json'], dir)
    assert.equal(run.exitCode, 2, run.stderr)
    const report = JSON.parse(readFileSync(join(dir, 'out/report.json'), 'utf8'))
    assert.equal(report.verdict, 'error')
    assert.equal(report.hasRegressions, false)
    assert.equal(report.error.exitCode, 2)
    assert.equal(report.error.kind, 'run failed')
    assert.match(report.error.message, /suite "second" failed/)
    assert.deepEqual(
      report.scenarios.map((s: { scenario: string; suite: string }) => `${s.suite}:${s.scenario}`),
      ['first:GET /users']
    )
  })

  test('a configuration error with --json - still prints a JSON document (exit 3)', async () => {
    const dir = scratchDir()
    writeFileSync(join(dir, 'perf-gate.yml'), 'suites: 3\n')
    const run = await runCliEntry(['run', '--config', 'perf-gate.yml', '--json', '-'], dir)
    assert.equal(run.exitCode, 3)
    const report = JSON.parse(run.stdout)
    assert.equal(report.error.kind, 'configuration error')
    assert.match(report.error.message, /perf-gate\.yml/)
  })

  test('compare writes its JSON on failure too: a tool that reported a failure (exit 2), a file that is not results (exit 3)', async () => {
    const dir = scratchDir()
    writeFileSync(join(dir, 'base.txt'), 'BenchmarkParse-8   \t 1000000\t      1052 ns/op\nPASS\nok  \texample.com/p\t1.2s\n')
    writeFileSync(join(dir, 'failed.txt'), '--- FAIL: BenchmarkBad\n    bad_test.go:9: boom\nFAIL\nexit status 1\nFAIL\texample.com/p\t0.01s\n')
    writeFileSync(join(dir, 'empty.json'), '')
    const failed = await runCliEntry(['compare', '--baseline', 'base.txt', '--current', 'failed.txt', '--format', 'go', '--json', 'report.json'], dir)
    assert.equal(failed.exitCode, 2, failed.stderr)
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'))
    assert.equal(report.verdict, 'error')
    assert.equal(report.error.exitCode, 2)
    assert.match(report.error.message, /failed\.txt.*BenchmarkBad/)
    const empty = await runCliEntry(['compare', '--baseline', 'empty.json', '--current', 'base.txt', '--json', '-'], dir)
    assert.equal(empty.exitCode, 3)
    assert.equal(JSON.parse(empty.stdout).error.kind, 'configuration error')
  })
})
