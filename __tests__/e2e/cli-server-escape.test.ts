/**
 * The built CLI with a start command whose server leaves its process group (setsid): the run ends (an escaped
 * process holding perf-gate's pipes must not keep it alive) and the server is stopped, also when cancelled. A port
 * that already answers before the start command runs is refused: perf-gate would measure that process instead.
 */
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { createServer } from 'node:http'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { freePort } from '../support/free-port.js'
import { CLI_ENTRY, REPO_ROOT, baseEnv, runCliEntry, runNode, scratchDir } from '../support/spawn-dist.js'
import { alive, setsidSkip } from '../support/processes.js'

const FIXTURE_SERVER = join(REPO_ROOT, '__tests__/run/load/fixture-server.mjs')

/** The pids the fixture printed ("server pid N helper pid M"), relayed in perf-gate's log. */
function fixturePids(output: string): number[] {
  const match = /server pid (\d+) helper pid (\d+)/.exec(output)
  return match ? [Number(match[1]), Number(match[2])] : []
}

/** `run` against a server started with setsid (it leaves perf-gate's process group), one trial of `duration`. */
function setsidRun(port: number, duration: string): string[] {
  const start = `setsid node "${FIXTURE_SERVER}" ${port}`
  return ['run', '--url', `http://127.0.0.1:${port}/`, '--start', start, '--profile', 'smoke', '--duration', duration, '--trials', '1']
}

describe('a started server that leaves its process group', setsidSkip, () => {
  test('the run ends after the report, and the setsid server is stopped by its marker', async () => {
    const port = await freePort()
    const run = await runCliEntry(setsidRun(port, '0.5s'), scratchDir(), {}, 30000)
    const output = run.stdout + run.stderr
    assert.equal(run.exitCode, 0, `signal ${run.signal}\n${output}`)
    assert.match(output, /had left its process group \(setsid or a daemon\); stopped it by its marker/)
    const pids = fixturePids(output)
    assert.equal(pids.length, 2, output)
    for (const pid of pids) assert.equal(alive(pid), false, `pid ${pid} was stopped`)
  })

  test('SIGINT mid-load: the setsid server is stopped too, exit 2', async () => {
    const port = await freePort()
    let sent = false
    const run = await runNode(CLI_ENTRY, setsidRun(port, '30s'), {
      cwd: scratchDir(),
      env: baseEnv(),
      timeoutMs: 30000,
      onSpawn: (child) => {
        // The log (with "Server ready") goes to stderr.
        const onOutput = (chunk: Buffer): void => {
          if (sent || !chunk.toString().includes('Server ready')) return
          sent = true
          setTimeout(() => child.kill('SIGINT'), 1000)
        }
        child.stdout?.on('data', onOutput)
        child.stderr?.on('data', onOutput)
      }
    })
    const output = run.stdout + run.stderr
    assert.equal(run.exitCode, 2, `signal ${run.signal}\n${output}`)
    assert.match(output, /cancelled/)
    const pids = fixturePids(output)
    assert.equal(pids.length, 2, output)
    for (const pid of pids) assert.equal(alive(pid), false, `pid ${pid} was stopped`)
  })
})

describe('a port that already answers before the start command runs', () => {
  test('is refused with exit 2, naming the port; the start command never runs', async () => {
    const stale = createServer((_request, response) => response.end('stale'))
    await new Promise<void>((resolve) => stale.listen(0, '127.0.0.1', resolve))
    const port = (stale.address() as { port: number }).port
    const dir = scratchDir()
    try {
      const run = await runCliEntry(
        [
          'run',
          '--url',
          `http://127.0.0.1:${port}/`,
          '--start',
          'echo ran > started.txt; sleep 30',
          '--profile',
          'smoke',
          '--duration',
          '0.5s',
          '--trials',
          '1'
        ],
        dir,
        {},
        30000
      )
      const output = run.stdout + run.stderr
      assert.equal(run.exitCode, 2, output)
      assert.match(
        output,
        new RegExp(`port ${port} on 127\\.0\\.0\\.1 already accepts connections .*perf-gate would measure that process instead of the one it starts`)
      )
      assert.equal(existsSync(join(dir, 'started.txt')), false, 'the start command did not run')
    } finally {
      await new Promise((resolve) => stale.close(resolve))
    }
  })
})
