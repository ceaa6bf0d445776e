/** Names that would climb out of a store: refused at every edge (exit 3), and the store cannot write outside itself. */
import assert from 'node:assert/strict'
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { containedPath } from '../../src/baselines/contained-path.js'
import { FileBaselineStore } from '../../src/baselines/file-store.js'
import { baselineRecord } from '../../src/gate.js'
import { pushPayload, runActionEntry, runCliEntry, scratchDir } from '../support/spawn-dist.js'
import { resultsWith } from '../support/results-builder.js'

const results = resultsWith({ s: { p95: { values: [1, 2, 3], unit: 'ms' } } })
const PACKAGE_JSON = '{ "name": "victim", "private": true }\n'

/** A workspace with a package.json that a traversal out of .perf-gate/<gate>/pinned/ would overwrite. */
function workspaceWithPackage(): string {
  const ws = scratchDir('perf-gate-ws-')
  writeFileSync(join(ws, 'package.json'), PACKAGE_JSON)
  writeFileSync(join(ws, 'results.json'), JSON.stringify(results))
  return ws
}

describe('path safety', () => {
  test('containedPath refuses parts that lead outside the root', () => {
    const root = scratchDir()
    assert.equal(containedPath(root, 'api', 'pinned', 'v1.json'), join(root, 'api/pinned/v1.json'))
    for (const parts of [['..', 'x'], ['api', '../../x'], ['/etc/passwd'], ['.'], ['api', 'a\0b']]) {
      assert.throws(() => containedPath(root, ...parts), /outside the store/, JSON.stringify(parts))
    }
  })

  test('the file store never writes or reads outside its directory, whatever the record holds', async () => {
    const ws = workspaceWithPackage()
    const store = new FileBaselineStore(join(ws, '.perf-gate'))
    const record = baselineRecord('default', results, { event: 'local', runner: 'local' }, new Date(), '../../../package')
    await assert.rejects(store.save(record), /outside the store/)
    await assert.rejects(store.save({ ...baselineRecord('../..', results, { event: 'local', runner: 'local' }, new Date()) }), /outside the store/)
    await assert.rejects(store.read('default', '../../../package'), /outside the store/)
    assert.equal(readFileSync(join(ws, 'package.json'), 'utf8'), PACKAGE_JSON)
  })

  test('CLI: baseline promote --as ../../../package exits 3 and package.json is untouched', async () => {
    const ws = workspaceWithPackage()
    const run = await runCliEntry(['baseline', 'promote', 'results.json', '--as', '../../../package'], ws)
    assert.equal(run.exitCode, 3, run.stdout + run.stderr)
    assert.match(run.stderr, /baseline name "\.\.\/\.\.\/\.\.\/package" \(--as\) is invalid/)
    assert.equal(readFileSync(join(ws, 'package.json'), 'utf8'), PACKAGE_JSON)
    const shown = await runCliEntry(['baseline', 'show', '../../../package'], ws)
    assert.equal(shown.exitCode, 3, shown.stdout + shown.stderr)
    assert.match(shown.stderr, /refusing a baseline path outside the store/)
    const pinned = await runCliEntry(['run', '--results', 'results.json', '--baseline', '../../../package'], ws)
    assert.equal(pinned.exitCode, 3, pinned.stdout + pinned.stderr)
    assert.match(pinned.stderr, /baseline name "\.\.\/\.\.\/\.\.\/package" is invalid/)
  })

  test('Action: promote-as ../../../package with the file store exits 3 before measuring; package.json is untouched', async () => {
    const ws = workspaceWithPackage()
    mkdirSync(join(ws, 'out'))
    const run = await runActionEntry({
      workspace: ws,
      event: 'push',
      payload: pushPayload(),
      inputs: {
        'baseline-store': 'file',
        command: 'touch out/measured; cat results.json',
        format: 'perf-gate',
        promote: 'true',
        'promote-as': '../../../package'
      }
    })
    assert.equal(run.exitCode, 3, run.stdout + run.stderr)
    assert.match(run.stdout, /::error::perf-gate: configuration error: baseline name "\.\.\/\.\.\/\.\.\/package" \(input 'promote-as'\) is invalid/)
    assert.equal(readFileSync(join(ws, 'package.json'), 'utf8'), PACKAGE_JSON)
    assert.deepEqual(readdirSync(join(ws, 'out')), [], 'refused before the suite ran')
  })
})
