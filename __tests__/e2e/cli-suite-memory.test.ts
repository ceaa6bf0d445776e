// A command suite with `memory: true`: the process tree's peak resident memory (the command and the workers it
// starts) is a metric like any other, gated against the stored baseline.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runCliEntry, scratchDir } from '../support/spawn-dist.js'

const linux = process.platform === 'linux'

/** The suite: a worker process holds ALLOC_MIB of touched memory for a moment; the command reports a steady time. */
const SUITE = `import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
const mib = Number(process.env.ALLOC_MIB ?? 64)
spawnSync(process.execPath, ['-e', \`const b = Buffer.alloc(\${mib} * 1024 * 1024, 1); setTimeout(() => b.length, 700)\`], { stdio: 'inherit' })
const trials = [0, 1, 2].map((i) => ({ metrics: { time: { value: 10 * (1 + 0.01 * Math.sin(i)), unit: 'ms' } } }))
writeFileSync('results.json', JSON.stringify({ schemaVersion: 1, scenarios: [{ name: 'work', trials }] }))
`

describe('suite memory', { skip: linux ? false : 'memory is sampled from /proc (Linux)' }, () => {
  test('memory: true adds rss_peak of the whole process tree per run; a worker using twice the memory fails its threshold', async () => {
    const dir = scratchDir()
    mkdirSync(join(dir, '.github'))
    writeFileSync(
      join(dir, '.github/perf-gate.yml'),
      `name: mem
suites:
  - name: bench
    command: node suite.mjs
    results: results.json
    repeat: 3
    memory: true
thresholds:
  time: +20%
  rss_peak: +20%
`
    )
    writeFileSync(join(dir, 'suite.mjs'), SUITE)
    const first = await runCliEntry(['run', '--save-baseline', '--json', 'first.json', '--no-color'], dir, { ALLOC_MIB: '64' })
    assert.equal(first.exitCode, 0, first.stdout + first.stderr)
    const report = JSON.parse(readFileSync(join(dir, 'first.json'), 'utf8'))
    const peak = report.metrics.find((m: { scenario: string; metric: string }) => m.scenario === 'bench (process)' && m.metric === 'rss_peak')
    assert.ok(peak, JSON.stringify(report.metrics.map((m: { scenario: string; metric: string }) => `${m.scenario} ${m.metric}`)))
    // The worker's 64 MiB (a grandchild of the shell) are in the tree's peak, plus node's own footprint.
    assert.ok(peak.current.value >= 64 && peak.current.value < 400, `rss_peak ${peak.current.value} MiB`)
    assert.equal(peak.current.values.length, 3, 'one trial per run')

    const bigger = await runCliEntry(['run', '--no-color'], dir, { ALLOC_MIB: '192' })
    assert.equal(bigger.exitCode, 1, bigger.stdout + bigger.stderr)
    assert.match(bigger.stdout, /bench \(process\)\s+rss_peak .*regression/)
  })
})
