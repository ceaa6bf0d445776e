// Fails when the committed dist/ differs from a fresh build of src/ (the bundles are what the runner executes).
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const fresh = mkdtempSync(join(tmpdir(), 'perf-gate-dist-'))
try {
  execFileSync(process.execPath, ['scripts/build.mjs', '--outdir', fresh], { stdio: 'inherit' })
  // Files only: dist/types/ is built by `npm pack` (prepack) for the npm package and is not committed.
  const bundles = (dir) => readdirSync(dir).filter((name) => statSync(join(dir, name)).isFile())
  const names = new Set([...bundles('dist'), ...bundles(fresh)])
  const stale = []
  for (const name of names) {
    let committed
    let rebuilt
    try {
      committed = readFileSync(join('dist', name))
    } catch {
      stale.push(`${name}: missing from dist/`)
      continue
    }
    try {
      rebuilt = readFileSync(join(fresh, name))
    } catch {
      stale.push(`${name}: in dist/ but no longer built`)
      continue
    }
    if (!committed.equals(rebuilt)) stale.push(`${name}: differs from a fresh build`)
  }
  if (stale.length > 0) {
    console.error(`dist/ is stale; run \`npm run build\` and commit dist/:\n  ${stale.join('\n  ')}`)
    process.exit(1)
  }
  console.log(`dist/ matches a fresh build (${names.size} files).`)
} finally {
  rmSync(fresh, { recursive: true, force: true })
}
