/**
 * A cancelled job, as GitHub cancels it: SIGINT to the bundled Action (dist/index.js), SIGTERM a little later.
 * Every process group the run started must be gone (also a member that ignores SIGTERM), no baseline written,
 * and the job summary must say "cancelled". Also: a suite that times out never hangs the CLI.
 */
import assert from 'node:assert/strict'
import { execFileSync, type ChildProcess } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { freePort } from '../support/free-port.js'
import { pullRequestPayload, pushPayload, REPO_ROOT, runActionEntry, runCliEntry, scratchDir } from '../support/spawn-dist.js'
import { around, resultsWith } from '../support/results-builder.js'

const FIXTURE_SERVER = join(REPO_ROOT, '__tests__/run/load/fixture-server.mjs')
/** A member of the started group that ignores SIGTERM (it needs SIGKILL) and holds the group's stdout. */
const STUBBORN = `(trap '' TERM; exec sleep 120) &`

/** The running (not zombie) members of process group `pgid`, from /proc. */
function groupMembers(pgid: number): number[] {
  const members: number[] = []
  for (const name of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      if (fields[0] !== 'Z' && Number(fields[2]) === pgid) members.push(Number(name))
    } catch {
      // Gone meanwhile.
    }
  }
  return members
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 30000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/**
 * Cancels like GitHub: SIGINT once `ready` holds, then SIGTERM 300 ms later while perf-gate is still stopping (it
 * must not cut the stop short). Once perf-gate has said it was cancelled it is exiting: a signal that lands while Node
 * tears the process down (after the last JS ran, a busy machine takes a moment) meets no handler and kills it, which
 * the runner's SIGTERM, 7.5 s after SIGINT, never does to a stop that took a fraction of a second.
 */
function cancelWhen(ready: () => boolean | Promise<boolean>, what: string): (child: ChildProcess) => void {
  return (child) => {
    let stopped = false
    child.stdout?.on('data', (chunk: Buffer) => (stopped ||= chunk.toString().includes('perf-gate: cancelled')))
    child.stderr?.on('data', (chunk: Buffer) => (stopped ||= chunk.toString().includes('perf-gate: cancelled')))
    void until(ready, what).then(async () => {
      child.kill('SIGINT')
      await new Promise((resolve) => setTimeout(resolve, 300))
      if (!stopped) child.kill('SIGTERM')
    })
  }
}

/** A scratch git workspace: a base commit with `files`, and a head commit on top of it that changes nothing else. */
function baseAndHead(files: Record<string, string>): { ws: string; git: (...args: string[]) => string; baseSha: string } {
  const ws = scratchDir('perf-gate-ws-')
  const git = (...args: string[]): string =>
    execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: ws })
      .toString()
      .trim()
  git('init', '-q')
  for (const [name, text] of Object.entries(files)) writeFileSync(join(ws, name), text)
  git('add', '.')
  git('commit', '-qm', 'base')
  const baseSha = git('rev-parse', 'HEAD')
  writeFileSync(join(ws, 'change.txt'), 'head\n')
  git('add', '.')
  git('commit', '-qm', 'head')
  return { ws, git, baseSha }
}

const linuxOnly = process.platform === 'linux' ? {} : { skip: 'reads /proc' }

describe('cancellation of the Action', linuxOnly, () => {
  test('SIGINT mid-load: the server group it started is gone, no baseline, summary says cancelled', async () => {
    const ws = scratchDir('perf-gate-ws-')
    const port = await freePort()
    const pgidFile = join(ws, 'server.pgid')
    let answered = false
    const run = await runActionEntry({
      workspace: ws,
      event: 'push',
      payload: pushPayload(),
      inputs: {
        name: 'api',
        'baseline-store': 'file',
        url: `http://127.0.0.1:${port}/`,
        start: `${STUBBORN} echo $$ > server.pgid; exec node "${FIXTURE_SERVER}" ${port}`,
        connections: '2',
        duration: '60s',
        trials: '3',
        profile: 'smoke'
      },
      timeoutMs: 30000,
      onSpawn: cancelWhen(async () => {
        // Mid-load: the server answers, and a moment passed for load to start.
        if (answered) return true
        try {
          await fetch(`http://127.0.0.1:${port}/`)
          await new Promise((resolve) => setTimeout(resolve, 1500))
          return (answered = true)
        } catch {
          return false
        }
      }, 'the server to answer')
    })
    assert.equal(run.exitCode, 2, `signal ${run.signal}\n${run.stdout}${run.stderr}`)
    assert.match(run.summary, /perf-gate: cancelled/)
    assert.match(run.stdout, /::error::perf-gate: cancelled \(SIGINT\)/)
    const pgid = Number(readFileSync(pgidFile, 'utf8'))
    assert.deepEqual(groupMembers(pgid), [], 'no survivor of the server group')
    assert.equal(existsSync(join(ws, '.perf-gate')), false, 'no baseline written')
  })

  test('SIGINT mid-suite: the suite group (a member ignores SIGTERM) is gone, no baseline, summary says cancelled', async () => {
    const ws = scratchDir('perf-gate-ws-')
    const pgidFile = join(ws, 'suite.pgid')
    const run = await runActionEntry({
      workspace: ws,
      event: 'push',
      payload: pushPayload(),
      inputs: { name: 'suite', 'baseline-store': 'file', command: `${STUBBORN} echo $$ > suite.pgid; sleep 120`, format: 'go', timeout: '10m' },
      timeoutMs: 30000,
      onSpawn: cancelWhen(() => existsSync(pgidFile) && readFileSync(pgidFile, 'utf8').endsWith('\n'), 'the suite to start')
    })
    assert.equal(run.exitCode, 2, `signal ${run.signal}\n${run.stdout}${run.stderr}`)
    assert.match(run.summary, /perf-gate: cancelled/)
    assert.deepEqual(groupMembers(Number(readFileSync(pgidFile, 'utf8'))), [], 'no survivor of the suite group')
    assert.equal(existsSync(join(ws, '.perf-gate')), false, 'no baseline written')
  })
})

describe('cancellation during same-runner A/B', linuxOnly, () => {
  test('SIGINT while the base commit builds: the build group is gone, the base worktree removed, summary says cancelled', async () => {
    const { ws, git, baseSha } = baseAndHead({ 'results.json': JSON.stringify(resultsWith({ s: { time: { values: around(10, 3), unit: 'ms' } } })) })
    const marker = scratchDir('perf-gate-build-')
    const pgidFile = join(marker, 'build.pgid')
    const run = await runActionEntry({
      workspace: ws,
      event: 'pull_request',
      payload: pullRequestPayload({ baseSha }),
      inputs: {
        name: 'ab',
        'baseline-store': 'file',
        command: 'cat results.json',
        format: 'perf-gate',
        thresholds: 'time: +20%',
        'compare-to': 'base-commit',
        build: `${STUBBORN} echo $$ > "${pgidFile}"; sleep 120`
      },
      timeoutMs: 30000,
      onSpawn: cancelWhen(() => existsSync(pgidFile) && readFileSync(pgidFile, 'utf8').endsWith('\n'), 'the base build to start')
    })
    assert.equal(run.exitCode, 2, `signal ${run.signal}\n${run.stdout}${run.stderr}`)
    assert.match(run.summary, /perf-gate: cancelled/)
    assert.deepEqual(groupMembers(Number(readFileSync(pgidFile, 'utf8'))), [], 'no survivor of the base build group')
    assert.doesNotMatch(git('worktree', 'list'), /perf-gate-base/, 'the base worktree was removed')
  })
})

describe('cancellation during side-by-side load A/B', linuxOnly, () => {
  test('SIGINT while base and head servers run side by side: both groups are gone, the base worktree removed', async () => {
    const port = await freePort()
    const { ws, git, baseSha } = baseAndHead({
      'server.mjs': `import { createServer } from 'node:http'\ncreateServer((q, s) => s.end('ok')).listen(Number(process.env.PORT ?? ${port}), '127.0.0.1')\n`
    })
    // Every server started (the head's own run, then both arms side by side) appends its process group id.
    const pgidFile = join(scratchDir('perf-gate-servers-'), 'servers.pgid')
    const pgids = (): number[] => (existsSync(pgidFile) ? readFileSync(pgidFile, 'utf8').split('\n').filter(Boolean).map(Number) : [])
    let sideBySideSince: number | undefined
    const run = await runActionEntry({
      workspace: ws,
      event: 'pull_request',
      payload: pullRequestPayload({ baseSha }),
      inputs: {
        name: 'ab',
        'baseline-store': 'file',
        url: `http://127.0.0.1:${port}/`,
        start: `${STUBBORN} echo $$ >> "${pgidFile}"; exec node server.mjs`,
        connections: '2',
        duration: '1s',
        trials: '2',
        profile: 'smoke',
        thresholds: 'p50: +20%',
        'compare-to': 'base-commit'
      },
      timeoutMs: 60000,
      onSpawn: cancelWhen(() => {
        // Both arms' servers are up (three started in all) and slices have been running for a moment.
        if (pgids().length < 3) return false
        sideBySideSince ??= Date.now()
        // Both warm up for 2 s, then a short slice measures the slice length: slices run by 3.5 s.
        return Date.now() - sideBySideSince > 3500
      }, 'both servers to run side by side')
    })
    assert.equal(run.exitCode, 2, `signal ${run.signal}\n${run.stdout}${run.stderr}`)
    assert.match(run.summary, /perf-gate: cancelled/)
    assert.match(run.stdout, /both servers warmed up together/)
    assert.equal(pgids().length, 3, readFileSync(pgidFile, 'utf8'))
    for (const pgid of pgids()) assert.deepEqual(groupMembers(pgid), [], `no survivor of server group ${pgid}`)
    assert.doesNotMatch(git('worktree', 'list'), /perf-gate-base/, 'the base worktree was removed')
  })
})

describe('a suite that times out', linuxOnly, () => {
  test('a descendant that ignores SIGTERM and holds stdout: perf-gate run exits 2, the group is gone', async () => {
    const dir = scratchDir()
    const run = await runCliEntry(['run', '--command', `${STUBBORN} echo $$ > suite.pgid; sleep 120`, '--format', 'go', '--timeout', '1s'], dir, {}, 30000)
    assert.equal(run.exitCode, 2, `signal ${run.signal}\n${run.stdout}${run.stderr}`)
    assert.match(run.stderr + run.stdout, /timed out after 1\.0 s/)
    assert.deepEqual(groupMembers(Number(readFileSync(join(dir, 'suite.pgid'), 'utf8'))), [], 'no survivor of the suite group')
  })
})
