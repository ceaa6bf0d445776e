/** The cache store through the real @actions/cache client against the local fake of the cache service. */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CACHE_PATHS, CacheBaselineStore, cacheKeyOf, restCacheKeyLister, runnerFingerprint, toolkitCacheClient } from '../../src/baselines/cache-store.js'
import { baselineRecord } from '../../src/gate.js'
import type { RunContext } from '../../src/context.js'
import { RunError } from '../../src/errors.js'
import { currentEnvironment } from '../../src/results/environment.js'
import { resultsWith } from '../support/results-builder.js'
import { scratchDir } from '../support/spawn-dist.js'
import { FakeActionsStorage, REPOSITORY_ID, type CacheScope } from '../support/fake-actions-storage.js'

const results = { ...resultsWith({ 'GET /cart': { p95: { values: [20, 21, 22], unit: 'ms' } } }), environment: currentEnvironment('github-actions:test') }
const sha = (digit: number): string => String(digit).repeat(40)
const at = (minute: number): Date => new Date(Date.UTC(2026, 10, 23, 10, minute))
const push = (digit: number): RunContext => ({ event: 'push', sha: sha(digit), ref: 'refs/heads/main', runner: 'github-actions:test' })
const MAIN: CacheScope[] = [{ scope: 'refs/heads/main', permission: 3 }]
const PULL: CacheScope[] = [
  { scope: 'refs/pull/7/merge', permission: 3 },
  { scope: 'refs/heads/main', permission: 1 }
]
/** The REST lister against the fake (GITHUB_API_URL of the current job's environment). */
const lister = () => restCacheKeyLister({ owner: 'octo', repo: 'shop' }, 'ghs_test', 'refs/heads/main', process.env)

describe('Actions cache baseline store', () => {
  let fake: FakeActionsStorage
  let workspace: string
  const saved = { ...process.env }
  /** Switches this process to a job of run `id` with these cache scopes (the token carries them). */
  const asJob = (id: number, scopes: CacheScope[]): void => {
    Object.assign(process.env, fake.env({ id, headBranch: 'main', headSha: sha(id % 10), headRepositoryId: REPOSITORY_ID }, scopes))
  }

  before(async () => {
    fake = await new FakeActionsStorage().start()
    workspace = scratchDir('perf-gate-cache-ws-')
    process.chdir(workspace)
    Object.assign(process.env, { GITHUB_WORKSPACE: workspace, RUNNER_TEMP: scratchDir('perf-gate-runner-temp-') })
  })
  after(async () => {
    process.env = saved
    await fake.close()
  })

  test('a push saves under a unique key; a PR restores its base commit; history grows newest first', async () => {
    const store = new CacheBaselineStore(workspace, 20)
    asJob(1, MAIN)
    const first = await store.save(baselineRecord('api', results, push(1), at(1)))
    asJob(2, MAIN)
    const second = await store.save(baselineRecord('api', results, push(2), at(2)))
    assert.notEqual(first.location, second.location)
    const keys = fake.cacheEntries.filter((e) => e.finalized).map((e) => e.key)
    assert.equal(keys.length, 2)
    assert.match(keys[0]!, new RegExp(`^perf-gate/v1/api/rolling/${sha(1)}/[0-9a-f]{8}/${runnerFingerprint(results.environment)}/`))
    assert.ok(fake.cacheEntries.every((e) => e.scope === 'refs/heads/main'))

    asJob(3, PULL)
    const atBase = await store.load({ gate: 'api', historyLimit: 20, preferSha: sha(1) })
    assert.deepEqual(atBase.problems, [])
    assert.equal(atBase.baseline?.source.sha, sha(1), 'the base commit wins over the newer one')
    assert.deepEqual(
      atBase.history.map((r) => r.source.sha),
      [sha(1)],
      'the history is the runs up to the base commit: the newer push is not what the PR branched from'
    )
    const newest = await store.load({ gate: 'api', historyLimit: 20 })
    assert.equal(newest.baseline?.source.sha, sha(2))
  })

  test('the base commit is found by its own key when the history no longer reaches it', async () => {
    const store = new CacheBaselineStore(workspace, 2)
    for (const digit of [4, 5, 6]) {
      asJob(digit, MAIN)
      await store.save(baselineRecord('web', results, push(digit), at(10 + digit)))
    }
    asJob(7, PULL)
    const lookup = await store.load({ gate: 'web', historyLimit: 2, preferSha: sha(4) })
    assert.equal(lookup.baseline?.source.sha, sha(4))
    assert.deepEqual(
      lookup.history.map((r) => r.source.sha),
      [sha(4)],
      'the runs up to the base commit (it was the first), not the newer pushes'
    )
    const atFive = await store.load({ gate: 'web', historyLimit: 2, preferSha: sha(5) })
    assert.deepEqual(
      atFive.history.map((r) => r.source.sha),
      [sha(5), sha(4)],
      "the base commit's own entry holds the runs before it that the newest entry's window cut off"
    )
    const missing = await store.load({ gate: 'web', historyLimit: 2, preferSha: sha(9) })
    assert.equal(missing.baseline?.source.sha, sha(6))
    assert.match(missing.problems.join('\n'), /no baseline saved at the base commit 9999999; using the newest one/)
  })

  test('history survives the eviction of older entries and is trimmed to the limit', async () => {
    const store = new CacheBaselineStore(workspace, 3)
    for (const digit of [1, 2, 3, 4]) {
      asJob(60 + digit, MAIN)
      await store.save(baselineRecord('evict', results, push(digit), at(20 + digit)))
    }
    // The service evicts every entry but the newest (unused for 7 days).
    const older = fake.cacheEntries.filter((e) => e.key.startsWith('perf-gate/v1/evict/') && !e.key.includes(`/${sha(4)}/`))
    for (const entry of older) fake.cacheEntries.splice(fake.cacheEntries.indexOf(entry), 1)
    asJob(70, PULL)
    const lookup = await store.load({ gate: 'evict', historyLimit: 20 })
    assert.deepEqual(
      lookup.history.map((r) => r.source.sha),
      [sha(4), sha(3), sha(2)]
    )
    assert.deepEqual(lookup.problems, [])
  })

  test('the entry carries the newest runs whole and older ones without their distributions', async () => {
    const withLatencies = {
      ...results,
      scenarios: results.scenarios.map((scenario) => ({
        ...scenario,
        trials: scenario.trials.map((trial) => ({ ...trial, distributions: { latency: { unit: 'ms', samples: [19, 20, 24] } } }))
      }))
    }
    const store = new CacheBaselineStore(workspace, 5)
    for (const digit of [1, 2, 3, 4, 5, 6]) {
      asJob(80 + digit, MAIN)
      await store.save(baselineRecord('compact', withLatencies, push(digit), at(30 + digit)))
    }
    asJob(90, PULL)
    const lookup = await new CacheBaselineStore(workspace, 5).load({ gate: 'compact', historyLimit: 20 })
    assert.deepEqual(
      lookup.history.map((r) => [r.source.sha![0], r.results.scenarios[0]!.trials.every((trial) => trial.distributions !== undefined)]),
      [
        ['6', true],
        ['5', true],
        ['4', true],
        ['3', false],
        ['2', false]
      ]
    )
    // A compacted run keeps every trial's numbers: verdicts and history read those.
    assert.deepEqual(lookup.history[4]!.results.scenarios[0]!.trials, results.scenarios[0]!.trials)
  })

  test('a PR cannot see caches saved by another PR; nothing saved yet is reported', async () => {
    asJob(20, [
      { scope: 'refs/pull/8/merge', permission: 3 },
      { scope: 'refs/heads/main', permission: 1 }
    ])
    const store = new CacheBaselineStore(workspace, 20)
    await store.save(baselineRecord('pr-only', results, push(8), at(30)))
    asJob(21, PULL)
    const lookup = await store.load({ gate: 'pr-only', historyLimit: 20 })
    assert.equal(lookup.baseline, undefined)
    assert.match(lookup.problems[0]!, /nothing has been saved for gate "pr-only" in the Actions cache yet \(or it was evicted after 7 days unused\)/)
    assert.equal(lookup.absence?.kind, 'not-saved')
    assert.match(lookup.absence!.advice!, /A push to the default branch saves the first one/)
  })

  test('two pushes saving at once: a later reader that can list keys sees both; without listing it sees the newest alone', async () => {
    // Both load before either saves (the race): each entry carries only its own record.
    const first = new CacheBaselineStore(workspace, 20)
    const second = new CacheBaselineStore(workspace, 20)
    asJob(91, MAIN)
    await first.load({ gate: 'race', historyLimit: 20 })
    asJob(92, MAIN)
    await second.load({ gate: 'race', historyLimit: 20 })
    asJob(91, MAIN)
    await first.save(baselineRecord('race', results, push(1), at(41)))
    asJob(92, MAIN)
    await second.save(baselineRecord('race', results, push(2), at(42)))

    asJob(93, PULL)
    const alone = await new CacheBaselineStore(workspace, 20).load({ gate: 'race', historyLimit: 20 })
    assert.deepEqual(
      alone.history.map((r) => r.source.sha),
      [sha(2)],
      'a prefix restore returns the newest entry only: the sibling miss'
    )

    const debug: string[] = []
    const listing = new CacheBaselineStore(workspace, 20, toolkitCacheClient, { listKeys: lister(), debug: (line) => debug.push(line) })
    const both = await listing.load({ gate: 'race', historyLimit: 20 })
    assert.deepEqual(
      both.history.map((r) => r.source.sha),
      [sha(2), sha(1)]
    )
    assert.deepEqual(both.problems, [])
    assert.match(debug.join('\n'), new RegExp(`cache entry perf-gate/v1/race/rolling/${sha(1)}/.* was saved beside the newest one`))

    // The next push carries both on, so even a reader without listing sees them from then on.
    asJob(94, MAIN)
    const next = new CacheBaselineStore(workspace, 20, toolkitCacheClient, { listKeys: lister() })
    await next.load({ gate: 'race', historyLimit: 20 })
    await next.save(baselineRecord('race', results, push(3), at(43)))
    asJob(95, PULL)
    const healed = await new CacheBaselineStore(workspace, 20).load({ gate: 'race', historyLimit: 20 })
    assert.deepEqual(
      healed.history.map((r) => r.source.sha),
      [sha(3), sha(2), sha(1)]
    )
  })

  test('listing that is refused, and a listed entry evicted before its restore, are debug lines, never problems', async () => {
    // Two pushes at once again: the second entry does not carry the first.
    const [first, second] = [new CacheBaselineStore(workspace, 20), new CacheBaselineStore(workspace, 20)]
    asJob(96, MAIN)
    await first.load({ gate: 'gone', historyLimit: 20 })
    await second.load({ gate: 'gone', historyLimit: 20 })
    await first.save(baselineRecord('gone', results, push(1), at(45)))
    await second.save(baselineRecord('gone', results, push(2), at(46)))
    // The first entry is evicted between the listing and its restore.
    const older = fake.cacheEntries.find((e) => e.key.startsWith(`perf-gate/v1/gone/rolling/${sha(1)}/`))!
    older.evicted = true
    const debug: string[] = []
    asJob(98, PULL)
    const lookup = await new CacheBaselineStore(workspace, 20, toolkitCacheClient, { listKeys: lister(), debug: (line) => debug.push(line) }).load({
      gate: 'gone',
      historyLimit: 20
    })
    assert.deepEqual(
      lookup.history.map((r) => r.source.sha),
      [sha(2)]
    )
    assert.deepEqual(lookup.problems, [])
    assert.match(
      debug.join('\n'),
      /cache entry perf-gate\/v1\/gone\/rolling\/1{40}\/.* is listed but could not be restored \(evicted since it was listed\?\); skipping it/
    )

    fake.fail('rest-caches', 403, 1)
    debug.length = 0
    const refused = await new CacheBaselineStore(workspace, 20, toolkitCacheClient, { listKeys: lister(), debug: (line) => debug.push(line) }).load({
      gate: 'gone',
      historyLimit: 20
    })
    assert.equal(refused.baseline?.source.sha, sha(2))
    assert.deepEqual(refused.problems, [])
    assert.match(debug.join('\n'), /cannot list the cache entries under perf-gate\/v1\/gone\/rolling\/ .*needs permissions: actions: read/)
  })

  for (const fault of ['rate-limit-once', 'api-5xx-once'] as const) {
    test(`${fault} on the cache-key listing (GET /repos/{o}/{r}/actions/caches) is retried: the listing still finds every key`, async () => {
      asJob(98, PULL)
      const debug: string[] = []
      fake.fault('rest-caches', fault)
      const before = fake.requests.filter((r) => /\/actions\/caches\?/.test(r)).length
      const lookup = await new CacheBaselineStore(workspace, 20, toolkitCacheClient, { listKeys: lister(), debug: (line) => debug.push(line) }).load({
        gate: 'gone',
        historyLimit: 20
      })
      assert.equal(lookup.baseline?.source.sha, sha(2))
      assert.doesNotMatch(debug.join('\n'), /cannot list the cache entries/, 'the listing got through after the retry')
      assert.ok(fake.requests.filter((r) => /\/actions\/caches\?/.test(r)).length - before >= 2, 'the faulted listing was retried')
    })
  }

  test('pinned baselines live apart from the rolling ones', async () => {
    asJob(30, MAIN)
    const store = new CacheBaselineStore(workspace, 20)
    await store.save(baselineRecord('pin', results, { ...push(3), event: 'workflow_dispatch' }, at(31), 'release-1.4'))
    assert.equal((await store.load({ gate: 'pin', historyLimit: 5 })).baseline, undefined)
    const pinned = await store.load({ gate: 'pin', name: 'release-1.4', historyLimit: 5 })
    assert.equal(pinned.baseline?.name, 'release-1.4')
    assert.deepEqual(pinned.problems, [])
  })

  test('corrupt and newer-version records are rejected with a message naming the cache key', async () => {
    asJob(40, MAIN)
    const dir = join(workspace, CACHE_PATHS[0]!)
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, '000.json'), '{"schemaVersion": 1, "gate": "bad", "id": "x", "savedA')
    const newer = { ...baselineRecord('bad', results, push(4), at(40)), schemaVersion: 99 }
    writeFileSync(join(dir, '001.json'), JSON.stringify(newer))
    assert.equal((await toolkitCacheClient.save(CACHE_PATHS, 'perf-gate/v1/bad/rolling/corrupt/x/y/z')).failure, undefined)
    const lookup = await new CacheBaselineStore(workspace, 20).load({ gate: 'bad', historyLimit: 5 })
    assert.equal(lookup.baseline, undefined)
    const text = lookup.problems.join('\n')
    assert.match(text, /baseline from cache key perf-gate\/v1\/bad\/rolling\/corrupt\/x\/y\/z \(000\.json\) is corrupt or truncated/)
    assert.match(text, /written by a newer perf-gate \(schemaVersion 99\)/)
    assert.equal(lookup.absence?.kind, 'rejected', 'found but refused: neither "nothing saved" nor "could not be read"')
    assert.match(lookup.absence!.reason, /\(000\.json\) is corrupt or truncated/)
  })

  test('service failures become problem lines, not exceptions; a failed save is a RunError naming the key', async () => {
    asJob(50, MAIN)
    const store = new CacheBaselineStore(workspace, 20)
    fake.fail('GetCacheEntryDownloadURL', 403, 1)
    const denied = await store.load({ gate: 'api', historyLimit: 5 })
    assert.equal(denied.baseline, undefined)
    assert.match(denied.problems.join('\n'), /the Actions cache could not be read \(Failed to restore: .*403.*\); continuing without a stored baseline/)
    assert.equal(denied.absence?.kind, 'unreadable')
    assert.match(denied.absence!.reason, /^Failed to restore: .*403/)
    assert.match(denied.absence!.advice!, /token may not read the Actions cache/)

    fake.fail('GetCacheEntryDownloadURL', 429, 1)
    const limited = await store.load({ gate: 'api', historyLimit: 5 })
    assert.match(limited.problems.join('\n'), /could not be read \(.*rate limit/i)
    assert.equal(limited.absence?.kind, 'unreadable')
    assert.match(limited.absence!.advice!, /rate-limited/)

    fake.fail('CreateCacheEntry', 403, 1)
    const record = baselineRecord('api', results, push(5), at(50))
    await assert.rejects(
      store.save(record),
      (error: unknown) => error instanceof RunError && error.message.includes(cacheKeyOf(record)) && /Failed to save/.test(error.message)
    )
  })

  test('a cache service that cannot be reached is a problem line', async () => {
    asJob(80, MAIN)
    process.env.ACTIONS_RESULTS_URL = 'http://127.0.0.1:9/'
    const lookup = await new CacheBaselineStore(workspace, 20).load({ gate: 'api', historyLimit: 5 })
    assert.equal(lookup.baseline, undefined)
    assert.match(lookup.problems[0]!, /the Actions cache could not be read \(Failed to restore: .*ECONNREFUSED.*\); continuing without a stored baseline/)
  })

  test('without ACTIONS_RESULTS_URL the store says the cache is unavailable', async () => {
    const url = process.env.ACTIONS_RESULTS_URL
    delete process.env.ACTIONS_RESULTS_URL
    try {
      const lookup = await new CacheBaselineStore(workspace, 20).load({ gate: 'api', historyLimit: 5 })
      assert.match(lookup.problems[0]!, /the Actions cache is not available to this step/)
      assert.equal(lookup.absence?.kind, 'unreadable')
    } finally {
      process.env.ACTIONS_RESULTS_URL = url
    }
  })

  test('the REST key listing pages until it has the history it needs, newest first', async () => {
    asJob(40, MAIN)
    const prefix = 'perf-gate-paging/'
    for (let i = 0; i < 250; i++) {
      fake.cacheEntries.push({
        key: `${prefix}${String(i).padStart(3, '0')}`,
        version: 'v',
        scope: 'refs/heads/main',
        blob: `none/${i}`,
        finalized: true,
        createdAt: 1_000 + i
      })
    }
    const before = fake.requests.length
    const keys = await lister()(prefix, 150)
    assert.equal(keys.length, 150)
    assert.equal(keys[0], `${prefix}249`)
    assert.equal(keys[149], `${prefix}100`)
    const pages = fake.requests.slice(before).filter((line) => line.includes('/actions/caches'))
    assert.equal(pages.length, 2, pages.join('\n'))
    assert.deepEqual(await lister()(prefix, 3), [`${prefix}249`, `${prefix}248`, `${prefix}247`])
  })
})
