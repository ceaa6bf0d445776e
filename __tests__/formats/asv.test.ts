/** airspeed velocity results (issue 20), on real public files (see __tests__/fixtures/SOURCES). */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { InputError, RunError } from '../../src/errors.js'
import { parseResultsText } from '../../src/formats/registry.js'
import { assertParseError, fixtureText, parseChecked, scenarioNamed, trialValues } from '../support/format-fixtures.js'

const text = fixtureText('asv-results.json')
const raw = JSON.parse(text)
const column = (name: string): number => raw.result_columns.indexOf(name)

describe('asv results, version 2 (kedro, real run on GitHub Actions)', () => {
  test('one scenario per benchmark and parameter combination, the last parameter varying fastest, as asv compare names them', () => {
    const results = parseChecked(text, 'asv')
    const expectedCount = Object.values(raw.results as Record<string, unknown[][]>).reduce(
      (sum, row) => sum + (row[column('params')] as unknown[][]).reduce((product, values) => product * values.length, 1),
      0
    )
    assert.equal(results.scenarios.length, expectedCount)
    const row = raw.results['benchmark_validation.ContextParamsTimeSuite.time_context_params_cached']
    assert.deepEqual(row[column('params')], [
      ['10', '100', '500'],
      ['1', '5']
    ])
    // (10, 5) is the second combination: itertools.product order.
    const scenario = scenarioNamed(results, 'benchmark_validation.ContextParamsTimeSuite.time_context_params_cached(10, 5)')
    assert.deepEqual(trialValues(scenario, 'time'), [row[column('result')][1]])
    assert.ok(results.scenarios.some((s) => s.name === "benchmark_runner.RunnerTimeSuite.time_compute_bound_runner('ThreadRunner')"))
  })

  test('time_ is time in s with asv q_25/q_75 as p25/p75; peakmem_ is memory (B); mem_ is size (B); all lower is better', () => {
    const results = parseChecked(text, 'asv')
    const row = raw.results['benchmark_datacatalog.TimeDataCatalog.time_load']
    assert.deepEqual(scenarioNamed(results, 'benchmark_datacatalog.TimeDataCatalog.time_load').trials, [
      {
        metrics: {
          time: { value: row[column('result')][0], unit: 's', direction: 'lower' },
          p25: { value: row[column('stats_q_25')][0], unit: 's', direction: 'lower' },
          p75: { value: row[column('stats_q_75')][0], unit: 's', direction: 'lower' }
        }
      }
    ])
    const peak = scenarioNamed(results, "benchmark_runner.RunnerMemorySuite.peakmem_runners('SequentialRunner')").trials[0]!.metrics
    assert.deepEqual(peak, { memory: { value: raw.results['benchmark_runner.RunnerMemorySuite.peakmem_runners'][0][0], unit: 'B', direction: 'lower' } })
    const size = scenarioNamed(results, "benchmark_runner.RunnerMemorySuite.mem_runners('ThreadRunner')").trials[0]!.metrics
    assert.deepEqual(Object.keys(size), ['size'])
  })

  test('the run time is the first started_at; the machine name is the runner', () => {
    const results = parseChecked(text, 'asv')
    const first = Math.min(...Object.values(raw.results as Record<string, unknown[]>).map((row) => row[column('started_at')] as number))
    assert.equal(results.createdAt, new Date(first).toISOString())
    assert.deepEqual(results.environment, { runner: 'github-actions' })
  })

  test('recorded samples (asv run --record-samples) are the trials; the machine fields are the environment', () => {
    const doc = JSON.parse(text)
    const row = doc.results['benchmark_datacatalog.TimeDataCatalog.time_load']
    row[column('samples')] = [[0.58, 0.59, 0.6, 0.57]]
    doc.params = { ...doc.params, cpu: 'AMD EPYC 7763 64-Core Processor', os: 'Linux 6.8.0-1021-azure', arch: 'x86_64', num_cpu: '4', ram: '16379540' }
    const results = parseChecked(JSON.stringify(doc), 'asv')
    assert.deepEqual(trialValues(scenarioNamed(results, 'benchmark_datacatalog.TimeDataCatalog.time_load'), 'time'), [0.58, 0.59, 0.6, 0.57])
    assert.deepEqual(results.environment, {
      os: 'linux',
      arch: 'x64',
      cpuModel: 'AMD EPYC 7763 64-Core Processor',
      cores: 4,
      memoryBytes: 16379540,
      runner: 'github-actions'
    })
  })

  test("Python's bare NaN (a combination asv skipped) is left out; -Infinity/Infinity in the interval are read; null is a failure", () => {
    const name = 'benchmark_validation.InstantiateModelTimeSuite.time_instantiate_model'
    // Python writes these bare (not JSON): put them in as asv does.
    const doc = JSON.parse(text)
    doc.results[name][column('result')][0] = '<NaN>'
    doc.results[name][column('stats_ci_99_a')] = ['<-Infinity>', '<Infinity>']
    const skipped = JSON.stringify(doc).replace(/"<(NaN|-?Infinity)>"/g, '$1')
    assert.match(skipped, /\[NaN, ?[\d.e-]+\]/)
    const results = parseChecked(skipped, 'asv')
    assert.ok(!results.scenarios.some((s) => s.name === `${name}('pydantic')`))
    assert.ok(results.scenarios.some((s) => s.name === `${name}('dataclass')`))
    const failed = JSON.parse(text)
    failed.results[name][column('result')][0] = null
    assertParseError(
      JSON.stringify(failed),
      'asv',
      'r.json',
      new RegExp(`^r\\.json: .*: benchmark "${name.replace(/\./g, '\\.')}\\('pydantic'\\)" failed`),
      RunError
    )
  })

  test('a track_ benchmark is a unitless value; results that do not match the parameters name the benchmark', () => {
    const doc = JSON.parse(text)
    doc.results['benchmarks.Suite.track_items'] = [[42], []]
    assert.deepEqual(parseChecked(JSON.stringify(doc), 'asv').scenarios.at(-1)!.trials[0]!.metrics, { value: { value: 42, unit: '', direction: 'lower' } })
    doc.results['benchmarks.Suite.track_items'] = [[42, 43], [['1', '2', '3']]]
    assertParseError(JSON.stringify(doc), 'asv', 'r.json', /2 results for 3 parameter combinations of "benchmarks\.Suite\.track_items"/, InputError)
  })
})

describe('asv results of other versions', () => {
  test("asv's own version-1 example is refused with a pointer to asv update", () => {
    assertParseError(
      fixtureText('asv-results-version1.json'),
      'auto',
      'old.json',
      /^old\.json: asv results of version 1; perf-gate reads version 2 .*asv update/,
      InputError
    )
  })

  test('the previous real run reads with the same scenarios (a real baseline for this one)', () => {
    const previous = parseResultsText(fixtureText('asv-results-previous.json'), 'auto', 'p.json')
    const current = parseResultsText(text, 'auto', 'c.json')
    assert.deepEqual(
      previous.scenarios.map((s) => s.name),
      current.scenarios.map((s) => s.name)
    )
  })
})
