/**
 * `repeat` through the bundled Action: a tinybench-style suite that prints one value per benchmark per run, with
 * ±3 % noise drawn fresh in every run. Ten pushes to main store baselines of five runs each (the history whose
 * run-to-run spread lets stored baselines decide on their own; with fewer, a suspected regression goes to same-runner
 * A/B); a pull request repeats the command as well: unchanged code passes, a 30 % slowdown fails.
 */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pullRequestPayload, pushPayload, runActionEntry, scratchDir } from '../support/spawn-dist.js'

const TINYBENCH_STYLE_SCRIPT = `import { appendFileSync } from 'node:fs'
const factor = Number(process.env.SLOWDOWN ?? 1)
const noise = () => 1 + 0.03 * (Math.random() * 2 - 1)
const row = (name, ns) => {
  const latency = ns * factor * noise()
  return { 'Task name': name, 'Latency avg (ns)': latency.toFixed(1) + ' ± 1.2%', 'Latency med (ns)': (latency * 0.98).toFixed(1) + ' ± 40',
    'Throughput avg (ops/s)': String(Math.round(1e9 / latency)) + ' ± 0.5%', 'Throughput med (ops/s)': String(Math.round(1e9 / latency / 0.98)) + ' ± 100', Samples: 1000 }
}
appendFileSync('runs.log', 'run\\n')
console.log(JSON.stringify([row('parse', 5000), row('render', 56000)]))
`

const inputs = {
  command: 'node bench.mjs',
  format: 'tinybench',
  repeat: '5',
  thresholds: 'mean: +10%',
  name: 'tiny',
  'baseline-store': 'file',
  confirm: 'never'
}
const BASE_SHA = 'b'.repeat(40)
const runsIn = (dir: string): number => readFileSync(join(dir, 'runs.log'), 'utf8').trim().split('\n').length

describe('Action with repeat (dist/index.js, tinybench-style suite)', () => {
  test(
    'pushes store five runs per baseline; a PR passes unchanged code and fails a 30 % slowdown, saying how many runs were made',
    { timeout: 240000 },
    async () => {
      const ws = scratchDir('perf-gate-ws-')
      writeFileSync(join(ws, 'bench.mjs'), TINYBENCH_STYLE_SCRIPT)
      for (let index = 0; index < 10; index++) {
        const sha = index === 9 ? BASE_SHA : String(index).repeat(40)
        const push = await runActionEntry({ workspace: ws, inputs, event: 'push', payload: pushPayload(), sha })
        assert.equal(push.exitCode, 0, push.stdout + push.stderr)
      }
      assert.equal(runsIn(ws), 50, 'each push ran the command five times')
      const stored = readdirSync(join(ws, '.perf-gate/tiny/history'))
      assert.equal(stored.length, 10)
      const record = JSON.parse(readFileSync(join(ws, '.perf-gate/tiny/history', stored[0]!), 'utf8'))
      assert.deepEqual(
        record.results.scenarios.map((s: { trials: unknown[] }) => s.trials.length),
        [5, 5],
        'a stored baseline keeps five trials per benchmark'
      )

      const pr = { event: 'pull_request', payload: pullRequestPayload({ baseSha: BASE_SHA }), ref: 'refs/pull/7/merge' }
      const same = await runActionEntry({ workspace: ws, inputs, ...pr })
      assert.equal(same.exitCode, 0, same.stdout + same.stderr)
      assert.equal(same.outputs.verdict, 'pass', same.summary)
      assert.match(same.stdout, /the command ran 5 times \(repeat: 5\)/)
      assert.match(same.summary, /\\\(5×\\\)/, 'the comment counts the trials behind each value')
      assert.equal(runsIn(ws), 55)

      const slower = await runActionEntry({ workspace: ws, inputs, ...pr, env: { SLOWDOWN: '1.3' } })
      assert.equal(slower.exitCode, 1, slower.summary)
      assert.equal(slower.outputs.verdict, 'fail', slower.summary)
      assert.equal(slower.outputs.regressions, '2', slower.summary)
      assert.match(slower.summary, /parse/)
      assert.match(slower.summary, /render/)
      assert.equal(readdirSync(join(ws, '.perf-gate/tiny/history')).length, 10, 'a pull request saves nothing')
    }
  )
})
