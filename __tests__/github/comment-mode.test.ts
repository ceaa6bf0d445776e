import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { micromark } from 'micromark'
import { gfm, gfmHtml } from 'micromark-extension-gfm'
import { MemoryLogger } from '../../src/log.js'
import { InputError, RunError } from '../../src/errors.js'
import {
  buildReportArtifact,
  parseReportArtifact,
  reportArtifactName,
  runCommentMode,
  type ListedReportArtifact,
  type ReportArtifactSource
} from '../../src/github/comment-mode.js'
import { publishComments } from '../../src/github/publish-comment.js'
import { commentMarker, type CommentClient, type ExistingComment } from '../../src/github/pr-comment.js'
import type { RunContext } from '../../src/context.js'
import { report, row } from '../support/report-builder.js'

const HEAD = 'c'.repeat(40)

/** An in-memory GitHub: comments per issue, PR heads, and a switch to answer 403. */
class MemoryGitHub implements CommentClient {
  readonly comments = new Map<number, ExistingComment[]>()
  readonly commitComments: Array<ExistingComment & { sha: string }> = []
  readonly heads = new Map<number, string>()
  forbidden = false
  private id = 1
  async listIssueComments(issue: number) {
    return this.comments.get(issue) ?? []
  }
  async createIssueComment(issue: number, body: string) {
    if (this.forbidden) throw Object.assign(new Error('Resource not accessible by integration'), { status: 403 })
    const comment = { id: this.id++, body, url: `https://github.com/o/r/pull/${issue}#c${this.id}`, authorLogin: 'github-actions[bot]', authorIsBot: true }
    this.comments.set(issue, [...(this.comments.get(issue) ?? []), comment])
    return comment
  }
  async updateIssueComment(id: number, body: string) {
    for (const list of this.comments.values()) {
      const comment = list.find((c) => c.id === id)
      if (comment) return Object.assign(comment, { body })
    }
    throw Object.assign(new Error('Not Found'), { status: 404 })
  }
  async deleteIssueComment(id: number) {
    for (const [issue, list] of this.comments) {
      if (list.some((c) => c.id === id))
        return void this.comments.set(
          issue,
          list.filter((c) => c.id !== id)
        )
    }
    throw Object.assign(new Error('Not Found'), { status: 404 })
  }
  async listCommitComments(sha: string) {
    return this.commitComments.filter((c) => c.sha === sha)
  }
  async createCommitComment(sha: string, body: string) {
    const comment = { id: this.id++, sha, body, url: `https://github.com/o/r/commit/${sha}`, authorLogin: 'github-actions[bot]', authorIsBot: true }
    this.commitComments.push(comment)
    return comment
  }
  async updateCommitComment(id: number, body: string) {
    const comment = this.commitComments.find((c) => c.id === id)!
    return Object.assign(comment, { body })
  }
  async pullRequestHead(number: number) {
    const head = this.heads.get(number)
    if (!head) throw Object.assign(new Error('Not Found'), { status: 404 })
    return { sha: head }
  }
}

const prContext: RunContext = { event: 'pull_request', runner: 'x', pullRequest: { number: 5, headSha: HEAD, isFork: true } }

describe('report artifact', () => {
  test('round trip, and refusals that name what is wrong', () => {
    const r = report([row('a', 'fail')])
    const artifact = buildReportArtifact(r, prContext)!
    assert.deepEqual(artifact.pullRequest, { number: 5, headSha: HEAD })
    assert.equal(buildReportArtifact(r, { event: 'push', runner: 'x' }), undefined)
    const text = JSON.stringify(artifact)
    assert.deepEqual(parseReportArtifact(text, 'api', 'artifact x'), JSON.parse(text))
    assert.throws(() => parseReportArtifact(text, 'web', 'artifact x'), /report of gate "api", not "web"/)
    assert.throws(() => parseReportArtifact(JSON.stringify({ ...artifact, pullRequest: { number: 0, headSha: HEAD } }), 'api', 'artifact x'), /PR number ≥ 1/)
    assert.throws(() => parseReportArtifact(JSON.stringify({ ...artifact, kind: 'other' }), 'api', 'artifact x'), RunError)
    assert.throws(() => parseReportArtifact(' '.repeat(17 * 1024 * 1024), 'api', 'artifact x'), /more than the 16777216 a report can be/)
    assert.equal(reportArtifactName('a/b:c'), 'perf-gate-report-a_b_c')
  })

  test('a report from a newer perf-gate loses the fields this version does not know, and must still be valid', () => {
    const artifact = buildReportArtifact(report([row('a', 'fail')]), prContext)!
    const newer = JSON.parse(JSON.stringify(artifact)) as { report: Record<string, unknown> & { metrics: Array<Record<string, unknown>> } }
    newer.report.futureSummary = { text: '<b>new</b>' }
    newer.report.metrics[0]!.futureField = 42
    const parsed = parseReportArtifact(JSON.stringify(newer), 'api', 'artifact x')
    assert.deepEqual(parsed, JSON.parse(JSON.stringify(artifact)))
    delete (newer.report as { verdict?: unknown }).verdict
    assert.throws(() => parseReportArtifact(JSON.stringify(newer), 'api', 'artifact x'), /\/report does not match/)
  })

  test('mode comment posts on the PR named by the artifact once the head SHA matches', async () => {
    const github = new MemoryGitHub()
    github.heads.set(5, HEAD)
    const tampered = report([row('a', 'fail'), row('b', 'pass')], { links: { runUrl: 'https://evil.example/run', repositoryUrl: 'https://evil.example/o/r' } })
    tampered.baseline!.runUrl = 'https://evil.example/baseline-run'
    tampered.notes = ['<img src=x onerror=alert(1)> ping @octocat [click](https://evil.example/phish)']
    const text = JSON.stringify(buildReportArtifact(tampered, prContext))
    const downloads: Array<[ListedReportArtifact, number]> = []
    const lists: number[] = []
    const source: ReportArtifactSource = {
      download: async (artifact, runId) => (downloads.push([artifact, runId]), text),
      list: async (runId) => (
        lists.push(runId),
        [
          { id: 7, name: 'coverage' },
          { id: 8, name: 'perf-gate-report-api' }
        ]
      )
    }
    const log = new MemoryLogger()
    const payload = { workflow_run: { id: 77, event: 'pull_request', head_sha: HEAD, pull_requests: [] } }
    const repositoryUrl = 'https://github.com/octo/shop'
    const result = await runCommentMode({ name: 'api', payload, mode: 'always', source, client: github, repositoryUrl, log })
    assert.deepEqual(downloads, [[{ id: 8, name: 'perf-gate-report-api' }, 77]], 'the listed artifact, by its id')
    assert.deepEqual(lists, [77], 'one listing, no lookup by name')
    assert.equal(result.pullRequest, 5)
    assert.ok(github.comments.get(5)![0]!.body.startsWith(`${commentMarker('api')}\n### ❌ perf-gate · api: fail`))
    assert.equal(result.commentUrl, github.comments.get(5)![0]!.url)
    const body = github.comments.get(5)![0]!.body
    assert.doesNotMatch(body, /<img|@octocat|\]\(https:\/\/evil/, 'notes from the artifact are escaped')
    const html = micromark(body, { extensions: [gfm()], htmlExtensions: [gfmHtml()], allowDangerousHtml: true })
    assert.doesNotMatch(html, /href="[^"]*evil/, 'no link from the artifact survives')
    assert.match(html, /evil\.example\/phish/, 'the note is still shown, as text')
    assert.match(body, /\[Workflow run\]\(https:\/\/github\.com\/octo\/shop\/actions\/runs\/77\)/)
    assert.match(body, /\(https:\/\/github\.com\/octo\/shop\/commit\/b{40}\)/)
    const push = await runCommentMode({
      name: 'api',
      payload: { workflow_run: { id: 78, event: 'push', head_sha: HEAD } },
      mode: 'always',
      source,
      client: github,
      repositoryUrl,
      log
    })
    assert.deepEqual(push, {})
    await assert.rejects(runCommentMode({ name: 'api', payload: {}, mode: 'always', source, client: github, repositoryUrl, log }), /triggered by workflow_run/)
  })
})

describe('mode comment: which gate', () => {
  const payload = { workflow_run: { id: 88, event: 'pull_request', head_sha: HEAD, pull_requests: [] } }
  const repositoryUrl = 'https://github.com/octo/shop'
  /** A run whose artifacts are these names → texts. */
  const run = (artifacts: Record<string, string>): ReportArtifactSource => ({
    download: async ({ name }) => artifacts[name] ?? assert.fail(`download of unlisted artifact ${name}`),
    list: async () => [...Object.keys(artifacts), 'coverage-report'].map((name, index) => ({ id: index + 1, name }))
  })
  const artifactOf = (gate: string): string => JSON.stringify(buildReportArtifact({ ...report([row('a', 'fail')]), gate }, prContext))
  const comment = (name: string | undefined, source: ReportArtifactSource, github = new MemoryGitHub(), log = new MemoryLogger()) => {
    github.heads.set(5, HEAD)
    return runCommentMode({ ...(name ? { name } : {}), payload, mode: 'always', source, client: github, repositoryUrl, log })
  }

  test('without input name, the gate comes from the one report artifact of the run', async () => {
    const github = new MemoryGitHub()
    const log = new MemoryLogger()
    const result = await comment(undefined, run({ 'perf-gate-report-web': artifactOf('web') }), github, log)
    assert.equal(result.report?.gate, 'web')
    assert.ok(github.comments.get(5)![0]!.body.startsWith(`${commentMarker('web')}\n### ❌ perf-gate · web: fail`))
    assert.match(log.lines.join('\n'), /commenting for gate "web", the report run 88 uploaded \(input 'name' is empty\)/)
    // None uploaded: routine (same-repository PRs comment themselves), a warning and no comment.
    const none = new MemoryLogger()
    assert.deepEqual(await comment(undefined, run({}), new MemoryGitHub(), none), {})
    assert.match(none.lines.join('\n'), /run 88 has no perf-gate report artifact \(perf-gate-report-<name>\)/)
  })

  test("refusals: a name that disagrees with the artifact, several gates without a name, a report under another gate's name", async () => {
    await assert.rejects(
      comment('api', run({ 'perf-gate-report-web': artifactOf('web') })),
      (error: unknown) =>
        error instanceof InputError &&
        /input 'name' is "api", but run 88 uploaded the report of gate "web" \(perf-gate-report-web\), not perf-gate-report-api: set 'name' to the gate of the pull_request workflow, or leave it empty/.test(
          error.message
        )
    )
    await assert.rejects(
      comment(undefined, run({ 'perf-gate-report-web': artifactOf('web'), 'perf-gate-report-api': artifactOf('api') })),
      (error: unknown) =>
        error instanceof InputError &&
        /run 88 uploaded the reports of 2 gates \(perf-gate-report-api, perf-gate-report-web\): set input 'name'/.test(error.message)
    )
    await assert.rejects(
      comment('api', run({ 'perf-gate-report-api': artifactOf('web') })),
      (error: unknown) => error instanceof RunError && /report of gate "web", not "api"/.test(error.message)
    )
    await assert.rejects(
      comment(undefined, run({ 'perf-gate-report-api': artifactOf('web') })),
      (error: unknown) =>
        error instanceof RunError &&
        /artifact perf-gate-report-api of run 88 holds the report of gate "web", whose artifact would be perf-gate-report-web; refusing it/.test(error.message)
    )
    await assert.rejects(comment(undefined, run({ 'perf-gate-report-a_b': artifactOf('a b') })), /\/report\/gate "a b" is not a gate name perf-gate writes/)
  })
})

describe('publishComments', () => {
  test('a fork that uploaded its report logs the 403 as expected; without the upload it warns once', async () => {
    const github = new MemoryGitHub()
    github.forbidden = true
    const settings = { mode: 'always' as const, commitComment: false }
    const quiet = new MemoryLogger()
    await publishComments({ name: 'api', report: report([row('a', 'fail')]), context: prContext, settings, client: github, log: quiet, reportUploaded: true })
    assert.equal(quiet.lines.filter((l) => l.startsWith('warn')).length, 0)
    assert.match(quiet.lines.join('\n'), /report artifact was uploaded/)
    const loud = new MemoryLogger()
    await publishComments({ name: 'api', report: report([row('a', 'fail')]), context: prContext, settings, client: github, log: loud })
    assert.equal(loud.lines.filter((l) => l.startsWith('warn')).length, 1)
  })

  test('commit comments only for a failing push to the default branch, when asked', async () => {
    const github = new MemoryGitHub()
    const push: RunContext = { event: 'push', runner: 'x', ref: 'refs/heads/main', defaultBranch: 'main', sha: 'd'.repeat(40) }
    const log = new MemoryLogger()
    const on = { mode: 'always' as const, commitComment: true }
    assert.equal(await publishComments({ name: 'api', report: report([row('a', 'pass')]), context: push, settings: on, client: github, log }), undefined)
    assert.equal(
      await publishComments({
        name: 'api',
        report: report([row('a', 'fail')]),
        context: { ...push, ref: 'refs/heads/dev' },
        settings: on,
        client: github,
        log
      }),
      undefined
    )
    assert.equal(
      await publishComments({ name: 'api', report: report([row('a', 'fail')]), context: push, settings: { ...on, commitComment: false }, client: github, log }),
      undefined
    )
    const url = await publishComments({ name: 'api', report: report([row('a', 'fail')]), context: push, settings: on, client: github, log })
    assert.equal(url, `https://github.com/o/r/commit/${'d'.repeat(40)}`)
    assert.equal(github.commitComments.length, 1)
    // A re-run of the same push updates that comment instead of adding a second one.
    const rerun = report([row('a', 'fail'), row('b', 'fail')])
    assert.equal(await publishComments({ name: 'api', report: rerun, context: push, settings: on, client: github, log }), url)
    assert.equal(github.commitComments.length, 1)
    assert.match(github.commitComments[0]!.body, /❌ 2 regressions/)
  })
})
