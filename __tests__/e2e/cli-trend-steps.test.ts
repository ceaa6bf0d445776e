// A step among the stored runs shows in the report's trend: where it starts, its size, in the JSON, the Markdown
// trend table (unit-tested in __tests__/report/trend-chart.test.ts) and the HTML history chart, found as `perf-gate history` finds it.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runCliEntry, scratchDir } from '../support/spawn-dist.js'
import { around, resultsWith } from '../support/results-builder.js'

describe('trend with a step', () => {
  test('ten stored runs, +30% from the sixth: the trend marks the step at that run', async () => {
    const dir = scratchDir()
    const write = (level: number) => writeFileSync(join(dir, 'r.json'), JSON.stringify(resultsWith({ api: { p95: { values: around(level, 5), unit: 'ms' } } })))
    const levels = [10, 10.1, 9.9, 10, 10.05, 13, 13.1, 12.9, 13, 13.05]
    for (const level of levels) {
      write(level)
      const saved = await runCliEntry(['run', '--results', 'r.json', '-t', 'p95: +20%', '--save-baseline'], dir)
      // The first run at the new level is a regression against the one before; it is saved all the same.
      assert.ok([0, 1].includes(saved.exitCode ?? -1), saved.stdout + saved.stderr)
      assert.match(saved.stderr, /Saved baseline/)
    }
    write(13)
    const run = await runCliEntry(['run', '--results', 'r.json', '-t', 'p95: +20%', '--json', 'out.json', '--html', 'out.html', '-q'], dir)
    assert.equal(run.exitCode, 0, run.stdout + run.stderr)
    const report = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as {
      trends: Array<{ points: Array<{ value: number }>; changePoints?: Array<{ index: number; change: number; pValue: number }> }>
    }
    const [trend] = report.trends
    assert.equal(trend!.points.length, 11, 'ten stored runs and this one')
    assert.equal(trend!.changePoints?.length, 1, JSON.stringify(trend))
    const [step] = trend!.changePoints!
    assert.equal(step!.index, 5, 'the sixth stored run, where the new level starts')
    assert.ok(Math.abs(step!.change - 0.3) < 0.02, `size ${step!.change}`)
    assert.ok(step!.pValue <= 0.001)
    assert.match(readFileSync(join(dir, 'out.html'), 'utf8'), /"steps":\[5\]/)
    // Locally (every run on this machine) the newest stored run's trials decide; on CI the stored runs since the step
    // do (__tests__/verdict/evaluate.test.ts).
    const p95 = (report as unknown as { metrics: Array<{ metric: string; status: string; change: { method: string; sampleSize: number } }> }).metrics.find(
      (m) => m.metric === 'p95'
    )!
    assert.deepEqual([p95.status, p95.change.method, p95.change.sampleSize], ['pass', 'trials', 5])
  })
})
