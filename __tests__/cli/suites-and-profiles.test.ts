/** Suites by name (`--suite`), `perf-gate list`, and load profiles of one's own, as a user runs them. */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runCliEntry, scratchDir } from '../support/spawn-dist.js'
import { runCliInProcess } from '../support/cli-in-process.js'
import { around, resultsWith } from '../support/results-builder.js'

/** Two suites that print fixed results; the baseline holds both. */
function twoSuites(): string {
  const dir = scratchDir()
  writeFileSync(join(dir, 'api.json'), JSON.stringify(resultsWith({ 'GET /api': { p95: { values: around(10, 5), unit: 'ms' } } })))
  writeFileSync(join(dir, 'db.json'), JSON.stringify(resultsWith({ 'query users': { p95: { values: around(4, 5), unit: 'ms' } } })))
  writeFileSync(
    join(dir, 'perf-gate.yml'),
    [
      'suites:',
      '  - name: api',
      '    command: cat api.json',
      '    format: perf-gate',
      '  - name: db',
      '    command: cat db.json',
      '    format: perf-gate',
      'thresholds:',
      '  p95: +20%',
      ''
    ].join('\n')
  )
  return dir
}

describe('suites by name', () => {
  test('perf-gate list shows each suite with its command, and the load profiles', async () => {
    const dir = twoSuites()
    const run = await runCliInProcess(['list', '--config', 'perf-gate.yml'], dir)
    assert.equal(run.code, 0, run.stderr)
    assert.match(run.stdout, /Suites \(2\):\n  api\n    command  cat api\.json\n    results  standard output, format perf-gate, time limit 10 min\n  db\n/)
    assert.match(run.stdout, /standard\s+5 trial\(s\) × 10 s after 3 s warm-up, 10 connections/)
  })

  test('run --suite db runs that suite only, compares its scenarios only (the other suite is not "removed"), and never saves', async () => {
    const dir = twoSuites()
    const saved = await runCliEntry(['run', '--config', 'perf-gate.yml', '--save-baseline'], dir)
    assert.equal(saved.exitCode, 0, saved.stderr)
    const one = await runCliEntry(['run', '--config', 'perf-gate.yml', '--suite', 'db', '--json', '-'], dir)
    assert.equal(one.exitCode, 0, one.stderr)
    const report = JSON.parse(one.stdout)
    assert.deepEqual([...new Set(report.metrics.map((m: { scenario: string }) => m.scenario))], ['query users'])
    assert.equal(report.counts.removed, 0)
    assert.doesNotMatch(one.stderr, /Running suite "api"/)
    const refused = await runCliEntry(['run', '--config', 'perf-gate.yml', '--suite', 'db', '--save-baseline'], dir)
    assert.equal(refused.exitCode, 3)
    assert.match(refused.stderr, /--save-baseline with --suite would save only some suites/)
  })

  test('an unknown suite name is bad input with a did-you-mean', async () => {
    const dir = twoSuites()
    const run = await runCliInProcess(['run', '--config', 'perf-gate.yml', '--suite', 'apj'], dir)
    assert.equal(run.code, 3)
    assert.match(run.stderr, /--suite apj: no such suite \(did you mean "api"\?\); suites: api, db/)
  })
})

describe("load profiles of one's own", () => {
  const config = [
    'profiles:',
    '  light: { connections: 2, duration: 1s, warmup: 0s, trials: 2 }',
    '  heavy: { connections: 50, rate: 500 }',
    'load:',
    '  base-url: http://127.0.0.1:9',
    '  profile: light',
    '  scenarios:',
    '    - endpoints: [{ path: /items }]',
    ''
  ].join('\n')

  test('profile: and --profile select them; list shows what they set (unset knobs come from standard)', async () => {
    const dir = scratchDir()
    writeFileSync(join(dir, 'perf-gate.yml'), config)
    const light = await runCliInProcess(['list', '--config', 'perf-gate.yml'], dir)
    assert.equal(light.code, 0, light.stderr)
    assert.match(light.stdout, /GET \/items: 2 trial\(s\) of 1 s after 0 s warm-up, 2 connections/)
    assert.match(light.stdout, /heavy\s+5 trial\(s\) × 10 s after 3 s warm-up, 500 req\/s over 50 connections/)
    const heavy = await runCliInProcess(['list', '--config', 'perf-gate.yml', '--profile', 'heavy'], dir)
    assert.match(heavy.stdout, /GET \/items: 5 trial\(s\) of 10 s after 3 s warm-up, 500 req\/s over 50 connections/)
    // Generator threads: as many as asked, never more than the connections.
    writeFileSync(join(dir, 'perf-gate.yml'), config.replace('  profile: light\n', '  profile: light\n  workers: 4\n'))
    const threads = await runCliInProcess(['list', '--config', 'perf-gate.yml', '--profile', 'heavy'], dir)
    assert.match(threads.stdout, /GET \/items: 5 trial\(s\) of 10 s after 3 s warm-up, 500 req\/s over 50 connections, generator on 4 threads/)
    const capped = await runCliInProcess(['list', '--config', 'perf-gate.yml'], dir)
    assert.match(capped.stdout, /GET \/items: 2 trial\(s\) of 1 s after 0 s warm-up, 2 connections, generator on 2 threads/)
  })

  test('an unknown profile names the ones that exist (exit 3)', async () => {
    const dir = scratchDir()
    writeFileSync(join(dir, 'perf-gate.yml'), config.replace('profile: light', 'profile: medium'))
    const run = await runCliInProcess(['list', '--config', 'perf-gate.yml'], dir)
    assert.equal(run.code, 3)
    assert.match(
      run.stderr,
      /\/load\/profile must be one of smoke, standard, stress, soak, quick, light, heavy \(define your own under profiles:\); got "medium"/
    )
  })
})
