/** WebSocket load through the bundled Action (dist/index.js), as the runner runs it, against the example echo server. */
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import type { Results } from '../../src/results/model.js'
import { freePort } from '../support/free-port.js'
import { pushPayload, runActionEntry, scratchDir } from '../support/spawn-dist.js'
import { websocketConfig } from '../support/websocket-config.js'

describe('Action entry with WebSocket load', () => {
  test('input config with a websocket scenario: the started echo server is loaded and the trials are saved', async () => {
    const ws = scratchDir('perf-gate-ws-')
    const port = await freePort()
    writeFileSync(join(ws, 'perf-gate.yml'), websocketConfig(port))
    const run = await runActionEntry({
      workspace: ws,
      event: 'push',
      payload: pushPayload(),
      inputs: { name: 'chat', 'baseline-store': 'file', config: 'perf-gate.yml' }
    })
    assert.equal(run.exitCode, 0, run.stdout + run.stderr)
    assert.equal(run.outputs.verdict, 'no-baseline')
    const history = join(ws, '.perf-gate/chat/history')
    const results = (JSON.parse(readFileSync(join(history, readdirSync(history)[0]!), 'utf8')) as { results: Results }).results
    const scenario = results.scenarios.find((s) => s.name === 'chat echo')
    assert.ok(scenario, JSON.stringify(results.scenarios.map((s) => s.name)))
    // A first trial still warming up is replaced by one more and left out (said in the log): three are compared.
    assert.equal(scenario.trials.length, 3, run.stdout)
    for (const trial of scenario.trials) {
      assert.equal(trial.metrics.ws_success!.value, 100)
      assert.ok(trial.metrics['messages/s']!.value > 0)
    }
    assert.match(run.summary, /chat echo/)
  })

  test('a server that refuses every upgrade fails the step (exit 2) naming the URL', async () => {
    const ws = scratchDir('perf-gate-ws-')
    const port = await freePort()
    writeFileSync(join(ws, 'perf-gate.yml'), websocketConfig(port, '--mode reject'))
    const run = await runActionEntry({
      workspace: ws,
      event: 'push',
      payload: pushPayload(),
      inputs: { name: 'chat', 'baseline-store': 'file', config: 'perf-gate.yml' }
    })
    assert.notEqual(run.exitCode, 0, run.stdout + run.stderr)
    assert.match(run.stdout, new RegExp(`::error[^\\n]*ws://127\\.0\\.0\\.1:${port}/chat[^\\n]*HTTP 403`))
  })
})
