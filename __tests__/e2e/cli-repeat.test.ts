/**
 * `repeat` through the bundled CLI: a tinybench-style suite that prints one value per benchmark per run
 * (`JSON.stringify(bench.table())`), with ±3 % run-to-run noise drawn fresh in every run, as a real machine gives.
 */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runCliEntry, scratchDir } from '../support/spawn-dist.js'

const TINYBENCH_STYLE_SCRIPT = `import { appendFileSync } from 'node:fs'
import { existsSync, writeFileSync } from 'node:fs'
// A run in a directory without "warm" is cold (40% slower), as a first run with cold caches is.
const cold = !existsSync('warm')
writeFileSync('warm', '')
const factor = Number(process.env.SLOWDOWN ?? 1) * (cold ? 1.4 : 1)
const noise = () => 1 + 0.03 * (Math.random() * 2 - 1)
const row = (name, ns) => {
  const latency = ns * factor * noise()
  return { 'Task name': name, 'Latency avg (ns)': latency.toFixed(1) + ' ± 1.2%', 'Latency med (ns)': (latency * 0.98).toFixed(1) + ' ± 40',
    'Throughput avg (ops/s)': String(Math.round(1e9 / latency)) + ' ± 0.5%', 'Throughput med (ops/s)': String(Math.round(1e9 / latency / 0.98)) + ' ± 100', Samples: 1000 }
}
appendFileSync('runs.log', 'run\\n')
console.log(JSON.stringify([row('parse', 5000), row('render', 56000)]))
`

function project(repeatLine: string): string {
  const dir = scratchDir()
  writeFileSync(join(dir, 'bench.mjs'), TINYBENCH_STYLE_SCRIPT)
  mkdirSync(join(dir, '.github'))
  writeFileSync(
    join(dir, '.github/perf-gate.yml'),
    `name: tiny\nsuites:\n  - name: tiny\n    command: node bench.mjs\n    format: tinybench\n${repeatLine}thresholds:\n  mean: +10%\n`
  )
  return dir
}

/** The next run of the command in `dir` starts warm (or, with `false`, cold). */
const warm = (dir: string, isWarm = true): void => (isWarm ? writeFileSync(join(dir, 'warm'), '') : rmSync(join(dir, 'warm'), { force: true }))

const runsIn = (dir: string): number => readFileSync(join(dir, 'runs.log'), 'utf8').trim().split('\n').length

describe('perf-gate run with repeat (dist/cli.js, tinybench-style suite)', () => {
  test('repeat: 5 decides A/A as pass and a 30 % slowdown as fail, and says how many runs were made', { timeout: 120000 }, async () => {
    const dir = project('    repeat: 5\n')
    warm(dir)
    const saved = await runCliEntry(['run', '--save-baseline'], dir)
    assert.equal(saved.exitCode, 0, saved.stderr)
    assert.equal(runsIn(dir), 5, 'the command ran five times')
    const [file] = readdirSync(join(dir, '.perf-gate/tiny/history'))
    const baseline = JSON.parse(readFileSync(join(dir, '.perf-gate/tiny/history', file!), 'utf8'))
    assert.deepEqual(
      baseline.results.scenarios.map((s: { trials: unknown[] }) => s.trials.length),
      [5, 5],
      'five trials per benchmark'
    )

    const same = await runCliEntry(['run'], dir)
    assert.equal(same.exitCode, 0, `${same.stdout}\n${same.stderr}`)
    assert.match(same.stdout, /PASS/)
    assert.match(same.stdout, /Suite "tiny": the command ran 5 times \(repeat: 5\)/)
    assert.equal(runsIn(dir), 10)

    const slower = await runCliEntry(['run'], dir, { SLOWDOWN: '1.3' })
    assert.equal(slower.exitCode, 1, `${slower.stdout}\n${slower.stderr}`)
    assert.match(slower.stdout, /FAIL/)
    assert.match(slower.stdout, /parse\s+mean/)
    assert.match(slower.stdout, /render\s+mean/)
  })

  test('a cold first run is left out and replaced by one more run, every row compares five, and the report says so', { timeout: 120000 }, async () => {
    const dir = project('    repeat: 5\n')
    warm(dir)
    assert.equal((await runCliEntry(['run', '--save-baseline'], dir)).exitCode, 0)
    warm(dir, false)
    const cold = await runCliEntry(['run', '--all', '--json', 'cold.json'], dir)
    assert.equal(cold.exitCode, 0, `${cold.stdout}\n${cold.stderr}`)
    assert.equal(runsIn(dir), 11, 'five runs, then six: the cold one and five warm ones')
    assert.match(
      cold.stderr,
      /Suite "tiny": run 1 looks like a warm-up \(parse: mean \d+% above the others\) and is left out; one more run, so that 5 are compared\./
    )
    assert.match(cold.stderr, /Running suite "tiny" \(run 6 of 6\)/)
    assert.match(cold.stdout, /note: Suite "tiny": the command ran 6 times \(repeat: 5\)/)
    assert.match(
      cold.stdout,
      /note: Suite "tiny": run 1 was still warming up \(parse: mean \d+% above the others\), so it is left out of every row and a run 6 was made: 5 runs are compared/
    )
    // Every row, the one that showed the cold run included, compares the five warm runs: none keeps run 1.
    const rows = (JSON.parse(readFileSync(join(dir, 'cold.json'), 'utf8')) as { metrics: Array<{ metric: string; current?: { values: number[] } }> }).metrics
    for (const row of rows.filter((m) => m.current)) assert.equal(row.current!.values.length, 5, row.metric)
    assert.doesNotMatch(cold.stdout, /of 6×/)
    assert.match(cold.stdout, /PASS/)
  })

  test('without repeat, a tool that reports one value per run is run 5 times; --repeat overrides the config', { timeout: 120000 }, async () => {
    const dir = project('')
    warm(dir)
    const auto = await runCliEntry(['run'], dir)
    assert.equal(auto.exitCode, 0, auto.stderr)
    assert.equal(runsIn(dir), 5)
    assert.match(auto.stdout, /Suite "tiny": the command ran 5 times \(each run reports one value per benchmark/)
    const flag = await runCliEntry(['run', '--repeat', '2'], dir)
    assert.equal(flag.exitCode, 0, flag.stderr)
    assert.equal(runsIn(dir), 7)
    assert.match(flag.stdout, /ran 2 times \(repeat: 2\)/)
    const bad = await runCliEntry(['run', '--repeat', 'lots'], dir)
    assert.equal(bad.exitCode, 3)
    assert.match(bad.stderr, /repeat must be a whole number from 1 to 1000, got "lots"/)
  })
})
