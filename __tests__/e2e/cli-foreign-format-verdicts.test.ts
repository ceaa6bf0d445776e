/**
 * Foreign-format files whose reading once hid a regression or a failed run, compared through the bundled CLI as a
 * new user would: distinct benchmarks pooled under one name (exit 0 on a +50% change), failed runs read as
 * measurements, a report of nothing but failures, and a BenchmarkDotNet -brief report read as one value.
 */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fixtureText } from '../support/format-fixtures.js'
import { runCliEntry, scratchDir } from '../support/spawn-dist.js'

function compare(baseline: string, current: string, fileName: string) {
  const dir = scratchDir()
  writeFileSync(join(dir, `base-${fileName}`), baseline)
  writeFileSync(join(dir, fileName), current)
  return runCliEntry(['compare', `base-${fileName}`, fileName, '--no-color'], dir)
}

/** `go test -bench Sort -cpu 1,2,4 -count 5` output; `twoProcsNs` is BenchmarkSort-2's time. */
function goCpuOutput(twoProcsNs: number): string {
  const lines = ['goos: linux', 'goarch: amd64', 'pkg: example.com/sorting']
  for (let round = 1; round <= 5; round++) {
    lines.push(`BenchmarkSort      \t   10000\t    ${10000 + round} ns/op`)
    lines.push(`BenchmarkSort-2    \t   10000\t    ${twoProcsNs + round} ns/op`)
    lines.push(`BenchmarkSort-4    \t   10000\t    ${4000 + round} ns/op`)
  }
  return `${lines.join('\n')}\nPASS\nok  \texample.com/sorting\t2.345s\n`
}

describe('foreign formats: verdicts that were wrong (dist/cli.js)', () => {
  test('go -cpu 1,2,4: a +50% regression of BenchmarkSort-2 fails the gate instead of drowning in the pooled spread', async () => {
    const run = await compare(goCpuOutput(6000), goCpuOutput(9000), 'cpu.txt')
    assert.equal(run.exitCode, 1, run.stdout + run.stderr)
    assert.match(run.stdout, /BenchmarkSort-2\s+time\s+6\.00 µs \(5×\)\s+9\.00 µs \(5×\)\s+\+50\.0%.*regression/)
  })

  test('hyperfine: a command listed twice is bad input (exit 3), not one benchmark of pooled runs', async () => {
    const passing = fixtureText('hyperfine.json')
    const duplicate = JSON.parse(passing)
    duplicate.results[1] = duplicate.results[0]
    const refused = await compare(passing, JSON.stringify(duplicate), 'hyperfine.json')
    assert.equal(refused.exitCode, 3, refused.stdout + refused.stderr)
    assert.match(refused.stderr, /hyperfine\.json: \/results\/1: a second benchmark named "sleep 0\.01" \(the first is at \/results\/0\)/)
  })

  test('hyperfine: runs that exited non-zero (hyperfine -i) fail the run (exit 2)', async () => {
    const passing = fixtureText('hyperfine.json')
    const failing = JSON.parse(passing)
    failing.results[0].exit_codes[2] = 1
    const failed = await compare(passing, JSON.stringify(failing), 'hyperfine.json')
    assert.equal(failed.exitCode, 2, failed.stdout + failed.stderr)
    assert.match(failed.stderr, /hyperfine\.json: \/results\/0\/exit_codes: command "sleep 0\.01" failed in 1 of 5 runs \(exit codes: 1\)/)
  })

  test('hey: a report where every request failed is a run failure (exit 2), not malformed input', async () => {
    const allFailed = fixtureText('hey.txt')
      .replace(/Average:\t[\d.]+ secs/, 'Average:\tNaN secs')
      .replace(/Latency distribution:\n(?:\s+\d.*\n)+/, 'Latency distribution:\n')
      .replace(
        /Status code distribution:\n(?:.*\n)+/,
        'Status code distribution:\n\nError distribution:\n  [400]\tGet "http://127.0.0.1:18080/api/items": dial tcp 127.0.0.1:18080: connect: connection refused\n\n'
      )
    const run = await compare(fixtureText('hey.txt'), allFailed, 'hey.txt')
    assert.equal(run.exitCode, 2, run.stdout + run.stderr)
    assert.match(run.stderr, /hey\.txt:2: all 400 requests of this hey run failed; the first error: Get "http:\/\/127\.0\.0\.1:18080\/api\/items"/)
  })

  test('BenchmarkDotNet -brief: the original values are trials, so a +30% change is a regression, not inconclusive', async () => {
    const baseline = fixtureText('benchmarkdotnet-report-brief.json')
    const slower = JSON.parse(baseline)
    const statistics = slower.Benchmarks[0].Statistics
    statistics.OriginalValues = statistics.OriginalValues.map((nanoseconds: number) => nanoseconds * 1.3)
    statistics.Mean *= 1.3
    const run = await compare(baseline, JSON.stringify(slower), 'report-brief.json')
    assert.equal(run.exitCode, 1, run.stdout + run.stderr)
    assert.match(run.stdout, /GenerateString\s+time\s+1\.39 ms \(82×\)\s+1\.80 ms \(82×\)\s+\+30\.0%.*regression/)
  })
})
