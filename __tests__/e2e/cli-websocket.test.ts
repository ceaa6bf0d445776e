/**
 * WebSocket load through the bundled CLI (dist/cli.js), as a user runs it: perf-gate starts the example echo
 * server (examples/websocket/echo-server.mjs, on `ws`) on a free port, loads it, saves a baseline, catches a slower
 * echo, fails a target, and fails the run (exit 2, naming the URL) against a server that closes every socket or
 * refuses every upgrade. A SIGTERM mid-load stops the server it started.
 */
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import type { Results } from '../../src/results/model.js'
import { freePort } from '../support/free-port.js'
import { runCliEntry, runNode, baseEnv, CLI_ENTRY, scratchDir } from '../support/spawn-dist.js'
import { websocketConfig } from '../support/websocket-config.js'

function savedResults(dir: string): Results {
  const history = join(dir, '.perf-gate/chat/history')
  return (JSON.parse(readFileSync(join(history, readdirSync(history)[0]!), 'utf8')) as { results: Results }).results
}

/** Whether anything still listens on the port (the server perf-gate started must be gone). */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

describe('perf-gate run with WebSocket load (dist/cli.js)', () => {
  test('a started echo server: baseline saved with ws metrics, then a slower echo is a regression (exit 1)', async () => {
    const dir = scratchDir()
    const port = await freePort()
    // Five trials after a 1 s warm-up: three 0.5 s trials of a fresh server once drifted so much (still warming up)
    // that a 70x slower echo was inconclusive, rightly, at ±100% per trial on two trials a side.
    writeFileSync(
      join(dir, 'perf-gate.yml'),
      websocketConfig(port, '', 'thresholds:\n  rtt p50: +25%\n').replace('trials: 3', 'trials: 5').replace('warmup: 0.2s', 'warmup: 1s')
    )
    const first = await runCliEntry(['run', '--config', 'perf-gate.yml', '--save-baseline'], dir)
    assert.equal(first.exitCode, 0, first.stdout + first.stderr)
    assert.match(first.stderr, /load chat echo trial 5\/5: 4 clients, \d+ replies/)
    const scenario = savedResults(dir).scenarios.find((s) => s.name === 'chat echo')
    assert.ok(scenario)
    // A fresh server's first trial may still be warming up: then one more trial is run and the cold one left out.
    assert.equal(scenario.trials.length, 5)
    for (const trial of scenario.trials) {
      assert.equal(trial.metrics.ws_success!.value, 100)
      assert.ok(trial.metrics['rtt p95']!.value > 0)
      assert.ok(trial.metrics['connect p50']!.value > 0)
      assert.equal(trial.distributions?.rtt?.unit, 'µs')
    }
    assert.equal(await listening(port), false, 'the started server was stopped')

    // Every echo 20 ms later: far beyond +25% of a loopback round trip.
    const slower = await runCliEntry(['run', '--config', 'perf-gate.yml'], dir, { PERF_GATE_WS_DELAY_MS: '20' })
    assert.equal(slower.exitCode, 1, slower.stdout + slower.stderr)
    assert.match(slower.stdout, /chat echo\s+rtt p50 .*regression/)
  })

  test('a flaky server (every 3rd socket closed) fails the ws_success target: a failing verdict, exit 1', async () => {
    const dir = scratchDir()
    const port = await freePort()
    writeFileSync(join(dir, 'perf-gate.yml'), websocketConfig(port, '--close-every 3', "thresholds:\n  ws_success: '>= 95%'\n"))
    const run = await runCliEntry(['run', '--config', 'perf-gate.yml'], dir)
    assert.equal(run.exitCode, 1, run.stdout + run.stderr)
    assert.match(run.stdout, /chat echo\s+ws_success\s.*>= 95%/)
  })

  for (const [mode, failure] of [
    // The warm-up already sees every client closed: the run stops there.
    ['close', /during warm-up, every client of ws:\/\/127\.0\.0\.1:\d+\/chat failed \(4 closed early \(code 1011\)\)/],
    ['reject', /cannot open a WebSocket to ws:\/\/127\.0\.0\.1:\d+\/chat \(the server rejected the WebSocket upgrade \(HTTP 403\)\)/]
  ] as const) {
    test(`a server in mode ${mode} is a failed run (exit 2) naming the URL, never a pass`, async () => {
      const dir = scratchDir()
      const port = await freePort()
      writeFileSync(join(dir, 'perf-gate.yml'), websocketConfig(port, `--mode ${mode}`))
      const run = await runCliEntry(['run', '--config', 'perf-gate.yml', '--save-baseline'], dir)
      assert.equal(run.exitCode, 2, run.stdout + run.stderr)
      assert.match(run.stderr, failure)
      assert.equal(await listening(port), false, 'the started server was stopped')
    })
  }

  test('SIGTERM mid-load: exit 2, the started server is stopped', async () => {
    const dir = scratchDir()
    const port = await freePort()
    writeFileSync(join(dir, 'perf-gate.yml'), websocketConfig(port).replace('duration: 0.5s', 'duration: 30s'))
    let output = ''
    const run = await runNode(CLI_ENTRY, ['run', '--config', 'perf-gate.yml'], {
      cwd: dir,
      env: baseEnv(),
      onSpawn: (child) => {
        child.stderr!.on('data', (chunk: Buffer) => {
          output += chunk.toString()
          if (output.includes('Server ready')) setTimeout(() => child.kill('SIGTERM'), 1000)
        })
      }
    })
    assert.equal(run.exitCode, 2, run.stdout + run.stderr)
    assert.match(run.stderr, /cancelled/)
    assert.equal(await listening(port), false, 'the started server was stopped')
  })

  test('a ws URL that is not ws:// is exit 3 naming the config file and field', async () => {
    const dir = scratchDir()
    writeFileSync(join(dir, 'perf-gate.yml'), websocketConfig(4000).replace('ws://127.0.0.1:4000/chat', 'http://127.0.0.1:4000/chat'))
    const run = await runCliEntry(['run', '--config', 'perf-gate.yml'], dir)
    assert.equal(run.exitCode, 3, run.stdout + run.stderr)
    assert.match(run.stderr, /perf-gate\.yml:\d+: \/load\/scenarios\/0\/websocket\/url: "http:\/\/127\.0\.0\.1:4000\/chat" must be ws:\/\/ or wss:\/\//)
  })
})
