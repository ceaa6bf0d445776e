/** A real tiny Node project in a git repository, for same-runner A/B tests of the base checkout's install and build. */
import { execFileSync } from 'node:child_process'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { scratchDir } from './spawn-dist.js'

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', ...args], { cwd, encoding: 'utf8' }).trim()
}

/**
 * A repository whose benchmark imports `fastlib` (an npm dependency, installed offline by npm from a packed tarball)
 * and reads dist/work.json (made by `npm run build` from work.txt). The base commit does 1 unit of work, the head
 * 1.3; with `lockfileChanges` the head also renames the package, so its package-lock.json differs from the base's.
 * The head is installed and built, as a workflow's steps before perf-gate leave it.
 */
export function nodeProjectRepo(options: { lockfileChanges: boolean }): { repo: string; baseSha: string; headSha: string } {
  const repo = scratchDir('perf-gate-ws-')
  git(repo, 'init', '-q')
  mkdirSync(join(repo, 'vendor/fastlib'), { recursive: true })
  writeFileSync(join(repo, 'vendor/fastlib/package.json'), '{"name":"fastlib","version":"1.0.0","type":"module","main":"index.js"}')
  writeFileSync(join(repo, 'vendor/fastlib/index.js'), 'export const factor = () => 1\n')
  execFileSync('npm', ['pack', './fastlib', '--silent'], { cwd: join(repo, 'vendor') })
  rmSync(join(repo, 'vendor/fastlib'), { recursive: true })
  const manifest = (name: string) =>
    JSON.stringify({ name, version: '1.0.0', type: 'module', dependencies: { fastlib: 'file:vendor/fastlib-1.0.0.tgz' }, scripts: { build: 'node build.mjs' } })
  writeFileSync(join(repo, 'package.json'), manifest('shop'))
  writeFileSync(
    join(repo, 'build.mjs'),
    `import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
mkdirSync('dist', { recursive: true })
writeFileSync('dist/work.json', JSON.stringify({ work: Number(readFileSync('work.txt', 'utf8')) }))
if (process.env.BUILD_LOG) appendFileSync(process.env.BUILD_LOG, process.cwd() + '\\n')
`
  )
  writeFileSync(
    join(repo, 'bench.mjs'),
    `import { readFileSync, writeFileSync } from 'node:fs'
import { factor } from 'fastlib'
const { work } = JSON.parse(readFileSync('dist/work.json', 'utf8'))
const trials = [0.99, 1.01, 1, 1.005, 0.995].map((w) => ({ metrics: { p95: { value: work * factor() * 100 * w, unit: 'ms', direction: 'lower' } } }))
writeFileSync('bench.json', JSON.stringify({ schemaVersion: 1, scenarios: [{ name: 'GET /cart', trials }] }))
`
  )
  writeFileSync(join(repo, 'work.txt'), '1')
  writeFileSync(join(repo, '.gitignore'), 'node_modules\ndist\nbench.json\n.perf-gate-cache\n')
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--silent'], { cwd: repo })
  git(repo, 'add', '.')
  git(repo, 'commit', '-qm', 'base')
  const baseSha = git(repo, 'rev-parse', 'HEAD')
  writeFileSync(join(repo, 'work.txt'), '1.3')
  if (options.lockfileChanges) writeFileSync(join(repo, 'package.json'), manifest('shop-renamed'))
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--silent'], { cwd: repo })
  git(repo, 'commit', '-qam', 'head: 30% more work')
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: repo })
  return { repo, baseSha, headSha: git(repo, 'rev-parse', 'HEAD') }
}
