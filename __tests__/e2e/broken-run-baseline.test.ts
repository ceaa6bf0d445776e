/**
 * A run whose requests failed beyond the error budget measured a failing service, not its speed: through the
 * bundled Action, a push to the default branch against a server answering 30% of requests with HTTP 500 fails
 * (exit 1), says why, and saves no baseline, unless the config opts in.
 */
import assert from 'node:assert/strict'
import { existsSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { freePort } from '../support/free-port.js'
import { pushPayload, runActionEntry, scratchDir } from '../support/spawn-dist.js'

/** A server where every third-or-so request fails with 500 (30%). */
const FLAKY_SERVER = `
import { createServer } from 'node:http'
let count = 0
createServer((request, response) => {
  count++
  response.statusCode = count % 10 < 3 ? 500 : 200
  response.end('x')
}).listen(Number(process.argv[2]), '127.0.0.1')
`

async function pushAgainstFlakyServer(config?: string) {
  const ws = scratchDir('perf-gate-ws-')
  writeFileSync(join(ws, 'flaky-server.mjs'), FLAKY_SERVER)
  if (config) writeFileSync(join(ws, 'perf-gate.yml'), config)
  const port = await freePort()
  const run = await runActionEntry({
    workspace: ws,
    event: 'push',
    payload: pushPayload(),
    inputs: {
      name: 'api',
      'baseline-store': 'file',
      ...(config ? { config: 'perf-gate.yml' } : {}),
      url: `http://127.0.0.1:${port}/`,
      start: `node flaky-server.mjs ${port}`,
      connections: '2',
      duration: '0.5s',
      trials: '1',
      profile: 'smoke'
    }
  })
  const history = join(ws, '.perf-gate/api/history')
  return { run, saved: existsSync(history) ? readdirSync(history) : [] }
}

describe('a run over its error budget', () => {
  test('is not saved as a baseline, and the report says so', async () => {
    const { run, saved } = await pushAgainstFlakyServer()
    assert.equal(run.exitCode, 1, run.stdout + run.stderr)
    assert.deepEqual(saved, [], 'no baseline from a run whose requests failed beyond the budget')
    assert.match(run.summary, /This run is not saved as a baseline: its requests failed beyond the error budget \(.*errors \d+\.\d%/)
    assert.match(run.stdout, /Baseline not saved: its requests failed beyond the error budget/)
    assert.equal(run.outputs['baseline-saved'], '')
  })

  test('is saved when the config opts in with baseline.save-over-error-budget', async () => {
    const { run, saved } = await pushAgainstFlakyServer('baseline:\n  save-over-error-budget: true\n')
    assert.equal(run.exitCode, 1, run.stdout + run.stderr)
    assert.equal(saved.length, 1, run.stdout)
    assert.doesNotMatch(run.summary, /not saved as a baseline/)
  })
})
