import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { runCliInProcess } from '../../support/cli-in-process.js'
import { decodeHistogram } from '../../../src/results/histogram.js'
import type { Results } from '../../../src/results/model.js'
import { freePort } from '../../support/free-port.js'
import { scratchDir } from '../../support/spawn-dist.js'
import { startTestServer } from './test-server.js'

const BIN = fileURLToPath(new URL('../../../src/bin.ts', import.meta.url))
/** tsx by absolute URL: the server command runs in a scratch directory without node_modules. */
const TSX = import.meta.resolve('tsx')

const cli = runCliInProcess

/** The text of every file under a directory, recursively. */
function allFiles(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[])
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile())
    .map((path) => readFileSync(path, 'utf8'))
}

function allText(dir: string): string {
  return allFiles(dir).join('\n')
}

describe('perf-gate run with load', () => {
  test('--url with flags: trials with µs histograms in the saved baseline, a report in JSON', async () => {
    const server = await startTestServer()
    const dir = scratchDir()
    try {
      const run = await cli(
        [
          'run',
          '--url',
          `${server.url}/fast`,
          '--connections',
          '2',
          '--duration',
          '0.4s',
          '--trials',
          '2',
          '--profile',
          'smoke',
          '--save-baseline',
          '--json',
          'report.json',
          '--quiet'
        ],
        dir
      )
      assert.equal(run.code, 0, run.stderr + run.stdout)
      const savedText = allFiles(join(dir, '.perf-gate')).find((text) => text.includes('"scenarios"'))
      assert.ok(savedText, 'a baseline file was written')
      const saved = JSON.parse(savedText) as { results?: Results } & Results
      const results = saved.results ?? saved
      const scenario = results.scenarios.find((s) => s.name === '/fast')
      assert.ok(scenario, savedText.slice(0, 500))
      assert.equal(scenario.kind, 'load')
      assert.equal(scenario.trials.length, 2)
      const histogram = decodeHistogram(scenario.trials[0]!.distributions!.latency!.hdrHistogram!, 'baseline')
      assert.ok(histogram.totalCount > 0)
      assert.ok(scenario.trials[0]!.metrics.p95!.value > 0)
      const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as object
      assert.ok(JSON.stringify(report).includes('/fast'))
    } finally {
      await server.close()
    }
  })

  test('--command with --url runs both, the command first (never the load dropped in silence); --results with --url is refused', async () => {
    const server = await startTestServer()
    const dir = scratchDir()
    try {
      writeFileSync(join(dir, 'bench.mjs'), `console.log(JSON.stringify({ results: [{ command: 'sum', mean: 0.01, times: [0.01, 0.0101, 0.0099] }] }))`)
      const both = await cli(
        [
          'run',
          '--command',
          'node bench.mjs',
          '--format',
          'hyperfine',
          '--url',
          `${server.url}/fast`,
          '--duration',
          '0.3s',
          '--trials',
          '2',
          '--json',
          'report.json'
        ],
        dir
      )
      assert.equal(both.code, 0, both.stderr + both.stdout)
      const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as { scenarios: Array<{ scenario: string; suite?: string }> }
      assert.deepEqual(
        report.scenarios.map((s) => [s.scenario, s.suite]),
        [
          ['sum', 'command'],
          ['/fast', 'load']
        ]
      )
      writeFileSync(
        join(dir, 'r.json'),
        JSON.stringify({ schemaVersion: 1, scenarios: [{ name: 'x', trials: [{ metrics: { time: { value: 1, unit: 'ms' } } }] }] })
      )
      const refused = await cli(['run', '--results', 'r.json', '--url', `${server.url}/fast`], dir)
      assert.equal(refused.code, 3)
      assert.match(
        refused.stderr,
        /results and url: a results file \(input 'results' \/ --results\) is gated as it is, and a URL \(input 'url' \/ --url\) is loaded; give one of them/
      )
    } finally {
      await server.close()
    }
  })

  test('config with a start command and a secret header: the secret is in no file perf-gate writes', async () => {
    const dir = scratchDir()
    const port = await freePort()
    writeFileSync(
      join(dir, 'perf-gate.yml'),
      `load:
  base-url: http://127.0.0.1:${port}
  server:
    start: ${JSON.stringify(`"${process.execPath}" --import ${TSX} "${BIN}" demo-server --port ${port} --latency-ms 0`)}
    ready-url: /health
  duration: 0.4s
  warmup: 0
  trials: 2
  connections: 2
  scenarios:
    - name: items
      endpoints:
        - path: /items
          headers: { authorization: "Bearer \${{ secrets.DEMO_TOKEN }}" }
`
    )
    const run = await cli(['run', '--config', 'perf-gate.yml', '--save-baseline', '--json', 'report.json', '--markdown', 'report.md'], dir, {
      DEMO_TOKEN: 'tok-very-secret-value'
    })
    assert.equal(run.code, 0, run.stderr)
    assert.match(run.stderr, /Server ready at http:\/\/127\.0\.0\.1:\d+\/health/)
    const written = allText(dir)
    assert.ok(written.includes('items'), 'the scenario is in the written files')
    assert.ok(!written.includes('tok-very-secret-value'), 'no written file holds the secret')
    assert.ok(!run.stderr.includes('tok-very-secret-value') && !run.stdout.includes('tok-very-secret-value'))
  })

  test('nothing listening at --url: exit 2 within seconds, naming the URL', async () => {
    const dir = scratchDir()
    const run = await cli(['run', '--url', 'http://127.0.0.1:9/x', '--duration', '1s', '--trials', '1'], dir)
    assert.equal(run.code, 2)
    assert.match(run.stderr, /cannot connect to http:\/\/127\.0\.0\.1:9 \(ECONNREFUSED\)/)
  })

  test('an invalid method in the config is exit 3 naming the path', async () => {
    const dir = scratchDir()
    writeFileSync(join(dir, 'perf-gate.yml'), 'load:\n  scenarios:\n    - endpoints: [{ url: "http://127.0.0.1:9/", method: GRAB }]\n')
    const run = await cli(['run', '--config', 'perf-gate.yml'], dir)
    assert.equal(run.code, 3)
    assert.match(run.stderr, /\/load\/scenarios\/0\/endpoints\/0\/method: "GRAB" is not an HTTP method/)
  })
})
