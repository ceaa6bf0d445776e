import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync, lstatSync, mkdirSync, readlinkSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  compareLockfiles,
  copyInstalledTree,
  lockfilesHash,
  missingNodeInstall,
  planDependencies,
  projectRelative,
  withoutInstallSteps
} from '../../src/confirm/base-dependencies.js'
import { scratchDir } from '../support/spawn-dist.js'

function write(path: string, text: string): void {
  mkdirSync(join(path, '..'), { recursive: true })
  writeFileSync(path, text)
}

/** Two checkouts' tops: files given per side. */
function checkouts(head: Record<string, string>, base: Record<string, string>): { head: string; base: string } {
  const root = scratchDir()
  for (const [side, files] of [
    ['head', head],
    ['base', base]
  ] as const) {
    for (const [path, text] of Object.entries(files)) write(join(root, side, path), text)
    mkdirSync(join(root, side), { recursive: true })
  }
  return { head: join(root, 'head'), base: join(root, 'base') }
}

const LOCK = '{"lockfileVersion":3,"packages":{"node_modules/fastlib":{"version":"1.0.0"}}}\n'
const MANIFEST = '{"name":"app","dependencies":{"fastlib":"^1.0.0"},"scripts":{"build":"node build.mjs"}}'

describe('base dependencies: lockfile comparison', () => {
  test('identical package-lock.json and an installed head: the head node_modules is reused', async () => {
    const { head, base } = checkouts({ 'package-lock.json': LOCK, 'node_modules/fastlib/index.js': '' }, { 'package-lock.json': LOCK })
    const plan = await planDependencies(head, base, '')
    assert.deepEqual(plan.reuse, { from: join(head, 'node_modules'), to: join(base, 'node_modules') })
    assert.equal(plan.summary, "base dependencies: reused head's node_modules (package-lock.json identical)")
  })

  test('a lockfile that differs by one byte, is missing on a side, or a head without node_modules: no reuse, and why', async () => {
    const differs = checkouts({ 'package-lock.json': LOCK, 'node_modules/x': '' }, { 'package-lock.json': LOCK.replace('1.0.0', '1.0.1') })
    const plan = await planDependencies(differs.head, differs.base, '')
    assert.equal(plan.reuse, undefined)
    assert.equal(plan.summary, "base dependencies: head's node_modules not reused (package-lock.json differs)")
    const added = checkouts({ 'pnpm-lock.yaml': 'a', 'node_modules/x': '' }, {})
    assert.match((await planDependencies(added.head, added.base, '')).summary, /not reused \(pnpm-lock\.yaml not in the base\)/)
    const notInstalled = checkouts({ 'yarn.lock': 'a', '.pnp.cjs': '' }, { 'yarn.lock': 'a' })
    assert.match(
      (await planDependencies(notInstalled.head, notInstalled.base, '')).summary,
      /yarn\.lock identical, but the head has no node_modules to reuse \(Yarn Plug'n'Play\)/
    )
    const none = checkouts({ 'index.js': '' }, { 'index.js': '' })
    assert.equal(await compareLockfiles(none.head, none.base, ''), undefined)
    assert.match((await planDependencies(none.head, none.base, '')).summary, /no lockfile found/)
  })

  test('the nearest lockfile from the working directory up: a package of a monorepo uses the top lockfile', async () => {
    const { head, base } = checkouts(
      { 'package-lock.json': LOCK, 'node_modules/fastlib/index.js': '', 'packages/api/package.json': MANIFEST },
      { 'package-lock.json': LOCK, 'packages/api/package.json': MANIFEST }
    )
    const plan = await planDependencies(head, base, 'packages/api')
    assert.equal(plan.comparison?.dir, '')
    assert.deepEqual(plan.reuse?.to, join(base, 'node_modules'))
    const own = checkouts({ 'svc/Cargo.lock': 'x', 'Cargo.lock': 'y' }, { 'svc/Cargo.lock': 'x', 'Cargo.lock': 'z' })
    const comparison = await compareLockfiles(own.head, own.base, 'svc')
    assert.equal(comparison?.dir, 'svc')
    assert.equal(comparison?.lockfiles[0]?.identical, true)
  })

  test('other ecosystems: compared and reported; their caches are shared and build: still compiles the base', async () => {
    const { head, base } = checkouts({ 'Cargo.lock': 'a', 'go.sum': 'g', 'uv.lock': 'u' }, { 'Cargo.lock': 'a', 'go.sum': 'h', 'uv.lock': 'u' })
    const plan = await planDependencies(head, base, '')
    assert.equal(plan.reuse, undefined)
    assert.match(plan.summary, /Cargo\.lock identical \(Cargo's registry \(~\/\.cargo\) is shared by both checkouts; `build:` compiles the base\)/)
    assert.match(plan.summary, /go\.sum differs/)
    assert.match(plan.summary, /uv\.lock identical/)
  })

  test('the lockfile hash for cache keys follows the base lockfile bytes', async () => {
    const a = checkouts({ 'package-lock.json': LOCK }, { 'package-lock.json': LOCK })
    const b = checkouts({ 'package-lock.json': LOCK }, { 'package-lock.json': `${LOCK} ` })
    const hashA = lockfilesHash(await compareLockfiles(a.head, a.base, ''))
    assert.match(hashA, /^[0-9a-f]{16}$/)
    assert.equal(hashA, lockfilesHash(await compareLockfiles(a.head, a.base, '')))
    assert.notEqual(hashA, lockfilesHash(await compareLockfiles(b.head, b.base, '')))
  })
})

describe('base dependencies: build steps and missing installs', () => {
  test('the install steps of build: are skipped when the head tree is reused; the rest still runs', () => {
    assert.deepEqual(withoutInstallSteps('npm ci && npm run build'), { remaining: 'npm run build', skipped: ['npm ci'] })
    assert.deepEqual(withoutInstallSteps('npm ci'), { remaining: '', skipped: ['npm ci'] })
    assert.deepEqual(withoutInstallSteps('pnpm install --frozen-lockfile && pnpm build'), {
      remaining: 'pnpm build',
      skipped: ['pnpm install --frozen-lockfile']
    })
    assert.deepEqual(withoutInstallSteps('yarn && yarn build'), { remaining: 'yarn build', skipped: ['yarn'] })
    assert.deepEqual(withoutInstallSteps('npm ci --ignore-scripts && tsc -p .'), { remaining: 'tsc -p .', skipped: ['npm ci --ignore-scripts'] })
    // Not a plain chain, or not an install: runs as written.
    assert.deepEqual(withoutInstallSteps('npm ci; npm run build'), { remaining: 'npm ci; npm run build', skipped: [] })
    assert.deepEqual(withoutInstallSteps('npm ci || true'), { remaining: 'npm ci || true', skipped: [] })
    assert.deepEqual(withoutInstallSteps('./ci/build.sh'), { remaining: './ci/build.sh', skipped: [] })
    assert.deepEqual(withoutInstallSteps('npm install left-pad && node build.mjs'), { remaining: 'npm install left-pad && node build.mjs', skipped: [] })
  })

  test('a Node project with dependencies and no node_modules names the build: to set, from its lockfile', async () => {
    const npm = checkouts({}, { 'package.json': MANIFEST, 'package-lock.json': LOCK })
    assert.equal(await missingNodeInstall(npm.base, '', await compareLockfiles(npm.head, npm.base, '')), 'npm ci && npm run build')
    const pnpm = checkouts({}, { 'package.json': '{"devDependencies":{"x":"1"}}', 'pnpm-lock.yaml': 'x' })
    assert.equal(await missingNodeInstall(pnpm.base, '', await compareLockfiles(pnpm.head, pnpm.base, '')), 'pnpm install --frozen-lockfile')
    const berry = checkouts({}, { 'package.json': '{"dependencies":{"x":"1"}}', 'yarn.lock': 'x', '.yarnrc.yml': 'nodeLinker: node-modules\n' })
    assert.equal(await missingNodeInstall(berry.base, '', await compareLockfiles(berry.head, berry.base, '')), 'yarn install --immutable')
    const classic = checkouts({}, { 'package.json': '{"dependencies":{"x":"1"}}', 'yarn.lock': 'x' })
    assert.equal(await missingNodeInstall(classic.base, '', await compareLockfiles(classic.head, classic.base, '')), 'yarn install --frozen-lockfile')
    const noLock = checkouts({}, { 'packages/api/package.json': '{"dependencies":{"x":"1"}}' })
    assert.equal(await missingNodeInstall(noLock.base, 'packages/api'), 'npm install')
    // Installed (here or above), or nothing to install: nothing to say.
    const installed = checkouts({}, { 'package.json': MANIFEST, 'node_modules/fastlib/index.js': '' })
    assert.equal(await missingNodeInstall(installed.base, ''), undefined)
    const noDeps = checkouts({}, { 'package.json': '{"name":"tool","scripts":{"bench":"node b.js"}}' })
    assert.equal(await missingNodeInstall(noDeps.base, ''), undefined)
    const notNode = checkouts({}, { 'Cargo.toml': '' })
    assert.equal(await missingNodeInstall(notNode.base, ''), undefined)
  })
})

describe('base dependencies: the copied tree', () => {
  test('symlinks are copied as they are: a workspace link resolves to the BASE package, and Node loads the base versions', async () => {
    const { head, base } = checkouts(
      {
        'packages/lib/package.json': '{"name":"@org/lib","type":"module","main":"index.js"}',
        'packages/lib/index.js': 'export const version = "head"\n',
        'node_modules/fastlib/package.json': '{"name":"fastlib","type":"module","main":"index.js"}',
        'node_modules/fastlib/index.js': 'export const factor = () => 2\n'
      },
      {
        'packages/lib/package.json': '{"name":"@org/lib","type":"module","main":"index.js"}',
        'packages/lib/index.js': 'export const version = "base"\n',
        'app.mjs': `import { version } from '@org/lib'\nimport { factor } from 'fastlib'\nimport { createRequire } from 'node:module'\nconst require = createRequire(import.meta.url)\nconsole.log(JSON.stringify({ version, factor: factor(), lib: require.resolve('@org/lib'), fast: require.resolve('fastlib') }))\n`
      }
    )
    mkdirSync(join(head, 'node_modules/@org'), { recursive: true })
    symlinkSync('../../packages/lib', join(head, 'node_modules/@org/lib'))
    await copyInstalledTree(join(head, 'node_modules'), join(base, 'node_modules'))
    assert.ok(lstatSync(join(base, 'node_modules/@org/lib')).isSymbolicLink())
    assert.equal(readlinkSync(join(base, 'node_modules/@org/lib')), '../../packages/lib')
    assert.equal(lstatSync(join(base, 'node_modules')).isSymbolicLink(), false, 'a copy, not a link to the head')
    const seen = JSON.parse(execFileSync(process.execPath, ['app.mjs'], { cwd: base, encoding: 'utf8' })) as Record<string, unknown>
    assert.equal(seen.version, 'base', "the workspace package is the base's own")
    assert.equal(seen.factor, 2)
    const realBase = realpathSync(base)
    assert.ok(String(seen.lib).startsWith(realBase) && String(seen.fast).startsWith(realBase), `real paths stay in the base checkout: ${JSON.stringify(seen)}`)
    // The head's tree is untouched by what the base does to its copy.
    writeFileSync(join(base, 'node_modules/fastlib/index.js'), 'export const factor = () => 3\n')
    assert.match(execFileSync('cat', [join(head, 'node_modules/fastlib/index.js')], { encoding: 'utf8' }), /=> 2/)
    assert.ok(existsSync(join(head, 'node_modules/@org/lib/index.js')))
  })
})

test('the project directory relative to the top; outside it (another spelling of the path), the top', () => {
  assert.equal(projectRelative('/w/repo', '/w/repo'), '')
  assert.equal(projectRelative('/w/repo', '/w/repo/packages/api/'), 'packages/api')
  assert.equal(projectRelative('/private/tmp/repo', '/tmp/repo/packages/api'), '')
})
