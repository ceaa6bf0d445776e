/**
 * Nothing compared is never a pass, through the bundled CLI on crafted files: a lost benchmark fails naming it,
 * disjoint scenario sets and rules that match nothing are input errors (exit 3).
 */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runCliEntry, scratchDir } from '../support/spawn-dist.js'
import { whatFailed } from '../../src/report/build-report.js'
import type { GateReport } from '../../src/report/report-model.js'

const scenario = (name: string, p95: number) => ({
  name,
  trials: [0.98, 0.99, 1, 1.01, 1.02].map((k) => ({ metrics: { p50: { value: (p95 / 2) * k, unit: 'ms' }, p95: { value: p95 * k, unit: 'ms' } } }))
})

function files(baseline: string[], current: string[], config?: string): string {
  const dir = scratchDir()
  writeFileSync(join(dir, 'base.json'), JSON.stringify({ schemaVersion: 1, scenarios: baseline.map((name) => scenario(name, 10)) }))
  writeFileSync(join(dir, 'head.json'), JSON.stringify({ schemaVersion: 1, scenarios: current.map((name) => scenario(name, 10)) }))
  if (config) {
    mkdirSync(join(dir, '.github'))
    writeFileSync(join(dir, '.github/perf-gate.yml'), config)
  }
  return dir
}

const compare = (dir: string, ...extra: string[]) => runCliEntry(['compare', '--baseline', 'base.json', '--current', 'head.json', ...extra], dir)

describe('nothing compared is never a pass (dist/cli.js)', () => {
  test('a suite that lost a benchmark fails naming it; `removed` relaxes it per scenario glob', async () => {
    const dir = files(['parse', 'render', 'legacy/old'], ['parse', 'render'], 'thresholds:\n  p95: +10%\n')
    const lost = await compare(dir, '--json', 'lost.json')
    assert.equal(lost.exitCode, 1, lost.stderr)
    // It fails the gate, but it is no regression beyond a threshold: the counts agree with the headline.
    const report = JSON.parse(readFileSync(join(dir, 'lost.json'), 'utf8')) as { verdict: string; regressions: number; hasRegressions: boolean }
    assert.deepEqual([report.verdict, report.regressions, report.hasRegressions], ['fail', 0, false])
    assert.equal(whatFailed(report as unknown as GateReport), '1 removed metric(s) (baseline scenarios this run did not measure)', "the Action's failure line")
    assert.match(lost.stdout, /FAIL/)
    assert.match(lost.stdout, /✗  legacy\/old\s+p95\s+10\.0 ms \(5×\)\s+—.*removed/)
    assert.match(lost.stdout, /legacy\/old · p95: Gated in the baseline but missing here \(the scenario did not run\)/)
    assert.match(lost.stdout, /A gated metric of the baseline is missing from this run, so it was not compared/)

    writeFileSync(join(dir, '.github/perf-gate.yml'), 'thresholds:\n  p95: +10%\nremoved:\n  "legacy/*": warn\n')
    const warned = await compare(dir)
    assert.equal(warned.exitCode, 0, warned.stderr)
    assert.match(warned.stdout, /WARN/)
    assert.match(warned.stdout, /A gated metric of the baseline is missing from this run \(removed: warn\); nothing is blocked\./)
    assert.doesNotMatch(warned.stdout, /crossed a warn level/, 'no warn level was crossed')
    writeFileSync(join(dir, '.github/perf-gate.yml'), 'thresholds:\n  p95: +10%\nremoved: ignore\n')
    const ignored = await compare(dir)
    assert.equal(ignored.exitCode, 0, ignored.stderr)
    assert.match(ignored.stdout, /PASS/)
  })

  test('a shared scenario whose gated metric the baseline lacks compared nothing: no-baseline, never a pass', async () => {
    const dir = scratchDir()
    const only = (metric: string) => ({
      schemaVersion: 1,
      scenarios: [{ name: 'parse', trials: [10, 10.1, 9.9].map((value) => ({ metrics: { [metric]: { value, unit: 'ms' } } })) }]
    })
    writeFileSync(join(dir, 'base.json'), JSON.stringify(only('p50')))
    writeFileSync(join(dir, 'head.json'), JSON.stringify(only('p95')))
    const run = await compare(dir, '--thresholds', 'p95: +10%', '--json', 'report.json')
    assert.equal(run.exitCode, 0, run.stderr)
    assert.match(run.stdout, /perf-gate · default: NO-BASELINE/)
    assert.doesNotMatch(run.stdout, /PASS/)
    assert.match(run.stdout, /nothing was compared: the baseline has none of this run's gated metrics \(1 new: p95\), so no threshold was checked/)
    assert.match(run.stdout, /Relative thresholds were not checked: the baseline holds none of the gated metrics this run measured\./)
    assert.doesNotMatch(run.stdout, /saved by the next push/, 'the baseline was given: no push will change it')
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as { verdict: string }
    assert.equal(report.verdict, 'no-baseline')
  })

  test('baseline and current sharing no scenario is exit 3 naming both sets', async () => {
    const dir = files(['hey-base.txt', 'other'], ['hey-head.txt'])
    const run = await compare(dir)
    assert.equal(run.exitCode, 3)
    assert.match(run.stderr, /share no scenario, so nothing can be compared/)
    assert.match(run.stderr, /this run: "hey-head\.txt"/)
    assert.match(run.stderr, /baseline: "hey-base\.txt", "other"/)
    assert.doesNotMatch(run.stdout, /PASS/)
    // Two tools' results never share names: the message says that first.
    writeFileSync(join(dir, 'go.txt'), 'BenchmarkParse-8   \t 1000000\t      1052 ns/op\nPASS\nok  \texample.com/p\t1.2s\n')
    writeFileSync(
      join(dir, 'lib.txt'),
      'running 1 test\ntest parse ... bench:       1,052 ns/iter (+/- 12)\n\ntest result: ok. 0 passed; 0 failed; 0 ignored; 1 measured; 0 filtered out; finished in 0.52s\n\n'
    )
    const tools = await runCliEntry(['compare', '--baseline', 'go.txt', '--current', 'lib.txt'], dir)
    assert.equal(tools.exitCode, 3)
    assert.match(
      tools.stderr,
      /share no scenario, so nothing can be compared\. They come from different tools \(libtest and go\)\.\n  this run: "parse" \(libtest\)\n  baseline: "BenchmarkParse" \(go\)/
    )
  })

  test('a typo in a rule is exit 3 with the metrics that exist and a did-you-mean', async () => {
    const dir = files(['parse'], ['parse'])
    for (const [rule, hint] of [
      ['p96', 'p95'],
      ['P95', 'p95']
    ] as const) {
      const run = await compare(dir, '--thresholds', `${rule}: +20%`)
      assert.equal(run.exitCode, 3, run.stdout)
      assert.match(run.stderr, new RegExp(`rule "${rule}" matches no metric; metrics here: p50, p95 \\(did you mean "${hint}"\\?\\)`))
    }
    const glob = await compare(dir, '--thresholds', 'latency_*: +20%')
    assert.equal(glob.exitCode, 3)
    assert.match(glob.stderr, /rule "latency_\*" matches no metric; metrics here: p50, p95/)
  })
})
