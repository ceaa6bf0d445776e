/**
 * The reviewer's view through the bundled Action (built fresh into a temp dir), run as the Actions runner runs it,
 * against the local fake GitHub REST API reached by the real Octokit via GITHUB_API_URL.
 */
import { before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { micromark } from 'micromark'
import { gfm, gfmHtml } from 'micromark-extension-gfm'
import { pullRequestPayload, pushPayload, scratchDir } from '../support/spawn-dist.js'
import { actionWithFakeApi } from '../support/action-harness.js'
import { SLOWDOWN_BENCH_SCRIPT } from '../support/bench-script.js'
import { BOT_LOGIN } from '../support/fake-github-api.js'
import { FakeActionsStorage } from '../support/fake-actions-storage.js'
import { commentBody, commentMarker } from '../../src/github/pr-comment.js'

const BENCH_SCRIPT = SLOWDOWN_BENCH_SCRIPT
const BASE_SHA = 'b'.repeat(40)
const HEAD_SHA = 'c'.repeat(40)
const gateInputs = {
  command: 'node bench.mjs',
  results: 'bench.json',
  thresholds: 'p95: +20%\nrps: -20%',
  name: 'api',
  'github-token': 'test-token',
  'baseline-store': 'file'
}

const { api, run } = actionWithFakeApi()

/** Four pushes to main (the last at BASE_SHA) with a little runner spread: enough history for a verdict. */
async function seedHistory(ws: string): Promise<void> {
  for (const [index, slowdown] of ['1.01', '0.99', '1.02', '1'].entries()) {
    const sha = index === 3 ? BASE_SHA : String(index).repeat(40)
    const push = await run({ workspace: ws, inputs: gateInputs, event: 'push', payload: pushPayload(), sha, env: { SLOWDOWN: slowdown } })
    assert.equal(push.exitCode, 0, push.stdout + push.stderr)
    assert.equal(push.outputs['comment-url'], '', 'no comment on a push')
  }
}

function benchWorkspace(): string {
  const dir = scratchDir('perf-gate-ws-')
  writeFileSync(join(dir, 'bench.mjs'), BENCH_SCRIPT)
  return dir
}

/** A workspace with a results file of `count` scenarios; every tenth takes 120 ms (over a 100 ms budget). */
function resultsWorkspace(names: string[]): string {
  const dir = scratchDir('perf-gate-ws-')
  const scenarios = names.map((name, i) => ({ name, trials: [{ metrics: { time: { value: i % 10 === 0 ? 120 : 50, unit: 'ms' } } }] }))
  writeFileSync(join(dir, 'results.json'), JSON.stringify({ schemaVersion: 1, scenarios }))
  return dir
}

function botComments(issue: number) {
  return (api.issueComments.get(issue) ?? []).filter((c) => c.user.login === BOT_LOGIN && c.body.startsWith(commentMarker('api')))
}

function tableRows(markdown: string): string[][] {
  const html = micromark(markdown, { extensions: [gfm()], htmlExtensions: [gfmHtml()], allowDangerousHtml: true })
  return [...html.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => [...m[1]!.matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((c) => c[1]!))
}

function warnings(stdout: string): string[] {
  return stdout.split('\n').filter((line) => line.startsWith('::warning'))
}

describe('PR comment through the bundled Action', () => {
  test('first PR run creates the comment, the next push updates the same one; summary has the trend chart', async () => {
    const ws = benchWorkspace()
    await seedHistory(ws)
    const pr = {
      workspace: ws,
      inputs: gateInputs,
      event: 'pull_request',
      payload: pullRequestPayload({ number: 21, baseSha: BASE_SHA }),
      ref: 'refs/pull/21/merge'
    }

    const first = await run({ ...pr, env: { SLOWDOWN: '1.5' } })
    assert.equal(first.exitCode, 1, first.stdout + first.stderr)
    assert.equal(botComments(21).length, 1)
    const comment = botComments(21)[0]!
    assert.equal(first.outputs['comment-url'], comment.html_url)
    assert.match(comment.body, /^<!-- perf-gate:api -->\n### ❌ perf-gate · api: fail/)
    assert.match(comment.body, /\*\*❌ 2 regressions\*\*/)
    assert.match(first.summary, /📈 Trend[\s\S]*\| Scenario · Metric \| Trend \(oldest → this run\) \|/)
    assert.match(first.stdout, /created the comment on pull request #21/)

    const second = await run({ ...pr, env: { SLOWDOWN: '1' } })
    assert.equal(second.exitCode, 0, second.stdout + second.stderr)
    assert.equal(botComments(21).length, 1, 'still one comment')
    assert.equal(botComments(21)[0]!.id, comment.id)
    assert.match(botComments(21)[0]!.body, /perf-gate · api: pass/)
    assert.equal(second.outputs['comment-url'], comment.html_url)
    assert.equal(api.requestsTo('PATCH', new RegExp(`/issues/comments/${comment.id}$`)).length, 1)

    // Same numbers again: on-change leaves the comment alone (only the run link, time and baseline age differ).
    const third = await run({ ...pr, inputs: { ...gateInputs, comment: 'on-change' }, env: { SLOWDOWN: '1', GITHUB_RUN_ID: '4243' } })
    assert.equal(third.exitCode, 0, third.stdout + third.stderr)
    assert.equal(api.requestsTo('PATCH', new RegExp(`/issues/comments/${comment.id}$`)).length, 1, 'no update')
    assert.match(third.stdout, /the comment on pull request #21 is up to date/)
    assert.equal(third.outputs['comment-url'], comment.html_url)
  })

  test('a run that reaches no verdict replaces the earlier verdict in the comment; with no comment yet it creates none', async () => {
    const ws = benchWorkspace()
    const pr = (number: number) => ({
      workspace: ws,
      event: 'pull_request',
      payload: pullRequestPayload({ number, baseSha: BASE_SHA }),
      ref: `refs/pull/${number}/merge`,
      sha: HEAD_SHA
    })
    const earlier = api.seedComment(27, commentBody('api', '### ✅ perf-gate · api: pass\n\nAn earlier commit.'))
    const badConfig = await run({ ...pr(27), inputs: { ...gateInputs, thresholds: 'p95: +abc%' } })
    assert.equal(badConfig.exitCode, 3, badConfig.stdout + badConfig.stderr)
    const body = api.issueComments.get(27)!.find((c) => c.id === earlier.id)!.body
    assert.match(body, /^<!-- perf-gate:api -->\n### ❗ perf-gate · api: configuration error\n/)
    assert.match(
      body,
      /The latest run \(commit ccccccc\) reached no verdict \(\[the run\]\(https:\/\/github\.com\/octo\/shop\/actions\/runs\/\d+\)\): what this comment showed before is withdrawn, and nothing was saved\./
    )
    assert.match(body, /```\ninput 'thresholds' is invalid:[\s\S]*abc/)
    assert.match(badConfig.stdout, /the PR comment now says this run reached no verdict/)

    const crashed = await run({ ...pr(27), inputs: { ...gateInputs, command: 'node -e "process.exit(3)"' } })
    assert.equal(crashed.exitCode, 2, crashed.stdout + crashed.stderr)
    assert.match(api.issueComments.get(27)![0]!.body, /### ❗ perf-gate · api: the run failed\n/)
    assert.equal(api.issueComments.get(27)!.length, 1)
    // The JSON report is this run's, where report-json points, not an earlier run's left in RUNNER_TEMP.
    const failureReport = JSON.parse(readFileSync(crashed.outputs['report-json']!, 'utf8')) as { verdict: string; error: { exitCode: number; kind: string } }
    assert.equal(crashed.outputs['report-json'], join(crashed.runnerTemp, 'perf-gate', 'api-report.json'))
    assert.deepEqual([failureReport.verdict, failureReport.error.exitCode, failureReport.error.kind], ['error', 2, 'run failed'])

    const none = await run({ ...pr(28), inputs: { ...gateInputs, thresholds: 'p95: +abc%' } })
    assert.equal(none.exitCode, 3)
    assert.equal(api.issueComments.get(28)?.length ?? 0, 0, 'no comment is created for a run without a verdict')

    // The gate named only in a config that no longer reads: its comment is still the one withdrawn.
    const web = api.seedComment(29, commentBody('web', '### ✅ perf-gate · web: pass\n\nAn earlier commit.'))
    writeFileSync(join(ws, 'perf-gate.yml'), 'name: web\nsuites:\n  - name: bench\n    command: node bench.mjs\n    results: bench.json\n    thresholdz: {}\n')
    const { name: _name, command: _command, results: _results, ...withoutName } = gateInputs
    const brokenConfig = await run({ ...pr(29), inputs: { ...withoutName, config: 'perf-gate.yml' } })
    assert.equal(brokenConfig.exitCode, 3, brokenConfig.stdout + brokenConfig.stderr)
    assert.match(brokenConfig.stdout, /thresholdz/)
    assert.match(api.issueComments.get(29)!.find((c) => c.id === web.id)!.body, /^<!-- perf-gate:web -->\n### ❗ perf-gate · web: configuration error\n/)
  })

  test('duplicate comments left by racing jobs converge: the oldest is updated, the other bot duplicate deleted', async () => {
    const ws = benchWorkspace()
    const pr = {
      workspace: ws,
      inputs: gateInputs,
      event: 'pull_request',
      payload: pullRequestPayload({ number: 26, baseSha: BASE_SHA }),
      ref: 'refs/pull/26/merge'
    }
    // Two jobs of the gate that started together each found no comment and each created one: seeded, so the race is
    // certain. A user quoting the marker is not ours to delete.
    const oldest = api.seedComment(26, commentBody('api', 'created by the first racing job'))
    const duplicate = api.seedComment(26, commentBody('api', 'created by the second racing job'))
    const pasted = api.seedComment(26, commentBody('api', 'quoted by a user'), 'alice')

    const next = await run(pr)
    assert.equal(next.exitCode, 0, next.stdout + next.stderr)
    assert.deepEqual(
      api.issueComments.get(26)!.map((c) => c.id),
      [oldest.id, pasted.id],
      "converged: the oldest bot comment and the user's comment are left"
    )
    assert.match(botComments(26)[0]!.body, /^<!-- perf-gate:api -->\n### .* perf-gate · api: no-baseline/, 'the oldest now shows this report')
    assert.equal(next.outputs['comment-url'], oldest.html_url)
    assert.equal(api.requestsTo('PATCH', new RegExp(`/issues/comments/${oldest.id}$`)).length, 1, 'the oldest is updated in place')
    assert.equal(api.requestsTo('POST', /\/issues\/26\/comments$/).length, 0, 'no new comment')
    assert.equal(api.requestsTo('DELETE', new RegExp(`/issues/comments/${duplicate.id}$`)).length, 1)
    assert.equal(api.requestsTo('DELETE', new RegExp(`/issues/comments/${pasted.id}$`)).length, 0)
    assert.ok(
      next.stdout.includes(`deleted 1 duplicate comment(s) on pull request #26 left by runs that raced (kept the oldest, ${oldest.html_url})`),
      next.stdout
    )
    assert.equal(warnings(next.stdout).filter((line) => /comment/.test(line)).length, 0, next.stdout)
  })

  test('inconclusive gated metrics get a notice annotation each, titled like failures, and fail nothing', async () => {
    const ws = benchWorkspace()
    // One stored run: a 1.5x slowdown cannot be told from runner noise yet.
    const push = await run({ workspace: ws, inputs: gateInputs, event: 'push', payload: pushPayload(), sha: BASE_SHA })
    assert.equal(push.exitCode, 0, push.stdout + push.stderr)
    const pr = await run({
      workspace: ws,
      inputs: { ...gateInputs, comment: 'never' },
      event: 'pull_request',
      payload: pullRequestPayload({ number: 27, baseSha: BASE_SHA }),
      env: { SLOWDOWN: '1.5' }
    })
    assert.equal(pr.exitCode, 0, pr.stdout + pr.stderr)
    assert.equal(pr.outputs.verdict, 'inconclusive')
    const notices = pr.stdout.split('\n').filter((line) => line.startsWith('::notice'))
    assert.deepEqual(
      notices.map((line) => /^::notice title=([^:]*)::/.exec(line)?.[1]),
      ['perf-gate api%3A GET /cart · p95', 'perf-gate api%3A GET /cart · rps'],
      pr.stdout
    )
    assert.ok(
      notices.every((line) => line.length > 60),
      'each carries the reason'
    )
    assert.doesNotMatch(pr.stdout, /^::(error|warning) title=/m, 'nothing looks like a failure')
  })

  test('a fork PR (403) gets one explanation, the summary, and exits by the verdict alone', async () => {
    const ws = benchWorkspace()
    await seedHistory(ws)
    api.fail('POST', '/repos/:owner/:repo/issues/:number/comments', { status: 403 })
    const fork = await run({
      workspace: ws,
      inputs: { ...gateInputs, 'upload-report': 'false' },
      event: 'pull_request',
      payload: pullRequestPayload({ number: 22, baseSha: BASE_SHA, headRepo: 'mallory/shop' }),
      env: { SLOWDOWN: '1.5' }
    })
    assert.equal(fork.exitCode, 1, 'the regression decides the exit code')
    assert.equal(fork.outputs.verdict, 'fail')
    assert.equal(fork.outputs['comment-url'], '')
    assert.match(fork.summary, /❌ 2 regressions/)
    const commentWarnings = warnings(fork.stdout).filter((line) => line.includes('could not comment'))
    assert.equal(commentWarnings.length, 1, fork.stdout)
    assert.match(commentWarnings[0]!, /403 \(Resource not accessible by integration.*fork.*workflow_run.*mode: comment/)
    assert.equal(botComments(22).length, 0)
  })

  for (const [fault, issue] of [
    ['rate-limit-once', 41],
    ['api-5xx-once', 42]
  ] as const) {
    test(`${fault} on every GitHub API path: the Action's comment still lands (bounded retries honour x-ratelimit-reset)`, async () => {
      const ws = resultsWorkspace(['a', 'b'])
      api.seedComment(issue, commentBody('api', 'from an earlier run'))
      api.faultEveryPath(fault)
      try {
        const result = await run({
          workspace: ws,
          inputs: { results: 'results.json', thresholds: 'time: < 100ms', name: 'api', 'github-token': 'test-token', 'baseline-store': 'file' },
          event: 'pull_request',
          payload: pullRequestPayload({ number: issue, baseSha: BASE_SHA })
        })
        assert.equal(result.exitCode, 1, result.stdout + result.stderr)
        assert.match(result.outputs['comment-url'] ?? '', new RegExp(`/pull/${issue}#issuecomment-`))
        assert.equal(botComments(issue).length, 1)
        assert.doesNotMatch(botComments(issue)[0]!.body, /from an earlier run/, 'updated')
        assert.ok(api.requestsTo('GET', new RegExp(`/issues/${issue}/comments$`)).length >= 2, 'the faulted listing was retried')
        assert.ok(api.requestsTo('PATCH', /\/issues\/comments\/\d+$/).length >= 2, 'the faulted update was retried')
        if (fault === 'rate-limit-once')
          assert.match(result.stdout, /::warning::GitHub rate limit on GET .*\/issues\/\d+\/comments.*: retrying in \d s/, 'the wait is said in the log')
      } finally {
        api.faultEveryPath(undefined)
      }
    })
  }

  test('a 5xx is retried, a 422 "too long" falls back to the changed rows; hostile names keep the table intact', async () => {
    const hostile = ['GET /a|b <script>alert(1)</script> @octocat `x`\nnext', 'plain', 'p|i|p|e', '<img src=x onerror=1>', '@admin ping']
    const ws = resultsWorkspace([...hostile, ...Array.from({ length: 15 }, (_, i) => `ok-${i}`)])
    api.fail('POST', '/repos/:owner/:repo/issues/:number/comments', { status: 502 })
    api.fail('POST', '/repos/:owner/:repo/issues/:number/comments', {
      status: 422,
      message: 'Validation Failed: Body is too long (maximum is 65536 characters)'
    })
    const result = await run({
      workspace: ws,
      inputs: { results: 'results.json', thresholds: 'time: < 100ms', name: 'api', 'github-token': 'test-token', 'baseline-store': 'file' },
      event: 'pull_request',
      payload: pullRequestPayload({ number: 23, baseSha: BASE_SHA })
    })
    assert.equal(result.exitCode, 1, result.stdout + result.stderr)
    assert.equal(api.requestsTo('POST', /\/issues\/23\/comments$/).length, 3, '502, 422, then the short body')
    const body = botComments(23)[0]!.body
    assert.match(result.stdout, /short form: GitHub rejected the full table as too long/)
    assert.doesNotMatch(body, /<summary>✅/, 'short body: no unchanged rows')
    assert.match(body, /18 targets met not shown here .* the full table is in the job summary/)
    const rows = tableRows(body).filter((r) => r[1] !== 'Scenario')
    assert.equal(rows.length, 2, 'the two regressions')
    assert.ok(
      rows.every((r) => r.length === 9),
      JSON.stringify(rows)
    )
    assert.doesNotMatch(body, /<script|<img|@octocat|@admin/)
    const summaryRows = tableRows(result.summary).filter((r) => r[1] !== 'Scenario')
    assert.equal(summaryRows.length, 20, 'the summary keeps the full table')
    assert.ok(summaryRows.every((r) => r.length === 9))
  })

  test('5,000 rows: the comment stays within 65,536 characters and says where the full table is', async () => {
    const ws = resultsWorkspace(Array.from({ length: 5000 }, (_, i) => `scenario-${i}`))
    const result = await run({
      workspace: ws,
      inputs: { results: 'results.json', thresholds: 'time: < 100ms', name: 'api', 'github-token': 'test-token', 'baseline-store': 'file' },
      event: 'pull_request',
      payload: pullRequestPayload({ number: 24, baseSha: BASE_SHA }),
      timeoutMs: 120_000
    })
    assert.equal(result.exitCode, 1, result.stdout.slice(-2000) + result.stderr)
    const body = botComments(24)[0]!.body
    assert.ok(body.length <= 65_536, `${body.length}`)
    assert.match(body, /❌ 500 targets missed/)
    assert.match(body, /not shown here to stay within the size limit; the full table is in the job summary/)
    assert.ok(Buffer.byteLength(result.summary) <= 1024 * 1024, `${Buffer.byteLength(result.summary)}`)
    assert.ok(result.outputs.markdown!.length <= 65_536)
  })

  test('a bad comment input is a configuration error before anything runs', async () => {
    const ws = benchWorkspace()
    const result = await run({
      workspace: ws,
      inputs: { ...gateInputs, comment: 'sometimes' },
      event: 'pull_request',
      payload: pullRequestPayload({ number: 25, baseSha: BASE_SHA })
    })
    assert.equal(result.exitCode, 3, result.stdout)
    assert.match(result.stdout, /input 'comment' must be one of always, on-change, on-regression, never, got "sometimes"/)
    assert.doesNotMatch(result.stdout, /Running suite/)
  })

  test('commit-comment on a default-branch push that regressed against an absolute budget', async () => {
    const ws = resultsWorkspace(['parse'])
    const sha = 'e'.repeat(40)
    const result = await run({
      workspace: ws,
      inputs: {
        results: 'results.json',
        thresholds: 'time: < 100ms',
        name: 'api',
        'github-token': 'test-token',
        'baseline-store': 'file',
        'commit-comment': 'true',
        'save-baseline': 'never'
      },
      event: 'push',
      payload: pushPayload(),
      sha
    })
    assert.equal(result.exitCode, 1, result.stdout)
    const posted = api.commitComments.find((c) => c.sha === sha)
    assert.ok(posted, 'a commit comment was posted')
    assert.equal(result.outputs['comment-url'], posted.html_url)
    assert.match(posted.body, /❌ 1 target missed/)
    // Re-running the job finds that comment and leaves one comment on the commit.
    const rerun = await run({
      workspace: ws,
      inputs: {
        results: 'results.json',
        thresholds: 'time: < 100ms',
        name: 'api',
        'github-token': 'test-token',
        'baseline-store': 'file',
        'commit-comment': 'true',
        'save-baseline': 'never'
      },
      event: 'push',
      payload: pushPayload(),
      sha,
      env: { GITHUB_RUN_ATTEMPT: '2' }
    })
    assert.equal(rerun.exitCode, 1)
    assert.equal(api.commitComments.filter((c) => c.sha === sha).length, 1)
    assert.equal(rerun.outputs['comment-url'], posted.html_url)
    assert.match(api.commitComments.find((c) => c.sha === sha)!.body, /actions\/runs\/4242\/attempts\/2/)
  })
})

describe('mode comment (workflow_run) through the bundled Action', () => {
  let report: unknown
  const RUN_ID = 9001

  before(async () => {
    const ws = benchWorkspace()
    await seedHistory(ws)
    const pr = await run({
      workspace: ws,
      inputs: { ...gateInputs, comment: 'never' },
      event: 'pull_request',
      payload: pullRequestPayload({ number: 31, baseSha: BASE_SHA }),
      env: { SLOWDOWN: '1.5' }
    })
    report = JSON.parse(readFileSync(pr.outputs['report-json']!, 'utf8'))
  })

  function artifact(overrides: Record<string, unknown> = {}): string {
    return JSON.stringify({ kind: 'perf-gate-pr-report', schemaVersion: 1, pullRequest: { number: 31, headSha: HEAD_SHA }, report, ...overrides })
  }

  /** The workflow_run job; `name` undefined leaves the input out (the runner passes nothing for it). */
  /** The triggering run built HEAD_SHA of mallory/shop's branch feature (a fork PR: pull_requests is empty). */
  function commentRun(runId: number, extra: { pullRequests?: unknown[]; name?: string | undefined } = { name: 'api' }) {
    const name = 'name' in extra ? extra.name : 'api'
    return run({
      workspace: scratchDir('perf-gate-ws-'),
      inputs: { mode: 'comment', ...(name === undefined ? {} : { name }), 'github-token': 'test-token', 'baseline-store': 'file' },
      event: 'workflow_run',
      payload: {
        workflow_run: {
          id: runId,
          event: 'pull_request',
          head_sha: HEAD_SHA,
          head_branch: 'feature',
          head_repository: { full_name: 'mallory/shop' },
          pull_requests: extra.pullRequests ?? []
        },
        repository: { full_name: 'octo/shop' }
      }
    })
  }

  test('downloads the artifact, checks the PR head, and posts the re-rendered report on that PR', async () => {
    api.pulls.set(31, { number: 31, state: 'open', head: { sha: HEAD_SHA, repo: { full_name: 'mallory/shop' } } })
    api.addArtifact(RUN_ID, 'perf-gate-report-api', { 'perf-gate-report-api.json': artifact() })
    const result = await commentRun(RUN_ID)
    assert.equal(result.exitCode, 0, result.stdout + result.stderr)
    const comments = (api.issueComments.get(31) ?? []).filter((c) => c.body.startsWith(commentMarker('api')))
    assert.equal(comments.length, 1)
    assert.match(comments[0]!.body, /❌ 2 regressions/)
    assert.equal(result.outputs['comment-url'], comments[0]!.html_url)
    assert.equal(result.outputs.verdict, 'fail')
    assert.match(result.summary, /Report of pull request #31/)
    // The re-run updates the same comment.
    const again = await commentRun(RUN_ID)
    assert.equal(again.exitCode, 0)
    assert.equal((api.issueComments.get(31) ?? []).filter((c) => c.body.startsWith(commentMarker('api'))).length, 1)
  })

  test('both workflows end to end: a fork PR uploads its report (real upload), the workflow_run posts it (real download)', async () => {
    const storage = await new FakeActionsStorage().start()
    try {
      const ws = benchWorkspace()
      await seedHistory(ws)
      const prRunId = 9200
      // A fork's read-only token.
      api.fail('POST', '/repos/:owner/:repo/issues/:number/comments', { status: 403 })
      const fork = await run({
        workspace: ws,
        inputs: gateInputs,
        event: 'pull_request',
        payload: pullRequestPayload({ number: 33, baseSha: BASE_SHA, headRepo: 'mallory/shop' }),
        env: {
          ...storage.env({ id: prRunId, headBranch: 'feature', headSha: HEAD_SHA, headRepositoryId: 999 }, []),
          GITHUB_API_URL: api.url,
          GITHUB_RUN_ID: String(prRunId),
          SLOWDOWN: '1.5'
        }
      })
      assert.equal(fork.exitCode, 1, fork.stdout + fork.stderr)
      assert.match(fork.stdout, /uploaded the report as artifact perf-gate-report-api/)
      assert.equal(warnings(fork.stdout).filter((line) => line.includes('could not comment')).length, 0, 'the 403 is expected: the artifact carries the report')
      assert.equal((api.issueComments.get(33) ?? []).length, 0)
      const uploaded = storage.artifacts.find((a) => a.name === 'perf-gate-report-api' && a.finalized)
      assert.ok(uploaded, 'the artifact was uploaded')
      api.addArtifact(prRunId, 'perf-gate-report-api', storage.blobOf(uploaded.blob)!)
      api.pulls.set(33, { number: 33, state: 'open', head: { sha: HEAD_SHA, repo: { full_name: 'mallory/shop' } } })

      const comment = await commentRun(prRunId)
      assert.equal(comment.exitCode, 0, comment.stdout + comment.stderr)
      const posted = botComments(33)
      assert.equal(posted.length, 1)
      assert.match(posted[0]!.body, /❌ 2 regressions/)
      assert.equal(comment.outputs['comment-url'], posted[0]!.html_url)
    } finally {
      await storage.close()
    }
  })

  test('without input name the gate comes from the validated artifact; a name that disagrees is refused', async () => {
    api.pulls.set(34, { number: 34, state: 'open', head: { sha: HEAD_SHA, repo: { full_name: 'mallory/shop' } } })
    api.addArtifact(9301, 'perf-gate-report-api', { 'perf-gate-report-api.json': artifact({ pullRequest: { number: 34, headSha: HEAD_SHA } }) })
    const unnamed = await commentRun(9301, { name: undefined })
    assert.equal(unnamed.exitCode, 0, unnamed.stdout + unnamed.stderr)
    assert.match(unnamed.stdout, /commenting for gate "api", the report run 9301 uploaded \(input 'name' is empty\)/)
    const posted = (api.issueComments.get(34) ?? []).filter((c) => c.body.startsWith(commentMarker('api')))
    assert.equal(posted.length, 1)
    assert.equal(unnamed.outputs['comment-url'], posted[0]!.html_url)

    const writes = api.requestsTo('POST', /\/comments$/).length + api.requestsTo('PATCH', /\/comments\//).length
    const wrong = await commentRun(9301, { name: 'web' })
    assert.equal(wrong.exitCode, 3, wrong.stdout)
    assert.match(
      wrong.stdout,
      /::error::perf-gate: configuration error: input 'name' is "web", but run 9301 uploaded the report of gate "api" \(perf-gate-report-api\), not perf-gate-report-web/
    )
    assert.equal(api.requestsTo('POST', /\/comments$/).length + api.requestsTo('PATCH', /\/comments\//).length, writes, 'no comment written')
  })

  test('rejects a tampered artifact, a foreign head SHA, and a PR that is not at the run head', async () => {
    // PR 32 is the run's own branch, pushed to since; PR 33 is someone else's.
    api.pulls.set(32, { number: 32, state: 'open', head: { sha: 'f'.repeat(40), ref: 'feature', repo: { full_name: 'mallory/shop' } } })
    api.pulls.set(33, { number: 33, state: 'open', head: { sha: 'e'.repeat(40), ref: 'main', repo: { full_name: 'octo/shop' } } })
    const cases: Array<{ runId: number; text: string; exit: number; message: RegExp; pullRequests?: unknown[] }> = [
      { runId: 9101, text: artifact({ markdown: '<script>alert(1)</script>' }), exit: 2, message: /unknown key "markdown"/ },
      {
        runId: 9102,
        text: artifact({ report: { ...(report as object), verdict: 'pwned' } }),
        exit: 2,
        message: /\/report does not match schemas\/report\.schema\.json: \/verdict/
      },
      {
        runId: 9103,
        text: artifact({ pullRequest: { number: 31, headSha: 'd'.repeat(40) } }),
        exit: 2,
        message: /claims head dddddddddddd but run 9103 built cccccccccccc/
      },
      {
        runId: 9104,
        text: artifact({ pullRequest: { number: 32, headSha: HEAD_SHA } }),
        exit: 0,
        message: /pull request #32 is at ffffffffffff, not at cccccccccccc .*a newer push superseded it/
      },
      {
        runId: 9107,
        text: artifact({ pullRequest: { number: 33, headSha: HEAD_SHA } }),
        exit: 2,
        message: /names PR #33, whose head is octo\/shop:main at eeeeeeeeeeee, but run 9107 built mallory\/shop:feature at cccccccccccc; refusing it/
      },
      { runId: 9105, text: artifact(), exit: 2, message: /names PR #31, but run 9105 belongs to #40/, pullRequests: [{ number: 40, head: { sha: HEAD_SHA } }] },
      { runId: 9106, text: 'not json', exit: 2, message: /is not JSON/ }
    ]
    const before = api.requestsTo('POST', /\/comments$/).length + api.requestsTo('PATCH', /\/comments\//).length
    for (const item of cases) {
      api.addArtifact(item.runId, 'perf-gate-report-api', { 'report.json': item.text })
      const result = await commentRun(item.runId, item.pullRequests ? { pullRequests: item.pullRequests } : {})
      assert.equal(result.exitCode, item.exit, `${item.runId}: ${result.stdout}`)
      assert.match(result.stdout, item.message, `${item.runId}`)
    }
    assert.equal(api.requestsTo('POST', /\/comments$/).length + api.requestsTo('PATCH', /\/comments\//).length, before, 'no comment written')
    const missing = await commentRun(9999)
    assert.equal(missing.exitCode, 0)
    assert.match(missing.stdout, /has no artifact perf-gate-report-api/)
  })
})
