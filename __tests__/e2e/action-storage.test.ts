/**
 * The bundled Action with its baselines in the Actions cache and in workflow artifacts, run as the runner runs it,
 * against the local fake of GitHub's storage services (real @actions/cache, @actions/artifact and Octokit inside).
 * The bundle is built fresh from src/ into a scratch directory, so these tests never depend on a stale dist/.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CACHE_PATHS } from '../../src/baselines/cache-store.js'
import { REPO_ROOT, bundleActionEntry, pullRequestPayload, pushPayload, runActionEntry, scratchDir, type ActionRun } from '../support/spawn-dist.js'
import { FakeActionsStorage, REPOSITORY_ID, type CacheScope, type FakeRun } from '../support/fake-actions-storage.js'

const BENCH_SCRIPT = `import { writeFileSync } from 'node:fs'
const factor = Number(process.env.SLOWDOWN ?? 1)
const trials = [-2, -1, 0, 1, 2].map((k) => ({ metrics: { p95: { value: 20 * factor * (1 + 0.01 * k), unit: 'ms' } } }))
writeFileSync('bench.json', JSON.stringify({ schemaVersion: 1, scenarios: [{ name: 'GET /cart', trials }] }))
`
const sha = (char: string): string => char.repeat(40)
const MAIN_SCOPES: CacheScope[] = [{ scope: 'refs/heads/main', permission: 3 }]
const PULL_SCOPES: CacheScope[] = [
  { scope: 'refs/pull/7/merge', permission: 3 },
  { scope: 'refs/heads/main', permission: 1 }
]
const FORK_REPOSITORY_ID = 999

describe('Action entry with cache and artifact baselines', () => {
  let fake: FakeActionsStorage
  let entry: string
  let nextRunId = 100

  before(async () => {
    entry = bundleActionEntry()
    fake = await new FakeActionsStorage().start()
  })
  after(async () => fake.close())

  function workspace(): string {
    const dir = scratchDir('perf-gate-ws-')
    writeFileSync(join(dir, 'bench.mjs'), BENCH_SCRIPT)
    return dir
  }

  /** One job: a push to main (sha) or a PR against base `baseSha`; `run` overrides what the REST API says of it. */
  function job(options: {
    gate: string
    store: string
    push?: string
    baseSha?: string
    run?: Partial<FakeRun>
    inputs?: Record<string, string>
    env?: Record<string, string>
    config?: string
  }): Promise<ActionRun> {
    const runId = nextRunId++
    const ws = workspace()
    if (options.config !== undefined) {
      mkdirSync(join(ws, '.github'), { recursive: true })
      writeFileSync(join(ws, '.github/perf-gate.yml'), options.config)
    }
    const headSha = options.push ?? sha('c')
    const run: FakeRun = { id: runId, headBranch: options.push ? 'main' : 'feature', headSha, headRepositoryId: REPOSITORY_ID, ...options.run }
    const inputs = {
      command: 'node bench.mjs',
      results: 'bench.json',
      thresholds: 'p95: +20%',
      name: options.gate,
      'baseline-store': options.store,
      'github-token': 'ghs_test',
      ...options.inputs
    }
    const env = { ...fake.env(run, options.push ? MAIN_SCOPES : PULL_SCOPES), GITHUB_RUN_ID: String(runId), ...options.env }
    if (options.push) return runActionEntry({ entry, workspace: ws, inputs, event: 'push', payload: pushPayload(), sha: options.push, env })
    return runActionEntry({
      entry,
      workspace: ws,
      inputs,
      event: 'pull_request',
      payload: pullRequestPayload({ baseSha: options.baseSha! }),
      ref: 'refs/pull/7/merge',
      sha: headSha,
      env
    })
  }

  const keysOf = (gate: string): string[] => fake.cacheEntries.filter((e) => e.finalized && e.key.startsWith(`perf-gate/v1/${gate}/`)).map((e) => e.key)
  const reportOf = (
    run: ActionRun
  ): { baseline?: { sha?: string; historySize: number; ageSeconds: number }; baselineProblems: string[]; notes: string[]; runFailure?: string } =>
    JSON.parse(readFileSync(run.outputs['report-json']!, 'utf8'))

  test('cache: pushes save under new keys and history grows; a PR restores its base commit and never saves', async () => {
    const first = await job({ gate: 'api', store: 'cache', push: sha('b') })
    assert.equal(first.exitCode, 0, first.stdout + first.stderr)
    assert.equal(first.outputs.verdict, 'no-baseline')
    assert.match(
      first.summary,
      /^\*\*Baseline saved\*\* \(`[^`]+`, commit \[`bbbbbbb`\]\([^)]+\)\): the next pull request compares against it\.$/m,
      'the first save is said'
    )
    assert.doesNotMatch(first.stdout, /::warning::Baseline/, 'no warning annotation for the first save')
    assert.match(first.summary, /^### ⚪ perf-gate · [^:]+: first baseline saved$/m, 'the headline names the first save, not a missing baseline')
    assert.match(first.summary, /recorded as the first baseline/)
    assert.doesNotMatch(first.summary, /without baseline/)
    assert.doesNotMatch(first.summary, /could not be read|rejected/)
    assert.match(first.outputs['baseline-saved']!, /b{7}/)
    assert.equal(keysOf('api').length, 1)
    assert.match(keysOf('api')[0]!, new RegExp(`^perf-gate/v1/api/rolling/${sha('b')}/`))

    const second = await job({ gate: 'api', store: 'cache', push: sha('d') })
    assert.equal(second.exitCode, 0, second.stdout + second.stderr)
    assert.equal(reportOf(second).baseline?.sha, sha('b'), 'the second push compares with the first')
    assert.equal(keysOf('api').length, 2, 'a second push writes a new key')
    // A third one: with 3+ stored baselines the verdicts can tell runner noise from a change.
    assert.equal((await job({ gate: 'api', store: 'cache', push: sha('8') })).exitCode, 0)

    // Three identical stored runs prove little about the runner-to-runner noise (2 degrees of freedom, a 2% floor):
    // +50% stays inconclusive there (docs/verdicts.md), a doubling fails. The PR is based on the newest push: its
    // history is the runs up to its base commit, all three.
    const pr = await job({ gate: 'api', store: 'cache', baseSha: sha('8'), env: { SLOWDOWN: '2' } })
    assert.equal(
      pr.exitCode,
      1,
      pr.summary +
        pr.stdout
          .split('\n')
          .filter((l) => !l.startsWith('::debug'))
          .join('\n')
    )
    assert.equal(pr.outputs.verdict, 'fail')
    assert.match(
      pr.summary,
      /Baseline: \[`8888888`\]\(https:\/\/github\.com\/octo\/shop\/commit\/8{40}\) on main, saved .* ago/,
      'the report names the base commit and its age'
    )
    assert.match(pr.summary, /3 stored baselines inform the noise estimate/, 'history grew to three')
    assert.equal(reportOf(pr).baseline?.historySize, 3)
    assert.equal(pr.outputs['baseline-saved'], '')
    assert.match(pr.stdout, /Baseline not saved: pull request runs never write baselines/)
    assert.equal(keysOf('api').length, 3, 'a pull request never saves')
  })

  test("cache: two pushes saving at once both land with distinct keys, and the next run's history has both", async () => {
    // Both jobs have loaded before either saves, so neither entry carries the other.
    fake.hold('CreateCacheEntry', 2)
    const runs = await Promise.all([job({ gate: 'race', store: 'cache', push: sha('1') }), job({ gate: 'race', store: 'cache', push: sha('2') })])
    for (const run of runs) assert.equal(run.exitCode, 0, run.stdout + run.stderr)
    const keys = keysOf('race')
    assert.equal(keys.length, 2)
    assert.notEqual(keys[0], keys[1])

    // The token may list cache keys (the fake grants it): the sibling the newest entry lacks is restored by its key.
    // (The base is a commit with no run of its own, so the newest runs are used: which racer saved last is by chance.)
    const pr = await job({ gate: 'race', store: 'cache', baseSha: sha('e') })
    assert.equal(pr.exitCode, 0, pr.stdout + pr.stderr)
    assert.equal(reportOf(pr).baseline?.historySize, 2, 'both racing baselines are in the history')
    assert.match(pr.stdout, /::debug::Baseline \(Actions cache\): cache entry perf-gate\/v1\/race\/rolling\/.* was saved beside the newest one/)

    // Without actions: read, the newest entry alone: the sibling miss, said in the debug log and never an error.
    fake.fail('rest-caches', 403, 1)
    const unlisted = await job({ gate: 'race', store: 'cache', baseSha: sha('9') })
    assert.equal(unlisted.exitCode, 0, unlisted.stdout + unlisted.stderr)
    assert.equal(reportOf(unlisted).baseline?.historySize, 1, 'the newest entry does not carry its sibling')
    assert.match(unlisted.stdout, /::debug::Baseline \(Actions cache\): cannot list the cache entries under perf-gate\/v1\/race\/rolling\/ .*actions: read/)
    assert.doesNotMatch(unlisted.stdout, /::(warning|error)[^\n]*(list|cache entr)/)

    // The next push carries both on: from then on every reader sees them, listing or not.
    assert.equal((await job({ gate: 'race', store: 'cache', push: sha('3') })).exitCode, 0)
    fake.fail('rest-caches', 403, 1)
    const healed = await job({ gate: 'race', store: 'cache', baseSha: sha('3') })
    assert.equal(reportOf(healed).baseline?.historySize, 3)
  })

  test('cache: a corrupt baseline is rejected with a message and the run reports without it', async () => {
    await seedCorruptCacheEntry('perf-gate/v1/broken/rolling/' + sha('e') + '/x/y/z')
    const pr = await job({ gate: 'broken', store: 'cache', baseSha: sha('e') })
    assert.equal(pr.exitCode, 0, pr.stdout + pr.stderr)
    assert.equal(pr.outputs.verdict, 'no-baseline')
    assert.match(
      reportOf(pr).baselineProblems.join('\n'),
      /baseline from cache key perf-gate\/v1\/broken\/rolling\/e{40}\/x\/y\/z \(000\.json\) is corrupt or truncated/
    )
    assert.match(
      pr.summary,
      /^⚠️ \*\*No baseline: the stored baseline was rejected\*\* \(baseline from cache key .* is corrupt or truncated .*\); nothing was compared with a baseline/m
    )
    assert.match(pr.summary, /the next push to the default branch saves a fresh baseline/)
    assert.doesNotMatch(pr.summary, /No baseline yet|could not be read/)
  })

  test('cache: a first save that fails is said as such, never "a push to the default branch saves the first one"', async () => {
    fake.fail('CreateCacheEntry', 400, 1)
    const push = await job({ gate: 'outage', store: 'cache', push: sha('a') })
    assert.equal(push.exitCode, 0, push.stdout + push.stderr)
    assert.match(push.stdout, /::warning::Baseline not saved/)
    assert.match(
      push.summary,
      /This run was to save the first one, but the save failed \(see below\); the next save \(a push to the default branch\) tries again\./
    )
    assert.match(push.summary, /^> ⚠️ This run was due to be saved as a baseline and was not: /m, 'a warning, not a note')
    assert.doesNotMatch(push.summary, /A push to the default branch saves the first one|ℹ️ The baseline was not saved/)
  })

  test('cache: a 403 degrades to no baseline with a message; fail-on-missing-baseline makes it exit 2', async () => {
    await job({ gate: 'down', store: 'cache', push: sha('f') })
    fake.fail('GetCacheEntryDownloadURL', 403, 1)
    const degraded = await job({ gate: 'down', store: 'cache', baseSha: sha('f') })
    assert.equal(degraded.exitCode, 0, degraded.stdout + degraded.stderr)
    assert.equal(degraded.outputs.verdict, 'no-baseline')
    assert.match(reportOf(degraded).baselineProblems.join('\n'), /the Actions cache could not be read \(Failed to restore: .*\(403\) Forbidden/)
    assert.match(
      degraded.summary,
      /^⚠️ \*\*No baseline: the Actions cache could not be read\*\* \(Failed to restore: .*403.*\); nothing was compared with a baseline .*and one may well exist\. This run's token may not read the Actions cache/m
    )
    assert.match(degraded.summary, /which is not the same as having none/)
    assert.doesNotMatch(degraded.summary, /No baseline yet|no baseline to compare against yet/i)
    assert.match(degraded.outputs.markdown!, /No baseline: the Actions cache could not be read/, 'the comment-sized Markdown says it too')

    fake.fail('GetCacheEntryDownloadURL', 403, 1)
    const strict = await job({ gate: 'down', store: 'cache', baseSha: sha('f'), inputs: { 'fail-on-missing-baseline': 'true' } })
    assert.equal(strict.exitCode, 2, strict.stdout + strict.stderr)
    assert.match(strict.stdout, /::error::perf-gate: fail-on-missing-baseline/)
    assert.match(reportOf(strict).runFailure ?? '', /^fail-on-missing-baseline: no baseline could be read \(the Actions cache could not be read/)
    assert.equal(strict.outputs.error, reportOf(strict).runFailure, 'the error output says why the step failed')
    assert.match(strict.summary, /^> ❗ fail\\-on\\-missing\\-baseline: no baseline could be read/m)
    assert.doesNotMatch(strict.summary, /ℹ️ fail-on-missing-baseline/)

    const firstPush = await job({ gate: 'fresh', store: 'cache', push: sha('a'), inputs: { 'fail-on-missing-baseline': 'true' } })
    assert.equal(firstPush.exitCode, 0, 'the push that saves the first baseline does not fail for having none')
  })

  test('config file: baseline.fail-on-missing and strict apply when the inputs are empty; an input still wins', async () => {
    const config = 'baseline:\n  fail-on-missing: true\nstrict: true\n'
    const fromConfig = await job({ gate: 'cfg', store: 'cache', baseSha: sha('4'), config })
    assert.equal(fromConfig.exitCode, 2, fromConfig.stdout + fromConfig.stderr)
    assert.match(
      fromConfig.stdout,
      /::error::fail-on-missing-baseline: no baseline could be read \(nothing has been saved for gate "cfg" in the Actions cache yet/
    )
    assert.match(fromConfig.summary, /Strict mode: warnings and inconclusive results fail the gate too/)
    const overridden = await job({ gate: 'cfg', store: 'cache', baseSha: sha('4'), config, inputs: { 'fail-on-missing-baseline': 'false', strict: 'false' } })
    assert.equal(overridden.exitCode, 0, overridden.stdout + overridden.stderr)
    assert.doesNotMatch(overridden.summary, /Strict mode/)
  })

  test("artifact: the newest baseline of this repository's main is used, never a fork branch named main", async () => {
    const main = await job({ gate: 'art', store: 'artifact', push: sha('1') })
    assert.equal(main.exitCode, 0, main.stdout + main.stderr)
    assert.match(main.stdout, /Saved baseline .* to workflow artifact perf-gate-baseline-art \(#\d+, kept 90 days\)/)
    const fork = await job({ gate: 'art', store: 'artifact', push: sha('9'), run: { headRepositoryId: FORK_REPOSITORY_ID } })
    assert.equal(fork.exitCode, 0, fork.stdout + fork.stderr)
    assert.equal(fake.artifacts.filter((a) => a.name === 'perf-gate-baseline-art').length, 2)

    const pr = await job({ gate: 'art', store: 'artifact', baseSha: sha('9') })
    assert.equal(pr.exitCode, 0, pr.stdout + pr.stderr)
    assert.equal(reportOf(pr).baseline?.sha, sha('1'), 'the fork artifact is newer and at the base sha, and still never chosen')
    assert.match(pr.summary, /Baseline: \[`1111111`\]/)
    assert.equal(fake.artifacts.filter((a) => a.name === 'perf-gate-baseline-art').length, 2, 'a pull request never uploads')
  })

  test('artifact: 403 names the missing actions: read permission; 500 degrades with a message', async () => {
    fake.fail('rest-list', 403, 1)
    const denied = await job({ gate: 'art', store: 'artifact', baseSha: sha('1') })
    assert.equal(denied.exitCode, 0, denied.stdout + denied.stderr)
    assert.equal(denied.outputs.verdict, 'no-baseline')
    assert.match(reportOf(denied).baselineProblems.join('\n'), /was refused \(403: .*\): the workflow needs `permissions: actions: read`/)
    assert.match(
      denied.summary,
      /^⚠️ \*\*No baseline: the workflow artifacts could not be read\*\* \(listing the workflow artifacts named perf\\-gate\\-baseline\\-art was refused \\\(403.*Add `permissions: actions: read`/m
    )
    // A persistent outage: the first call and its 3 retries all fail.
    fake.fail('rest-list', 500, 4)
    const down = await job({ gate: 'art', store: 'artifact', baseSha: sha('1'), inputs: { 'fail-on-missing-baseline': 'true' } })
    assert.equal(down.exitCode, 2, down.stdout + down.stderr)
    assert.match(reportOf(down).baselineProblems.join('\n'), /listing the workflow artifacts named perf-gate-baseline-art failed/)
  })

  test('html-report: the page is written beside the JSON report, uploaded as an artifact and linked from the summary', async () => {
    await job({ gate: 'page', store: 'cache', push: sha('5') })
    const pr = await job({ gate: 'page', store: 'cache', baseSha: sha('5'), inputs: { 'html-report': 'true' } })
    assert.equal(pr.exitCode, 0, pr.stdout + pr.stderr)
    const path = pr.outputs['report-html']!
    assert.equal(path, join(pr.runnerTemp, 'perf-gate', 'page-report.html'))
    const page = readFileSync(path, 'utf8')
    assert.match(page, /^<!doctype html>/)
    assert.match(page, /<h1>.* page: /)
    const artifact = fake.artifacts.find((a) => a.name === 'perf-gate-html-page')
    assert.ok(artifact?.finalized, JSON.stringify(fake.artifacts.map((a) => a.name)))
    assert.match(
      pr.summary,
      new RegExp(`📊 \\[HTML report\\]\\(https://github\\.com/octo/shop/actions/runs/\\d+/artifacts/${artifact.id}\\) \\(artifact \`perf-gate-html-page\`\\)`)
    )
    // Off by default: no page, no artifact, an empty output.
    const plain = await job({ gate: 'page', store: 'cache', baseSha: sha('5') })
    assert.equal(plain.outputs['report-html'], '')
    assert.equal(fake.artifacts.filter((a) => a.name === 'perf-gate-html-page').length, 1)
  })

  /** Saves an entry holding a truncated record straight through @actions/cache (in a child: the fake runs here). */
  async function seedCorruptCacheEntry(key: string): Promise<void> {
    const dir = workspace()
    mkdirSync(join(dir, CACHE_PATHS[0]!), { recursive: true })
    writeFileSync(join(dir, CACHE_PATHS[0]!, '000.json'), '{"schemaVersion":1,"gate":"broken","id":"x","sav')
    const script = `import { toolkitCacheClient } from ${JSON.stringify(join(REPO_ROOT, 'src/baselines/cache-store.ts'))}
const saved = await toolkitCacheClient.save(${JSON.stringify(CACHE_PATHS)}, ${JSON.stringify(key)})
if (saved.failure || saved.value === -1) throw new Error(saved.failure)`
    await promisify(execFile)(process.execPath, ['--import', import.meta.resolve('tsx'), '--input-type=module', '-e', script], {
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        GITHUB_WORKSPACE: dir,
        RUNNER_TEMP: scratchDir(),
        ...fake.env({ id: nextRunId++, headBranch: 'main', headSha: sha('e'), headRepositoryId: REPOSITORY_ID }, MAIN_SCOPES)
      }
    })
  }
})
