/**
 * One machine, two loads: a local baseline saved while the machine was busy is not the same conditions as a run on
 * the quiet machine hours later. The run's environment records the load, the report says which way the comparison
 * leans, and trials measured under a very different load do not fail a metric on their own.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { compareResults } from '../../src/api.js'
import { currentEnvironment, describeLoadDifference } from '../../src/results/environment.js'
import type { EnvironmentFingerprint, Results } from '../../src/results/model.js'
import { around, resultsWith } from '../support/results-builder.js'
import { scratchDir } from '../support/spawn-dist.js'

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
