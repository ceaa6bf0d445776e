import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import {
  commentBody,
  commentMarker,
  decideComment,
  isOurComment,
  postCommitComment,
  stableContent,
  syncComment,
  type ExistingComment,
  type SyncRequest
} from '../../src/github/pr-comment.js'
import { OctokitCommentClient, createOctokit } from '../../src/github/octokit-client.js'
import { isRateLimited, statusOf } from '../../src/errors.js'
import { BOT_LOGIN, FakeGitHubApi } from '../support/fake-github-api.js'

function ours(body: string, extra: Partial<ExistingComment> = {}): ExistingComment {
  return { id: 1, body, url: 'https://github.com/o/r/pull/7#issuecomment-1', authorLogin: BOT_LOGIN, authorIsBot: true, ...extra }
}

const FOOTER_A = '<sub>[Workflow run](https://github.com/o/r/actions/runs/1) · perf-gate · 2026-11-23 10:00 UTC · current `aaaaaaa`</sub>'
const FOOTER_B = '<sub>[Workflow run](https://github.com/o/r/actions/runs/2) · perf-gate · 2026-11-23 11:00 UTC · current `bbbbbbb`</sub>'
const TABLE = '| ✅ | GET /cart | p95 | 10 ms | 10 ms | +0.1% |'

describe('sticky comment decision', () => {
  test('the marker is the exact first line, per gate name, and cannot be forged by names or users', () => {
    assert.equal(commentMarker('api'), '<!-- perf-gate:api -->')
    assert.equal(commentMarker('a --> <b>'), '<!-- perf-gate:a%20--%3E%20%3Cb%3E -->')
    assert.notEqual(commentMarker('api'), commentMarker('api '))
    const body = commentBody('api', 'table')
    assert.ok(isOurComment(ours(body), 'api'))
    assert.equal(isOurComment(ours(body), 'api-2'), false, 'another gate')
    assert.equal(isOurComment(ours(`quoted: ${body}`), 'api'), false, 'marker not on the first line')
    assert.equal(isOurComment(ours(body, { authorLogin: 'mallory', authorIsBot: false }), 'api'), false, 'a user pasted the marker')
    assert.ok(isOurComment(ours(body, { authorLogin: 'perf-bot', authorIsBot: false }), 'api', 'perf-bot'), 'configured author')
  })

  test('always / on-change / on-regression / never', () => {
    const body = commentBody('api', `${TABLE}\n\nBaseline: x on main, saved 2 h ago.\n${FOOTER_B}`)
    const previous = ours(commentBody('api', `${TABLE}\n\nBaseline: x on main, saved 5 min ago.\n${FOOTER_A}`))
    assert.deepEqual(decideComment({ mode: 'always', existing: [], body, crossedThreshold: false }), { kind: 'create' })
    assert.equal(decideComment({ mode: 'always', existing: [previous], body, crossedThreshold: false }).kind, 'update')
    assert.equal(decideComment({ mode: 'on-change', existing: [previous], body, crossedThreshold: false }).kind, 'skip', 'only footer and age differ')
    const changed = body.replace('+0.1%', '+25.0%')
    assert.equal(decideComment({ mode: 'on-change', existing: [previous], body: changed, crossedThreshold: true }).kind, 'update')
    assert.equal(decideComment({ mode: 'on-regression', existing: [], body, crossedThreshold: false }).kind, 'skip', 'nothing to say yet')
    assert.equal(decideComment({ mode: 'on-regression', existing: [], body, crossedThreshold: true }).kind, 'create')
    assert.equal(decideComment({ mode: 'on-regression', existing: [previous], body, crossedThreshold: false }).kind, 'update', 'green again: keep it current')
    assert.equal(decideComment({ mode: 'never', existing: [previous], body, crossedThreshold: true }).kind, 'skip')
    assert.equal(decideComment({ mode: 'always', existing: [ours(body)], body, crossedThreshold: false }).kind, 'skip', 'identical body: no API call')
    const second = ours(body, { id: 2 })
    const decision = decideComment({ mode: 'always', existing: [previous, second], body, crossedThreshold: false })
    assert.equal(decision.kind === 'update' && decision.comment.id, 1, 'the oldest of duplicates is kept current')
    assert.equal(stableContent(`a\r\n${FOOTER_A}`), 'a')
    assert.equal(
      decideComment({ mode: 'always', existing: [ours(body.replace(/\n/g, '\r\n'))], body, crossedThreshold: false }).kind,
      'skip',
      'CRLF from the API'
    )
  })
})

describe('API errors', () => {
  test('statusOf reads a numeric status of anything, null and strings included; isRateLimited tells a rate limit from a refusal', () => {
    const failure = (status: unknown, message: string): Error => Object.assign(new Error(message), { status })
    assert.equal(statusOf(failure(403, 'x')), 403)
    for (const value of [null, undefined, 'HTTP 403', 403, failure('403', 'x'), {}]) assert.equal(statusOf(value), undefined, String(value))
    assert.equal(isRateLimited(failure(429, 'Too Many Requests')), true)
    assert.equal(isRateLimited(failure(403, 'API rate limit exceeded for installation ID 1.')), true)
    assert.equal(isRateLimited(failure(403, 'Resource not accessible by integration')), false)
    assert.equal(isRateLimited(failure(500, 'rate limit of the proxy')), false, 'only 403 and 429 answers are rate limits')
    assert.equal(isRateLimited("You've hit a rate limit, your rate limit will reset in 60 seconds"), true, 'a logged toolkit failure has no status')
    assert.equal(isRateLimited(new Error('Failed to restore: HTTP 429')), true)
    assert.equal(isRateLimited(null), false)
  })
})

describe('sticky comment through Octokit against the fake GitHub API', () => {
  const api = new FakeGitHubApi()
  let client: OctokitCommentClient
  before(async () => {
    await api.start()
    client = new OctokitCommentClient(createOctokit('test-token', { GITHUB_API_URL: api.url }, { retryUnitMillis: 5 }), { owner: 'octo', repo: 'shop' })
  })
  after(() => api.stop())

  const request = (issue: number, markdown: string, extra: Partial<SyncRequest> = {}): SyncRequest => ({
    name: 'api',
    issue,
    mode: 'always',
    markdown,
    shortMarkdown: () => 'short table',
    crossedThreshold: true,
    ...extra
  })

  test('creates once, then updates the same comment found across pages; ignores forged markers', async () => {
    for (let i = 0; i < 130; i++) api.seedComment(11, `chatter ${i}`, i % 2 ? 'alice' : BOT_LOGIN)
    api.seedComment(11, commentBody('api', 'forged by a user'), 'mallory')
    const first = await syncComment(client, request(11, 'run 1'))
    assert.equal(first.action, 'created')
    const second = await syncComment(client, request(11, 'run 2'))
    assert.equal(second.action, 'updated')
    assert.equal(first.action === 'created' && second.action === 'updated' && first.id === second.id, true)
    const ourComments = api.issueComments.get(11)!.filter((c) => c.body.startsWith(commentMarker('api')))
    assert.equal(ourComments.find((c) => c.user.login === BOT_LOGIN)!.body, commentBody('api', 'run 2'))
    assert.equal(api.issueComments.get(11)!.find((c) => c.user.login === 'mallory')!.body, commentBody('api', 'forged by a user'), 'forged comment untouched')
    const pages = api.requestsTo('GET', /\/issues\/11\/comments$/).map((r) => r.query.get('page') ?? '1')
    assert.deepEqual(pages.slice(0, 2), ['1', '2'], 'Link-header pagination followed')
    assert.equal(api.requestsTo('GET', /\/issues\/11\/comments$/)[0]!.headers.authorization, 'token test-token')
  })

  test('duplicates from racing runs: the oldest is kept current, the others by the same author are deleted', async () => {
    const oldest = api.seedComment(18, commentBody('api', 'run A'))
    const chatter = api.seedComment(18, 'chatter', 'alice')
    const racer = api.seedComment(18, commentBody('api', 'run B'))
    const pasted = api.seedComment(18, commentBody('api', 'a user quoting the marker'), 'mallory')
    const otherBot = api.seedComment(18, commentBody('api', 'another app'), 'other-app[bot]')
    const otherGate = api.seedComment(18, commentBody('web', 'gate web'))
    const outcome = await syncComment(client, request(18, 'run C'))
    assert.equal(outcome.action, 'updated')
    assert.equal(outcome.action === 'updated' && outcome.id, oldest.id)
    assert.deepEqual(outcome.action === 'updated' && outcome.duplicates, { deleted: [racer.id], failed: [] })
    const left = api.issueComments.get(18)!.map((c) => c.id)
    assert.deepEqual(left, [oldest.id, chatter.id, pasted.id, otherBot.id, otherGate.id], 'only the same-author duplicate is gone')
    assert.equal(api.requestsTo('DELETE', /\/issues\/comments\/\d+$/).length, 1)

    // Unchanged content still converges; a duplicate another run deleted first (404) counts as gone; a 403 is reported.
    const again = api.seedComment(18, commentBody('api', 'run C'))
    const third = api.seedComment(18, commentBody('api', 'run C'))
    api.route('DELETE', '/repos/:owner/:repo/issues/comments/' + third.id, () => ({ status: 403, body: { message: 'Resource not accessible by integration' } }))
    api.issueComments.get(18)!.splice(
      api.issueComments.get(18)!.findIndex((c) => c.id === again.id),
      1
    )
    const listed = [...api.issueComments.get(18)!]
    api.route('GET', '/repos/:owner/:repo/issues/18/comments', () => ({ status: 200, body: [...listed.slice(0, 1), again, ...listed.slice(1)] }))
    const unchanged = await syncComment(client, request(18, 'run C'))
    assert.equal(unchanged.action, 'unchanged')
    assert.equal(unchanged.action === 'unchanged' && unchanged.duplicates?.deleted[0], again.id, '404: already deleted by the other run')
    assert.match(unchanged.action === 'unchanged' ? unchanged.duplicates!.failed[0]! : '', /HTTP 403 Resource not accessible/)
  })

  test('5xx answers are retried by the client; a persistent outage ends as a failure after bounded attempts', async () => {
    api.fail('POST', '/repos/:owner/:repo/issues/:number/comments', { status: 502 })
    api.fail('POST', '/repos/:owner/:repo/issues/:number/comments', { status: 500 })
    const outcome = await syncComment(client, request(12, 'after retry'))
    assert.equal(outcome.action, 'created')
    assert.equal(api.requestsTo('POST', /\/issues\/12\/comments$/).length, 3, '502, 500, then created')
    api.fail('GET', '/repos/:owner/:repo/issues/:number/comments', { status: 503, times: 4 })
    const down = await syncComment(client, request(13, 'never'))
    assert.equal(down.action, 'failed')
    assert.match(down.action === 'failed' ? down.message : '', /HTTP 503/)
    assert.equal(api.requestsTo('GET', /\/issues\/13\/comments$/).length, 4, 'bounded attempts: the first and 3 retries')
  })

  for (const [fault, issue, shaChar] of [
    ['rate-limit-once', 19, 'e'],
    ['api-5xx-once', 21, 'f']
  ] as const) {
    test(`${fault} on every path (list, create, update, delete, commit comments): the comment still lands`, async () => {
      const sha = shaChar.repeat(40)
      api.seedComment(issue, commentBody('api', 'old'))
      api.seedComment(issue, commentBody('api', 'duplicate from a racing run'))
      api.faultEveryPath(fault)
      try {
        const outcome = await syncComment(client, request(issue, `after ${fault}`))
        assert.equal(outcome.action, 'updated', JSON.stringify(outcome))
        assert.deepEqual(
          api.issueComments.get(issue)!.map((c) => c.body),
          [commentBody('api', `after ${fault}`)],
          'updated, and the duplicate deleted'
        )
        const commit = await postCommitComment(client, sha, 'api', `landed after ${fault}`)
        assert.equal(commit.action, 'created', JSON.stringify(commit))
        for (const [method, path] of [
          ['GET', new RegExp(`/issues/${issue}/comments$`)],
          ['PATCH', /\/issues\/comments\/\d+$/],
          ['DELETE', /\/issues\/comments\/\d+$/],
          ['POST', new RegExp(`/commits/${sha}/comments$`)]
        ] as const) {
          const statuses = api.requestsTo(method, path).length
          assert.ok(statuses >= 2, `${method} ${path}: the faulted request was retried`)
        }
      } finally {
        api.faultEveryPath(undefined)
      }
    })
  }

  test('a secondary rate limit (403 with retry-after) is waited out and retried', async () => {
    api.fail('POST', '/repos/:owner/:repo/issues/:number/comments', {
      status: 403,
      message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
      headers: { 'retry-after': '1' }
    })
    const outcome = await syncComment(client, request(22, 'after the secondary limit'))
    assert.equal(outcome.action, 'created', JSON.stringify(outcome))
    assert.equal(api.requestsTo('POST', /\/issues\/22\/comments$/).length, 2, 'the refused create and its retry')
  })

  test('a rate limit that resets beyond the bounded wait is not waited for: the comment fails with the reason', async () => {
    const later = String(Math.ceil(Date.now() / 1000) + 3600)
    api.fail('POST', '/repos/:owner/:repo/issues/:number/comments', {
      status: 403,
      message: 'API rate limit exceeded for installation ID 1.',
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': later }
    })
    const outcome = await syncComment(client, request(20, 'x'))
    assert.equal(outcome.action, 'failed')
    assert.match(outcome.action === 'failed' ? outcome.message : '', /HTTP 403.*rate limit/)
    assert.equal(api.requestsTo('POST', /\/issues\/20\/comments$/).length, 1, 'no wait of an hour')
  })

  test('403 from a read-only token is explained once and not retried', async () => {
    api.fail('POST', '/repos/:owner/:repo/issues/:number/comments', { status: 403 })
    const before = api.requests.length
    const outcome = await syncComment(client, request(14, 'x'))
    assert.equal(outcome.action, 'forbidden')
    assert.match(outcome.action === 'forbidden' ? outcome.message : '', /Resource not accessible by integration.*fork.*workflow_run.*mode: comment/s)
    assert.equal(api.requests.length - before, 2, 'one list, one create')
  })

  test('a rate-limit 403 is a failure, not a fork problem', async () => {
    api.fail('POST', '/repos/:owner/:repo/issues/:number/comments', { status: 403, message: 'API rate limit exceeded for installation ID 1.' })
    const outcome = await syncComment(client, request(17, 'x'))
    assert.equal(outcome.action, 'failed')
    assert.match(outcome.action === 'failed' ? outcome.message : '', /HTTP 403.*rate limit/)
  })

  test('422 body too long falls back to the short body', async () => {
    const outcome = await syncComment(client, request(15, 'x'.repeat(70_000)))
    assert.equal(outcome.action === 'created' && outcome.short, true)
    assert.equal(api.issueComments.get(15)![0]!.body, commentBody('api', 'short table'))
  })

  test('on-regression creates nothing while green; commit comments post', async () => {
    const outcome = await syncComment(client, request(16, 'green', { mode: 'on-regression', crossedThreshold: false }))
    assert.equal(outcome.action, 'skipped')
    assert.equal(api.issueComments.get(16), undefined)
    const commit = await postCommitComment(client, 'd'.repeat(40), 'api', 'regression landed')
    assert.equal(commit.action, 'created')
    assert.equal(api.commitComments.at(-1)!.sha, 'd'.repeat(40))
  })
})
