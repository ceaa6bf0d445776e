// Runs every __tests__/**/*.test.ts with Node's test runner (TypeScript through tsx), prints the spec report,
// and ends with one plain "N passed, N failed" line. Usage: node scripts/run-tests.mjs [path-filter ...]
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

function findTests(dir) {
  return readdirSync(dir)
    .flatMap((name) => {
      const path = join(dir, name)
      if (statSync(path).isDirectory()) return findTests(path)
      return name.endsWith('.test.ts') ? [path] : []
    })
    .sort()
}

const filters = process.argv.slice(2)
const files = findTests('__tests__').filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)))
if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`)
  process.exit(1)
}
const scratch = mkdtempSync(join(tmpdir(), 'perf-gate-tests-'))
const tap = join(scratch, 'report.tap')
const result = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    '--test-concurrency=2',
    // Per test, and a file counts as one: the largest e2e files take 2–4 min on a shared 2-core machine.
    '--test-timeout=600000',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tap}`,
    ...files
  ],
  { stdio: 'inherit', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } }
)
let passed = 0
let failed = 0
let skipped = 0
// Skipped tests are counted and their reasons listed, so a skip is never silent.
const skipReasons = new Map()
try {
  const report = readFileSync(tap, 'utf8')
  passed = Number(/^# pass (\d+)/m.exec(report)?.[1] ?? 0)
  failed = Number(/^# fail (\d+)/m.exec(report)?.[1] ?? 0) + Number(/^# cancelled (\d+)/m.exec(report)?.[1] ?? 0)
  skipped = Number(/^# skipped (\d+)/m.exec(report)?.[1] ?? 0)
  for (const match of report.matchAll(/^\s*ok \d+ - .*# SKIP ?(.*)$/gm))
    skipReasons.set(match[1] || '(no reason given)', (skipReasons.get(match[1] || '(no reason given)') ?? 0) + 1)
} catch {
  failed = Math.max(failed, 1)
}
rmSync(scratch, { recursive: true, force: true })
for (const [reason, count] of skipReasons) console.log(`skipped ${count}: ${reason}`)
console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`)
process.exit(result.status === 0 && failed === 0 && passed > 0 ? 0 : 1)
