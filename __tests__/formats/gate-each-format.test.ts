/** Each format gated end to end through the CLI's `compare` command (in-process), as a user would run it. */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { runCli } from '../../src/cli.js'
import { schemaProblems } from '../../src/schemas.js'
import { fixtureText } from '../support/format-fixtures.js'

interface GateRun {
  exitCode: number
  output: string
  reportProblems: string[]
  report: { verdict: string; metrics: Array<{ scenario: string; metric: string; status: string }> }
}

function sink(chunks: string[]): Writable {
  return new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk))
      done()
    }
  })
}

async function compare(baselineText: string, currentText: string, fileName: string, format: string, thresholds: string): Promise<GateRun> {
  const dir = mkdtempSync(join(tmpdir(), 'perf-gate-formats-'))
  // The baseline under the same file name: text formats such as hey may name their scenario after the file.
  mkdirSync(join(dir, 'base'))
  writeFileSync(join(dir, 'base', fileName), baselineText)
  writeFileSync(join(dir, fileName), currentText)
  const chunks: string[] = []
  const exitCode = await runCli(
    [
      'compare',
      '--baseline',
      join('base', fileName),
      '--current',
      fileName,
      '--format',
      format,
      '--thresholds',
      thresholds,
      '--json',
      'report.json',
      '--no-color'
    ],
    { stdout: sink(chunks), stderr: sink(chunks), cwd: dir, env: {} }
  )
  const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'))
  const reportProblems = schemaProblems('report', report).map((problem) => problem.message)
  return { exitCode, output: chunks.join(''), report, reportProblems }
}

/** Every committed fixture, the format it is in, and a metric that must appear in the report. */
const CASES: Array<[file: string, format: string, metric: string]> = [
  ['autocannon-3-runs.ndjson', 'autocannon', 'p99'],
  ['k6-summary-export.json', 'k6', 'p95'],
  ['locust_stats.csv', 'locust', 'p95'],
  ['hey.txt', 'hey', 'p95'],
  ['hey.csv', 'hey', 'p95'],
  ['wrk-3-runs.txt', 'wrk', 'rps'],
  ['artillery-report.json', 'artillery', 'p95'],
  ['hyperfine.json', 'hyperfine', 'time'],
  ['pytest-benchmark.json', 'pytest-benchmark', 'time'],
  ['go-bench.txt', 'go', 'allocs'],
  ['google-benchmark-repetitions.json', 'google-benchmark', 'time'],
  ['cargo-criterion.ndjson', 'criterion', 'time'],
  ['jmh.json', 'jmh', 'time'],
  ['benchmarkjs.txt', 'benchmarkjs', 'ops'],
  ['tinybench-results.json', 'tinybench', 'p99'],
  ['vitest-bench.json', 'vitest', 'time'],
  ['bmf.json', 'bmf', 'time'],
  ['deno-bench.json', 'deno', 'time'],
  ['catch2-console.txt', 'catch2', 'time'],
  ['catch2.xml', 'catch2', 'time'],
  ['libtest-bench-3-runs.txt', 'libtest', 'time'],
  ['custom-smaller-is-better.json', 'custom-smaller-is-better', 'value'],
  ['custom-bigger-is-better.json', 'custom-bigger-is-better', 'value'],
  ['benchmarkdotnet-report-full.json', 'benchmarkdotnet', 'time'],
  ['julia-benchmarktools-trial.json', 'julia', 'time'],
  ['julia-benchmarktools-estimates.json', 'julia', 'time'],
  ['asv-results.json', 'asv', 'time']
]

describe('gating each format end to end (perf-gate compare --format)', () => {
  for (const [file, format, metric] of CASES) {
    test(`${format}: ${file} against itself passes and reports ${metric}`, async () => {
      const text = fixtureText(file)
      const run = await compare(text, text, file.split('/').pop()!, format, `${metric}: 20%`)
      assert.equal(run.exitCode, 0, run.output)
      assert.ok(
        run.report.metrics.some((m) => m.metric === metric),
        `no ${metric} in ${JSON.stringify(run.report.metrics.map((m) => m.metric))}`
      )
      assert.ok(run.report.metrics.every((m) => m.status !== 'fail'))
    })
  }

  // Zero-valued metrics (0 allocs/op, 0% errors, autocannon's 0 ms p50) are real measurements the parsers keep.
  test('reports of fixtures with zero-valued metrics validate against report.schema.json', async () => {
    for (const [file, format, metric] of CASES) {
      const text = fixtureText(file)
      const run = await compare(text, text, file.split('/').pop()!, format, `${metric}: 20%`)
      assert.deepEqual(run.reportProblems, [], `${format}: ${file}`)
    }
  })

  test('go: ns/op 50% slower over -count 3 fails the gate', async () => {
    const text = fixtureText('go-bench.txt')
    const slower = text.replace(/([\d.]+) ns\/op/g, (_, value: string) => `${(Number(value) * 1.5).toFixed(2)} ns/op`)
    const run = await compare(text, slower, 'go-bench.txt', 'go', 'time: 10%')
    assert.equal(run.exitCode, 1, run.output)
    assert.ok(run.report.metrics.some((m) => m.scenario === 'BenchmarkFib/n=15' && m.metric === 'time' && m.status === 'fail'))
  })

  test('hyperfine: every run 50% slower fails the gate', async () => {
    const text = fixtureText('hyperfine.json')
    const data = JSON.parse(text)
    for (const result of data.results) result.times = result.times.map((t: number) => t * 1.5)
    const run = await compare(text, JSON.stringify(data), 'hyperfine.json', 'hyperfine', 'time: 10%')
    assert.equal(run.exitCode, 1, run.output)
    assert.equal(run.report.verdict, 'fail')
  })

  test('BenchmarkDotNet: every workload measurement of one benchmark 25% slower fails that benchmark only', async () => {
    const text = fixtureText('benchmarkdotnet-report-full.json')
    const data = JSON.parse(text)
    for (const measurement of data.Benchmarks[1].Measurements) measurement.Nanoseconds *= 1.25
    const run = await compare(text, JSON.stringify(data), 'report-full.json', 'benchmarkdotnet', 'time: 10%')
    assert.equal(run.exitCode, 1, run.output)
    const time = run.report.metrics.filter((m) => m.metric === 'time')
    assert.deepEqual(
      time.map((m) => [m.scenario, m.status]),
      [
        ['Benchmark.StringConcat', 'pass'],
        ['Benchmark.StringJoin', 'fail']
      ]
    )
  })

  test('Julia BenchmarkTools: every sample of a Trial 30% slower fails the gate', async () => {
    const text = fixtureText('julia-benchmarktools-trial.json')
    const data = JSON.parse(text)
    data[1].data.mlogit[1].times = data[1].data.mlogit[1].times.map((t: number) => t * 1.3)
    const run = await compare(text, JSON.stringify(data), 'results.json', 'julia', 'time: 10%')
    assert.equal(run.exitCode, 1, run.output)
    assert.ok(run.report.metrics.some((m) => m.scenario === 'mlogit' && m.metric === 'time' && m.status === 'fail'))
  })

  test('asv without recorded samples: a 40% slower median is one value per side, inconclusive, never a pass', async () => {
    const text = fixtureText('asv-results.json')
    const data = JSON.parse(text)
    const result = data.result_columns.indexOf('result')
    const row = data.results['benchmark_datacatalog.TimeDataCatalog.time_load']
    row[result] = row[result].map((t: number) => t * 1.4)
    const run = await compare(text, JSON.stringify(data), 'results.json', 'asv', 'time: 10%')
    const slower = run.report.metrics.find((m) => m.scenario === 'benchmark_datacatalog.TimeDataCatalog.time_load' && m.metric === 'time')
    assert.equal(slower?.status, 'inconclusive', run.output)
    assert.notEqual(run.report.verdict, 'pass')
  })

  test('wrk: throughput halved over three runs fails the gate (higher is better)', async () => {
    const text = fixtureText('wrk-3-runs.txt')
    const slower = text.replace(/Requests\/sec:\s+([\d.]+)/g, (_, value: string) => `Requests/sec: ${(Number(value) / 2).toFixed(2)}`)
    const run = await compare(text, slower, 'wrk.txt', 'wrk', 'rps: 10%')
    assert.equal(run.exitCode, 1, run.output)
    assert.ok(run.report.metrics.some((m) => m.metric === 'rps' && m.status === 'fail'))
  })
})
