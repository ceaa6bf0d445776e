/** Trend points of stored runs are labelled by commit, else by date, and by the minute when two share a day. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { buildReport } from '../../src/report/build-report.js'
import { baselineRecord } from '../../src/gate.js'
import { evaluate } from '../../src/verdict/evaluate.js'
import { parseThresholdMap } from '../../src/config/thresholds.js'
import type { RunContext } from '../../src/context.js'
import { resultsWith } from '../support/results-builder.js'

const local: RunContext = { event: 'local', runner: 'local' }
const results = (value: number) => resultsWith({ s: { p95: { values: [value, value + 1, value - 1], unit: 'ms' } } })

function trendLabels(savedAt: Date[], context: RunContext): string[] {
  const history = savedAt.map((at, i) => baselineRecord('api', results(100 + i), context, at)).reverse()
  const current = results(101)
  const rules = [{ metrics: parseThresholdMap({ p95: '+20%' }, 'test') }]
  const verdict = evaluate({ current, baseline: history[0]!.results, history: history.map((r) => r.results), rules })
  const report = buildReport({
    gate: 'api',
    verdict,
    current,
    lookup: { baseline: history[0]!, history, problems: [] },
    storeDescription: 'file store',
    context: local,
    now: new Date(),
    notes: []
  })
  return report.trends![0]!.points.map((point) => point.label)
}

test('stored runs of one day are told apart by the minute; of different days by the date; with a commit by its sha', () => {
  const sameDay = [new Date('2026-12-04T09:15:00Z'), new Date('2026-12-04T10:30:00Z'), new Date('2026-12-04T11:45:00Z')]
  assert.deepEqual(trendLabels(sameDay, local), ['12-04 09:15', '12-04 10:30', '12-04 11:45', 'this run'])
  const days = [new Date('2026-12-01T09:15:00Z'), new Date('2026-12-02T10:30:00Z'), new Date('2026-12-03T11:45:00Z')]
  assert.deepEqual(trendLabels(days, local), ['12-01', '12-02', '12-03', 'this run'])
  const pushed: RunContext = { event: 'push', runner: 'local', sha: 'abcdef0123456789abcdef0123456789abcdef01', ref: 'refs/heads/main' }
  assert.deepEqual(trendLabels(sameDay, pushed), ['abcdef0', 'abcdef0', 'abcdef0', 'this run'])
})
