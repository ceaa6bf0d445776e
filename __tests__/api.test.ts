/** The package API (src/api.ts, `import … from 'perf-gate'`): compare two results, parse, and run the gate with an injected store. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { compareResults, parseResults, resolveSettings, runGate, MemoryLogger, EXIT_REGRESSION, type BaselineRecord, type BaselineStore } from '../src/api.js'
import { REPO_ROOT, scratchDir } from './support/spawn-dist.js'

const example = (name: string) => parseResults(readFileSync(join(REPO_ROOT, 'examples/local-action', name), 'utf8'), 'auto', name)

test('compareResults: the verdict and exit code the CLI would give; a slowdown beyond the threshold fails', async () => {
  const before = example('baseline-results.json')
  const after = example('results.json')
  const same = await compareResults(before, after, { thresholds: 'time: +50%', rootDir: scratchDir() })
  assert.equal(same.report.verdict, 'pass')
  assert.equal(same.exitCode, 0)
  assert.equal(same.report.metrics.length, 2)

  const slower = structuredClone(after)
  for (const scenario of slower.scenarios) for (const trial of scenario.trials) trial.metrics.time!.value *= 3
  const regressed = await compareResults(before, slower, { thresholds: 'time: +50%', rootDir: scratchDir() })
  assert.equal(regressed.report.verdict, 'fail')
  assert.equal(regressed.exitCode, EXIT_REGRESSION)
  assert.equal(regressed.saved, undefined, 'compare saves nothing')
})

test('parseResults names the file when it cannot tell the format', () => {
  assert.throws(() => parseResults('hello', 'auto', 'mystery.txt'), /mystery\.txt: cannot tell which format/)
})

test('runGate with an injected store: it reads the baseline from it and saves a promotion into it', async () => {
  const saved: BaselineRecord[] = []
  const store: BaselineStore = {
    description: 'memory store',
    load: async () => ({ history: [], problems: [] }),
    save: async (record) => {
      saved.push(record)
      return { id: record.id, location: 'memory' }
    },
    list: async () => []
  }
  const root = scratchDir()
  const settings = await resolveSettings({
    rootDir: root,
    configExplicit: false,
    defaultBaselineStore: 'file',
    failOnRegression: true,
    resultsPath: 'r.json',
    confirm: 'never',
    thresholdsText: 'time: +50%'
  })
  const outcome = await runGate(
    settings,
    { log: new MemoryLogger(), store, context: { event: 'local', runner: 'local' }, now: () => new Date(), produce: async () => example('results.json') },
    { save: 'promote' }
  )
  assert.equal(outcome.report.verdict, 'no-baseline')
  assert.equal(saved.length, 1, outcome.saveDecision.reason)
  assert.equal(saved[0]!.results.scenarios.length, 2)
})
