/**
 * One machine, two loads: a local baseline saved while the machine was busy is not the same conditions as a run on
 * the quiet machine hours later. The run's environment records the load, the report says which way the comparison
 * leans, and trials measured under a very different load do not fail a metric on their own.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { compareResults } from '../../src/api.js'
import { baselineRecord } from '../../src/gate.js'
import { buildReport } from '../../src/report/build-report.js'
import { parseThresholdMap } from '../../src/config/thresholds.js'
import { evaluate } from '../../src/verdict/evaluate.js'
import { currentEnvironment, describeLoadDifference } from '../../src/results/environment.js'
import type { EnvironmentFingerprint, Results } from '../../src/results/model.js'
import { around, resultsWith } from '../support/results-builder.js'
import { scratchDir } from '../support/spawn-dist.js'
import { withABDecision } from '../support/confirmation-builder.js'

const machine: EnvironmentFingerprint = { os: 'linux', arch: 'x64', cpuModel: 'AMD EPYC', cores: 2, runner: 'local' }

function measured(center: number, loadPerCore: number, runner = 'local'): Results {
  return { ...resultsWith({ parse: { time: { values: around(center, 5), unit: 'ms' } } }), environment: { ...machine, runner, loadPerCore } }
}

test(
  'a run records how busy the machine was (the load average per core, the higher of start and end)',
  { skip: process.platform === 'win32' && 'Windows keeps no load average' },
  () => {
    const environment = currentEnvironment('local', 9.5)
    assert.equal(environment.loadPerCore, 9.5, 'the reading at the start is kept when it is the higher')
    const now = currentEnvironment('local').loadPerCore
    assert.ok(now !== undefined && now >= 0, `the load now is read (${now})`)
  }
)

test('loads half a core or more apart, one past a thread per core, are different conditions; quiet machines are not', () => {
  const at = (load: number): EnvironmentFingerprint => ({ ...machine, loadPerCore: load })
  assert.deepEqual(describeLoadDifference(at(1.45), at(0.2)), { busier: 'baseline', baseline: 1.45, current: 0.2 })
  assert.deepEqual(describeLoadDifference(at(0.1), at(1.1)), { busier: 'current', baseline: 0.1, current: 1.1 })
  assert.equal(describeLoadDifference(at(0.1), at(0.5)), undefined, 'a few tenths apart on quiet machines')
  assert.equal(describeLoadDifference(at(0.2), at(0.9)), undefined, 'apart, but neither has more threads ready than cores')
  assert.equal(describeLoadDifference(at(1.2), at(1.6)), undefined, 'both busy, close')
  assert.equal(describeLoadDifference({ ...machine }, at(1.6)), undefined, 'a baseline that recorded no load')
  const ci = { ...machine, runner: 'github-actions:ubuntu24' }
  assert.equal(describeLoadDifference({ ...ci, loadPerCore: 2 }, { ...ci, loadPerCore: 0.1 }), undefined, 'CI jobs land on other machines anyway')
})

test('a +25% slowdown measured while the machine was busier than for the baseline is not failed on trials alone', async () => {
  const rootDir = scratchDir()
  const sameLoad = await compareResults(measured(100, 0.2), measured(125, 0.3), { thresholds: 'time: +10%', rootDir })
  assert.equal(sameLoad.report.verdict, 'fail', "under the same load, this machine's trials decide")
  assert.deepEqual(sameLoad.report.baselineProblems, [])

  const busier = await compareResults(measured(100, 0.2), measured(125, 1.6), { thresholds: 'time: +10%', rootDir })
  assert.equal(busier.report.verdict, 'inconclusive')
  assert.equal(busier.exitCode, 0)
  assert.match(
    busier.report.baselineProblems.join('\n'),
    /this run was measured while this machine was busier than when the baseline was \(load 1\.60 per core, 0\.20 then\): slowdowns may be the load, not the code.*--compare-to base-commit/
  )
})

test('a baseline measured on a busier machine is named as hiding slowdowns; a slowdown measured against it still fails', async () => {
  const outcome = await compareResults(measured(125, 1.45), measured(100, 0.2), { thresholds: 'time: +10%', rootDir: scratchDir() })
  assert.equal(outcome.report.metrics[0]!.status, 'improved', 'the shown change stands, with the warning beside it')
  const problems = outcome.report.baselineProblems.join('\n')
  assert.match(
    problems,
    /the baseline was measured while this machine was busier \(load 1\.45 per core, 0\.20 now\): it may read slower than the code is, which hides slowdowns/
  )
  assert.match(problems, /--compare-to base-commit .*or save a new baseline on a quiet machine/)
  const slower = await compareResults(measured(100, 1.45), measured(125, 0.2), { thresholds: 'time: +10%', rootDir: scratchDir() })
  assert.equal(slower.report.verdict, 'fail', 'a busier baseline reads slower: a slowdown against it is understated, not invented')
  assert.match(slower.report.baselineProblems.join('\n'), /the baseline was measured while this machine was busier/)
  const ci = await compareResults(measured(125, 1.45, 'github-actions:ubuntu24'), measured(100, 0.2, 'github-actions:ubuntu24'), {
    thresholds: 'time: +10%',
    rootDir: scratchDir()
  })
  assert.doesNotMatch(ci.report.baselineProblems.join('\n'), /busier/)
})

/** The report of `current` against one stored local run, every gated row then decided by A/B or not. */
function reportWithAB(baseline: Results, current: Results, decideByAB: boolean, thresholds: Record<string, string>) {
  const rules = [{ metrics: parseThresholdMap(thresholds, 'test') }]
  const stored = evaluate({ current, baseline, history: [baseline], rules })
  const verdict = decideByAB
    ? withABDecision(stored, {
        target: { scenario: 'parse', metric: 'time', direction: 'lower', worseFraction: 0.1, text: '+10%' },
        outcome: 'fail',
        reason: 'A/B says 24.8% higher: beyond +10%.',
        pairs: 6,
        change: { ratio: 1.248, method: 'paired', interval: { low: 1.2, high: 1.3, confidence: 0.9 } },
        arms: { base: [100, 101, 99, 100, 102, 100], head: [125, 126, 124, 124, 127, 125] }
      })
    : stored
  const record = baselineRecord('api', baseline, { event: 'local', runner: 'local' }, new Date())
  return buildReport({
    gate: 'api',
    verdict,
    current,
    lookup: { baseline: record, history: [record], problems: [] },
    storeDescription: 'file store',
    context: { event: 'local', runner: 'local' },
    now: new Date(),
    notes: []
  })
}

test("when same-runner A/B decided every gated row, the stored baseline's load is not held against them, nor the A/B advised again", () => {
  const withExtra = (center: number, load: number): Results => ({
    ...resultsWith({ parse: { time: { values: around(center, 5), unit: 'ms' }, heap: { values: around(50, 5), unit: 'MB' } } }),
    environment: { ...machine, loadPerCore: load }
  })
  const stored = reportWithAB(withExtra(100, 1.45), withExtra(125, 0.2), false, { time: '+10%' })
  assert.match(stored.baselineProblems.join('\n'), /the baseline was measured while this machine was busier.*--compare-to base-commit/)

  const ab = reportWithAB(withExtra(100, 1.45), withExtra(125, 0.2), true, { time: '+10%' })
  assert.equal(ab.metrics.find((m) => m.metric === 'time')!.decidedBy, 'paired')
  const problems = ab.baselineProblems.join('\n')
  assert.doesNotMatch(problems, /--compare-to base-commit/, 'the reader has just run the A/B')
  assert.match(
    problems,
    /the rows A\/B did not re-measure compare with a baseline measured while this machine was busier \(load 1\.45 per core, 0\.20 now\): they may show improvements that are not there/,
    'the ungated heap row still compares with the stored baseline'
  )

  const onlyGated = reportWithAB(measured(100, 1.45), measured(125, 0.2), true, { time: '+10%' })
  assert.deepEqual(onlyGated.baselineProblems, [], 'no row leans on the stored baseline')

  // No A/B ran and every gate is an absolute target: the warning names the ungated rows, and no A/B rows.
  const budgets = reportWithAB(withExtra(100, 3.5), withExtra(100, 0.6), false, { time: '< 200ms' })
  const budgetProblems = budgets.baselineProblems.join('\n')
  assert.match(budgetProblems, /^the ungated rows compare with a baseline measured while this machine was busier \(load 3\.50 per core, 0\.60 now\)/m)
  assert.match(budgetProblems, /no gated row depends on that baseline/)
  assert.doesNotMatch(budgetProblems, /A\/B/, 'no A/B ran')
})

test('a baseline from another kind of machine is named for the rows it judged, and not for rows A/B decided', () => {
  const on = (center: number, cpuModel: string, withHeap: boolean): Results => ({
    ...resultsWith({
      parse: { time: { values: around(center, 5), unit: 'ms' }, ...(withHeap ? { heap: { values: around(50, 5), unit: 'MB' } } : {}) }
    }),
    environment: { ...machine, cpuModel }
  })
  const stored = reportWithAB(on(100, 'Intel Xeon', true), on(125, 'AMD EPYC', true), false, { time: '+10%' })
  assert.match(
    stored.baselineProblems.join('\n'),
    /^the baseline was measured on a different kind of machine \(.*Intel Xeon.*\); differences may come from the runner/m
  )
  const ab = reportWithAB(on(100, 'Intel Xeon', true), on(125, 'AMD EPYC', true), true, { time: '+10%' })
  assert.match(ab.baselineProblems.join('\n'), /^the rows A\/B did not re-measure compare with a baseline measured on a different kind of machine/m)
  assert.deepEqual(reportWithAB(on(100, 'Intel Xeon', false), on(125, 'AMD EPYC', false), true, { time: '+10%' }).baselineProblems, [])
})
