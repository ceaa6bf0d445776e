/** Issue 15 item 6 and issue 20: truncated reports, values that are no measurement, gzip, binary input, near misses. */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { gzipSync } from 'node:zlib'
import { runCli } from '../../src/cli.js'
import { InputError } from '../../src/errors.js'
import { parseResultsText } from '../../src/formats/registry.js'
import { assertParseError, fixtureText } from '../support/format-fixtures.js'

async function cli(args: string[], files: Record<string, string | Uint8Array>): Promise<{ exitCode: number; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'perf-gate-odd-'))
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content)
  const chunks: string[] = []
  const sink = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk))
      done()
    }
  })
  const exitCode = await runCli(args, { stdout: sink, stderr: sink, cwd: dir, env: {} })
  return { exitCode, output: chunks.join('') }
}

describe('truncated reports are refused, naming the file', () => {
  test('JSON cut between tokens: line:column of the end, and that it looks truncated', () => {
    const text = fixtureText('hyperfine.json')
    const cut = text.slice(0, text.indexOf('"times"') + 20)
    const lines = cut.split('\n')
    assertParseError(
      cut,
      'hyperfine',
      'h.json',
      new RegExp(`^h\\.json:${lines.length}:${lines[lines.length - 1]!.length + 1}: the JSON ends before it is complete; the file looks truncated$`),
      InputError
    )
    assertParseError(cut, 'auto', 'h.json', /h\.json/, InputError)
  })

  test("Python's bare Infinity or NaN (not JSON) is pointed at by line and column", () => {
    const text = '{\n  "benchmarks": [\n    {"name": "t", "stats": {"data": [1.5e-05, Infinity]}}\n  ]\n}\n'
    assertParseError(text, 'pytest-benchmark', 'p.json', /^p\.json:3:47: Infinity is not JSON \(Python writes it for a value that is not finite\)/, InputError)
    assertParseError(text.replace('Infinity', 'NaN'), 'pytest-benchmark', 'p.json', /^p\.json:3:47: NaN is not JSON/, InputError)
  })

  test('hey: a report cut before its status code block, or mid-line', () => {
    const text = fixtureText('hey.txt')
    assertParseError(
      text.slice(0, text.indexOf('Status code distribution:')),
      'hey',
      'hey.txt',
      /^hey\.txt:\d+: the hey report that starts here has no "Status code distribution:".*looks truncated/,
      InputError
    )
    assertParseError(
      text.slice(0, text.indexOf('responses') + 4),
      'hey',
      'hey.txt',
      /^hey\.txt:\d+: expected a complete line ending in a line break; the file looks truncated/,
      InputError
    )
    const csv = fixtureText('hey.csv')
    assertParseError(csv.trimEnd().slice(0, -3), 'hey', 'hey.csv', /^hey\.csv:\d+: expected a complete CSV row/, InputError)
  })

  test('wrk: a report cut before or inside its last lines', () => {
    const text = fixtureText('wrk-latency.txt')
    assertParseError(
      text.slice(0, text.indexOf('Requests/sec') + 18),
      'wrk',
      'wrk.txt',
      /^wrk\.txt:1: the wrk report that starts here ends before its complete "Requests\/sec:"/,
      InputError
    )
    const runs = fixtureText('wrk-3-runs.txt')
    assertParseError(runs.slice(0, runs.lastIndexOf('Transfer/sec') + 16), 'wrk', 'wrk.txt', /^wrk\.txt:\d+: expected "Transfer\/sec: <number>/, InputError)
    assertParseError(runs.trimEnd().slice(0, -3), 'wrk', 'wrk.txt', /^wrk\.txt:\d+: the wrk report that starts here ends before.*looks truncated/, InputError)
  })

  test('tinybench: a table without its closing border; a cut row', () => {
    const text = fixtureText('tinybench-table.txt')
    assertParseError(
      text.slice(0, text.indexOf('└')),
      'tinybench',
      't.txt',
      /^t\.txt:\d+: the table that opens here has no closing "└" border; the file looks truncated$/,
      InputError
    )
    const lastRow = text.slice(0, text.indexOf('└')).trimEnd()
    assertParseError(lastRow.slice(0, -30), 'tinybench', 't.txt', /^t\.txt:\d+: expected a table row ending in "│"/, InputError)
  })

  test('benchmark.js: a last line cut mid-number', () => {
    const text = fixtureText('benchmarkjs.txt').trimEnd()
    const lines = text.split('\n')
    assertParseError(
      `${text}\nString#indexOf x 1,1`,
      'benchmarkjs',
      'b.txt',
      new RegExp(`^b\\.txt:${lines.length + 1}: expected "name x 1,234 ops/sec.*looks truncated`),
      InputError
    )
  })
})

describe('values that are no measurement are refused with where they sit (exit 3)', () => {
  const hyperfine = (times: string): string => `{"results":[{"command":"x","mean":1,"stddev":0,"median":1,"min":1,"max":1,"times":[${times}]}]}`

  test('1e308 and 1e999 in JSON name the field path', () => {
    assertParseError(
      hyperfine('1, 1e308'),
      'hyperfine',
      'h.json',
      /^h\.json: \/results\/0\/times\/1: expected a finite number within ±1e100, got 1e\+308$/,
      InputError
    )
    assertParseError(
      hyperfine('1, 1e999'),
      'hyperfine',
      'h.json',
      /^h\.json: \/results\/0\/times\/1: expected a finite number within ±1e100, got Infinity \(out of range\)$/,
      InputError
    )
  })

  test('negative latencies and huge text values name scenario, trial and metric', () => {
    assertParseError(
      hyperfine('1, -2'),
      'hyperfine',
      'h.json',
      /^h\.json: scenario "x", trial 2, metric time: -2 s is negative, which a time cannot be$/,
      InputError
    )
    const go = 'BenchmarkA-8   1000   1e308 ns/op\nBenchmarkA-8   1000   2 ns/op\nPASS\n'
    assertParseError(go, 'go', 'go.txt', /^go\.txt: scenario "BenchmarkA", trial 1, metric time: 1e\+308 is out of range/, InputError)
    const csv = fixtureText('hey.csv').replace(/\n(\d)/, '\n-$1')
    assertParseError(csv, 'hey', 'hey.csv', /^hey\.csv: scenario "hey", trial 1, (metric min|latency sample 1): -[\d.e-]+ s is negative/, InputError)
  })
})

describe('how files are read', () => {
  test('a gzipped results file is read transparently; binary input shows a short escaped prefix', async () => {
    const text = fixtureText('go-bench.txt')
    const gzipped = await cli(['compare', '--baseline', 'base.txt.gz', '--current', 'go-bench.txt', '--no-color'], {
      'base.txt.gz': gzipSync(text),
      'go-bench.txt': text
    })
    assert.equal(gzipped.exitCode, 0, gzipped.output)
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), Buffer.alloc(2000, 0xff)])
    const binary = await cli(['compare', '--baseline', 'a.bin', '--current', 'go-bench.txt', '--no-color'], { 'a.bin': png, 'go-bench.txt': text })
    assert.equal(binary.exitCode, 3, binary.output)
    assert.match(binary.output, /a\.bin: looks like binary data, not a results report \(it starts with "\\x89PNG\\x0d\\x0a\\x1a\\x0a\\x00/)
    assert.ok(binary.output.length < 2000, 'the raw bytes are not echoed')
    // A suite's standard output is text already: the same refusal, from the characters.
    assertParseError(
      `\u0000\u0001ELF${'\u0000'.repeat(500)}`,
      'go',
      'standard output of suite "s"',
      /^standard output of suite "s": looks like binary data.*"\\x00\\x01ELF\\x00/,
      InputError
    )
  })

  test('under auto, a truncated k6 or wrk file says which formats came close and why each refused', () => {
    // k6 writes "metrics" before "root_group", so a cut file has lost what detection looks for.
    const { metrics, root_group: rootGroup } = JSON.parse(fixtureText('k6-summary-export.json'))
    const k6 = JSON.stringify({ metrics, root_group: rootGroup }, null, 2)
    assertParseError(
      k6.slice(0, Math.floor(k6.length / 2)),
      'auto',
      'k6.json',
      /^k6\.json: cannot tell which format.*\. k6 came close but refused it: \d+:\d+: the JSON ends before it is complete; the file looks truncated/,
      InputError
    )
    const wrk = fixtureText('wrk-latency.txt')
    assertParseError(
      wrk.slice(0, wrk.indexOf('Requests/sec')),
      'auto',
      'wrk.txt',
      /cannot tell which format.*wrk came close but refused it: 1: the wrk report is incomplete/,
      InputError
    )
  })

  test('hey results saved under different file names still meet: the scenario is never named after the file', async () => {
    const text = fixtureText('hey.txt')
    const run = await cli(
      ['compare', '--baseline', 'main-api-items.txt', '--current', 'pr-1234.txt', '--format', 'hey', '--thresholds', 'p95: 20%', '--no-color'],
      {
        'main-api-items.txt': text,
        'pr-1234.txt': text
      }
    )
    assert.equal(run.exitCode, 0, run.output)
    assert.doesNotMatch(run.output, /new|removed/i)
    // Matched by name; one hey run per side shows no noise, so the row is compared but not judged.
    assert.match(run.output, /1 inconclusive/)
    assert.match(run.output, /one value per side/)
  })

  test('environment fields are normalised (Linux and linux are one OS)', () => {
    const pytest = JSON.parse(fixtureText('pytest-benchmark.json'))
    pytest.machine_info.system = 'Linux'
    pytest.machine_info.machine = 'x86_64'
    const results = parseResultsText(JSON.stringify(pytest), 'pytest-benchmark', 'p.json')
    assert.equal(results.environment?.os, 'linux')
    assert.equal(results.environment?.arch, 'x64')
  })
})
