import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { actionsBaseBuildCache, type BaseBuildCache } from '../../src/confirm/base-build-cache.js'
import type { CacheClient } from '../../src/baselines/cache-store.js'
import { MissingInstallError } from '../../src/confirm/base-dependencies.js'
import { prepareBaseWorktree, repositoryTop } from '../../src/confirm/base-worktree.js'
import { MemoryLogger } from '../../src/log.js'
import { scratchDir } from '../support/spawn-dist.js'

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd })
    .toString()
    .trim()
}

test('the base commit is checked out beside the workspace, built, and removed', async () => {
  const repo = scratchDir()
  git(repo, 'init', '-q')
  writeFileSync(join(repo, 'version.txt'), 'base\n')
  git(repo, 'add', '.')
  git(repo, 'commit', '-qm', 'base')
  const baseSha = git(repo, 'rev-parse', 'HEAD')
  writeFileSync(join(repo, 'version.txt'), 'head\n')
  git(repo, 'commit', '-qam', 'head')

  assert.equal(await repositoryTop(repo), git(repo, 'rev-parse', '--show-toplevel'))
  const worktree = await prepareBaseWorktree(repo, baseSha, { command: 'cp version.txt built.txt', timeoutMs: 10000 }, new MemoryLogger())
  assert.equal(readFileSync(join(worktree.dir, 'built.txt'), 'utf8'), 'base\n')
  assert.equal(readFileSync(join(repo, 'version.txt'), 'utf8'), 'head\n', 'the workspace is untouched')
  await worktree.remove()
  assert.equal(existsSync(worktree.dir), false)
  assert.doesNotMatch(git(repo, 'worktree', 'list'), /perf-gate-base/)

  await assert.rejects(
    prepareBaseWorktree(repo, baseSha, { command: 'exit 7', timeoutMs: 10000 }, new MemoryLogger()),
    /building the base commit [0-9a-f]{7} failed: `exit 7` exited with code 7/
  )
  await assert.rejects(repositoryTop(scratchDir()), /needs a git checkout/)
})

/** A real tiny Node project whose bench needs its dependency (a packed tarball, installed offline by npm). */
function nodeProject(): string {
  const repo = scratchDir()
  git(repo, 'init', '-q')
  mkdirSync(join(repo, 'vendor/fastlib'), { recursive: true })
  writeFileSync(join(repo, 'vendor/fastlib/package.json'), '{"name":"fastlib","version":"1.0.0","type":"module","main":"index.js"}')
  writeFileSync(join(repo, 'vendor/fastlib/index.js'), 'export const factor = () => 1\n')
  execFileSync('npm', ['pack', './fastlib', '--silent'], { cwd: join(repo, 'vendor') })
  rmSync(join(repo, 'vendor/fastlib'), { recursive: true })
  writeFileSync(
    join(repo, 'package.json'),
    JSON.stringify({
      name: 'app',
      version: '1.0.0',
      type: 'module',
      dependencies: { fastlib: 'file:vendor/fastlib-1.0.0.tgz' },
      scripts: { build: 'node build.mjs' }
    })
  )
  writeFileSync(
    join(repo, 'build.mjs'),
    "import { appendFileSync, writeFileSync } from 'node:fs'\nimport { factor } from 'fastlib'\nwriteFileSync('built.txt', String(factor()))\nif (process.env.BUILD_LOG) appendFileSync(process.env.BUILD_LOG, 'built\\n')\n"
  )
  writeFileSync(join(repo, '.gitignore'), 'node_modules\nbuilt.txt\n')
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--silent'], { cwd: repo })
  git(repo, 'add', '.')
  git(repo, 'commit', '-qm', 'base')
  return repo
}

/** An in-memory stand-in for the Actions cache (the real client is driven in __tests__/e2e/action-base-build.test.ts). */
function memoryCache(checkoutDir: string) {
  const entries = new Map<string, string>()
  const calls: string[] = []
  const cache: BaseBuildCache = {
    checkoutDir,
    restore: async (dir, key) => {
      calls.push(`restore ${key}`)
      const saved = entries.get(key)
      if (!saved) return { hit: false }
      cpSync(saved, dir, { recursive: true, verbatimSymlinks: true })
      return { hit: true }
    },
    save: async (dir, key, leaveOut = []) => {
      calls.push(`save ${key}`)
      const copy = scratchDir('perf-gate-cache-entry-')
      const out = ['.git', ...leaveOut].map((rel) => join(dir, rel))
      cpSync(dir, copy, { recursive: true, verbatimSymlinks: true, filter: (path) => !out.includes(path) })
      entries.set(key, copy)
      return { saved: true }
    }
  }
  return { cache, calls, entries }
}

test("identical lockfile: the head's node_modules is copied in and only the non-install steps of build run", async () => {
  const repo = nodeProject()
  const sha = git(repo, 'rev-parse', 'HEAD')
  const log = new MemoryLogger()
  const worktree = await prepareBaseWorktree(repo, sha, { command: 'npm ci --offline && npm run build', timeoutMs: 60000, projectDir: repo }, log)
  try {
    assert.ok(
      log.lines.includes("info: base dependencies: reused head's node_modules (package-lock.json identical); skipped `npm ci --offline` of `build:`."),
      log.lines.join('\n')
    )
    assert.ok(
      log.lines.some((line) => line.endsWith(': npm run build')),
      'the rest of build ran'
    )
    assert.equal(readFileSync(join(worktree.dir, 'built.txt'), 'utf8'), '1')
    assert.equal(lstatSync(join(worktree.dir, 'node_modules')).isSymbolicLink(), false)
  } finally {
    await worktree.remove()
  }
  // Without build: at all, the reused tree is all the base needs to import its dependencies.
  const bare = await prepareBaseWorktree(repo, sha, { timeoutMs: 60000, projectDir: repo }, new MemoryLogger())
  try {
    assert.equal(execFileSync(process.execPath, ['build.mjs'], { cwd: bare.dir, encoding: 'utf8' }), '')
    assert.equal(readFileSync(join(bare.dir, 'built.txt'), 'utf8'), '1')
  } finally {
    await bare.remove()
  }
})

test('a lockfile that changed: build: installs; without build:, exit 2 before measuring, naming the build to set', async () => {
  const repo = nodeProject()
  const baseSha = git(repo, 'rev-parse', 'HEAD')
  const lock = JSON.parse(readFileSync(join(repo, 'package-lock.json'), 'utf8')) as { name: string }
  writeFileSync(join(repo, 'package-lock.json'), JSON.stringify({ ...lock, name: 'app-renamed' }, null, 2))
  git(repo, 'commit', '-qam', 'head: lockfile changed')
  const log = new MemoryLogger()
  const worktree = await prepareBaseWorktree(
    repo,
    baseSha,
    { command: 'npm ci --offline --no-audit && npm run build', timeoutMs: 60000, projectDir: repo },
    log
  )
  assert.ok(
    log.lines.includes("info: base dependencies: head's node_modules not reused (package-lock.json differs); `build:` installs them."),
    log.lines.join('\n')
  )
  assert.equal(readFileSync(join(worktree.dir, 'built.txt'), 'utf8'), '1')
  await worktree.remove()

  const failure = prepareBaseWorktree(repo, baseSha, { timeoutMs: 60000, projectDir: repo }, new MemoryLogger())
  await assert.rejects(failure, (error: Error) => {
    assert.ok(error instanceof MissingInstallError && error.exitCode === 2)
    assert.match(
      error.message,
      /the base checkout has no node_modules, but its package\.json lists dependencies, and `build:` is not set \(the head's node_modules cannot stand in: package-lock\.json differs\)\./
    )
    assert.match(error.message, /Set build: "npm ci && npm run build"/)
    return true
  })
  assert.doesNotMatch(git(repo, 'worktree', 'list'), /perf-gate-base/, 'the checkout is removed')
})

test('a cached base build is restored instead of built; a failed build is never saved', async () => {
  const repo = nodeProject()
  const baseSha = git(repo, 'rev-parse', 'HEAD')
  writeFileSync(join(repo, 'package-lock.json'), readFileSync(join(repo, 'package-lock.json'), 'utf8').replace('"app"', '"app2"'))
  git(repo, 'commit', '-qam', 'head')
  const buildLog = join(scratchDir(), 'builds.txt')
  const command = `npm ci --offline --no-audit && npm run build && echo built >> ${buildLog}`
  const { cache, calls, entries } = memoryCache(join(scratchDir('perf-gate-runner-temp-'), 'perf-gate-base', 'checkout'))
  for (const run of [1, 2]) {
    const log = new MemoryLogger()
    const worktree = await prepareBaseWorktree(repo, baseSha, { command, timeoutMs: 60000, projectDir: repo, cache }, log)
    assert.equal(worktree.dir, cache.checkoutDir)
    assert.equal(readFileSync(join(worktree.dir, 'built.txt'), 'utf8'), '1', `run ${run}: the build output is there`)
    assert.ok(existsSync(join(worktree.dir, 'node_modules/fastlib/index.js')))
    if (run === 2)
      assert.ok(
        log.lines.some((line) => /restored from the Actions cache \(key perf-gate-base\/v1\/[^/]+\/[0-9a-f]{40}\/[0-9a-f]{24}\)/.test(line)),
        log.lines.join('\n')
      )
    await worktree.remove()
  }
  assert.equal(readFileSync(buildLog, 'utf8'), 'built\n', 'the build ran once')
  assert.deepEqual(
    calls.map((call) => call.split(' ')[0]),
    ['restore', 'save', 'restore']
  )

  const failing = memoryCache(join(scratchDir('perf-gate-runner-temp-'), 'perf-gate-base', 'checkout'))
  await assert.rejects(
    prepareBaseWorktree(repo, baseSha, { command: 'npm run build && exit 3', timeoutMs: 60000, projectDir: repo, cache: failing.cache }, new MemoryLogger())
  )
  assert.deepEqual(
    failing.calls.map((call) => call.split(' ')[0]),
    ['restore'],
    'restored before, never saved after a failed build'
  )
  assert.equal(failing.entries.size + entries.size, 1)
})

test('a cache that cannot be read or written costs a log line, never the run', async () => {
  const repo = nodeProject()
  const sha = git(repo, 'rev-parse', 'HEAD')
  const cache: BaseBuildCache = {
    checkoutDir: join(scratchDir('perf-gate-runner-temp-'), 'perf-gate-base', 'checkout'),
    restore: async () => ({ hit: false, problem: 'Failed to restore: Cache service responded with 503' }),
    save: async () => {
      throw new Error('Failed to save: connection reset')
    }
  }
  const log = new MemoryLogger()
  const worktree = await prepareBaseWorktree(repo, sha, { command: 'npm run build', timeoutMs: 60000, projectDir: repo, cache }, log)
  try {
    assert.equal(readFileSync(join(worktree.dir, 'built.txt'), 'utf8'), '1')
    assert.ok(
      log.lines.some((line) => /not in the Actions cache yet \(Failed to restore: Cache service responded with 503\)/.test(line)),
      log.lines.join('\n')
    )
    assert.ok(log.lines.some((line) => /not saved to the Actions cache: Failed to save: connection reset/.test(line)))
    assert.ok(existsSync(join(worktree.dir, '.git')), 'the checkout keeps its link to the clone')
  } finally {
    await worktree.remove()
  }
})

test("identical lockfile with a cache: the entry holds the build without the head's node_modules, which a hit copies again", async () => {
  const repo = nodeProject()
  const sha = git(repo, 'rev-parse', 'HEAD')
  const buildLog = join(scratchDir(), 'builds.txt')
  const { cache, entries } = memoryCache(join(scratchDir('perf-gate-runner-temp-'), 'perf-gate-base', 'checkout'))
  for (const run of [1, 2]) {
    const log = new MemoryLogger()
    const options = { command: 'npm ci --offline && npm run build', env: { BUILD_LOG: buildLog }, timeoutMs: 60000, projectDir: repo, cache }
    const worktree = await prepareBaseWorktree(repo, sha, options, log)
    try {
      assert.equal(readFileSync(join(worktree.dir, 'built.txt'), 'utf8'), '1')
      assert.ok(existsSync(join(worktree.dir, 'node_modules/fastlib/index.js')), `run ${run}: the dependencies are there`)
      if (run === 2) {
        assert.ok(
          log.lines.some((line) => /restored from the Actions cache .*`npm run build` not run; base dependencies: reused head's node_modules/.test(line)),
          log.lines.join('\n')
        )
      }
    } finally {
      await worktree.remove()
    }
  }
  assert.equal(readFileSync(buildLog, 'utf8'), 'built\n', 'built once')
  const [entry] = [...entries.values()]
  assert.ok(existsSync(join(entry!, 'built.txt')) && !existsSync(join(entry!, 'node_modules')), 'the entry holds the build, not the copied node_modules')
})

test('the Actions cache client saves the checkout without its .git link and what it is told to leave out, and puts them back', async () => {
  const runnerTemp = scratchDir('perf-gate-runner-temp-')
  const seen: string[][] = []
  const client: CacheClient = {
    available: () => true,
    restore: async () => ({ value: undefined }),
    save: async (paths) => {
      seen.push(paths, readdirSync(paths[0]!).sort())
      return { value: 7 }
    }
  }
  const cache = actionsBaseBuildCache(client, runnerTemp)
  assert.equal(cache.checkoutDir, join(runnerTemp, 'perf-gate-base', 'checkout'))
  mkdirSync(join(cache.checkoutDir, 'node_modules'), { recursive: true })
  writeFileSync(join(cache.checkoutDir, '.git'), 'gitdir: /x\n')
  writeFileSync(join(cache.checkoutDir, 'built.txt'), '1')
  assert.deepEqual(await cache.save(cache.checkoutDir, 'k', ['node_modules']), { saved: true })
  assert.deepEqual(seen, [[cache.checkoutDir], ['built.txt']])
  assert.deepEqual(readdirSync(cache.checkoutDir).sort(), ['.git', 'built.txt', 'node_modules'], 'everything is back')
  assert.deepEqual(await cache.restore(cache.checkoutDir, 'k'), { hit: false })
})

test("build: runs in the base checkout's copy of the working directory", async () => {
  const repo = scratchDir()
  git(repo, 'init', '-q')
  mkdirSync(join(repo, 'packages/api'), { recursive: true })
  writeFileSync(join(repo, 'packages/api/version.txt'), 'base\n')
  git(repo, 'add', '.')
  git(repo, 'commit', '-qm', 'base')
  const worktree = await prepareBaseWorktree(
    repo,
    git(repo, 'rev-parse', 'HEAD'),
    { command: 'cp version.txt built.txt', timeoutMs: 10000, projectDir: join(repo, 'packages/api') },
    new MemoryLogger()
  )
  try {
    assert.equal(readFileSync(join(worktree.dir, 'packages/api/built.txt'), 'utf8'), 'base\n')
  } finally {
    await worktree.remove()
  }
})
