/** Load through the bundled Action (dist/index.js), as the runner runs it, against a server on 127.0.0.1. */
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { decodeHistogram } from '../../src/results/histogram.js'
import type { Results } from '../../src/results/model.js'
import { freePort } from '../support/free-port.js'
import { CLI_ENTRY, pushPayload, runActionEntry, scratchDir, type ActionRun } from '../support/spawn-dist.js'

/** The Results of the one history record the run saved. */
function savedResults(ws: string, gate: string): Results {
  const history = join(ws, `.perf-gate/${gate}/history`)
  return (JSON.parse(readFileSync(join(history, readdirSync(history)[0]!), 'utf8')) as { results: Results }).results
}

/**
 * Fails unless `secret` is registered with the runner for masking (`::add-mask::`) and appears nowhere else: no
 * other line of the step's output, not the summary or outputs, no file perf-gate wrote (workspace, runner temp).
 */
function assertSecretKeptOut(run: ActionRun, secret: string): void {
  const stdoutLines = run.stdout.split('\n')
  assert.ok(stdoutLines.includes(`::add-mask::${secret}`), 'the secret is masked in the runner log')
  const leaks = [
    ...stdoutLines.filter((line) => line.includes(secret) && !line.startsWith('::add-mask::')).map((line) => `stdout: ${line}`),
    ...(run.stderr.includes(secret) ? ['stderr'] : []),
    ...(run.summary.includes(secret) ? ['step summary'] : []),
    ...(JSON.stringify(run.outputs).includes(secret) ? ['outputs'] : []),
    ...[run.workspace, run.runnerTemp].flatMap((dir) =>
      (readdirSync(dir, { recursive: true }) as string[])
        .map((name) => join(dir, name))
        .filter((path) => statSync(path).isFile() && readFileSync(path, 'utf8').includes(secret))
    )
  ]
  assert.deepEqual(leaks, [], 'the secret leaked')
}

/** Checks the saved load scenario: its trials, their µs histograms and the server's memory. */
function assertLoadTrials(results: Results, name: string, trials: number, minP50Micros: number): void {
  const scenario = results.scenarios.find((s) => s.name === name)
  assert.ok(scenario, JSON.stringify(results.scenarios.map((s) => s.name)))
  assert.equal(scenario.kind, 'load')
  assert.equal(scenario.trials.length, trials)
  for (const trial of scenario.trials) {
    assert.equal(trial.distributions?.latency?.unit, 'µs')
    const histogram = decodeHistogram(trial.distributions!.latency!.hdrHistogram!, 'trial')
    assert.ok(histogram.totalCount > 0)
    assert.ok(histogram.getValueAtPercentile(50) >= minP50Micros, `p50 ${histogram.getValueAtPercentile(50)} µs`)
    histogram.destroy()
    // perf-gate started the server: its memory is sampled from /proc on Linux.
    if (process.platform === 'linux') {
      assert.equal(trial.metrics.server_rss_peak?.unit, 'MiB', JSON.stringify(Object.keys(trial.metrics)))
      assert.ok(trial.metrics.server_rss_peak.value > 0)
    } else assert.equal(trial.metrics.server_rss_peak, undefined)
  }
}

describe('Action entry with load', () => {
  test('inputs url + start + ready-url: the started server is loaded, trials carry µs histograms, a key in the url stays out', async () => {
    const ws = scratchDir('perf-gate-ws-')
    const port = await freePort()
    const apiKey = 'sk-url-input-0123456789'
    const run = await runActionEntry({
      workspace: ws,
      event: 'push',
      payload: pushPayload(),
      inputs: {
        name: 'api',
        'baseline-store': 'file',
        url: `http://127.0.0.1:${port}/items?api_key=${apiKey}`,
        start: `node "${CLI_ENTRY}" demo-server --port ${port} --latency-ms 1`,
        'ready-url': '/health',
        connections: '2',
        duration: '0.5s',
        trials: '2',
        profile: 'smoke'
      }
    })
    assert.equal(run.exitCode, 0, run.stdout + run.stderr)
    assert.equal(run.outputs.verdict, 'no-baseline')
    assert.match(run.stdout, /Server ready at http:\/\/127\.0\.0\.1:\d+\/health/)
    // A 1 ms endpoint (×2 for /items) is at least 1000 µs.
    assertLoadTrials(savedResults(ws, 'api'), '/items?api_key=***', 2, 1000)
    assertSecretKeptOut(run, apiKey)
  })

  test('input workers: 2: the load runs on two generator threads (dist/load-worker.js beside the entry), recorded as one', async () => {
    const ws = scratchDir('perf-gate-ws-')
    const port = await freePort()
    const run = await runActionEntry({
      workspace: ws,
      event: 'push',
      payload: pushPayload(),
      inputs: {
        name: 'api',
        'baseline-store': 'file',
        url: `http://127.0.0.1:${port}/items`,
        start: `node "${CLI_ENTRY}" demo-server --port ${port} --latency-ms 1`,
        'ready-url': '/health',
        connections: '4',
        duration: '0.5s',
        trials: '2',
        workers: '2',
        profile: 'smoke'
      }
    })
    assert.equal(run.exitCode, 0, run.stdout + run.stderr)
    assert.match(run.stdout, /generator CPU \d+% over 2 worker threads/)
    const results = savedResults(ws, 'api')
    assertLoadTrials(results, '/items', 2, 1000)
    const scenario = results.scenarios[0]!
    assert.equal(scenario.labels?.workers, '2')
    for (const trial of scenario.trials) assert.equal(trial.generator?.workers, 2)
  })

  test('a config file with a secret header: the value reaches no output, summary or file', async () => {
    const ws = scratchDir('perf-gate-ws-')
    const port = await freePort()
    const token = 'tok-e2e-header-9876543210'
    writeFileSync(
      join(ws, 'perf-gate.yml'),
      `load:
  base-url: http://127.0.0.1:${port}
  server:
    start: ${JSON.stringify(`node "${CLI_ENTRY}" demo-server --port ${port} --latency-ms 0`)}
    ready-url: /health
  duration: 0.4s
  warmup: 0
  trials: 1
  connections: 2
  scenarios:
    - name: items
      endpoints:
        - path: /items
          headers: { authorization: "Bearer \${{ secrets.DEMO_TOKEN }}" }
`
    )
    const run = await runActionEntry({
      workspace: ws,
      event: 'push',
      payload: pushPayload(),
      inputs: { name: 'api', 'baseline-store': 'file', config: 'perf-gate.yml' },
      env: { DEMO_TOKEN: token }
    })
    assert.equal(run.exitCode, 0, run.stdout + run.stderr)
    assert.equal(run.outputs.verdict, 'no-baseline')
    assertLoadTrials(savedResults(ws, 'api'), 'items', 1, 1)
    assertSecretKeptOut(run, token)
  })
})
