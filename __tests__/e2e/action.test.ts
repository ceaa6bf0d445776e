/** The bundled Action (dist/index.js) run as the Actions runner runs it. */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pullRequestPayload, pushPayload, runActionEntry, scratchDir } from '../support/spawn-dist.js'
import { SLOWDOWN_BENCH_SCRIPT } from '../support/bench-script.js'
import { schemaProblems } from '../../src/schemas.js'

function workspace(): string {
  const dir = scratchDir('perf-gate-ws-')
  writeFileSync(join(dir, 'bench.mjs'), SLOWDOWN_BENCH_SCRIPT)
  return dir
}

const inputs = { command: 'node bench.mjs', results: 'bench.json', thresholds: 'p95: +20%\nrps: -20%', name: 'api', 'baseline-store': 'file' }
const BASE_SHA = 'b'.repeat(40)
const FIRST_SHA = 'f'.repeat(40)

/**
 * Four pushes to main, the last at BASE_SHA, each on a "runner" a little faster or slower: the history whose
 * run-to-run spread lets the stored comparison decide (one stored run alone never fails a PR).
 */
async function seedHistory(ws: string): Promise<void> {
  for (const [index, slowdown] of ['1.01', '0.99', '1.02', '1'].entries()) {
    const sha = index === 3 ? BASE_SHA : String(index).repeat(40)
    const push = await runActionEntry({ workspace: ws, inputs, event: 'push', payload: pushPayload(), sha, env: { SLOWDOWN: slowdown } })
    assert.equal(push.exitCode, 0, push.stdout + push.stderr)
  }
}

describe('Action entry', () => {
  test('a push to the default branch saves a baseline; a pull request compares against it and fails on a regression', async () => {
    const ws = workspace()
    // The first push is of an earlier commit than the history's BASE_SHA: a PR is judged against the runs up to its
    // base commit, and runs of other commits saved between two runs of one commit are after it.
    const push = await runActionEntry({ workspace: ws, inputs, event: 'push', payload: pushPayload(), sha: FIRST_SHA })
    assert.equal(push.exitCode, 0, push.stdout + push.stderr)
    assert.equal(push.outputs.verdict, 'no-baseline')
    assert.equal(push.outputs.regressions, '0')
    assert.ok(push.outputs['baseline-saved'], 'a baseline id is published')
    assert.match(push.summary, /\*\*Baseline saved\*\* \(`[^`]+`, commit /, 'the first save is said')
    const saved = readdirSync(join(ws, '.perf-gate/api/history'))
    assert.equal(saved.length, 1)
    const record = JSON.parse(readFileSync(join(ws, '.perf-gate/api/history', saved[0]!), 'utf8'))
    assert.equal(record.source.sha, FIRST_SHA)
    assert.equal(record.source.event, 'push')
    assert.match(record.source.runUrl, /^https:\/\/github\.com\/octo\/shop\/actions\/runs\/4242$/)

    const alone = await runActionEntry({
      workspace: ws,
      inputs,
      event: 'pull_request',
      payload: pullRequestPayload({ baseSha: FIRST_SHA }),
      env: { SLOWDOWN: '1.5' }
    })
    assert.equal(alone.outputs.verdict, 'inconclusive', 'one stored run from another runner never fails a PR on its own')
    assert.equal(alone.exitCode, 0)

    await seedHistory(ws)
    const pr = await runActionEntry({
      workspace: ws,
      inputs,
      event: 'pull_request',
      payload: pullRequestPayload({ baseSha: BASE_SHA }),
      ref: 'refs/pull/7/merge',
      env: { SLOWDOWN: '1.5' }
    })
    assert.equal(pr.exitCode, 1, pr.stdout + pr.stderr)
    assert.equal(pr.outputs.verdict, 'fail')
    assert.equal(pr.outputs.regressions, '2')
    assert.equal(pr.outputs['baseline-saved'], '')
    assert.match(pr.stdout, /::error title=perf-gate api%3A GET \/cart · p95::/)
    assert.match(pr.stdout, /::error::perf-gate: 2 regression\(s\) beyond threshold/)
    assert.match(pr.summary, /❌ 2 regressions/)
    assert.match(pr.summary, /\[`bbbbbbb`\]\(https:\/\/github\.com\/octo\/shop\/commit\/b{40}\)/, 'the baseline commit is linked')
    assert.match(pr.outputs.markdown!, /\| ❌ \| GET \/cart \| p95 \|/)
    const report = JSON.parse(readFileSync(pr.outputs['report-json']!, 'utf8'))
    assert.deepEqual(schemaProblems('report', report), [])
    assert.equal(report.baseline.sha, BASE_SHA)
    assert.equal(readdirSync(join(ws, '.perf-gate/api/history')).length, 5, 'a pull request never saves')
  })

  test('fail-on-regression false reports the regression but passes the step', async () => {
    const ws = workspace()
    await seedHistory(ws)
    const pr = await runActionEntry({
      workspace: ws,
      inputs: { ...inputs, 'fail-on-regression': 'false' },
      event: 'pull_request',
      payload: pullRequestPayload({ baseSha: BASE_SHA }),
      env: { SLOWDOWN: '1.5' }
    })
    assert.equal(pr.exitCode, 0, pr.stdout)
    assert.equal(pr.outputs.verdict, 'fail')
    assert.match(pr.summary, /fail-on-regression is off/)
  })

  test('promote left on for a push: the push saves its usual rolling baseline, pinned under no name, and says why', async () => {
    const ws = workspace()
    const push = await runActionEntry({
      workspace: ws,
      inputs: { ...inputs, promote: 'true', 'promote-as': 'release-1' },
      event: 'push',
      payload: pushPayload(),
      sha: BASE_SHA
    })
    assert.equal(push.exitCode, 0, push.stdout + push.stderr)
    assert.match(
      push.stdout,
      /Saved baseline .* \(push to the default branch main; promotion is only allowed from workflow_dispatch or the CLI, not from push, so this is the usual save, pinned under no name\)/
    )
    assert.equal(readdirSync(join(ws, '.perf-gate/api/history')).length, 1)
    assert.equal(existsSync(join(ws, '.perf-gate/api/pinned')), false, 'nothing pinned from a push')
  })

  test('pushes to other branches and tags, and pull requests from forks never save', async () => {
    const ws = workspace()
    const branch = await runActionEntry({ workspace: ws, inputs, event: 'push', payload: pushPayload(), ref: 'refs/heads/feature' })
    assert.equal(branch.exitCode, 0, branch.stdout)
    assert.match(branch.stdout, /Baseline not saved: refs\/heads\/feature is not the default branch main/)
    const tag = await runActionEntry({ workspace: ws, inputs, event: 'push', payload: pushPayload(), ref: 'refs/tags/v1.0.0' })
    assert.match(tag.stdout, /Baseline not saved: tag builds never write baselines/)
    const fork = await runActionEntry({
      workspace: ws,
      inputs: { ...inputs, promote: 'true' },
      event: 'pull_request',
      payload: pullRequestPayload({ baseSha: BASE_SHA, headRepo: 'mallory/shop' })
    })
    assert.equal(fork.exitCode, 0, fork.stdout)
    assert.match(fork.stdout, /Baseline not saved: pull request runs never write baselines/)
    assert.equal(existsSync(join(ws, '.perf-gate')), false)
  })

  test('a failing suite fails the step with exit 2, says why in the summary, and writes no baseline', async () => {
    const ws = workspace()
    const run = await runActionEntry({
      workspace: ws,
      inputs: { ...inputs, command: 'echo compiling; exit 3' },
      event: 'push',
      payload: pushPayload()
    })
    assert.equal(run.exitCode, 2)
    assert.match(run.stdout, /::error::perf-gate: the run failed: suite "command" failed: `echo compiling; exit 3` exited with code 3/)
    assert.match(run.summary, /### ❗ perf-gate · api: the run failed/)
    assert.match(run.summary, /no baseline was written/)
    assert.equal(run.outputs.verdict, undefined)
    assert.equal(existsSync(join(ws, '.perf-gate')), false)
  })

  test('bad inputs are configuration errors (exit 3) that name the input', async () => {
    const ws = workspace()
    const badBoolean = await runActionEntry({ workspace: ws, inputs: { ...inputs, 'fail-on-regression': 'maybe' }, event: 'push', payload: pushPayload() })
    assert.equal(badBoolean.exitCode, 3)
    assert.match(badBoolean.stdout, /input 'fail-on-regression' must be true or false \(yes\/no, on\/off and 1\/0 are read too\), got "maybe"/)
    const badThresholds = await runActionEntry({ workspace: ws, inputs: { ...inputs, thresholds: 'p95: +20 percent' }, event: 'push', payload: pushPayload() })
    assert.equal(badThresholds.exitCode, 3)
    assert.match(badThresholds.stdout, /input 'thresholds' is invalid/)
    const missingConfig = await runActionEntry({ workspace: ws, inputs: { config: 'perf/gate.yml' }, event: 'push', payload: pushPayload() })
    assert.equal(missingConfig.exitCode, 3)
    assert.match(missingConfig.stdout, /config file perf\/gate\.yml does not exist/)
    const nothing = await runActionEntry({ workspace: ws, inputs: {}, event: 'push', payload: pushPayload() })
    assert.equal(nothing.exitCode, 3)
    assert.match(nothing.stdout, /nothing to run/)
  })

  test('a results file from an earlier step is gated as it is', async () => {
    const ws = workspace()
    writeFileSync(
      join(ws, 'external.json'),
      JSON.stringify({ schemaVersion: 1, scenarios: [{ name: 'parse', trials: [{ metrics: { time: { value: 120, unit: 'ms' } } }] }] })
    )
    const run = await runActionEntry({
      workspace: ws,
      inputs: { results: 'external.json', thresholds: 'time: < 100ms' },
      event: 'pull_request',
      payload: pullRequestPayload({ baseSha: BASE_SHA })
    })
    assert.equal(run.exitCode, 1, run.stdout)
    assert.equal(run.outputs.verdict, 'fail')
    assert.match(run.summary, /120 ms breaks the budget &lt; 100ms/)
  })
})

describe('Action entry: working-directory', () => {
  test('a missing directory or one outside the workspace is a configuration error naming the input; a subdirectory works', async () => {
    const ws = scratchDir('perf-gate-ws-')
    mkdirSync(join(ws, 'bench'))
    writeFileSync(join(ws, 'bench', 'bench.mjs'), SLOWDOWN_BENCH_SCRIPT)
    const run = (dir: string) =>
      runActionEntry({ workspace: ws, inputs: { ...inputs, 'working-directory': dir }, event: 'push', payload: pushPayload(), sha: BASE_SHA })
    const missing = await run('nope')
    assert.equal(missing.exitCode, 3, missing.stdout)
    assert.match(missing.stdout, /::error::perf-gate: configuration error: input 'working-directory': "nope" is not a directory in the workspace/)
    const outside = await run('../..')
    assert.equal(outside.exitCode, 3, outside.stdout)
    assert.match(outside.stdout, /input 'working-directory': "\.\.\/\.\." leads outside the workspace/)
    const sub = await run('bench')
    assert.equal(sub.exitCode, 0, sub.stdout + sub.stderr)
    assert.ok(existsSync(join(ws, 'bench', '.perf-gate')), 'the file store is in the working directory')
  })
})
