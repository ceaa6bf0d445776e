/** The run context from the runner's environment and event payload, and the commit an A/B measures against. */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { baseCommitOfEvent } from '../../src/context.js'
import { contextFromActionsEnv } from '../../src/github/context.js'

const env = { GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/heads/main', GITHUB_SHA: 'b'.repeat(40), GITHUB_REPOSITORY: 'octo/shop' }
const repository = { full_name: 'octo/shop', default_branch: 'main' }

test('a push to the default branch is measured against the commit before it; a new branch or another branch has none', () => {
  const push = contextFromActionsEnv(env, { before: 'a'.repeat(40), repository })
  assert.equal(push.previousSha, 'a'.repeat(40))
  assert.deepEqual(baseCommitOfEvent(push), { sha: 'a'.repeat(40), what: 'the commit before this push' })

  const newBranch = contextFromActionsEnv(env, { before: '0'.repeat(40), repository })
  assert.equal(newBranch.previousSha, undefined, 'forty zeros: the branch did not exist')
  assert.equal(baseCommitOfEvent(newBranch), undefined)

  // A feature branch is judged against the default branch's history: its own previous commit answers another question.
  const feature = contextFromActionsEnv({ ...env, GITHUB_REF: 'refs/heads/feature' }, { before: 'a'.repeat(40), repository })
  assert.equal(feature.previousSha, 'a'.repeat(40))
  assert.equal(baseCommitOfEvent(feature), undefined)

  assert.equal(contextFromActionsEnv(env, { before: 'not a sha', repository }).previousSha, undefined)
})

test('a pull request is measured against its base commit, whatever else the payload holds', () => {
  const pr = contextFromActionsEnv(
    { ...env, GITHUB_EVENT_NAME: 'pull_request', GITHUB_REF: 'refs/pull/7/merge' },
    { before: 'a'.repeat(40), repository, pull_request: { number: 7, base: { sha: 'c'.repeat(40), ref: 'main' }, head: { repo: repository } } }
  )
  assert.equal(pr.previousSha, undefined, 'before is a push field')
  assert.deepEqual(baseCommitOfEvent(pr), { sha: 'c'.repeat(40), what: 'the base commit' })
})
