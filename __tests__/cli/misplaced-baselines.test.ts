/**
 * Stored records that do not belong where they lie (another gate's, a pinned one among the rolling ones) and a
 * corrupt pinned baseline, as a developer meets them: every command names the file and why, none says "nothing has
 * been saved", and none uses the record.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runCliInProcess } from '../support/cli-in-process.js'
import { around, resultsWith } from '../support/results-builder.js'
import { scratchDir } from '../support/spawn-dist.js'

function projectWithApiBaseline(): { dir: string; saved: Promise<string> } {
  const dir = scratchDir()
  writeFileSync(join(dir, 'results.json'), JSON.stringify(resultsWith({ parse: { p95: { values: around(10, 5), unit: 'ms' } } })))
  const saved = runCliInProcess(['baseline', 'promote', 'results.json', '--name', 'api'], dir).then((promoted) => {
    assert.equal(promoted.code, 0, promoted.stderr)
    return readdirSync(join(dir, '.perf-gate/api/history'))[0]!
  })
  return { dir, saved }
}

test('a record of gate "api" copied into the folder of "web" is named as rejected by run, history, list, show and report', async () => {
  const { dir, saved } = projectWithApiBaseline()
  const file = await saved
  const id = file.replace(/\.json$/, '')
  mkdirSync(join(dir, '.perf-gate/web/history'), { recursive: true })
  copyFileSync(join(dir, '.perf-gate/api/history', file), join(dir, '.perf-gate/web/history', file))
  const why = new RegExp(`baseline [^ ]*web/history/${id}\\.json holds gate "api", not "web"`)

  const run = await runCliInProcess(['run', '--results', 'results.json', '--name', 'web', '--thresholds', 'p95: +20%', '--no-color'], dir)
  assert.equal(run.code, 0, run.stderr)
  assert.match(run.stdout, /the stored baseline was rejected \(baseline [^ ]*web\/history\/[^ ]+\.json holds gate "api", not "web"\)/)
  assert.match(run.stdout, /move the file to the folder of the gate and kind it holds, or delete it/)
  assert.doesNotMatch(run.stdout + run.stderr, /nothing has been saved/)

  const history = await runCliInProcess(['history', '--name', 'web'], dir)
  assert.match(history.stderr, why)

  const list = await runCliInProcess(['baseline', 'list', '--name', 'web'], dir)
  assert.equal(list.code, 0, list.stderr)
  assert.match(list.stderr, why)
  assert.match(list.stdout, /No baselines for gate "web"/)

  const show = await runCliInProcess(['baseline', 'show', id, '--name', 'web'], dir)
  assert.equal(show.code, 3, show.stdout)
  assert.match(show.stderr, why)
  assert.doesNotMatch(show.stdout, /"gate": "api"/, 'never printed as a record of "web"')

  const report = await runCliInProcess(['report', '--baseline', id, '--name', 'web', '--html', 'out.html'], dir)
  assert.equal(report.code, 3, report.stdout)
  assert.match(report.stderr, why)

  // The record is still a good one of "api" where it belongs.
  const own = await runCliInProcess(['baseline', 'show', id, '--name', 'api'], dir)
  assert.equal(own.code, 0, own.stderr)
})

test('a pinned record among the rolling ones is named and skipped; the rolling runs are still used', async () => {
  const { dir, saved } = projectWithApiBaseline()
  await saved
  const promoted = await runCliInProcess(['baseline', 'promote', 'results.json', '--name', 'api', '--as', 'rel-1'], dir)
  assert.equal(promoted.code, 0, promoted.stderr)
  copyFileSync(join(dir, '.perf-gate/api/pinned/rel-1.json'), join(dir, '.perf-gate/api/history/29990101T000000Z-copied.json'))
  const run = await runCliInProcess(['run', '--results', 'results.json', '--name', 'api', '--thresholds', 'p95: +20%', '--no-color'], dir)
  assert.equal(run.code, 0, run.stderr)
  assert.match(run.stdout + run.stderr, /29990101T000000Z-copied\.json is pinned baseline "rel-1", not a rolling one/)
  assert.doesNotMatch(run.stdout, /no baseline/i)
})

test('a corrupt pinned baseline: promote it again under its name (a push saves a rolling one), the file named', async () => {
  const { dir, saved } = projectWithApiBaseline()
  await saved
  mkdirSync(join(dir, '.perf-gate/api/pinned'), { recursive: true })
  writeFileSync(join(dir, '.perf-gate/api/pinned/rel-1.json'), '{"broken\n')
  const run = await runCliInProcess(
    ['run', '--results', 'results.json', '--name', 'api', '--thresholds', 'p95: +20%', '--baseline', 'rel-1', '--no-color'],
    dir
  )
  assert.equal(run.code, 0, run.stderr)
  assert.match(run.stdout, /the stored baseline was rejected \(baseline [^ ]*api\/pinned\/rel-1\.json is corrupt or truncated/)
  assert.match(run.stdout, /promote it again to replace [^ ]*api\/pinned\/rel-1\.json: perf-gate baseline promote <results> --as rel-1/)
  assert.doesNotMatch(run.stdout, /next push/)
})
