/** The bundled CLI (dist/cli.js) spawned as a user runs it from a terminal. */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { runCliEntry, scratchDir } from '../support/spawn-dist.js'
import { around, resultsWith } from '../support/results-builder.js'
import { schemaProblems } from '../../src/schemas.js'

function writeJson(path: string, data: unknown): void {
  writeFileSync(path, JSON.stringify(data, null, 2))
}

const baseline = resultsWith({
  'GET /users': { p95: { values: around(10, 6), unit: 'ms' }, rps: { values: around(1000, 6), unit: 'req/s' } },
  'GET /health': { p95: { values: around(1, 6), unit: 'ms' } }
})
const slower = resultsWith({
  'GET /users': { p95: { values: around(15, 6), unit: 'ms' }, rps: { values: around(1000, 6), unit: 'req/s' } },
  'GET /health': { p95: { values: around(1, 6), unit: 'ms' } }
})

describe('perf-gate compare', () => {
  test('p95 grown 50% exits 1 with the regression in the table and the JSON report', async () => {
    const dir = scratchDir()
    writeJson(join(dir, 'base.json'), baseline)
    writeJson(join(dir, 'current.json'), slower)
    const run = await runCliEntry(
      [
        'compare',
        '--baseline',
        'base.json',
        '--current',
        'current.json',
        '--thresholds',
        'p95: +20%',
        '--json',
        'out/report.json',
        '--markdown',
        'out/report.md'
      ],
      dir
    )
    assert.equal(run.exitCode, 1, run.stderr + run.stdout)
    assert.match(run.stdout, /FAIL/)
    assert.match(run.stdout, /GET \/users\s+p95\s+10\.0 ms \(6×\)\s+15\.0 ms \(6×\)\s+\+50\.0%/)
    const report = JSON.parse(readFileSync(join(dir, 'out/report.json'), 'utf8'))
    assert.deepEqual(schemaProblems('report', report), [])
    assert.equal(report.verdict, 'fail')
    assert.equal(report.regressions, 1)
    const failing = report.metrics.filter((m: { status: string }) => m.status === 'fail')
    assert.deepEqual(
      failing.map((m: { scenario: string; metric: string }) => `${m.scenario} ${m.metric}`),
      ['GET /users p95']
    )
    const markdown = readFileSync(join(dir, 'out/report.md'), 'utf8')
    assert.match(markdown, /❌ 1 regression/)
    assert.match(markdown, /\| ❌ \| GET \/users \| p95 \| 10\.0 ms \\\(6×\\\) \| 15\.0 ms \\\(6×\\\) \| \\\+50\.0% \|/)
  })

  test('identical files exit 0 and pass', async () => {
    const dir = scratchDir()
    writeJson(join(dir, 'base.json'), baseline)
    const run = await runCliEntry(['compare', '--baseline', 'base.json', '--current', 'base.json', '--thresholds', 'p95: +20%', '--json', 'r.json'], dir)
    assert.equal(run.exitCode, 0, run.stderr)
    assert.equal(JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')).verdict, 'pass')
    assert.match(run.stdout, /PASS/)
  })

  test('--strict: a warning fails the gate, and the report says it does (never "nothing is blocked")', async () => {
    const dir = scratchDir()
    writeJson(join(dir, 'base.json'), baseline)
    writeJson(join(dir, 'current.json'), slower)
    const rules = ['--thresholds', 'p95: { warn: +20%, fail: +100% }', '--markdown', 'r.md']
    const lenient = await runCliEntry(['compare', 'base.json', 'current.json', ...rules], dir)
    assert.equal(lenient.exitCode, 0, lenient.stderr + lenient.stdout)
    assert.match(lenient.stdout, /A metric crossed a warn level; nothing is blocked\./)
    const strict = await runCliEntry(['compare', 'base.json', 'current.json', ...rules, '--strict', '--json', 'r.json'], dir)
    assert.equal(strict.exitCode, 1, strict.stderr + strict.stdout)
    assert.match(strict.stdout, /A metric crossed a warn level, and in strict mode a warning fails the gate\./)
    assert.doesNotMatch(strict.stdout + readFileSync(join(dir, 'r.md'), 'utf8'), /nothing is blocked/i)
    assert.equal(JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')).strict, true)
  })

  test('a results file that is not JSON is bad input (exit 3) with its name and position', async () => {
    const dir = scratchDir()
    writeJson(join(dir, 'base.json'), baseline)
    writeFileSync(join(dir, 'broken.json'), '{"schemaVersion": 1,\n  "scenarios": [\n')
    const run = await runCliEntry(['compare', '--baseline', 'base.json', '--current', 'broken.json', '--format', 'perf-gate'], dir)
    assert.equal(run.exitCode, 3)
    assert.match(run.stderr, /broken\.json:\d+:\d+: the JSON ends before it is complete; the file looks truncated/)
  })

  test('a results file of a newer schema version is rejected (exit 3)', async () => {
    const dir = scratchDir()
    writeJson(join(dir, 'base.json'), baseline)
    writeJson(join(dir, 'future.json'), { ...baseline, schemaVersion: 2 })
    const run = await runCliEntry(['compare', '--baseline', 'base.json', '--current', 'future.json'], dir)
    assert.equal(run.exitCode, 3)
    assert.match(run.stderr, /future\.json: schemaVersion 2 is newer than this perf-gate understands \(1\)/)
  })

  test('an invalid field is named by its path', async () => {
    const dir = scratchDir()
    writeJson(join(dir, 'base.json'), baseline)
    const bad = structuredClone(baseline) as unknown as { scenarios: Array<{ trials: Array<{ metrics: Record<string, { value: unknown }> }> }> }
    bad.scenarios[0]!.trials[2]!.metrics.p95!.value = '12ms'
    writeJson(join(dir, 'bad.json'), bad)
    const run = await runCliEntry(['compare', '--baseline', 'base.json', '--current', 'bad.json'], dir)
    assert.equal(run.exitCode, 3)
    assert.match(run.stderr, /bad\.json is not valid perf-gate results:\n\s+\/scenarios\/0\/trials\/2\/metrics\/p95\/value: expected number, got "12ms"/)
  })

  test('--help on every command, and unknown flags are bad input', async () => {
    const dir = scratchDir()
    for (const command of [['--help'], ['run', '--help'], ['compare', '--help'], ['baseline', '--help'], ['help', 'run']]) {
      const run = await runCliEntry(command, dir)
      assert.equal(run.exitCode, 0, command.join(' '))
      assert.match(run.stdout, /Usage: perf-gate/)
    }
    const unknown = await runCliEntry(['run', '--frobnicate'], dir)
    assert.equal(unknown.exitCode, 3)
    assert.match(unknown.stderr, /frobnicate/)
  })
})

describe('perf-gate run', () => {
  function project(config: string): string {
    const dir = scratchDir()
    mkdirSync(join(dir, '.github'))
    writeFileSync(join(dir, '.github/perf-gate.yml'), config)
    return dir
  }

  test('runs the suite, saves a baseline on request, then reports a regression against it', async () => {
    const dir = project(`name: api
suites:
  - name: bench
    command: node write-results.mjs
    results: results.json
thresholds:
  p95: +20%
`)
    writeFileSync(
      join(dir, 'write-results.mjs'),
      `import { writeFileSync } from 'node:fs'
const factor = Number(process.env.SLOWDOWN ?? 1)
const trials = [0, 1, 2, 3, 4].map((i) => ({ metrics: { p95: { value: 10 * factor * (1 + 0.01 * Math.sin(i)), unit: 'ms' } } }))
console.log('benchmarking...')
writeFileSync('results.json', JSON.stringify({ schemaVersion: 1, scenarios: [{ name: 'checkout', trials }] }))
`
    )
    const first = await runCliEntry(['run', '--save-baseline'], dir)
    assert.equal(first.exitCode, 0, first.stderr)
    assert.match(first.stdout, /FIRST BASELINE SAVED/)
    assert.match(first.stdout, /: the next run compares against it$/m, 'a terminal has no pull request: its next run compares')
    assert.match(first.stdout, /Relative thresholds are checked from the next run on/)
    assert.match(first.stderr, /benchmarking\.\.\./, 'the suite output is streamed')
    assert.match(first.stderr, /Saved baseline/)
    const history = readdirSync(join(dir, '.perf-gate/api/history'))
    assert.equal(history.length, 1)

    const same = await runCliEntry(['run'], dir)
    assert.equal(same.exitCode, 0, same.stderr + same.stdout)
    assert.match(same.stdout, /PASS/)
    assert.doesNotMatch(same.stderr, /Baseline not saved/, 'a local run not asked to save says nothing of saving')

    const slow = await runCliEntry(['run', '--json', 'report.json'], dir, { SLOWDOWN: '1.5' })
    assert.equal(slow.exitCode, 1, slow.stderr + slow.stdout)
    assert.match(slow.stdout, /checkout\s+p95/)
    assert.equal(readdirSync(join(dir, '.perf-gate/api/history')).length, 1, 'run without --save-baseline saves nothing')

    const list = await runCliEntry(['baseline', 'list'], dir)
    assert.equal(list.exitCode, 0, list.stderr)
    assert.match(list.stdout, /scenario\(s\)/)
    const show = await runCliEntry(['baseline', 'show', 'latest'], dir)
    assert.equal(JSON.parse(show.stdout).gate, 'api')
  })

  test('a command that exits non-zero is a run failure (exit 2) and writes no baseline', async () => {
    const dir = project('suites:\n  - command: "echo starting; echo boom >&2; exit 4"\n    results: r.json\n')
    const run = await runCliEntry(['run', '--save-baseline'], dir)
    assert.equal(run.exitCode, 2)
    assert.match(run.stderr, /suite "suite" failed: `echo starting; echo boom >&2; exit 4` exited with code 4/)
    assert.match(run.stderr, /Last output:\n\s+starting\n\s+boom/)
    assert.equal(existsSync(join(dir, '.perf-gate')), false)
  })

  test('a command that hangs is killed at its time limit with its whole process group (exit 2)', async () => {
    const dir = project('suites:\n  - command: "sleep 30 & sleep 30; echo never"\n    results: r.json\n    timeout: 1s\n')
    const started = Date.now()
    const run = await runCliEntry(['run', '--save-baseline'], dir)
    assert.equal(run.exitCode, 2)
    assert.match(run.stderr, /timed out after 1\.0 s; its whole process group was killed/)
    assert.ok(Date.now() - started < 20000, 'it does not wait for the sleeping children')
    assert.equal(existsSync(join(dir, '.perf-gate')), false)
  })

  test('a missing explicit config file is bad input (exit 3)', async () => {
    const dir = scratchDir()
    const run = await runCliEntry(['run', '--config', 'nope.yml'], dir)
    assert.equal(run.exitCode, 3)
    assert.match(run.stderr, /config file nope\.yml does not exist/)
  })

  test('invalid YAML names the line and column', async () => {
    const dir = project('suites:\n  - command: "x"\n   results: [unclosed\n')
    const run = await runCliEntry(['run'], dir)
    assert.equal(run.exitCode, 3)
    assert.match(run.stderr, /\.github\/perf-gate\.yml:\d+:\d+/)
  })

  test('schema violations name the path, the line, the bad value and what is allowed', async () => {
    const dir = project('suites:\n  - command: "x"\n    timeout: soon\nthresholds:\n  p95: "+20 percent"\nbaseline:\n  store: s3\n  colour: red\n')
    const run = await runCliEntry(['run'], dir)
    assert.equal(run.exitCode, 3)
    assert.match(
      run.stderr,
      /perf-gate\.yml:3: \/suites\/0\/timeout: "soon" is not valid \(a duration such as 500ms, 30s, 10m, 1h, 1m30s or 10 minutes; a bare number is seconds\)/
    )
    assert.match(run.stderr, /perf-gate\.yml:5: \/thresholds\/p95: "\+20 percent" is not valid/)
    assert.match(run.stderr, /perf-gate\.yml:7: \/baseline\/store: "s3" is not allowed; allowed: "file", "cache", "artifact"/)
    assert.match(run.stderr, /\/baseline: unknown key "colour"; allowed: store, dir, history, name/)
  })

  test('a threshold with an unknown unit is rejected with what is allowed', async () => {
    const dir = project('suites:\n  - command: "x"\nthresholds:\n  p99: "< 300 parsecs"\n')
    const run = await runCliEntry(['run'], dir)
    assert.equal(run.exitCode, 3)
    assert.match(run.stderr, /\/thresholds\/p99: threshold "< 300 parsecs" has unknown unit "parsecs"; allowed: ns, us, ms/)
  })
})
