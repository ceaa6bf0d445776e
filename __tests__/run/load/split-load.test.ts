import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { LoadSource } from '../../../src/config/settings.js'
import { InputError } from '../../../src/errors.js'
import { partNames } from '../../../src/run/load/load-runner.js'
import { splitLoadSource } from '../../../src/run/load/split-load.js'
import { shardShare } from '../../../src/shards/shard-mode.js'
import { endpoint, scenario } from './test-server.js'

const source = (extra: Parameters<typeof scenario>[2]): LoadSource => ({
  kind: 'load',
  scenarios: [scenario('s', [endpoint('http://127.0.0.1:1/')], extra)],
  secrets: []
})

describe('splitting load over shards', () => {
  test('connections and requests divide with the remainder on the first shards; the shares add up', () => {
    const shares = [1, 2, 3].map((index) => (splitLoadSource(source({ connections: 10, requests: 1000 }), { index, total: 3 }) as LoadSource).scenarios[0]!)
    assert.deepEqual(
      shares.map((s) => s.connections),
      [4, 3, 3]
    )
    assert.deepEqual(
      shares.map((s) => s.requests),
      [334, 333, 333]
    )
  })

  test('stages divide target by target; every shard names its parts by the configured levels', () => {
    const shape = {
      unit: 'users' as const,
      measure: 'steady' as const,
      stages: [
        { durationSeconds: 1, target: 50 },
        { durationSeconds: 2, target: 50 },
        { durationSeconds: 1, target: 100 },
        { durationSeconds: 2, target: 100 }
      ]
    }
    const shares = [1, 2, 3].map((index) => (splitLoadSource(source({ connections: 100, shape }), { index, total: 3 }) as LoadSource).scenarios[0]!)
    assert.deepEqual(
      shares.map((s) => s.shape!.stages.map((stage) => stage.target)),
      [
        [17, 17, 34, 34],
        [17, 17, 33, 33],
        [16, 16, 33, 33]
      ]
    )
    assert.deepEqual(
      shares.map((s) => [s.connections, partNames(s)]),
      shares.map((s) => [s.shape!.stages[2]!.target, ['s @ 50 users', 's @ 100 users']])
    )
    const rate = (splitLoadSource(source({ connections: 8, ratePerSecond: 300, shape: { ...shape, unit: 'rate' } }), { index: 1, total: 4 }) as LoadSource)
      .scenarios[0]!
    assert.deepEqual([rate.shape!.stages.map((stage) => stage.target), rate.ratePerSecond, rate.connections], [[12.5, 12.5, 25, 25], 25, 2])
    assert.throws(
      () => splitLoadSource(source({ shape: { ...shape, stages: [{ durationSeconds: 1, target: 2 }] } }), { index: 1, total: 3 }),
      /fewer users than the 3 shards/
    )
  })

  test('a rate divides exactly', () => {
    const share = (splitLoadSource(source({ connections: 8, ratePerSecond: 300 }), { index: 2, total: 4 }) as LoadSource).scenarios[0]!
    assert.equal(share.ratePerSecond, 75)
    assert.equal(share.connections, 2)
  })

  test('too few connections to split is bad input; other sources are not split here', () => {
    assert.throws(
      () => splitLoadSource(source({ connections: 2 }), { index: 1, total: 3 }),
      (error: unknown) => error instanceof InputError && /2 connection\(s\) cannot be split over 3 shards/.test(error.message)
    )
    assert.equal(splitLoadSource({ kind: 'none' }, { index: 1, total: 2 }), undefined)
  })

  test('plugs into shardShare as its splitLoad', () => {
    const { source: share, split } = shardShare(source({ connections: 4 }), { index: 1, total: 2 }, splitLoadSource)
    assert.equal(split, 'load')
    assert.equal((share as LoadSource).scenarios[0]!.connections, 2)
  })
})

describe('same-runner A/B with load', () => {
  test('the base checkout starts its own server from the same place in its tree; an external URL cannot be re-measured', async () => {
    const { relocateSource } = await import('../../../src/confirm/confirm-on-base.js')
    const withServer: LoadSource = {
      ...source({}),
      server: { start: 'npm start', cwd: '/repo/api', env: {}, readyTimeoutMs: 1000, freshPerTrial: false }
    }
    const moved = relocateSource(withServer, '/repo', '/tmp/base') as LoadSource
    assert.equal(moved.server?.cwd, '/tmp/base/api')
    assert.equal(moved.scenarios[0]!.endpoints[0]!.url, 'http://127.0.0.1:1/')
    assert.equal(relocateSource(source({}), '/repo', '/tmp/base'), undefined)
  })
})
