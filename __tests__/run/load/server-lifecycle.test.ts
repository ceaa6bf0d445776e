import assert from 'node:assert/strict'

import { createServer } from 'node:http'
import { fileURLToPath } from 'node:url'
import { describe, test } from 'node:test'
import type { LoadSource, ServerSettings } from '../../../src/config/settings.js'
import { RunError } from '../../../src/errors.js'
import { MemoryLogger } from '../../../src/log.js'
import { runLoad } from '../../../src/run/load/load-runner.js'
import { processTreeRssBytes } from '../../../src/run/process-memory.js'
import { freePort } from '../../support/free-port.js'
import { endpoint, scenario } from './test-server.js'
import { alive, setsidSkip } from '../../support/processes.js'

const FIXTURE = fileURLToPath(new URL('./fixture-server.mjs', import.meta.url))

function serverSettings(start: string, extra: Partial<ServerSettings> = {}): ServerSettings {
  return { start, cwd: process.cwd(), env: {}, readyTimeoutMs: 10_000, freshPerTrial: false, ...extra }
}

/** The pids the fixture printed ("server pid N helper pid M"). */
function fixturePids(log: MemoryLogger): number[] {
  return log.lines.flatMap((line) => {
    const match = /server pid (\d+) helper pid (\d+)/.exec(line)
    return match ? [Number(match[1]), Number(match[2])] : []
  })
}

describe('server lifecycle', () => {
  test('starts the server, waits until ready, samples its memory, stops the whole process group', async () => {
    const port = await freePort()
    const log = new MemoryLogger()
    const load: LoadSource = {
      kind: 'load',
      scenarios: [scenario('owned', [endpoint(`http://127.0.0.1:${port}/`)], { durationSeconds: 0.7, warmupSeconds: 0.2 })],
      server: serverSettings(`exec node ${FIXTURE} ${port}`),
      secrets: []
    }
    const results = await runLoad(load, { log })
    const pids = fixturePids(log)
    assert.equal(pids.length, 2, log.lines.join('\n'))
    for (const pid of pids) assert.equal(alive(pid), false, `pid ${pid} was stopped`)
    assert.ok(log.lines.some((line) => /Server ready at http:\/\/127\.0\.0\.1:\d+\/ after \d+ ms/.test(line)))
    for (const trial of results.scenarios[0]!.trials) {
      if (process.platform === 'linux') {
        assert.equal(trial.metrics.server_rss_peak?.unit, 'MiB')
        assert.ok(trial.metrics.server_rss_peak!.value > 5, 'a node server holds several MiB')
        assert.equal(typeof trial.metrics.server_rss_growth?.value, 'number')
      }
    }
  })

  test('a server that logs every request does not flood the log: a few lines, then only the tail is kept', async () => {
    const port = await freePort()
    const log = new MemoryLogger()
    await runLoad(
      {
        kind: 'load',
        scenarios: [scenario('chatty', [endpoint(`http://127.0.0.1:${port}/`)], { durationSeconds: 0.5, trials: 1 })],
        server: serverSettings(`exec node ${FIXTURE} ${port}`, { env: { LOG_EVERY_REQUEST: '1' } }),
        secrets: []
      },
      { log }
    )
    const readyAt = log.lines.findIndex((line) => line.includes('Server ready at'))
    const shown = log.lines.slice(readyAt).filter((line) => line.includes('│ request GET /'))
    assert.ok(shown.length > 0 && shown.length <= 20, `${shown.length} request lines shown after the server was ready`)
    assert.ok(log.lines.some((line) => line.includes('further server output is not shown')))
  })

  test('a fresh server per trial is started and stopped for every trial', async () => {
    const port = await freePort()
    const log = new MemoryLogger()
    await runLoad(
      {
        kind: 'load',
        scenarios: [scenario('fresh', [endpoint(`http://127.0.0.1:${port}/`)], { durationSeconds: 0.3, trials: 2 })],
        server: serverSettings(`exec node ${FIXTURE} ${port}`, { freshPerTrial: true }),
        secrets: []
      },
      { log }
    )
    assert.equal(log.lines.filter((line) => line.startsWith('info: Starting server')).length, 2)
    const pids = fixturePids(log)
    assert.equal(pids.length, 4)
    for (const pid of pids) assert.equal(alive(pid), false)
  })

  test('a server that never answers fails after the deadline with its output, and its group is killed', async () => {
    const port = await freePort()
    const log = new MemoryLogger()
    const started = Date.now()
    await assert.rejects(
      runLoad(
        {
          kind: 'load',
          scenarios: [scenario('never', [endpoint(`http://127.0.0.1:${port}/`)])],
          server: serverSettings(`echo "still booting"; node -e "console.log('sleeper pid', process.pid); setInterval(() => {}, 1000)"`, {
            readyTimeoutMs: 800,
            readyUrl: `http://127.0.0.1:${port}/health`
          }),
          secrets: []
        },
        { log }
      ),
      (error: unknown) => {
        assert.ok(error instanceof RunError)
        assert.match(error.message, new RegExp(`did not answer at http://127\\.0\\.0\\.1:${port}/health within 0\\.8 s \\(last: ECONNREFUSED\\)`))
        assert.match(error.message, /Last output:\n {2}still booting/)
        return true
      }
    )
    assert.ok(Date.now() - started < 5000)
    const sleeper = log.lines.map((line) => /sleeper pid (\d+)/.exec(line)).find(Boolean)
    assert.ok(sleeper, log.lines.join('\n'))
    assert.equal(alive(Number(sleeper[1])), false, 'the server process was killed with its group')
  })

  test('a server that exits before it is ready fails at once, saying how and what it printed', async () => {
    await assert.rejects(
      runLoad(
        {
          kind: 'load',
          scenarios: [scenario('crash', [endpoint('http://127.0.0.1:9/')])],
          server: serverSettings('echo "config missing" >&2; exit 3'),
          secrets: []
        },
        { log: new MemoryLogger() }
      ),
      /the server \(`echo "config missing" >&2; exit 3`\) exited with code 3 before it answered at http:\/\/127\.0\.0\.1:9\/\.\nLast output:\n {2}config missing/
    )
  })

  test('a server that dies during the load fails the run with its last output', async () => {
    const port = await freePort()
    await assert.rejects(
      runLoad(
        {
          kind: 'load',
          scenarios: [scenario('dies', [endpoint(`http://127.0.0.1:${port}/`)], { durationSeconds: 3, trials: 1 })],
          server: serverSettings(`exec node ${FIXTURE} ${port} 900`),
          secrets: []
        },
        { log: new MemoryLogger() }
      ),
      (error: unknown) => {
        assert.ok(error instanceof RunError)
        assert.match(error.message, /load dies trial 1\/1: the server \(`exec node .*`\) exited with code 7 during the load run\./)
        assert.match(error.message, /fixture server: giving up now/)
        return true
      }
    )
  })

  test('cancellation stops the load and the server', async () => {
    const port = await freePort()
    const log = new MemoryLogger()
    const controller = new AbortController()
    const run = runLoad(
      {
        kind: 'load',
        scenarios: [scenario('cancel', [endpoint(`http://127.0.0.1:${port}/`)], { durationSeconds: 20, trials: 1 })],
        server: serverSettings(`exec node ${FIXTURE} ${port}`),
        secrets: []
      },
      { log, signal: controller.signal }
    )
    setTimeout(() => controller.abort(), 800)
    await assert.rejects(run, /load cancel trial 1\/1 was cancelled/)
    for (const pid of fixturePids(log)) assert.equal(alive(pid), false)
  })

  test('a server started with setsid (it leaves the process group) is stopped by its marker, and the log says so', setsidSkip, async () => {
    const port = await freePort()
    const log = new MemoryLogger()
    await runLoad(
      {
        kind: 'load',
        scenarios: [scenario('escaped', [endpoint(`http://127.0.0.1:${port}/`)], { durationSeconds: 0.4, trials: 1 })],
        server: serverSettings(`setsid node ${FIXTURE} ${port}`),
        secrets: []
      },
      { log }
    )
    const pids = fixturePids(log)
    assert.equal(pids.length, 2, log.lines.join('\n'))
    for (const pid of pids) assert.equal(alive(pid), false, `pid ${pid} was stopped`)
    assert.ok(
      log.lines.some((line) => /had left its process group \(setsid or a daemon\); stopped it by its marker \(pid \d+/.test(line)),
      log.lines.join('\n')
    )
  })

  test('cancellation stops a server that left its process group too', setsidSkip, async () => {
    const port = await freePort()
    const log = new MemoryLogger()
    const controller = new AbortController()
    const run = runLoad(
      {
        kind: 'load',
        scenarios: [scenario('cancel-escaped', [endpoint(`http://127.0.0.1:${port}/`)], { durationSeconds: 20, trials: 1 })],
        server: serverSettings(`setsid node ${FIXTURE} ${port}`),
        secrets: []
      },
      { log, signal: controller.signal }
    )
    setTimeout(() => controller.abort(), 800)
    await assert.rejects(run, /was cancelled/)
    const pids = fixturePids(log)
    assert.equal(pids.length, 2, log.lines.join('\n'))
    for (const pid of pids) assert.equal(alive(pid), false, `pid ${pid} was stopped`)
  })

  test('a start command that puts the server in the background and exits 0 is refused, and the server is stopped', setsidSkip, async () => {
    const port = await freePort()
    const log = new MemoryLogger()
    await assert.rejects(
      runLoad(
        {
          kind: 'load',
          scenarios: [scenario('daemon', [endpoint(`http://127.0.0.1:${port}/`)], { durationSeconds: 3, trials: 1 })],
          // The server answers before the command exits: whichever comes first, the outcome is the same.
          server: serverSettings(`setsid node ${FIXTURE} ${port} > /dev/null 2>&1 & sleep 0.5; exit 0`),
          secrets: []
        },
        { log }
      ),
      (error: unknown) => {
        assert.ok(error instanceof RunError)
        assert.match(error.message, /exited with code 0 (before it answered|during the load run)/)
        assert.match(
          error.message,
          /It left its server running in the background \(pid [\d, ]+\); perf-gate stops it\. The start command must keep running in the foreground/
        )
        const pids = /in the background \(pid ([\d, ]+)\)/.exec(error.message)![1]!.split(', ').map(Number)
        for (const pid of pids) assert.equal(alive(pid), false, `pid ${pid} was stopped`)
        return true
      }
    )
  })

  test('a port that already accepts connections is refused before the start command runs', async () => {
    const stale = createServer((_request, response) => response.end('stale'))
    await new Promise<void>((resolve) => stale.listen(0, '127.0.0.1', resolve))
    const port = (stale.address() as { port: number }).port
    const log = new MemoryLogger()
    try {
      await assert.rejects(
        runLoad(
          {
            kind: 'load',
            scenarios: [scenario('stale', [endpoint(`http://127.0.0.1:${port}/`)], { durationSeconds: 0.4, trials: 1 })],
            server: serverSettings(`node -e "console.log('started pid', process.pid); setInterval(() => {}, 1000)"`),
            secrets: []
          },
          { log }
        ),
        (error: unknown) => {
          assert.ok(error instanceof RunError)
          assert.equal(error.exitCode, 2)
          assert.match(
            error.message,
            new RegExp(
              `port ${port} on 127\\.0\\.0\\.1 already accepts connections before the server .* was started: perf-gate would measure that process instead of the one it starts`
            )
          )
          return true
        }
      )
      assert.ok(!log.lines.some((line) => line.includes('Starting server') || line.includes('started pid')), log.lines.join('\n'))
    } finally {
      await new Promise((resolve) => stale.close(resolve))
    }
  })

  test('resident memory of a process tree is read from /proc', { skip: process.platform !== 'linux' }, async () => {
    const bytes = await processTreeRssBytes(process.pid)
    assert.ok(bytes !== undefined && bytes > 1024 * 1024)
  })
})
