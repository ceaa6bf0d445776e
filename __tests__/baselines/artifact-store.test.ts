/** The artifact store through the real @actions/artifact client and Octokit against the local fake services. */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { baselineRecord } from '../../src/gate.js'
import type { RunContext } from '../../src/context.js'
import { RunError } from '../../src/errors.js'
import { currentEnvironment } from '../../src/results/environment.js'
import { resultsWith } from '../support/results-builder.js'
import { scratchDir } from '../support/spawn-dist.js'
import { FakeActionsStorage, REPOSITORY_ID, type FakeRun } from '../support/fake-actions-storage.js'

type ArtifactModule = typeof import('../../src/baselines/artifact-store.js')

const results = { ...resultsWith({ 'GET /cart': { p95: { values: [20, 21, 22], unit: 'ms' } } }), environment: currentEnvironment('github-actions:test') }
const sha = (digit: number): string => String(digit).repeat(40)
const at = (minute: number): Date => new Date(Date.UTC(2026, 10, 23, 11, minute))
const push = (digit: number): RunContext => ({ event: 'push', sha: sha(digit), ref: 'refs/heads/main', runner: 'github-actions:test' })
const FORK_REPOSITORY_ID = 999
const REPOSITORY = { owner: 'octo', repo: 'shop' }

describe('workflow artifact baseline store', () => {
  let fake: FakeActionsStorage
  let artifacts: ArtifactModule
  const saved = { ...process.env }
  /** Switches this process to a job of `run` (the runtime token names it). */
  const asRun = (run: FakeRun): void => {
    Object.assign(process.env, fake.env(run, []))
  }
  const mainRun = (id: number, digit: number): FakeRun => ({ id, headBranch: 'main', headSha: sha(digit), headRepositoryId: REPOSITORY_ID })
  const store = (options: { historyLimit?: number } = {}): InstanceType<ArtifactModule['ArtifactBaselineStore']> =>
    new artifacts.ArtifactBaselineStore({ repository: REPOSITORY, defaultBranch: 'main', token: 'ghs_test', ...options })

  before(async () => {
    fake = await new FakeActionsStorage().start()
    // The store's own listing reads GITHUB_API_URL when it is created, but @actions/artifact downloads other runs'
    // artifacts through @actions/github's default client, whose base URL is read when @actions/github is first
    // imported: set it, then import the store.
    Object.assign(process.env, fake.env(mainRun(1, 1), []), { RUNNER_TEMP: scratchDir('perf-gate-runner-temp-') })
    artifacts = await import('../../src/baselines/artifact-store.js')
  })
  after(async () => {
    process.env = saved
    await fake.close()
  })

  test('pushes upload; a PR gets its base commit, never a fork branch named main, never an expired artifact', async () => {
    asRun(mainRun(11, 1))
    const first = await store().save(baselineRecord('api', results, push(1), at(1)))
    assert.match(first.location, /workflow artifact perf-gate-baseline-api \(#\d+, kept 90 days\)/)
    asRun(mainRun(12, 2))
    await store().save(baselineRecord('api', results, push(2), at(2)))
    asRun({ id: 13, headBranch: 'main', headSha: sha(6), headRepositoryId: FORK_REPOSITORY_ID })
    await store().save(baselineRecord('api', results, { ...push(6) }, at(3)))
    assert.equal(fake.artifacts.length, 3)
    assert.ok(
      fake.artifacts.every((a) => a.expiresAt && Date.parse(a.expiresAt) > Date.now() + 80 * 86400_000),
      '90 days retention'
    )

    asRun({ id: 14, headBranch: 'feature', headSha: sha(7), headRepositoryId: REPOSITORY_ID })
    const newest = await store().load({ gate: 'api', historyLimit: 20 })
    assert.deepEqual(newest.problems, [])
    assert.equal(newest.baseline?.source.sha, sha(2), 'the fork run is newer but never chosen')
    assert.deepEqual(
      newest.history.map((r) => r.source.sha),
      [sha(2), sha(1)]
    )
    const atBase = await store().load({ gate: 'api', historyLimit: 20, preferSha: sha(1) })
    assert.equal(atBase.baseline?.source.sha, sha(1))
    const forkBase = await store().load({ gate: 'api', historyLimit: 20, preferSha: sha(6) })
    assert.equal(forkBase.baseline?.source.sha, sha(2))
    assert.match(forkBase.problems.join('\n'), /no baseline saved at the base commit 6666666/)

    for (const artifact of fake.artifacts) artifact.expiresAt = new Date(Date.now() - 1000).toISOString()
    const expired = await store().load({ gate: 'api', historyLimit: 20 })
    assert.equal(expired.baseline, undefined)
    assert.match(expired.problems.join('\n'), /every baseline artifact from the main branch has expired/)
    assert.equal(expired.absence?.kind, 'not-saved', 'expired is "none to read", not a read failure')
    assert.match(expired.absence?.advice ?? '', /baseline-retention-days/)
  })

  test('an artifact that expired or was deleted after the listing is skipped with a debug line, not a problem', async () => {
    asRun(mainRun(41, 1))
    await store().save(baselineRecord('gone', results, push(1), at(50)))
    asRun(mainRun(42, 2))
    await store().save(baselineRecord('gone', results, push(2), at(51)))
    const debug: string[] = []
    // The newest one's download (downloads run in parallel: the failure names it).
    const newest = Math.max(...fake.artifacts.filter((artifact) => artifact.name === 'perf-gate-baseline-gone').map((artifact) => artifact.id))
    fake.fail(`rest-zip:${newest}`, 410, 1)
    const lookup = await new artifacts.ArtifactBaselineStore({
      repository: REPOSITORY,
      defaultBranch: 'main',
      token: 'ghs_test',
      debug: (line) => debug.push(line)
    }).load({
      gate: 'gone',
      historyLimit: 5
    })
    assert.equal(lookup.baseline?.source.sha, sha(1), 'the newest one is gone; the one before it is used')
    assert.deepEqual(lookup.problems, [])
    assert.match(debug.join('\n'), /artifact perf-gate-baseline-gone #\d+ \(run 42\) is gone .*; skipping it/)
  })

  test('a corrupt artifact is rejected with a message and the next one is used', async () => {
    asRun(mainRun(21, 3))
    await store().save(baselineRecord('web', results, push(3), at(10)))
    asRun(mainRun(22, 4))
    const dir = scratchDir()
    writeFileSync(join(dir, 'baseline.json'), '{"schemaVersion":1,"gate":"web","id":"trunc')
    await artifacts.toolkitArtifactApi(REPOSITORY, 'ghs_test').upload('perf-gate-baseline-web', join(dir, 'baseline.json'), dir, 1)
    const lookup = await store().load({ gate: 'web', historyLimit: 5 })
    assert.equal(lookup.baseline?.source.sha, sha(3))
    assert.match(lookup.problems.join('\n'), /baseline artifact perf-gate-baseline-web #\d+ \(run 22\) is corrupt or truncated/)
  })

  test('403 without actions: read names the permission; other failures degrade with a message', async () => {
    fake.fail('rest-list', 403, 1)
    const denied = await store().load({ gate: 'api', historyLimit: 5 })
    assert.equal(denied.baseline, undefined)
    assert.match(
      denied.problems[0]!,
      /listing the workflow artifacts named perf-gate-baseline-api was refused \(403: .*\): the workflow needs `permissions: actions: read`/
    )
    assert.equal(denied.absence?.kind, 'unreadable')
    assert.match(denied.absence!.reason, /^listing the workflow artifacts named perf-gate-baseline-api was refused \(403: /)
    assert.match(denied.absence!.advice!, /Add `permissions: actions: read`/)
    // A persistent outage: the first call and its 3 retries all fail.
    fake.fail('rest-list', 500, 4)
    const down = await store().load({ gate: 'api', historyLimit: 5 })
    assert.match(down.problems[0]!, /listing the workflow artifacts named perf-gate-baseline-api failed \(.*\); continuing without a stored baseline/)
    assert.equal(down.absence?.kind, 'unreadable')
    fake.fail('CreateArtifact', 403, 1)
    await assert.rejects(
      store().save(baselineRecord('api', results, push(5), at(30))),
      (error: unknown) => error instanceof RunError && /uploading the baseline as workflow artifact perf-gate-baseline-api failed/.test(error.message)
    )
  })

  for (const fault of ['rate-limit-once', 'api-5xx-once'] as const) {
    test(`${fault} on the artifact listing (GET /repos/{o}/{r}/actions/artifacts) is retried: the baseline is found`, async () => {
      asRun(mainRun(fault === 'api-5xx-once' ? 16 : 17, 3))
      await store().save(baselineRecord(`retry-${fault}`, results, push(3), at(5)))
      asRun({ id: 15, headBranch: 'feature', headSha: sha(7), headRepositoryId: REPOSITORY_ID })
      const before = fake.requests.filter((r) => /\/actions\/artifacts\?/.test(r)).length
      fake.fault('rest-list', fault)
      const lookup = await store().load({ gate: `retry-${fault}`, historyLimit: 5 })
      assert.deepEqual(lookup.problems, [])
      assert.equal(lookup.baseline?.source.sha, sha(3), 'the baseline was found after the retry')
      assert.ok(fake.requests.filter((r) => /\/actions\/artifacts\?/.test(r)).length - before >= 2, 'the faulted listing was retried')
    })
  }

  test('a large record (over 5,000 scenarios) is uploaded gzip-compressed and read back whole', async () => {
    const many = resultsWith(Object.fromEntries(Array.from({ length: 5001 }, (_, i) => [`bench-${i}`, { t: { values: [i + 1], unit: 'ms' } }])))
    asRun(mainRun(61, 4))
    await store().save(baselineRecord('large', many, push(4), at(45)))
    asRun({ id: 62, headBranch: 'feature', headSha: sha(7), headRepositoryId: REPOSITORY_ID })
    const lookup = await store().load({ gate: 'large', historyLimit: 5 })
    assert.deepEqual(lookup.problems, [])
    assert.equal(lookup.baseline?.results.scenarios.length, 5001)
    assert.equal(lookup.baseline?.results.scenarios[5000]!.trials[0]!.metrics.t!.value, 5001)
  })

  test('pinned baselines have their own artifact name', async () => {
    asRun({ id: 31, headBranch: 'release', headSha: sha(8), headRepositoryId: REPOSITORY_ID })
    await store().save(baselineRecord('pin', results, { ...push(8), event: 'workflow_dispatch' }, at(40), 'release-1.4'))
    assert.equal(fake.artifacts.at(-1)?.name, 'perf-gate-baseline-pin@release-1.4')
    const pinned = await store().load({ gate: 'pin', name: 'release-1.4', historyLimit: 5 })
    assert.equal(pinned.baseline?.name, 'release-1.4')
    assert.equal((await store().load({ gate: 'pin', historyLimit: 5 })).baseline, undefined)
  })

  test('the listing pages through the REST API (100 a page) up to the history size, and stops at a short page', async () => {
    asRun(mainRun(51, 1))
    await store().save(baselineRecord('paged', results, push(1), at(60)))
    // 100 newer artifacts of that name from a feature branch: listed, never trusted, never downloaded.
    fake.addListedOnly({ id: 52, headBranch: 'feature', headSha: sha(9), headRepositoryId: REPOSITORY_ID }, 'perf-gate-baseline-paged', 100)
    asRun(mainRun(53, 2))
    await store().save(baselineRecord('paged', results, push(2), at(61)))
    const listings = (): URLSearchParams[] =>
      fake.requests
        .filter((line) => line.startsWith('GET /repos/octo/shop/actions/artifacts?'))
        .map((line) => new URL(line.slice('GET '.length), fake.url).searchParams)
        .filter((query) => query.get('name') === 'perf-gate-baseline-paged')
    const pages = (from: number): string[] =>
      listings()
        .slice(from)
        .map((query) => `${query.get('page')}/${query.get('per_page')}`)

    const long = await store({ historyLimit: 150 }).list('paged')
    assert.deepEqual(
      long.map((summary) => summary.sha),
      [sha(2), sha(1)],
      'the first baseline is 102nd in the listing, on page 2'
    )
    assert.deepEqual(pages(0), ['1/100', '2/100'], 'the short second page ends the listing')
    const fillers = new Set(fake.artifacts.filter((artifact) => artifact.blob.includes('/listed-only-')).map((artifact) => artifact.id))
    assert.equal(fillers.size, 100)
    const downloaded = fake.requests.map((line) => /\/actions\/artifacts\/(\d+)\/zip$/.exec(line)?.[1]).filter((id) => id !== undefined)
    assert.ok(!downloaded.some((id) => fillers.has(Number(id))), 'untrusted artifacts are never downloaded')

    const seen = listings().length
    const short = await store({ historyLimit: 1 }).list('paged')
    assert.deepEqual(
      short.map((summary) => summary.sha),
      [sha(2)],
      "list() shows the store's history size"
    )
    assert.deepEqual(pages(seen), ['1/100'], 'one full page already holds more than the history needs')
  })
})
