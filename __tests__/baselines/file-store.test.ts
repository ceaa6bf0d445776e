import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, readdirSync, writeFileSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { FileBaselineStore } from '../../src/baselines/file-store.js'
import { baselineRecord } from '../../src/gate.js'
import type { RunContext } from '../../src/context.js'
import { resultsWith } from '../support/results-builder.js'
import { scratchDir } from '../support/spawn-dist.js'

const results = resultsWith({ s: { p95: { values: [1, 2, 3], unit: 'ms' } } })
const context = (sha: string): RunContext => ({ event: 'push', sha, ref: 'refs/heads/main', runner: 'local' })
const at = (minute: number): Date => new Date(Date.UTC(2026, 10, 23, 10, minute))

describe('file baseline store', () => {
  test('history newest first, limited; the base commit is preferred; older ones pruned', async () => {
    const dir = scratchDir()
    const store = new FileBaselineStore(dir, '.perf-gate', 3)
    for (let i = 0; i < 5; i++) await store.save(baselineRecord('api', results, context(`${i}`.repeat(40)), at(i)))
    assert.equal(readdirSync(join(dir, 'api/history')).length, 3, 'pruned to the history limit')
    const newest = await store.load({ gate: 'api', historyLimit: 10 })
    assert.deepEqual(
      newest.history.map((r) => r.source.sha![0]),
      ['4', '3', '2']
    )
    assert.equal(newest.baseline!.source.sha![0], '4')
    assert.deepEqual(newest.problems, [])
    const atBase = await store.load({ gate: 'api', historyLimit: 10, preferSha: '3'.repeat(40) })
    assert.equal(atBase.baseline!.source.sha![0], '3')
    assert.deepEqual(
      atBase.history.map((r) => r.source.sha![0]),
      ['3', '2'],
      'a pull request is judged against the runs up to its base, not the newer one'
    )
    const missingBase = await store.load({ gate: 'api', historyLimit: 10, preferSha: 'f'.repeat(40) })
    assert.equal(missingBase.baseline!.source.sha![0], '4')
    assert.match(missingBase.problems[0]!, /no baseline saved at the base commit fffffff; using the newest one/)
  })

  test('a save says how many older runs it deleted: one for one at the depth, all beyond a lowered history', async () => {
    const dir = scratchDir()
    const store = new FileBaselineStore(dir, '.perf-gate', 3)
    const saves = []
    for (let i = 0; i < 4; i++) saves.push(await store.save(baselineRecord('api', results, context(`${i}`.repeat(40)), at(i))))
    assert.deepEqual(
      saves.map((saved) => saved.pruned),
      [undefined, undefined, undefined, { count: 1, keep: 3 }]
    )
    const lowered = await new FileBaselineStore(dir, '.perf-gate', 1).save(baselineRecord('api', results, context('9'.repeat(40)), at(9)))
    assert.deepEqual(lowered.pruned, { count: 3, keep: 1 })
    assert.deepEqual(readdirSync(join(dir, 'api/history')), [`${lowered.id}.json`])
  })

  test('a run pushed out of the newest three loses its distributions, keeps its numbers; pinned ones stay whole', async () => {
    const dir = scratchDir()
    const store = new FileBaselineStore(dir, '.perf-gate', 50)
    const whole = {
      ...results,
      scenarios: results.scenarios.map((scenario) => ({
        ...scenario,
        trials: scenario.trials.map((trial) => ({ ...trial, distributions: { latency: { unit: 'ms', samples: [1, 2, 9] } } }))
      }))
    }
    await store.save({ ...baselineRecord('api', whole, context('p'.repeat(40)), at(0)), name: 'release-1' })
    for (let i = 0; i < 5; i++) await store.save(baselineRecord('api', whole, context(`${i}`.repeat(40)), at(i)))
    const lookup = await store.load({ gate: 'api', historyLimit: 10 })
    assert.deepEqual(
      lookup.history.map((r) => [r.source.sha![0], r.results.scenarios[0]!.trials.some((trial) => trial.distributions !== undefined)]),
      [
        ['4', true],
        ['3', true],
        ['2', true],
        ['1', false],
        ['0', false]
      ]
    )
    assert.deepEqual(lookup.history[4]!.results.scenarios[0]!.trials, results.scenarios[0]!.trials)
    const pinned = await store.read('api', 'release-1')
    assert.ok(pinned.record!.results.scenarios[0]!.trials.every((trial) => trial.distributions !== undefined))
  })

  test('no baseline yet is reported, not silent', async () => {
    const lookup = await new FileBaselineStore(scratchDir(), '.perf-gate').load({ gate: 'api', historyLimit: 5 })
    assert.equal(lookup.baseline, undefined)
    assert.match(lookup.problems[0]!, /nothing has been saved for gate "api" in file store at \.perf-gate yet/)
    assert.equal(lookup.absence?.kind, 'not-saved')
    assert.equal(lookup.absence?.reason, lookup.problems[0])
    assert.match(lookup.absence?.advice ?? '', /perf-gate run --save-baseline/)
  })

  test('a store holding only a rejected baseline says so, apart from "nothing saved"', async () => {
    const dir = scratchDir()
    mkdirSync(join(dir, 'api/history'), { recursive: true })
    writeFileSync(join(dir, 'api/history/20261123T110000Z-truncated.json'), '{"schemaVersion": 1, "gate": "a')
    const lookup = await new FileBaselineStore(dir, '.perf-gate').load({ gate: 'api', historyLimit: 5 })
    assert.equal(lookup.baseline, undefined)
    assert.equal(lookup.absence?.kind, 'rejected')
    assert.match(lookup.absence!.reason, /truncated\.json is corrupt or truncated/)
    assert.ok(lookup.problems[0]!.includes(lookup.absence!.reason), 'the reason is the problem line it summarises')
  })

  test('corrupt, truncated and newer baselines are reported and skipped, never used', async () => {
    const dir = scratchDir()
    const store = new FileBaselineStore(dir, '.perf-gate')
    const good = await store.save(baselineRecord('api', results, context('a'.repeat(40)), at(1)))
    const historyDir = join(dir, 'api/history')
    const goodText = readFileSync(join(historyDir, `${good.id}.json`), 'utf8')
    writeFileSync(join(historyDir, '20261123T110000Z-truncated.json'), goodText.slice(0, goodText.length / 2))
    writeFileSync(join(historyDir, '20261123T120000Z-newer.json'), JSON.stringify({ ...JSON.parse(goodText), schemaVersion: 9 }))
    writeFileSync(join(historyDir, '20261123T130000Z-invalid.json'), JSON.stringify({ ...JSON.parse(goodText), results: { scenarios: 'no' } }))
    // Valid to the schema, but a time cannot be negative: a hand-edited or damaged record is not compared.
    const negative = JSON.parse(goodText)
    negative.results.scenarios[0].trials[1].metrics.p95.value = -5
    writeFileSync(join(historyDir, '20261123T140000Z-negative.json'), JSON.stringify(negative))
    const lookup = await store.load({ gate: 'api', historyLimit: 10 })
    assert.equal(lookup.baseline!.id, good.id)
    assert.equal(lookup.history.length, 1)
    assert.equal(lookup.problems.length, 4)
    assert.match(
      lookup.problems.join('\n'),
      /negative\.json holds a value that is not a measurement \(scenario "s", trial 2, metric p95: -5 ms is negative, which a time cannot be\); ignoring it/
    )
    assert.match(lookup.problems.join('\n'), /truncated\.json is corrupt or truncated/)
    assert.match(lookup.problems.join('\n'), /newer\.json was written by a newer perf-gate \(schemaVersion 9\)/)
    assert.match(lookup.problems.join('\n'), /invalid\.json is invalid \(\/results/)
  })

  test('pinned baselines are kept apart from the rolling history and never pruned', async () => {
    const dir = scratchDir()
    const store = new FileBaselineStore(dir, '.perf-gate', 1)
    await store.save(baselineRecord('api', results, context('1'.repeat(40)), at(1), 'release-1.4'))
    await store.save(baselineRecord('api', results, context('2'.repeat(40)), at(2)))
    await store.save(baselineRecord('api', results, context('3'.repeat(40)), at(3)))
    const pinned = await store.load({ gate: 'api', historyLimit: 5, name: 'release-1.4' })
    assert.equal(pinned.baseline!.source.sha![0], '1')
    assert.equal(pinned.baseline!.name, 'release-1.4')
    const missing = await store.load({ gate: 'api', historyLimit: 5, name: 'release-9' })
    assert.match(missing.problems[0]!, /pinned baseline "release-9" does not exist/)
    const list = await store.list('api')
    assert.deepEqual(
      list.map((s) => s.name ?? s.sha![0]),
      ['3', 'release-1.4']
    )
  })

  test('promoting a pinned name again replaces it, and keeps the one it replaced aside (never lost)', async () => {
    const dir = scratchDir()
    const store = new FileBaselineStore(dir, '.perf-gate', 5)
    const first = await store.save(baselineRecord('api', results, context('1'.repeat(40)), at(1), 'release-1.4'))
    assert.equal(first.replaced, undefined)
    const second = await store.save(baselineRecord('api', results, context('2'.repeat(40)), at(2), 'release-1.4'))
    assert.equal(second.replaced?.id, first.id)
    const kept = JSON.parse(readFileSync(resolve(second.replaced!.keptAt), 'utf8')) as { source: { sha: string } }
    assert.equal(kept.source.sha[0], '1', 'the replaced record is kept whole')
    const pinned = await store.load({ gate: 'api', historyLimit: 5, name: 'release-1.4' })
    assert.equal(pinned.baseline!.source.sha![0], '2')
    assert.deepEqual(
      (await store.list('api')).map((s) => s.name),
      ['release-1.4'],
      'the kept one is not another pinned baseline'
    )
    // An unreadable pinned file is kept aside too.
    writeFileSync(resolve(second.location), '{"trunc')
    const third = await store.save(baselineRecord('api', results, context('3'.repeat(40)), at(3), 'release-1.4'))
    assert.match(third.replaced!.id, /^unreadable-/)
    assert.equal(readFileSync(resolve(third.replaced!.keptAt), 'utf8'), '{"trunc')
  })

  test('pruning keeps the records it cannot tell are its own (a newer perf-gate record, an unknown head) and deletes old ones of its own', async () => {
    const dir = scratchDir()
    const store = new FileBaselineStore(dir, '.perf-gate', 2)
    const historyDir = join(dir, 'api/history')
    mkdirSync(historyDir, { recursive: true })
    const newer = JSON.stringify({ ...baselineRecord('api', results, context('9'.repeat(40)), at(0)), schemaVersion: 9 })
    // Named to sort oldest: a prune by name alone would delete them first.
    writeFileSync(join(historyDir, '20200101T000000Z-newer.json'), newer)
    writeFileSync(join(historyDir, '20200101T000001Z-unknown.json'), 'not a record at all')
    writeFileSync(join(historyDir, '20200101T000002Z-truncated.json'), '{"schemaVersion": 1, "gate": "api", "resu')
    for (let i = 0; i < 4; i++) await store.save(baselineRecord('api', results, context(`${i}`.repeat(40)), at(i)))
    const left = readdirSync(historyDir).sort()
    assert.ok(left.includes('20200101T000000Z-newer.json'), 'the newer record is kept')
    assert.ok(left.includes('20200101T000001Z-unknown.json'), 'a file that does not say what it is is kept')
    assert.ok(!left.includes('20200101T000002Z-truncated.json'), 'an old record of ours goes, readable or not')
    assert.equal(left.length, 4, `two records of ours kept (the limit), plus the two that are not ours: ${left.join(', ')}`)
    assert.equal(readFileSync(join(historyDir, '20200101T000000Z-newer.json'), 'utf8'), newer)
  })

  test('a record of another gate or kind in a folder is rejected by name, never dropped unsaid', async () => {
    const dir = scratchDir()
    const store = new FileBaselineStore(dir, '.perf-gate')
    const api = await store.save(baselineRecord('api', results, context('a'.repeat(40)), at(1)))
    await store.save(baselineRecord('api', results, context('b'.repeat(40)), at(2), 'rel-1'))
    // Copied by hand into another gate's folder: used, it would compare "web" with the numbers of "api".
    mkdirSync(join(dir, 'web/history'), { recursive: true })
    const copied = join(dir, 'web/history', `${api.id}.json`)
    writeFileSync(copied, readFileSync(join(dir, 'api/history', `${api.id}.json`)))
    const lookup = await store.load({ gate: 'web', historyLimit: 5 })
    assert.equal(lookup.baseline, undefined)
    assert.equal(lookup.absence?.kind, 'rejected', 'not "nothing has been saved"')
    assert.equal(lookup.absence?.reason, `baseline ${copied} holds gate "api", not "web"`)
    assert.match(lookup.absence?.advice ?? '', /move the file to the folder of the gate and kind it holds, or delete it/)
    assert.doesNotMatch(lookup.problems.join('\n'), /nothing has been saved/)
    const listed: string[] = []
    assert.deepEqual(await store.list('web', listed), [])
    assert.deepEqual(listed, [`baseline ${copied} holds gate "api", not "web"; ignoring it`])
    const shown = await store.read('web', api.id)
    assert.equal(shown.record, undefined)
    assert.deepEqual(shown.problems, listed)

    // A pinned record among the rolling ones, and a rolling one (or another name) among the pinned ones.
    writeFileSync(join(dir, 'api/history', '20261123T120000Z-pinned.json'), readFileSync(join(dir, 'api/pinned/rel-1.json')))
    writeFileSync(join(dir, 'api/pinned/rel-2.json'), readFileSync(join(dir, 'api/history', `${api.id}.json`)))
    writeFileSync(join(dir, 'api/pinned/rel-3.json'), readFileSync(join(dir, 'api/pinned/rel-1.json')))
    const rolling = await store.load({ gate: 'api', historyLimit: 5 })
    assert.equal(rolling.baseline?.id, api.id, 'the rolling run is still used')
    assert.match(rolling.problems.join('\n'), /20261123T120000Z-pinned\.json is pinned baseline "rel-1", not a rolling one; ignoring it/)
    const rel2 = await store.load({ gate: 'api', historyLimit: 5, name: 'rel-2' })
    assert.equal(rel2.absence?.kind, 'rejected')
    assert.match(rel2.absence!.reason, /rel-2\.json is a rolling baseline, not pinned baseline "rel-2"$/)
    const rel3 = await store.read('api', 'rel-3')
    assert.match(rel3.problems.join('\n'), /rel-3\.json is pinned baseline "rel-1", not "rel-3"/)
    assert.deepEqual(
      (await store.list('api')).map((s) => s.name ?? s.id),
      [api.id, 'rel-1']
    )
  })

  test('a corrupt pinned baseline is to be promoted again (a push saves a rolling one), its file named', async () => {
    const dir = scratchDir()
    const store = new FileBaselineStore(dir, '.perf-gate')
    mkdirSync(join(dir, 'api/pinned'), { recursive: true })
    writeFileSync(join(dir, 'api/pinned/rel-1.json'), '{"broken\n')
    const lookup = await store.load({ gate: 'api', historyLimit: 5, name: 'rel-1' })
    assert.equal(lookup.absence?.kind, 'rejected')
    assert.match(lookup.absence!.reason, /rel-1\.json is corrupt or truncated/)
    const advice = lookup.absence!.advice ?? ''
    assert.ok(advice.includes(`promote it again to replace ${join(dir, 'api/pinned/rel-1.json')}`), advice)
    assert.match(advice, /`perf-gate baseline promote <results> --as rel-1` \(in the Action: `promote: true` with `promote-as: rel-1`/)
    assert.doesNotMatch(advice, /next push/)
  })

  test('a pinned name the store does not hold is refused, naming the ones it does', async () => {
    const dir = scratchDir()
    const store = new FileBaselineStore(dir, '.perf-gate')
    await assert.rejects(
      store.requirePinned('api', 'rel-8'),
      /pinned baseline "rel-8" does not exist in the file store at \.perf-gate \(nothing is pinned for gate "api"\)/
    )
    await store.save(baselineRecord('api', results, context('b'.repeat(40)), at(2), 'rel-9'))
    await store.requirePinned('api', 'rel-9')
    await assert.rejects(store.requirePinned('api', 'rel-8'), (error: Error) => {
      assert.equal(error.name, 'InputError')
      assert.match(error.message, /\(pinned for gate "api": rel-9\)\. Pin it first: .*promote-as: rel-8/)
      return true
    })
  })
})
