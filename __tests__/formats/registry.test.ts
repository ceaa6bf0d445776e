import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync } from 'node:fs'
import { InputError } from '../../src/errors.js'
import { formatNames, GITHUB_ACTION_BENCHMARK_TOOLS, parseResultsText, RESULTS_FORMATS, resultsFormatName } from '../../src/formats/registry.js'
import { assertParseError, fixtureText, needsShared, SHARED_FIXTURES_DIR, sharedFixtureText } from '../support/format-fixtures.js'

/** Committed fixtures and the format `auto` must pick for each. */
const OWN: Record<string, string> = {
  'autocannon.json': 'autocannon',
  'autocannon-3-runs.ndjson': 'autocannon',
  'k6-summary-export.json': 'k6',
  'locust_stats.csv': 'locust',
  'hey.txt': 'hey',
  'hey.csv': 'hey',
  'wrk-latency.txt': 'wrk',
  'wrk-3-runs.txt': 'wrk',
  'artillery-report.json': 'artillery',
  'hyperfine.json': 'hyperfine',
  'hyperfine-params.json': 'hyperfine',
  'pytest-benchmark.json': 'pytest-benchmark',
  'go-bench.txt': 'go',
  'go-bench.json': 'go',
  'google-benchmark.json': 'google-benchmark',
  'google-benchmark-repetitions.json': 'google-benchmark',
  'google-benchmark-aggregates.json': 'google-benchmark',
  'cargo-criterion.ndjson': 'criterion',
  'criterion/target/criterion/fib/20/new/sample.json': 'criterion',
  'criterion/target/criterion/fib/20/new/estimates.json': 'criterion',
  'jmh.json': 'jmh',
  'benchmarkjs.txt': 'benchmarkjs',
  'tinybench-table.txt': 'tinybench',
  'tinybench-table.json': 'tinybench',
  'tinybench-results.json': 'tinybench',
  'vitest-bench.json': 'vitest',
  'bmf.json': 'bmf',
  'catch2-console.txt': 'catch2',
  'catch2.xml': 'catch2',
  'libtest-bench.txt': 'libtest',
  'libtest-bench-3-runs.txt': 'libtest',
  'deno-bench.json': 'deno',
  'benchmarkdotnet-report-full.json': 'benchmarkdotnet',
  'benchmarkdotnet-report-full-run2.json': 'benchmarkdotnet',
  'benchmarkdotnet-report-brief.json': 'benchmarkdotnet',
  'benchmarkdotnet-0.12-github-action-benchmark.json': 'benchmarkdotnet',
  'julia-benchmarktools-estimates.json': 'julia',
  'julia-benchmarktools-estimates-1.6.json': 'julia',
  'julia-benchmarktools-trial.json': 'julia',
  'asv-results.json': 'asv',
  'asv-results-previous.json': 'asv',
  'asv-results-version1.json': 'asv'
}

/** Fixtures `auto` must refuse because the file cannot say its format (the user names it). */
const NAMED_ONLY = ['custom-smaller-is-better.json', 'custom-bigger-is-better.json']

/** Shared real files that are results (the others are explained errors, tested per format). */
const SHARED_FORMAT_BY_PREFIX: Array<[string, string]> = [
  ['artillery-v2', 'artillery'],
  ['autocannon', 'autocannon'],
  ['benchmarkjs', 'benchmarkjs'],
  ['criterion-book-fib-iterative-new-estimates', 'criterion'],
  ['criterion-book-fib-iterative-new-sample', 'criterion'],
  ['go-bench', 'go'],
  ['google-benchmark', 'google-benchmark'],
  ['hey', 'hey'],
  ['hyperfine', 'hyperfine'],
  ['jmh', 'jmh'],
  ['k6', 'k6'],
  ['locust-stats-custom', 'locust'],
  ['locust-stats-motiur12', 'locust'],
  ['tinybench', 'tinybench'],
  ['wrk', 'wrk']
]

function detected(text: string): string[] {
  return RESULTS_FORMATS.filter((format) => format.detect(text, 'file')).map((format) => format.name)
}

describe('format registry', () => {
  test('format names are unique and include every parser', () => {
    assert.equal(new Set(formatNames()).size, formatNames().length)
    assert.deepEqual(formatNames(), [
      'perf-gate',
      'autocannon',
      'k6',
      'locust',
      'hey',
      'wrk',
      'artillery',
      'hyperfine',
      'pytest-benchmark',
      'go',
      'google-benchmark',
      'criterion',
      'jmh',
      'benchmarkjs',
      'tinybench',
      'vitest',
      'mitata',
      'deno',
      'bmf',
      'catch2',
      'libtest',
      'benchmarkdotnet',
      'julia',
      'asv',
      'custom-smaller-is-better',
      'custom-bigger-is-better'
    ])
  })

  test('each committed fixture is detected by exactly one parser', () => {
    for (const [file, format] of Object.entries(OWN)) assert.deepEqual(detected(fixtureText(file)), [format], file)
    for (const file of NAMED_ONLY) assert.deepEqual(detected(fixtureText(file)), [], file)
    const listed = new Set([...Object.keys(OWN), ...NAMED_ONLY])
    const unlisted = readdirSync(new URL('../fixtures/formats/', import.meta.url)).filter(
      (name) => /\.(json|txt|csv|ndjson|xml)$/.test(name) && !listed.has(name)
    )
    assert.deepEqual(unlisted, [], 'every fixture file is listed here')
  })

  test('perf-gate results are detected only as perf-gate', () => {
    const own = parseResultsText(fixtureText('go-bench.txt'), 'go', 'go-bench.txt')
    assert.deepEqual(detected(JSON.stringify(own)), ['perf-gate'])
  })

  test('each real file is detected by exactly one parser', needsShared, () => {
    for (const name of readdirSync(SHARED_FIXTURES_DIR!)) {
      const format = SHARED_FORMAT_BY_PREFIX.find(([prefix]) => name.startsWith(prefix))?.[1]
      if (!format) continue
      assert.deepEqual(detected(sharedFixtureText(name)!), [format], name)
    }
  })

  test("a format is named as perf-gate names it or as github-action-benchmark's tool: input does; a typo gets the nearest", () => {
    assert.equal(resultsFormatName('auto', 'format'), 'auto')
    assert.equal(resultsFormatName('criterion', 'format'), 'criterion')
    assert.equal(resultsFormatName('customSmallerIsBetter', 'format'), 'custom-smaller-is-better')
    assert.equal(resultsFormatName('customBiggerIsBetter', 'format'), 'custom-bigger-is-better')
    assert.equal(resultsFormatName('pytest', 'format'), 'pytest-benchmark')
    assert.equal(resultsFormatName('googlecpp', 'format'), 'google-benchmark')
    assert.equal(resultsFormatName('cargo', 'format'), 'libtest')
    for (const alias of Object.values(GITHUB_ACTION_BENCHMARK_TOOLS)) assert.ok(formatNames().includes(alias), alias)
    assert.throws(
      () => resultsFormatName('Criterion', 'perf-gate.yml: /suites/0/format'),
      /^InputError: perf-gate\.yml: \/suites\/0\/format: unknown results format "Criterion" \(did you mean "criterion"\?\)/
    )
    assert.throws(() => resultsFormatName('googlecp', 'format'), /did you mean "google-benchmark"\?/)
    assert.throws(
      () => resultsFormatName('gatling', 'format'),
      (error: Error) => !error.message.includes('did you mean')
    )
  })

  test('unknown formats and undetectable text are input errors that list the formats', () => {
    assertParseError('x', 'gatling', 'r.txt', /unknown results format "gatling"; known formats: auto, perf-gate, autocannon, .*tinybench/, InputError)
    assertParseError('hello\n', 'auto', 'r.txt', /r\.txt: cannot tell which format .*set format to one of: perf-gate, .*tinybench/, InputError)
  })
})
