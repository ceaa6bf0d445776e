/** Load through the bundled Action (dist/index.js), as the runner runs it, against a server on 127.0.0.1. */
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { decodeHistogram } from '../../src/results/histogram.js'
import type { Results } from '../../src/results/model.js'
import { CLI_ENTRY, pushPayload, runActionEntry, scratchDir } from '../support/spawn-dist.js'

describe('Action entry with load', () => {
  test('inputs url + start + ready-url: the started server is loaded, trials carry µs histograms, secrets stay out', async () => {
    const ws = scratchDir('perf-gate-ws-')
    const port = 20_000 + Math.floor(Math.random() * 20_000)
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
        connections: '2',
        duration: '0.5s',
        trials: '2',
        profile: 'smoke'
      }
    })
    assert.equal(run.exitCode, 0, run.stdout + run.stderr)
    assert.equal(run.outputs.verdict, 'no-baseline')
    assert.match(run.stdout, /Server ready at http:\/\/127\.0\.0\.1:\d+\/health/)
    const history = join(ws, '.perf-gate/api/history')
    const record = JSON.parse(readFileSync(join(history, readdirSync(history)[0]!), 'utf8')) as { results: Results }
    const scenario = record.results.scenarios.find((s) => s.name === '/items')
    assert.ok(scenario, JSON.stringify(record.results.scenarios.map((s) => s.name)))
    assert.equal(scenario.kind, 'load')
    assert.equal(scenario.trials.length, 2)
    for (const trial of scenario.trials) {
      assert.equal(trial.distributions?.latency?.unit, 'µs')
      const histogram = decodeHistogram(trial.distributions!.latency!.hdrHistogram!, 'trial')
      assert.ok(histogram.totalCount > 0)
      assert.ok(histogram.getValueAtPercentile(50) >= 1000, 'a 1 ms endpoint (×2 for /items) is at least 1000 µs')
      histogram.destroy()
      assert.ok(trial.metrics.server_rss_peak === undefined || trial.metrics.server_rss_peak.value > 0)
    }
  })
})
