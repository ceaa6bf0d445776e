/** The README is the Action's manual: every input and output of action.yml is in its tables, and nothing else is. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { REPO_ROOT } from '../support/spawn-dist.js'

const action = parse(readFileSync(join(REPO_ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, unknown>; outputs: Record<string, unknown> }
const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8')

function tableNames(heading: string): string[] {
  const start = readme.indexOf(`### ${heading}\n`)
  assert.ok(start >= 0, `README has a "### ${heading}" section`)
  const section = readme.slice(start + 4).split('\n#')[0]!
  return [...section.matchAll(/^\| `([a-z-]+)` \|/gm)].map((match) => match[1]!)
}

test('every action.yml input is documented in the README Inputs table, and only those', () => {
  assert.deepEqual(tableNames('Inputs').sort(), Object.keys(action.inputs).sort())
})

test('every action.yml output is documented in the README Outputs table, and only those', () => {
  assert.deepEqual(tableNames('Outputs').sort(), Object.keys(action.outputs).sort())
})
