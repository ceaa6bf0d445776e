/** The release workflow takes its notes from CHANGELOG.md: the current version must have a section there. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { REPO_ROOT } from '../support/spawn-dist.js'

const script = join(REPO_ROOT, 'scripts/changelog-section.mjs')
const section = (version: string) => spawnSync(process.execPath, [script, version], { cwd: REPO_ROOT, encoding: 'utf8' })

test("CHANGELOG.md has a non-empty section for package.json's version and an Unreleased section", () => {
  const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }
  const notes = section(version)
  assert.equal(notes.status, 0, notes.stderr)
  assert.match(notes.stdout, /### (Added|Changed|Fixed|Removed|Deprecated|Security)/)
  assert.doesNotMatch(notes.stdout, /^## /m, 'only this version, not the next section')
  assert.match(readFileSync(join(REPO_ROOT, 'CHANGELOG.md'), 'utf8'), /^## \[Unreleased\]$/m)
})

test('a version without a CHANGELOG section stops the release with a message that says what to do', () => {
  const notes = section('99.0.0')
  assert.equal(notes.status, 1)
  assert.match(notes.stderr, /no "## \[99\.0\.0\]" section; add one/)
})

test('the release workflow tags vX.Y.Z, moves vX, and publishes only with a token', () => {
  const workflow = readFileSync(join(REPO_ROOT, '.github/workflows/release.yml'), 'utf8')
  assert.match(workflow, /scripts\/changelog-section\.mjs/)
  assert.match(workflow, /npm run check-dist/)
  assert.match(workflow, /git push --force origin "refs\/tags\/\$MAJOR"/)
  assert.match(workflow, /npm publish --provenance/)
  assert.match(workflow, /HAS_NPM_TOKEN == 'true'/)
})
