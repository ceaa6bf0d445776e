/** Small hardening through the bundled CLI (dist/cli.js): broken pipes, contradictory thresholds, config positions. */
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { CLI_ENTRY, runCliEntry, scratchDir } from '../support/spawn-dist.js'
import { around, resultsWith } from '../support/results-builder.js'

function resultsDir(): string {
  const dir = scratchDir()
  const rows = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`bench-${i}`, { time: { values: around(10, 3), unit: 'ms' } }]))
  writeFileSync(join(dir, 'results.json'), JSON.stringify(resultsWith(rows)))
  return dir
}

describe('CLI hardening', () => {
  test('perf-gate … | head: a reader that closes early costs no error and no regression exit code', () => {
    const dir = resultsDir()
    // bash reports the exit status of perf-gate itself (PIPESTATUS), after head closed the pipe after one line.
    const out = execFileSync(
      'bash',
      [
        '-c',
        `node "${CLI_ENTRY}" compare --baseline results.json --current results.json --all 2>err.txt | head -1; echo "status=\${PIPESTATUS[0]}"; cat err.txt`
      ],
      {
        cwd: dir,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1' },
        encoding: 'utf8'
      }
    )
    assert.match(out, /status=0/, out)
    assert.doesNotMatch(out, /EPIPE|Error:|at /, 'quiet: no stack, no error line')
  })

  test('warn looser than fail ({ warn: +30%, fail: +10% }) is bad input: exit 3 naming both', async () => {
    const dir = resultsDir()
    const run = await runCliEntry(
      ['compare', '--baseline', 'results.json', '--current', 'results.json', '--thresholds', '{ time: { warn: "+30%", fail: "+10%" } }'],
      dir
    )
    assert.equal(run.exitCode, 3, run.stdout + run.stderr)
    assert.match(run.stderr, /\/time: warn "\+30%" is looser than fail "\+10%"/)
    const absolute = await runCliEntry(
      ['compare', '--baseline', 'results.json', '--current', 'results.json', '--thresholds', '{ time: { warn: "< 300ms", fail: "< 200ms" } }'],
      dir
    )
    assert.equal(absolute.exitCode, 3, absolute.stdout + absolute.stderr)
  })

  test('--thresholds given several times: every flag counts; the same metric twice is bad input; "p95:+20%" is named', async () => {
    const dir = scratchDir()
    writeFileSync(
      join(dir, 'base.json'),
      JSON.stringify(resultsWith({ s: { time: { values: around(10, 5), unit: 'ms' }, p99: { values: around(20, 5), unit: 'ms' } } }))
    )
    writeFileSync(
      join(dir, 'slow.json'),
      JSON.stringify(resultsWith({ s: { time: { values: around(10, 5), unit: 'ms' }, p99: { values: around(40, 5), unit: 'ms' } } }))
    )
    const compare = (...flags: string[]) => runCliEntry(['compare', '--baseline', 'base.json', '--current', 'slow.json', '--no-color', ...flags], dir)
    // The first flag was dropped before: p99 doubled and passed.
    const both = await compare('-t', 'p99: +20%', '-t', 'time=+20%')
    assert.equal(both.exitCode, 1, both.stdout + both.stderr)
    assert.match(both.stdout, /p99 .*regression/)
    assert.match(both.stdout, /1 regression · 1 unchanged/, 'time is gated too')
    const twice = await compare('-t', 'p99: +20%', '-t', '{ p99: "+50%" }')
    assert.equal(twice.exitCode, 3)
    assert.match(twice.stderr, /--thresholds: "p99" is given in two flags; give each metric once/)
    const noSpace = await compare('-t', 'p99:+20%')
    assert.equal(noSpace.exitCode, 3)
    assert.match(noSpace.stderr, /"p99:\+20%" needs a space after the colon/)
  })

  test('a unit error in the config names the file, the line and the JSON path', async () => {
    const dir = scratchDir()
    writeFileSync(join(dir, 'perf-gate.yml'), 'name: api\nsuites:\n  - command: echo\n    format: go\nthresholds:\n  p95: "< 3 parsecs"\n')
    const run = await runCliEntry(['run', '-c', 'perf-gate.yml'], dir)
    assert.equal(run.exitCode, 3, run.stdout + run.stderr)
    assert.match(run.stderr, /perf-gate\.yml:6: \/thresholds\/p95: threshold "< 3 parsecs" has unknown unit "parsecs"/)
  })

  test('an unclosed quote is reported where it opens', async () => {
    const dir = scratchDir()
    writeFileSync(join(dir, 'perf-gate.yml'), 'name: api\nthresholds:\n  p95: "+20%\n  p99: +30%\nsuites:\n  - command: echo\n')
    const run = await runCliEntry(['run', '-c', 'perf-gate.yml'], dir)
    assert.equal(run.exitCode, 3, run.stdout + run.stderr)
    assert.match(run.stderr, /Missing closing "quote \(the quote opened at perf-gate\.yml:3:8\)/)
  })

  test('a results format is checked before the suite runs: a typo names the line and the nearest format; github-action-benchmark tool names work', async () => {
    const dir = scratchDir()
    // The command leaves a mark if it runs: a long suite must not run to the end before its format is refused.
    writeFileSync(join(dir, 'bench.js'), "require('fs').writeFileSync('ran', '1')\nconsole.log(JSON.stringify([{ name: 'parse', unit: 'ms', value: 10 }]))\n")
    const suite = (format: string): string => `suites:\n  - name: parse\n    command: node bench.js\n    format: ${format}\n`
    writeFileSync(join(dir, 'perf-gate.yml'), suite('custom-smaler-is-better'))
    const typo = await runCliEntry(['run', '-c', 'perf-gate.yml'], dir)
    assert.equal(typo.exitCode, 3, typo.stdout + typo.stderr)
    assert.match(
      typo.stderr,
      /perf-gate\.yml:4: \/suites\/0\/format: unknown results format "custom-smaler-is-better" \(did you mean "custom-smaller-is-better"\?\); known formats: auto, /
    )
    assert.equal(existsSync(join(dir, 'ran')), false, 'the suite did not run')

    writeFileSync(join(dir, 'perf-gate.yml'), suite('customSmallerIsBetter'))
    const migrated = await runCliEntry(['baseline', 'promote', '-c', 'perf-gate.yml'], dir)
    assert.equal(migrated.exitCode, 0, migrated.stdout + migrated.stderr)
    assert.match(migrated.stdout.trim(), /^\d{8}T\d{9}Z-[0-9a-f-]+-local$/, 'promote answers the saved id on stdout')
    assert.equal((migrated.stderr.match(/Saved baseline/g) ?? []).length, 1, 'said once')

    const flag = await runCliEntry(['compare', 'a.json', 'b.json', '--format', 'pytset'], dir)
    assert.equal(flag.exitCode, 3)
    assert.match(flag.stderr, /--format: unknown results format "pytset" \(did you mean "pytest-benchmark"\?\)/)
  })
})
