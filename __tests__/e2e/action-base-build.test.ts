/**
 * The bundled Action's same-runner A/B of a real tiny Node project (a dependency installed by npm from a packed
 * tarball, a build step the benchmark needs), against the local fake of GitHub's cache service through the real
 * @actions/cache client: the first run of a pull request builds the base commit and saves the build; the second run
 * restores it and does not build.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { bundleActionEntry, pullRequestPayload, runActionEntry, scratchDir, type ActionRun } from '../support/spawn-dist.js'
import { nodeProjectRepo } from '../support/node-project.js'
import { FakeActionsStorage, REPOSITORY_ID, type CacheScope } from '../support/fake-actions-storage.js'

const PULL_SCOPES: CacheScope[] = [
  { scope: 'refs/pull/7/merge', permission: 3 },
  { scope: 'refs/heads/main', permission: 1 }
]

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', ...args], { cwd, encoding: 'utf8' }).trim()
}

describe('the base build through the bundled Action and the Actions cache', () => {
  let fake: FakeActionsStorage
  let entry: string
  before(async () => {
    entry = bundleActionEntry()
    fake = await new FakeActionsStorage().start()
  })
  after(async () => fake.close())

  test('the first PR run builds the base and saves it; the second restores it and does not build; base-build-cache: false builds', async () => {
    const { repo, baseSha, headSha } = nodeProjectRepo({ lockfileChanges: true })
    const buildLog = join(scratchDir(), 'builds.txt')
    // The runner's temp directory is the same place on every run of a job (as on hosted runners).
    const runnerTemp = scratchDir('perf-gate-runner-temp-')
    const runs: ActionRun[] = []
    for (const runId of [501, 502, 503]) {
      const run = { id: runId, headBranch: 'feature', headSha, headRepositoryId: REPOSITORY_ID }
      runs.push(
        await runActionEntry({
          entry,
          workspace: repo,
          inputs: {
            command: 'node bench.mjs',
            results: 'bench.json',
            thresholds: 'p95: +20%',
            name: 'shop',
            'baseline-store': 'cache',
            'github-token': 'ghs_test',
            'compare-to': 'base-commit',
            build: 'npm ci --offline --no-audit --no-fund && npm run build',
            'confirm-budget': '90s',
            // The third run turns the cache off.
            ...(runId === 503 ? { 'base-build-cache': 'false' } : {})
          },
          event: 'pull_request',
          payload: pullRequestPayload({ baseSha }),
          ref: 'refs/pull/7/merge',
          sha: headSha,
          env: { ...fake.env(run, PULL_SCOPES), GITHUB_RUN_ID: String(runId), RUNNER_TEMP: runnerTemp, BUILD_LOG: buildLog },
          timeoutMs: 180000
        })
      )
    }
    const [first, second, third] = runs as [ActionRun, ActionRun, ActionRun]
    for (const run of [first, second, third]) {
      assert.equal(run.exitCode, 1, run.stdout + run.stderr)
      assert.equal(run.outputs.verdict, 'fail', 'the A/B on this runner catches the 30% slowdown')
      assert.match(run.summary, /one command run per arm, in randomized ABBA blocks \(seed \d+; b base, h head\): (bh|hb)/, 'the note says the order')
    }
    assert.match(first.stdout, /base dependencies: head's node_modules not reused \(package-lock\.json differs\); `build:` installs them\./)
    assert.match(first.stdout, /Base build of [0-9a-f]{7}: not in the Actions cache yet \(key perf-gate-base\/v1\//)
    assert.match(first.stdout, /Base build of [0-9a-f]{7}: saved to the Actions cache \(key perf-gate-base\/v1\/[^/]+\/[0-9a-f]{40}\/[0-9a-f]{24}\)/)
    assert.match(
      second.stdout,
      /Base build of [0-9a-f]{7}: restored from the Actions cache \(key perf-gate-base\/v1\/.*\); `npm ci --offline --no-audit --no-fund && npm run build` not run\./
    )
    assert.doesNotMatch(second.stdout, /Building the base commit/)
    assert.doesNotMatch(third.stdout, /Actions cache \(key perf-gate-base/, 'base-build-cache: false neither restores nor saves')
    assert.match(third.stdout, /Building the base commit [0-9a-f]{7}: npm ci/)
    const builds = readFileSync(buildLog, 'utf8').trim().split('\n')
    assert.equal(builds.length, 2, `the base was built in the first run and, with the cache off, the third: ${builds.join(', ')}`)
    const entries = fake.cacheEntries.filter((e) => e.finalized && e.key.startsWith('perf-gate-base/'))
    assert.equal(entries.length, 1)
    assert.equal(entries[0]!.scope, 'refs/pull/7/merge')
    assert.equal(existsSync(join(runnerTemp, 'perf-gate-base')), false, 'the base checkout is removed after the run')
    assert.doesNotMatch(git(repo, 'worktree', 'list'), /perf-gate-base/)
  })
})
