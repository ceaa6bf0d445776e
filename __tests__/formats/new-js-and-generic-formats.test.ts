/** vitest bench, mitata, Bencher Metric Format and github-action-benchmark custom JSON (issue 20). */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { gzipSync, gunzipSync } from 'node:zlib'
import { runCli } from '../../src/cli.js'
import { InputError, RunError } from '../../src/errors.js'
import { parseResultsText } from '../../src/formats/registry.js'
import { assertParseError, FIXTURES_DIR, fixtureText, parseChecked, scenarioNamed, trialValues } from '../support/format-fixtures.js'

const mitataText = (): string => gunzipSync(readFileSync(join(FIXTURES_DIR, 'mitata.json.gz'))).toString('utf8')

describe('vitest bench --outputJson (vitest 4.1.12, real run)', () => {
  test('one scenario per benchmark named by group and name; mean is time (ms), hz is ops; percentiles kept', () => {
    const results = parseChecked(fixtureText('vitest-bench.json'), 'vitest')
    assert.deepEqual(
      results.scenarios.map((s) => s.name),
      ['fib.bench.js > sort 100', 'fib.bench.js > fib > fib(10)', 'fib.bench.js > fib > fib(15)']
    )
    const fib10 = scenarioNamed(results, 'fib.bench.js > fib > fib(10)').trials[0]!
    const raw = JSON.parse(fixtureText('vitest-bench.json')).files[0].groups[1].benchmarks[0]
    assert.deepEqual(fib10.metrics.time, { value: raw.mean, unit: 'ms', direction: 'lower' })
    assert.deepEqual(fib10.metrics.ops, { value: raw.hz, unit: 'ops/s', direction: 'higher' })
    assert.equal(fib10.metrics['p99.9']!.value, raw.p999)
    assert.equal(fib10.metrics.p50!.value, raw.median)
    assert.equal(fib10.distributions, undefined, 'vitest 4 writes samples: [], nothing to keep')
  })

  test('samples, when the file has them, are kept as the latency distribution; a bad field names its path', () => {
    const doc = JSON.parse(fixtureText('vitest-bench.json'))
    doc.files[0].groups[0].benchmarks[0].samples = [0.01, 0.02, 0.03]
    const trial = parseChecked(JSON.stringify(doc), 'vitest').scenarios[0]!.trials[0]!
    assert.deepEqual(trial.distributions, { latency: { unit: 'ms', samples: [0.01, 0.02, 0.03] } })
    doc.files[0].groups[0].benchmarks[0].mean = 'fast'
    assertParseError(
      JSON.stringify(doc),
      'vitest',
      'v.json',
      /^v\.json: \/files\/0\/groups\/0\/benchmarks\/0\/mean: expected a number, got "fast"$/,
      InputError
    )
  })
})

describe('mitata JSON (mitata 1.0.34, real run, stored gzipped)', () => {
  test('one scenario per run, group-prefixed; avg is time (ns); samples kept; the calibration context ignored', () => {
    const text = mitataText()
    const results = parseChecked(text, 'mitata')
    assert.deepEqual(
      results.scenarios.map((s) => s.name),
      ['fib > fib(10)', 'fib > fib(15)', 'sort 100']
    )
    const raw = JSON.parse(text).benchmarks[0].runs[0].stats
    const trial = scenarioNamed(results, 'fib > fib(10)').trials[0]!
    assert.deepEqual(trial.metrics.time, { value: raw.avg, unit: 'ns', direction: 'lower' })
    assert.equal(trial.metrics['p99.9']!.value, raw.p999)
    assert.equal(trial.distributions!.latency!.samples!.length, raw.samples.length)
    assert.ok(raw.samples.length >= 12)
  })

  test('the gzipped real file gates through the CLI: one run per side is compared (+30.0%) but never judged by the naive rule', async () => {
    const text = mitataText()
    const slower = JSON.parse(text)
    for (const benchmark of slower.benchmarks)
      for (const run of benchmark.runs) for (const key of ['avg', 'min', 'max', 'p25', 'p50', 'p75', 'p99', 'p999']) run.stats[key] *= 1.3
    const same = await compare({ 'base.json.gz': gzipSync(text), 'current.json.gz': gzipSync(text) }, 'time: 10%')
    assert.equal(same.exitCode, 0, same.output)
    const worse = await compare({ 'base.json.gz': gzipSync(text), 'current.json.gz': gzipSync(JSON.stringify(slower)) }, 'time: 10%')
    assert.equal(worse.exitCode, 0, worse.output)
    assert.match(worse.output, /fib > fib\(15\)\s+time\s+\S+ \S+\s+\S+ \S+\s+\+30\.0%/)
    assert.match(worse.output, /one value per side/)
  })
})

describe('deno bench --json (Deno 2.9.6 from the npm "deno" package, real run)', () => {
  test('one scenario per bench, group-prefixed; avg is time (ns); failed benches are run failures', () => {
    const results = parseChecked(fixtureText('deno-bench.json'), 'deno')
    assert.deepEqual(
      results.scenarios.map((s) => s.name),
      ['sort 100', 'fib > fib(10)', 'fib > fib(15)']
    )
    assert.deepEqual(scenarioNamed(results, 'fib > fib(10)').trials[0]!.metrics.time, { value: 1919, unit: 'ns', direction: 'lower' })
    assert.equal(scenarioNamed(results, 'fib > fib(15)').trials[0]!.metrics['p99.9']!.value, 8046769)
    assert.equal(results.environment?.os, 'linux')
    const doc = JSON.parse(fixtureText('deno-bench.json'))
    doc.benches[1].results[0] = { failed: 'Error: boom' }
    assertParseError(JSON.stringify(doc), 'deno', 'd.json', /^d\.json: \/benches\/1\/results\/0: bench "fib > fib\(10\)" failed: Error: boom$/, RunError)
  })
})

describe('Bencher Metric Format', () => {
  test('benchmarks → scenarios, measures → metrics; built-in measures get units and directions', () => {
    const results = parseChecked(fixtureText('bmf.json'), 'bmf')
    const parse = scenarioNamed(results, 'bench::parse').trials[0]!.metrics
    assert.deepEqual(parse.time, { value: 88, unit: 'ns', direction: 'lower' })
    assert.deepEqual(parse.ops, { value: 11363.6, unit: 'ops/s', direction: 'higher' })
    assert.deepEqual(scenarioNamed(results, 'binary').trials[0]!.metrics['file-size'], { value: 1048576, unit: 'B', direction: 'lower' })
    assertParseError('{"a":{"latency":{"value":"x"}}}', 'bmf', 'b.json', /^b\.json: \/a\/latency\/value: expected a number, got "x"$/, InputError)
  })
})

describe('github-action-benchmark custom JSON', () => {
  test('customSmallerIsBetter and customBiggerIsBetter: the direction comes from the format named; entries are scenarios', () => {
    const smaller = parseResultsText(fixtureText('custom-smaller-is-better.json'), 'custom-smaller-is-better', 'c.json')
    assert.deepEqual(smaller.scenarios[0]!.trials[0]!.metrics.value, { value: 50, unit: '%', direction: 'lower' })
    const bigger = parseResultsText(fixtureText('custom-bigger-is-better.json'), 'custom-bigger-is-better', 'c.json')
    assert.deepEqual(trialValues(scenarioNamed(bigger, 'My Custom Bigger Is Better Benchmark - Throughput'), 'value'), [70])
    assert.equal(bigger.scenarios[0]!.trials[0]!.metrics.value!.direction, 'higher')
  })

  test('under auto the shape is refused with a pointer to the two format names', () => {
    assertParseError(
      fixtureText('custom-bigger-is-better.json'),
      'auto',
      'c.json',
      /custom-smaller-is-better reads it \(set format: custom-smaller-is-better\); custom-bigger-is-better reads it/,
      InputError
    )
    assertParseError('[{"name":"a","unit":"ms"}]', 'custom-smaller-is-better', 'c.json', /^c\.json: \/0\/value: expected a number, got nothing$/, InputError)
  })
})

async function compare(files: Record<string, Uint8Array>, thresholds: string): Promise<{ exitCode: number; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'perf-gate-new-formats-'))
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content)
  const chunks: string[] = []
  const sink = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk))
      done()
    }
  })
  const exitCode = await runCli(['compare', '--baseline', 'base.json.gz', '--current', 'current.json.gz', '--thresholds', thresholds, '--no-color'], {
    stdout: sink,
    stderr: sink,
    cwd: dir,
    env: {}
  })
  return { exitCode, output: chunks.join('') }
}
