/**
 * The Action's manual: the generated reference (docs/reference/) matches action.yml and the config schema, the
 * README's short Inputs table names only real inputs, and its Outputs table lists every output.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { REPO_ROOT } from '../support/spawn-dist.js'

const action = parse(readFileSync(join(REPO_ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, unknown>; outputs: Record<string, unknown> }
const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8')

/** The backticked names in the first column of the table under `### heading`. */
function tableNames(text: string, heading: string): string[] {
  const start = text.indexOf(`## ${heading}\n`)
  assert.ok(start >= 0, `a "## ${heading}" section`)
  const section = text.slice(start).split('\n').slice(1).join('\n').split('\n#')[0]!
  return [...section.matchAll(/^\| ([^|]+) \|/gm)]
    .flatMap((row) => [...row[1]!.matchAll(/`([a-z-]+)`/g)].map((name) => name[1]!))
    .filter((name) => name !== 'input')
}

test('docs/reference/ is generated from action.yml and the config schema and is up to date', () => {
  const check = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts/gen-reference.mjs'), '--check'], { encoding: 'utf8' })
  assert.equal(check.status, 0, check.stderr)
  const reference = readFileSync(join(REPO_ROOT, 'docs/reference/action.md'), 'utf8')
  assert.deepEqual(tableNames(reference, 'Inputs').sort(), Object.keys(action.inputs).sort())
  assert.deepEqual(tableNames(reference, 'Outputs').sort(), Object.keys(action.outputs).sort())
})

test("the README's Inputs table names only inputs action.yml has, and links the full reference", () => {
  const names = tableNames(readme, 'Inputs')
  assert.ok(names.length >= 5, names.join(', '))
  for (const name of names) assert.ok(name in action.inputs, `README Inputs table: "${name}" is not an input of action.yml`)
  assert.match(readme, /\]\(docs\/reference\/action\.md\)/)
})

test('every action.yml output is documented in the README Outputs table, and only those', () => {
  assert.deepEqual(tableNames(readme, 'Outputs').sort(), Object.keys(action.outputs).sort())
})
