/** A stored run seen again (perf-gate report --baseline): found by id, commit, pinned name or latest, with the runs before it. */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { FileBaselineStore } from '../../src/baselines/file-store.js'
import { findStoredRun } from '../../src/baselines/stored-run.js'
import { InputError } from '../../src/errors.js'
import { baselineRecord } from '../../src/gate.js'
import type { RunContext } from '../../src/context.js'
import { resultsWith } from '../support/results-builder.js'
import { scratchDir } from '../support/spawn-dist.js'

const results = resultsWith({ s: { p95: { values: [1, 2, 3], unit: 'ms' } } })
const push = (digit: number): RunContext => ({ event: 'push', sha: `${digit}abcdef`.padEnd(40, '0'), ref: 'refs/heads/main', runner: 'local' })
const at = (minute: number): Date => new Date(Date.UTC(2026, 11, 1, 10, minute))

describe('a stored run seen again', () => {
  test('by id, commit, pinned name or latest; judged against the runs saved before it; an unknown one names the ids', async () => {
    const store = new FileBaselineStore(scratchDir(), '.perf-gate', 50)
    const ids: string[] = []
    for (const digit of [1, 2, 3]) ids.push((await store.save(baselineRecord('api', results, push(digit), at(digit)))).id)
    await store.save({ ...baselineRecord('api', results, push(9), at(2)), name: 'release-1' })

    const latest = await findStoredRun(store, 'api', 'latest', 50)
    assert.equal(latest.record.id, ids[2])
    assert.deepEqual(
      latest.earlier.map((run) => run.id),
      [ids[1], ids[0]]
    )
    const lookup = await latest.before.load({ gate: 'api', historyLimit: 50 })
    assert.equal(lookup.baseline?.id, ids[1], 'the run saved just before it is its baseline')
    assert.equal((await findStoredRun(store, 'api', ids[1]!, 50)).record.id, ids[1])
    assert.equal((await findStoredRun(store, 'api', '2abcdef', 50)).record.id, ids[1], 'a short commit')
    assert.equal((await findStoredRun(store, 'api', 'release-1', 50)).record.name, 'release-1')

    const oldest = await findStoredRun(store, 'api', ids[0]!, 50)
    const none = await oldest.before.load({ gate: 'api', historyLimit: 50 })
    assert.equal(none.baseline, undefined)
    assert.match(none.absence?.reason ?? '', /is the oldest stored run of gate "api": nothing was saved before it/)
    await assert.rejects(findStoredRun(store, 'api', 'nope', 50), (error: unknown) => {
      assert.ok(error instanceof InputError)
      assert.match(error.message, new RegExp(`no baseline "nope" for gate "api" .*\\(the newest: ${ids[2]}, ${ids[1]}, ${ids[0]};`))
      return true
    })
    await assert.rejects(latest.before.save(latest.record), /never saved/)
  })
})
