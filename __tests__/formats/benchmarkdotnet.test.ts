/** BenchmarkDotNet JSON reports (issue 20), on real public reports (see __tests__/fixtures/SOURCES). */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { InputError, RunError } from '../../src/errors.js'
import { parseResultsText } from '../../src/formats/registry.js'
import { assertParseError, FIXTURES_DIR, fixtureText, parseChecked, scenarioNamed, trialValues } from '../support/format-fixtures.js'

const gzFixture = (name: string): string => gunzipSync(readFileSync(join(FIXTURES_DIR, name))).toString('utf8')

interface Measurement {
  IterationMode: string
  IterationStage: string
  Operations: number
  Nanoseconds: number
}

describe('BenchmarkDotNet *-report-full.json (0.14.0, real run)', () => {
  const text = fixtureText('benchmarkdotnet-report-full.json')
  const raw = JSON.parse(text)

  test('one scenario per benchmark by FullName; every Workload/Result measurement is a trial of ns per operation', () => {
    const results = parseChecked(text, 'benchmarkdotnet')
    assert.deepEqual(
      results.scenarios.map((s) => s.name),
      ['Benchmark.StringConcat', 'Benchmark.StringJoin']
    )
    raw.Benchmarks.forEach((benchmark: { FullName: string; Statistics: { N: number; Mean: number }; Measurements: Measurement[] }) => {
      const scenario = scenarioNamed(results, benchmark.FullName)
      const expected = benchmark.Measurements.filter((m) => m.IterationMode === 'Workload' && m.IterationStage === 'Result').map(
        (m) => m.Nanoseconds / m.Operations
      )
      assert.deepEqual(trialValues(scenario, 'time'), expected)
      // The trials are what BenchmarkDotNet's own statistics were computed from: same count, same mean.
      assert.equal(scenario.trials.length, benchmark.Statistics.N)
      const mean = expected.reduce((a, b) => a + b, 0) / expected.length
      assert.ok(Math.abs(mean / benchmark.Statistics.Mean - 1) < 1e-12, `${mean} vs ${benchmark.Statistics.Mean}`)
      assert.equal(scenario.trials[0]!.metrics.time!.unit, 'ns')
      assert.equal(scenario.trials[0]!.metrics.time!.direction, 'lower')
      assert.deepEqual(scenario.labels, { job: 'DefaultJob' })
    })
  })

  test('allocations and GC counts are measured once: in the first trial only, with their units and directions', () => {
    const scenario = parseChecked(text, 'benchmarkdotnet').scenarios[0]!
    assert.deepEqual(scenario.trials[0]!.metrics.bytes, { value: raw.Benchmarks[0].Memory.BytesAllocatedPerOperation, unit: 'B', direction: 'lower' })
    assert.equal(
      scenario.trials[0]!.metrics.gen0!.value,
      raw.Benchmarks[0].Metrics.find((m: { Descriptor: { Id: string } }) => m.Descriptor.Id === 'Gen0Collects').Value
    )
    assert.ok(scenario.trials.slice(1).every((trial) => Object.keys(trial.metrics).join() === 'time'))
  })

  test('the host is the environment (OS, architecture, CPU, cores), BenchmarkDotNet the producer version', () => {
    const results = parseChecked(text, 'benchmarkdotnet')
    assert.deepEqual(results.environment, { os: 'win32', arch: 'x64', cpuModel: 'AMD Ryzen 5 3600X', cores: 12 })
    assert.equal(results.producer?.version, '0.14.0')
  })

  test('Operations of 0 is refused naming the measurement', () => {
    const doc = JSON.parse(text)
    const index = doc.Benchmarks[0].Measurements.findIndex((m: Measurement) => m.IterationStage === 'Result')
    doc.Benchmarks[0].Measurements[index].Operations = 0
    assertParseError(
      JSON.stringify(doc),
      'benchmarkdotnet',
      'r.json',
      new RegExp(`^r\\.json: /Benchmarks/0/Measurements/${index}/Operations: expected a positive number, got 0$`),
      InputError
    )
  })
})

describe('BenchmarkDotNet reports of other shapes (real runs)', () => {
  test('one benchmark under two jobs (.NET 8.0 and 9.0): the job is appended to the name and kept as a label', () => {
    const text = gzFixture('benchmarkdotnet-jobs-report-full-compressed.json.gz')
    const results = parseChecked(text, 'benchmarkdotnet')
    assert.equal(results.scenarios.length, 6)
    const net8 = scenarioNamed(results, 'DotNetBenchmarks.IndexOfAnyBenchmarks.IndexOfAny_String [.NET 8.0]')
    const net9 = scenarioNamed(results, 'DotNetBenchmarks.IndexOfAnyBenchmarks.IndexOfAny_String [.NET 9.0]')
    assert.deepEqual(net8.labels, { job: '.NET 8.0' })
    const raw = JSON.parse(text).Benchmarks
    assert.equal(net8.trials.length, raw[0].Statistics.N)
    assert.equal(net9.trials.length, raw[3].Statistics.N)
  })

  test('a report without measurements (-brief) gives a trial per Statistics.OriginalValues value (ns per operation)', () => {
    const text = fixtureText('benchmarkdotnet-report-brief.json')
    const [benchmark] = JSON.parse(text).Benchmarks
    const scenario = parseChecked(text, 'benchmarkdotnet').scenarios[0]!
    assert.equal(scenario.trials.length, benchmark.Statistics.N)
    assert.deepEqual(trialValues(scenario, 'time'), benchmark.Statistics.OriginalValues)
    assert.equal(scenario.trials[0]!.metrics.time!.unit, 'ns')
    const mean = trialValues(scenario, 'time').reduce((sum, value) => sum + value, 0) / benchmark.Statistics.N
    assert.ok(Math.abs(mean - benchmark.Statistics.Mean) < 1e-6 * benchmark.Statistics.Mean, "the trials average to the report's Mean")
    assert.equal(scenario.trials[0]!.metrics.bytes!.value, benchmark.Memory.BytesAllocatedPerOperation)
  })

  test("a full report's OriginalValues are its Workload/Result measurements, which stay the trials", () => {
    const text = fixtureText('benchmarkdotnet-report-full.json')
    const [benchmark] = JSON.parse(text).Benchmarks
    const scenario = parseChecked(text, 'benchmarkdotnet').scenarios[0]!
    assert.deepEqual(trialValues(scenario, 'time'), benchmark.Statistics.OriginalValues)
  })

  test('a report with neither measurements nor OriginalValues is one trial of its statistics: time (Mean), median, min, max, stdev, p90, p95', () => {
    const data = JSON.parse(fixtureText('benchmarkdotnet-report-brief.json'))
    const statistics = data.Benchmarks[0].Statistics
    delete statistics.OriginalValues
    const [trial] = parseChecked(JSON.stringify(data), 'benchmarkdotnet').scenarios[0]!.trials
    assert.deepEqual(Object.fromEntries(Object.entries(trial!.metrics).map(([name, metric]) => [name, metric.value])), {
      time: statistics.Mean,
      median: statistics.Median,
      min: statistics.Min,
      max: statistics.Max,
      stdev: statistics.StandardDeviation,
      p90: statistics.Percentiles.P90,
      p95: statistics.Percentiles.P95,
      bytes: data.Benchmarks[0].Memory.BytesAllocatedPerOperation
    })
  })

  test('allocations that were not measured (GcStats.Empty: no operations) are not 0 B', () => {
    const data = JSON.parse(fixtureText('benchmarkdotnet-report-brief.json'))
    data.Benchmarks[0].Memory = { Gen0Collections: 0, Gen1Collections: 0, Gen2Collections: 0, TotalOperations: 0, BytesAllocatedPerOperation: 0 }
    const [trial] = parseChecked(JSON.stringify(data), 'benchmarkdotnet').scenarios[0]!.trials
    assert.equal(trial!.metrics.bytes, undefined)
    assert.ok(trial!.metrics.time, 'the timing is kept')
  })

  test('an older report (0.12.1, macOS) reads the same way', () => {
    const results = parseChecked(fixtureText('benchmarkdotnet-0.12-github-action-benchmark.json'), 'benchmarkdotnet')
    assert.deepEqual(
      results.scenarios.map((s) => s.name),
      ['Sample.Benchmarks.Fib10', 'Sample.Benchmarks.Fib20']
    )
    assert.equal(results.environment?.os, 'darwin')
    assert.equal(results.producer?.version, '0.12.1')
  })

  test('a benchmark BenchmarkDotNet could not run (Statistics null) is a run failure naming it', () => {
    assertParseError(
      gzFixture('benchmarkdotnet-failing-report-full-compressed.json.gz'),
      'auto',
      'r.json',
      /^r\.json: \/Benchmarks\/2: benchmark "TodoApp\.OpenApiBenchmarks\.Swashbuckle" has no results \(Statistics is null\)/,
      RunError
    )
  })

  test('under auto, a cut-off report is called truncated; one without its host block is named as a near miss', () => {
    const text = fixtureText('benchmarkdotnet-report-full.json')
    assertParseError(text.slice(0, 20_000), 'auto', 'r.json', /^r\.json:\d+:\d+: the JSON ends before it is complete; the file looks truncated$/, InputError)
    const doc = JSON.parse(text)
    delete doc.HostEnvironmentInfo
    assertParseError(JSON.stringify(doc), 'auto', 'r.json', /cannot tell which format .*benchmarkdotnet reads it \(set format: benchmarkdotnet\)/, InputError)
    assert.equal(parseResultsText(JSON.stringify(doc), 'benchmarkdotnet', 'r.json').scenarios.length, 2)
  })
})
