import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { newBaselineId } from '../../src/baselines/baseline-id.js'
import { FileBaselineStore } from '../../src/baselines/file-store.js'
import { baselineRecord } from '../../src/gate.js'
import { resultsWith } from '../support/results-builder.js'
import { scratchDir } from '../support/spawn-dist.js'

const frozen = new Date(Date.UTC(2026, 11, 3, 7, 0, 0, 123))

describe('baseline ids', () => {
  test('1,000 ids made in one millisecond (frozen clock) are unique and sort in the order they were made', () => {
    const ids = Array.from({ length: 1000 }, () => newBaselineId(frozen, 'abcdef0123'))
    assert.equal(new Set(ids).size, 1000)
    assert.deepEqual([...ids].sort(), ids, 'time-ordered within the millisecond')
    assert.match(ids[0]!, /^20261203T070000123Z-[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}-abcdef0$/)
  })

  test('ids of a later millisecond sort after, also after the old second-resolution ids', () => {
    const earlier = newBaselineId(frozen, undefined)
    const later = newBaselineId(new Date(frozen.getTime() + 1), undefined)
    assert.ok(earlier < later)
    assert.ok('20261203T065959Z-abc1234-ffff' < earlier, 'an old-style id of an earlier second sorts first')
    assert.match(earlier, /-local$/)
  })

  test('the file store never overwrites: a clash on the id keeps both baselines, the second under a new id', async () => {
    const dir = scratchDir()
    const store = new FileBaselineStore(dir, '.perf-gate')
    const context = { event: 'push', sha: 'a'.repeat(40), ref: 'refs/heads/main', runner: 'local' } as const
    const first = baselineRecord('api', resultsWith({ s: { p95: { values: [1], unit: 'ms' } } }), context, frozen)
    const second = { ...first, results: resultsWith({ s: { p95: { values: [2], unit: 'ms' } } }) }
    const savedFirst = await store.save(first)
    const savedSecond = await store.save(second)
    assert.equal(savedFirst.id, first.id)
    assert.notEqual(savedSecond.id, first.id, 'the clash got a new id')
    const files = readdirSync(join(dir, 'api/history')).sort()
    assert.deepEqual(files, [`${savedFirst.id}.json`, `${savedSecond.id}.json`].sort(), 'both kept, no temporary files left')
    const values = files.map((file) => JSON.parse(readFileSync(join(dir, 'api/history', file), 'utf8')).results.scenarios[0].trials[0].metrics.p95.value)
    assert.deepEqual(values.sort(), [1, 2], 'the first baseline was not overwritten')
    const reread = JSON.parse(readFileSync(join(dir, 'api/history', `${savedSecond.id}.json`), 'utf8'))
    assert.equal(reread.id, savedSecond.id, 'the record carries the id it was saved under')
  })
})
