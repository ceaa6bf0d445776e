/** `perf-gate history` through the CLI in-process: runs saved one by one into the file store, a step injected. */
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, test } from 'node:test'
import { runCliInProcess as cli } from '../support/cli-in-process.js'
import { resultsWith } from '../support/results-builder.js'
import { scratchDir } from '../support/spawn-dist.js'

const sha = (i: number) => `${(0xa000 + i).toString(16)}${'0'.repeat(36)}`
// Deterministic noise of about ±2 % per run; the step (+30 % on p95, nothing on p50) starts at run 12.
const wiggle = [0, 1.5, -1, 2, -2, 0.5, -0.5, 1, -1.5, 0, 2, -1, 1, -2, 0.5, 1.5, -0.5, 0, -1, 2]
const STEP_AT = 12

async function storeHistory(): Promise<string> {
  const dir = scratchDir()
  for (let i = 0; i < wiggle.length; i++) {
    const level = (1 + wiggle[i]! / 100) * (i >= STEP_AT ? 13 : 10)
    const results = resultsWith({
      'GET /a': { p95: { values: [level * 0.99, level, level * 1.01], unit: 'ms' }, p50: { values: [5, 5.05, 4.95], unit: 'ms' } }
    })
    results.git = { sha: sha(i) }
    writeFileSync(join(dir, 'results.json'), JSON.stringify(results))
    const run = await cli(['run', '--results', 'results.json', '--thresholds', 'p95: +10%', '--save-baseline'], dir)
    assert.ok(run.code === 0 || run.code === 1, run.stderr)
    await sleep(3)
  }
  return dir
}

describe('perf-gate history', () => {
  test('JSON: every stored run with its gated values, and the step at the run where it starts', async () => {
    const dir = await storeHistory()
    const json = await cli(['history', '--json', '--thresholds', 'p95: +10%'], dir)
    assert.equal(json.code, 0, json.stderr)
    const history = JSON.parse(json.stdout)
    assert.equal(history.runs.length, wiggle.length)
    assert.deepEqual(
      history.runs.map((run: { commit: string }) => run.commit),
      wiggle.map((_, i) => sha(i)),
      'oldest first, with commits'
    )
    assert.deepEqual(Object.keys(history.runs[0].values['GET /a']), ['p95'], 'p50 has no threshold: not a column')
    assert.ok(Math.abs(history.runs[STEP_AT].values['GET /a'].p95 / (1.01 * 13) - 1) < 0.01)
    assert.equal(history.changePoints.length, 1, JSON.stringify(history.changePoints))
    const [step] = history.changePoints
    assert.equal(step.commit, sha(STEP_AT))
    assert.equal(step.id, history.runs[STEP_AT].id)
    assert.ok(step.size > 0.25 && step.size < 0.35, `${step.size}`)
    assert.ok(step.pValue <= 0.001)
    assert.equal(step.worse, true)

    // --last trims the JSON's runs as it trims the table; the change points are still found on every stored run.
    const last = JSON.parse((await cli(['history', '--json', '--last', '3', '--thresholds', 'p95: +10%'], dir)).stdout)
    assert.equal(last.storedRuns, wiggle.length)
    assert.deepEqual(
      last.runs.map((run: { commit: string }) => run.commit),
      [17, 18, 19].map(sha),
      'the last 3, oldest first'
    )
    assert.deepEqual(last.changePoints, history.changePoints)
    assert.equal(history.storedRuns, wiggle.length)

    const text = await cli(['history', '--thresholds', 'p95: +10%', '--last', '10'], dir)
    assert.equal(text.code, 0, text.stderr)
    const stepRow = text.stdout.split('\n').find((line) => line.includes(sha(STEP_AT).slice(0, 7)))!
    assert.match(stepRow, /\+\d+\.\d% ❌ 📉/, 'the run that brought the step failed its verdict and starts the change point')
    assert.match(text.stdout, /📉 GET \/a · p95: \+\d+\.\d% step starting at a00c000/)
    assert.equal(text.stdout.split('\n').filter((line) => /^\S+\s+a0[0-9a-f]{2}000\s/.test(line)).length, 10, '--last 10 rows')

    const markdown = await cli(['history', '--markdown', '--thresholds', 'p95: +10%'], dir)
    assert.match(markdown.stdout, /^\| Run \| Commit \| Date \| Runner \| GET \/a · p95 \|$/m)
    assert.match(markdown.stdout, /\*\*Change points\*\*/)

    // A --scenario glob that matches nothing stored is a typo (exit 3), not "no gated metrics".
    const typo = await cli(['history', '--scenario', 'get /a', '--thresholds', 'p95: +10%'], dir)
    assert.equal(typo.code, 3)
    assert.match(typo.stderr, /history: --scenario "get \/a" matches no stored scenario \(did you mean "GET \/a"\?\); stored: "GET \/a"/)
    assert.equal((await cli(['history', '--scenario', 'GET *', '--thresholds', 'p95: +10%'], dir)).code, 0)

    // So is a rule that matches no stored metric, as it is for `run`: exit 3, with what is stored.
    const rule = await cli(['history', '--thresholds', 'p96: +10%'], dir)
    assert.equal(rule.code, 3)
    assert.match(rule.stderr, /rule "p96" matches no metric; metrics here: p95, p50 \(did you mean "p95"\?\)/)
    assert.equal(rule.stdout, '')
    writeFileSync(join(dir, 'perf-gate.yml'), 'thresholds:\n  p95: +10%\n')
    const withConfig = await cli(['history', '-c', 'perf-gate.yml', '--thresholds', 'p96: +10%', '--json'], dir)
    assert.equal(withConfig.code, 3, withConfig.stdout)
    assert.match(withConfig.stderr, /rule "p96" matches no metric/)
  })

  test('an empty store says so; bad flags exit 3', async () => {
    const dir = scratchDir()
    const empty = await cli(['history', '--thresholds', 'p95: +10%'], dir)
    assert.equal(empty.code, 0)
    assert.match(empty.stdout, /No stored runs for gate "default"/)
    assert.deepEqual(JSON.parse((await cli(['history', '--json', '--last', '3'], dir)).stdout), { storedRuns: 0, columns: [], runs: [], changePoints: [] })
    assert.equal((await cli(['history', '--last', '0'], dir)).code, 3)
    assert.equal((await cli(['history', '--json', '--markdown'], dir)).code, 3)
  })
})
