import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { InputError, RunError } from '../../src/errors.js'
import { assertParseError, fixtureText, needsShared, parseChecked, scenarioNamed, sharedFixtureText, trialValues } from '../support/format-fixtures.js'

describe('go test -bench', () => {
  test('-count repeats become trials; -benchmem, MB/s and custom metrics keep their units and directions', () => {
    const results = parseChecked(fixtureText('go-bench.txt'), 'go', 'go-bench.txt')
    assert.deepEqual(
      results.scenarios.map((s) => s.name),
      ['BenchmarkFib/n=10', 'BenchmarkFib/n=15', 'BenchmarkJoin']
    )
    const join = scenarioNamed(results, 'BenchmarkJoin')
    assert.equal(join.trials.length, 3)
    assert.deepEqual(join.labels, { pkg: 'example.com/gobench', procs: '2' })
    const trial = join.trials[0]!.metrics
    assert.deepEqual(trial.time, { value: 54.67, unit: 'ns', direction: 'lower' })
    assert.deepEqual(trial.bytes, { value: 16, unit: 'B', direction: 'lower' })
    assert.deepEqual(trial.allocs, { value: 1, unit: 'allocs/op', direction: 'lower' })
    assert.deepEqual(trial.throughput, { value: 182.9, unit: 'MB/s', direction: 'higher' })
    assert.deepEqual(trial['parts/op'], { value: 4, unit: 'parts/op', direction: 'lower' })
    assert.deepEqual(trialValues(join, 'time'), [54.67, 43.64, 45.67])
    assert.equal(results.environment?.os, 'linux')
    assert.equal(results.environment?.cpuModel, 'Intel(R) Xeon(R) Processor')
  })

  test('go test -json output gives the same results (name-only lines ignored)', () => {
    const results = parseChecked(fixtureText('go-bench.json'), 'go', 'go-bench.json')
    const join = scenarioNamed(results, 'BenchmarkJoin')
    assert.deepEqual(trialValues(join, 'time'), [165.5, 36.02])
  })

  test('benchmarks of several packages are qualified by package', () => {
    const text = 'pkg: a/x\nBenchmarkA-4  10  5 ns/op\npkg: a/y\nBenchmarkA-4  10  7 ns/op\n'
    const results = parseChecked(text, 'go')
    assert.deepEqual(
      results.scenarios.map((s) => s.name),
      ['a/x.BenchmarkA', 'a/y.BenchmarkA']
    )
  })

  test('-cpu 1,2,4: lines that differ in their -N suffix are different benchmarks and keep their whole names', () => {
    const header = 'goos: linux\ngoarch: amd64\npkg: example.com/sorting\ncpu: AMD EPYC 7763 64-Core Processor\n'
    const rounds = [1, 2, 3].map(
      (round) =>
        `BenchmarkSort      \t   10000\t    1000${round} ns/op\nBenchmarkSort-2    \t   10000\t     600${round} ns/op\nBenchmarkSort-4    \t   10000\t     400${round} ns/op\n`
    )
    const results = parseChecked(`${header}${rounds.join('')}PASS\nok  \texample.com/sorting\t1.234s\n`, 'go')
    assert.deepEqual(
      results.scenarios.map((s) => [s.name, s.trials.length]),
      [
        ['BenchmarkSort', 3],
        ['BenchmarkSort-2', 3],
        ['BenchmarkSort-4', 3]
      ]
    )
    assert.deepEqual(trialValues(scenarioNamed(results, 'BenchmarkSort-2'), 'time'), [6001, 6002, 6003])
    // The name carries the suffix: a procs label could be wrong (see below), so there is none.
    assert.deepEqual(scenarioNamed(results, 'BenchmarkSort-4').labels, { pkg: 'example.com/sorting' })
  })

  test('GOMAXPROCS=1 prints no suffix: sub-benchmarks ending in -<number> are not merged', () => {
    const lines = [1, 2].flatMap((round) => [
      `BenchmarkSort/size-1024   \t   10000\t     1000${round} ns/op`,
      `BenchmarkSort/size-65536 \t     100\t   90000${round} ns/op`
    ])
    const results = parseChecked(`goos: linux\ngoarch: amd64\n${lines.join('\n')}\nPASS\n`, 'go')
    assert.deepEqual(
      results.scenarios.map((s) => [s.name, trialValues(s, 'time')]),
      [
        ['BenchmarkSort/size-1024', [10001, 10002]],
        ['BenchmarkSort/size-65536', [900001, 900002]]
      ]
    )
  })

  test('a malformed result line names the line and the expected shape', () => {
    assertParseError(
      'BenchmarkA-4  10  5 ns/op\nBenchmarkB-4  10  fast ns/op\n',
      'go',
      'bench.txt',
      /^bench\.txt:2: expected "BenchmarkName-8  N  X ns\/op/,
      InputError
    )
    assertParseError(
      'BenchmarkA-4  10  5 ns/op  7\n',
      'go',
      'bench.txt',
      /bench\.txt:1: .*value and unit pairs.*got "BenchmarkA-4  10  5 ns\/op  7"/,
      InputError
    )
  })

  test('output without results is an error, a failed benchmark is a run failure', () => {
    assertParseError('PASS\nok  \tx\t0.1s\n', 'go', 'bench.txt', /no benchmark result lines/, InputError)
    assertParseError('BenchmarkA-4  10  5 ns/op\n--- FAIL: BenchmarkB\nFAIL\n', 'go', 'bench.txt', /bench\.txt:2: go test reported a failure/, RunError)
  })

  test('real files: benchstat inputs and the incumbent edge cases', needsShared, () => {
    const old = parseChecked(sharedFixtureText('go-bench-golang-perf-benchstat-old.txt')!, 'go')
    assert.deepEqual(
      old.scenarios.map((s) => [s.name, s.trials.length]),
      [
        ['BenchmarkEncode/format=json', 10],
        ['BenchmarkEncode/format=gob', 10]
      ]
    )
    const edge = parseChecked(sharedFixtureText('go-bench-github-action-benchmark-edgecases.txt')!, 'go')
    assert.deepEqual(trialValues(scenarioNamed(edge, 'BenchmarkFib/my/tabled/benchmark_-_20'), 'time'), [40537.456])
    assert.deepEqual(trialValues(scenarioNamed(edge, 'BenchmarkFib/my/tabled/benchmark_-_20,var1=13,var2=14'), 'time'), [40537.456])
    assert.deepEqual(scenarioNamed(edge, 'BenchmarkFib11').trials[0]!.metrics.auxMetricUnits, { value: 3, unit: 'auxMetricUnits', direction: 'lower' })
    assert.deepEqual(trialValues(scenarioNamed(edge, 'BenchmarkFib20'), 'time'), [40537.123])
  })
})
