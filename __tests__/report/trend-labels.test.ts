/**
 * Trend points of stored runs are labelled by commit, else by date, and by the minute (the second) when two share a day
 * (a minute), so that no two read alike; every point is a run's level; a baseline handed over as a file is named as the
 * file.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { buildReport, runLabels } from '../../src/report/build-report.js'
import { trialStrip } from '../../src/report/html/trial-strip.js'
import { formatValue } from '../../src/report/format-cells.js'
import { renderMarkdownReport } from '../../src/report/markdown.js'
import { renderTerminalReport } from '../../src/report/terminal.js'
import { baselineRecord } from '../../src/gate.js'
import { evaluate } from '../../src/verdict/evaluate.js'
import { parseThresholdMap } from '../../src/config/thresholds.js'
import type { RunContext } from '../../src/context.js'
import { resultsWith } from '../support/results-builder.js'
import { reportAgainst } from '../support/report-builder.js'

const local: RunContext = { event: 'local', runner: 'local' }
const results = (value: number) => resultsWith({ s: { p95: { values: [value, value + 1, value - 1], unit: 'ms' } } })

function trendLabels(savedAt: Date[], context: RunContext): string[] {
  const history = savedAt.map((at, i) => baselineRecord('api', results(100 + i), context, at)).reverse()
  return reportAgainst(history, results(101)).trends![0]!.points.map((point) => point.label)
}

test('stored runs of one day are told apart by the minute; of different days by the date; with a commit by its sha', () => {
  const sameDay = [new Date('2026-12-04T09:15:00Z'), new Date('2026-12-04T10:30:00Z'), new Date('2026-12-04T11:45:00Z')]
  assert.deepEqual(trendLabels(sameDay, local), ['12-04 09:15', '12-04 10:30', '12-04 11:45', 'this run'])
  const days = [new Date('2026-12-01T09:15:00Z'), new Date('2026-12-02T10:30:00Z'), new Date('2026-12-03T11:45:00Z')]
  assert.deepEqual(trendLabels(days, local), ['12-01', '12-02', '12-03', 'this run'])
  const pushed: RunContext = { event: 'push', runner: 'local', sha: 'abcdef0123456789abcdef0123456789abcdef01', ref: 'refs/heads/main' }
  // One commit measured three times (re-runs): each point names its time, not the same sha three times.
  assert.deepEqual(trendLabels(sameDay, pushed), ['abcdef0 09:15', 'abcdef0 10:30', 'abcdef0 11:45', 'this run'])
})

test('runs saved within one minute are told apart by the second; a label that would still repeat is numbered', () => {
  const oneMinute = [new Date('2026-12-04T09:15:05Z'), new Date('2026-12-04T09:15:40Z'), new Date('2026-12-05T08:00:00Z')]
  assert.deepEqual(trendLabels(oneMinute, local), ['12-04 09:15:05', '12-04 09:15:40', '12-05 08:00:00', 'this run'])
  const oneSecond = [new Date('2026-12-04T09:15:05.100Z'), new Date('2026-12-04T09:15:05.900Z')]
  assert.deepEqual(trendLabels(oneSecond, local), ['12-04 09:15:05 #1', '12-04 09:15:05 #2', 'this run'])
  const sha = (digit: string) => digit.repeat(40)
  const mixed = [
    { ...baselineRecord('api', results(100), local, new Date('2026-12-04T09:15:00Z')), source: { sha: sha('a') } },
    { ...baselineRecord('api', results(100), local, new Date('2026-12-04T09:16:00Z')), source: { sha: sha('b') } },
    { ...baselineRecord('api', results(100), local, new Date('2026-12-04T09:17:00Z')), source: { sha: sha('b') } },
    baselineRecord('api', results(100), local, new Date('2026-12-04T09:18:00Z'))
  ]
  assert.deepEqual(runLabels(mixed), ['aaaaaaa', 'bbbbbbb 09:16', 'bbbbbbb 09:17', '12-04'])
})

test('a run reads the same in the table, the trend and the history: its median, a cold first trial set aside', () => {
  const run = (values: number[]) => resultsWith({ s: { p95: { values, unit: 'ms' } } })
  const at = (minute: number) => new Date(`2026-12-04T09:${String(minute).padStart(2, '0')}:00Z`)
  // Newest first; the middle stored run started cold (14 ms, then steady near 10 ms).
  const history = [run([10.4, 10.5, 10.3]), run([14, 10.1, 10.2, 10]), run([9.9, 10, 9.8])].map((results, i) =>
    baselineRecord('api', results, local, at(30 - i))
  )
  const report = reportAgainst(history, run([15, 10.6, 10.7, 10.5, 10.6]))
  const row = report.metrics[0]!
  const trend = report.trends![0]!
  assert.equal(row.change?.method, 'history')
  assert.equal(row.current!.value, 10.6, 'this run: the median of its four warm trials')
  assert.equal(row.current!.used, 4)
  assert.deepEqual(
    trend.points.map((point) => point.value),
    [9.9, 10.1, 10.4, 10.6],
    'each stored run at its level (the cold 14 ms set aside), this run as its row shows it'
  )
  assert.equal(row.baseline!.value, 10.1, 'compared with the median of the three stored levels')
  assert.deepEqual(row.baseline!.values, [10.4, 10.1, 9.9], "the baseline side is the stored runs, not the newest run's trials")
  const strip = trialStrip(row)
  assert.match(strip, /<text x="4" y="\d+">stored runs<\/text>/, "the HTML strip's baseline row is named for what it holds")
  assert.match(strip, /; 3 stored runs and 5 current value\(s\)<\/figcaption>/)
  assert.equal(formatValue(row, 'baseline'), '10.1 ms (3×)')
  assert.equal(formatValue(row, 'current'), '10.6 ms (4 of 5×)')
  assert.deepEqual(trend.comparedWith, { value: 10.1, what: 'median of 3 stored runs' })
  assert.equal(
    trend.points.some((point) => point.role === 'baseline'),
    false,
    'no one stored run is marked as the one compared with'
  )
})

test('a row decided on trials: this run is drawn at its level like the stored runs, not at the geometric mean its row shows', () => {
  // Go's BenchmarkEncode/small, byte-identical on both sides: the geometric mean (1012.39) is not the median (1012).
  const trials = [1010, 1020, 1005, 1015, 1012]
  const run = () => resultsWith({ s: { time: { values: trials, unit: 'ns' } } })
  const stored = baselineRecord('api', run(), local, new Date('2026-12-04T09:00:00Z'))
  const rules = [{ metrics: parseThresholdMap({ time: '+20%' }, 'test') }]
  const current = run()
  const verdict = evaluate({ current, baseline: stored.results, history: [stored.results], rules })
  const report = buildReport({
    gate: 'api',
    verdict,
    current,
    lookup: { baseline: stored, history: [stored], problems: [] },
    storeDescription: 'file base.txt',
    context: local,
    now: new Date(),
    notes: []
  })
  const row = report.metrics[0]!
  assert.equal(row.change?.method, 'trials')
  assert.notEqual(row.current!.value, 1012, 'the row shows the geometric mean of the trials')
  const trend = report.trends![0]!
  assert.deepEqual(
    trend.points.map((point) => [point.value, point.role]),
    [
      [1012, 'baseline'],
      [1012, 'current']
    ],
    'identical runs, one statistic: a flat line'
  )
  assert.deepEqual(trend.comparedWith, { value: 1012, what: '12-04' }, "compared with: the marked run's level, as drawn")
})

test('a baseline file handed to compare is no store: the report says so, and Markdown and terminal name the file without an age', () => {
  const current = results(100)
  const given = baselineRecord('compare', results(100), local, new Date('2026-12-04T09:00:00Z'))
  const rules = [{ metrics: parseThresholdMap({ p95: '+20%' }, 'test') }]
  const verdict = evaluate({ current, baseline: given.results, history: [given.results], rules })
  const build = (givenBaseline?: 'results' | 'saved record') =>
    buildReport({
      gate: 'api',
      verdict,
      current,
      lookup: { baseline: given, history: [given], problems: [] },
      storeDescription: 'file base.json',
      ...(givenBaseline ? { givenBaseline } : {}),
      context: local,
      now: new Date('2026-12-04T09:13:00Z'),
      notes: []
    })
  const fromFile = build('results')
  assert.equal(fromFile.baseline?.given, 'results')
  assert.equal(build().baseline?.given, undefined, 'a store leaves it unset')
  const markdown = renderMarkdownReport(fromFile)
  assert.match(markdown, /^Baseline: file base\.json\.$/m)
  assert.doesNotMatch(markdown, /ago|stored baselines/)
  const terminal = renderTerminalReport(fromFile, { color: false })
  assert.match(terminal, /^baseline: file base\.json$/m)
  assert.doesNotMatch(terminal, /ago/)
  assert.match(renderMarkdownReport(build('saved record')), /^Baseline: file base\.json, saved 13 min ago\.$/m, 'a saved record has a true save time')
})
