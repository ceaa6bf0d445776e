/**
 * Two different benchmarks that end up with one name: pooled as trials of one scenario, their spread would hide a real
 * regression of either. Formats where one record is one whole benchmark refuse the second record, naming the file,
 * the name and both places; repeats of one benchmark (Google Benchmark repetitions, Criterion samples) stay trials.
 */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { InputError } from '../../src/errors.js'
import { assertParseError, FIXTURES_DIR, fixtureText, parseChecked, scenarioNamed } from '../support/format-fixtures.js'

/** A copy of a JSON fixture with `change` applied. */
function editedFixture(name: string, change: (data: ReturnType<typeof JSON.parse>) => void): string {
  const data = JSON.parse(name.endsWith('.gz') ? gunzipSync(readFileSync(join(FIXTURES_DIR, name))).toString('utf8') : fixtureText(name))
  change(data)
  return JSON.stringify(data, null, 2)
}

/** A deep copy of a JSON value. */
function copy<T>(value: T): T {
  return structuredClone(value)
}

describe('benchmarks that share a name', () => {
  test('vitest: two bench("fib(10)") in one group are refused, naming both', () => {
    const text = editedFixture('vitest-bench.json', (data) => {
      const group = data.files[0].groups[1]
      group.benchmarks.push({ ...copy(group.benchmarks[0]), id: 'twin', mean: group.benchmarks[0].mean * 2 })
    })
    assertParseError(
      text,
      'vitest',
      'c.json',
      /^c\.json: \/files\/0\/groups\/1\/benchmarks\/2: a second benchmark named "fib\.bench\.js > fib > fib\(10\)" \(the first is at \/files\/0\/groups\/1\/benchmarks\/0\); .*give them different names$/,
      InputError
    )
    // The same name in two groups is two names: unchanged.
    assert.equal(parseChecked(fixtureText('vitest-bench.json'), 'vitest').scenarios.length, 3)
  })

  test('tinybench: task results and bench.table() rows of one name are refused', () => {
    const tasks = editedFixture('tinybench-results.json', (data) => data.push(copy(data[1])))
    assertParseError(tasks, 'tinybench', 't.json', /^t\.json: \/2: a second benchmark named "fib\(20\)" \(the first is at \/1\)/, InputError)
    const table = editedFixture('tinybench-table.json', (data) => data.push(copy(data[0])))
    assertParseError(table, 'tinybench', 't.json', /^t\.json: \/2: a second benchmark named ".+" \(the first is at \/0\)/, InputError)
  })

  test('pytest-benchmark: two entries of one fullname are refused', () => {
    const text = editedFixture('pytest-benchmark.json', (data) => data.benchmarks.push(copy(data.benchmarks[0])))
    assertParseError(
      text,
      'pytest-benchmark',
      'p.json',
      /^p\.json: \/benchmarks\/2: a second benchmark named "sources\/test_pybench\.py::test_fib_15" \(the first is at \/benchmarks\/0\)/,
      InputError
    )
  })

  test('JMH: the same benchmark, parameters and mode twice is refused; one per mode is kept apart', () => {
    const text = editedFixture('jmh.json', (data) => data.push(copy(data[2])))
    assertParseError(
      text,
      'jmh',
      'j.json',
      /^j\.json: \/3: a second benchmark named "org\.example\.ParseBench\.sampled \[sample\]" \(the first is at \/2\)/,
      InputError
    )
    const results = parseChecked(fixtureText('jmh.json'), 'jmh')
    scenarioNamed(results, 'org.example.ParseBench.parse(size=100) [avgt]')
    scenarioNamed(results, 'org.example.ParseBench.parse(size=100) [thrpt]')
  })

  test('BenchmarkDotNet: one FullName twice under one job is refused', () => {
    const text = editedFixture('benchmarkdotnet-report-brief.json', (data) => data.Benchmarks.push(copy(data.Benchmarks[0])))
    assertParseError(
      text,
      'benchmarkdotnet',
      'r.json',
      /^r\.json: \/Benchmarks\/1: a second benchmark named "Demo\.Benchmarks\.StringProcessorBenchmarks\.GenerateString \[DefaultJob\]" \(the first is at \/Benchmarks\/0\)/,
      InputError
    )
  })

  test('cargo-criterion: two benchmark-complete messages of one id are refused, naming the lines', () => {
    const lines = fixtureText('cargo-criterion.ndjson').trimEnd().split('\n')
    const text = [...lines, lines[0]].join('\n') + '\n'
    assertParseError(text, 'criterion', 'c.ndjson', /^c\.ndjson: line 4: a second benchmark named "fib\/10" \(the first is at line 1\)/, InputError)
  })

  test('Deno and mitata: a second bench of one name (and group) is refused', () => {
    const deno = editedFixture('deno-bench.json', (data) => data.benches.push(copy(data.benches[1])))
    assertParseError(deno, 'deno', 'd.json', /^d\.json: \/benches\/3: a second benchmark named "fib > fib\(10\)" \(the first is at \/benches\/1\)/, InputError)
    const mitata = editedFixture('mitata.json.gz', (data) => data.benchmarks.push(copy(data.benchmarks[0])))
    assertParseError(
      mitata,
      'mitata',
      'm.json',
      /^m\.json: \/benchmarks\/3\/runs\/0: a second benchmark named "fib > fib\(10\)" \(the first is at \/benchmarks\/0\/runs\/0\)/,
      InputError
    )
  })

  test('Locust: a second row of one type and name is refused, naming the lines (a load scenario, not a benchmark)', () => {
    const lines = fixtureText('locust_stats.csv').split('\n')
    const text = [...lines.slice(0, 2), lines[1]!.replace(',120,0,12,', ',120,0,30,'), ...lines.slice(2)].join('\n')
    assertParseError(
      text,
      'locust',
      'locust_stats.csv',
      /^locust_stats\.csv: line 3: a second scenario named "GET \/items" \(the first is at line 2\)/,
      InputError
    )
  })

  test('Google Benchmark: repetitions stay trials; a second row of one run_name and repetition_index is refused', () => {
    const repetitions = parseChecked(fixtureText('google-benchmark-repetitions.json'), 'google-benchmark')
    assert.equal(scenarioNamed(repetitions, 'BM_StringCopy/64').trials.length, 3)
    const text = editedFixture('google-benchmark.json', (data) => data.benchmarks.push({ ...copy(data.benchmarks[0]), real_time: 30 }))
    assertParseError(
      text,
      'google-benchmark',
      'g.json',
      /^g\.json: \/benchmarks\/3: a second benchmark named "BM_StringCopy\/64" \(the first is at \/benchmarks\/0, the same repetition 0\)/,
      InputError
    )
    const aggregates = editedFixture('google-benchmark-aggregates.json', (data) => data.benchmarks.push(copy(data.benchmarks[0])))
    assertParseError(aggregates, 'google-benchmark', 'g.json', /a second benchmark named "BM_StringCopy\/64" .*the same aggregate mean/, InputError)
  })
})
