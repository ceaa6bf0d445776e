/**
 * What a first-time reader of the HTML page sees: icons that draw without an emoji font, `code` in notes, the baseline
 * of `compare` named as the file it is, chart axes in the table's units, and trial strips of identical values.
 */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { renderHtmlReport, type ChartSpec } from '../../src/report/html/render-html.js'
import { axisRange, endLabels, trialStrip } from '../../src/report/html/trial-strip.js'
import { htmlWithCode } from '../../src/report/html/inline-code.js'
import { report, row } from '../support/report-builder.js'

const EMOJI = /\p{Extended_Pictographic}/u

function chartsOf(html: string): ChartSpec[] {
  return JSON.parse(/<script type="application\/json" id="perf-gate-charts">(.*?)<\/script>/s.exec(html)![1]!) as ChartSpec[]
}

function headerOf(html: string): string {
  return /<header>[\s\S]*<\/header>/.exec(html)![0]
}

/** The page without uPlot's inlined script and stylesheet (its font list names emoji fonts). */
function ownMarkup(html: string): string {
  return html.replace(/<script>[\s\S]*?<\/script>/g, '').replace(/<style>[\s\S]*?<\/style>/g, '')
}

describe('HTML report for a first-time reader', () => {
  test('status icons are inline SVG with a text alternative, not emoji', () => {
    const statuses = ['fail', 'warn', 'inconclusive', 'improved', 'pass', 'new', 'removed', 'no-baseline'] as const
    const html = renderHtmlReport(
      report(
        statuses.map((status, i) => row(`GET /${i}`, status)),
        { saved: { id: 'b-1', first: false }, confirmationFailure: 'no base build', baselineProblems: ['something odd'] }
      )
    )
    assert.doesNotMatch(ownMarkup(html), EMOJI, 'no emoji anywhere in the page markup')
    const iconCells = [...html.matchAll(/<td class="icon">(.*?)<\/td>/g)].map((match) => match[1]!)
    assert.equal(iconCells.length, statuses.length)
    for (const [i, cell] of iconCells.entries()) {
      assert.match(cell, /^<svg class="icon" [^>]*role="img" aria-label="[a-z ]+"><title>[a-z ]+<\/title>.*<\/svg>$/, `row ${i}`)
    }
    const labels = iconCells.map((cell) => /aria-label="([^"]+)"/.exec(cell)![1])
    assert.equal(new Set(labels).size, statuses.length, 'each status its own label')
  })

  test('`code` in notes, guidance and reasons becomes <code>, its text escaped; a lone backtick stays', () => {
    assert.equal(htmlWithCode('set `thresholds` to choose'), 'set <code>thresholds</code> to choose')
    assert.equal(htmlWithCode('a `<b>` and `x'), 'a <code>&lt;b&gt;</code> and `x')
    const html = renderHtmlReport(report([row('GET /a', 'pass', { reason: 'add `repeat`' })], { notes: ['set `thresholds` to choose <now>'] }))
    assert.match(html, /<li>set <code>thresholds<\/code> to choose &lt;now&gt;<\/li>/)
    assert.match(html, /<p>add <code>repeat<\/code><\/p>/)
    assert.doesNotMatch(ownMarkup(html).replace(/<code>[^<]*<\/code>/g, ''), /`thresholds`|`repeat`/)
  })

  test('a baseline file handed to compare is named as that file: no store, no stored runs, no age from its mtime', () => {
    const given = (kind: 'results' | 'saved record') =>
      headerOf(
        renderHtmlReport(
          report([row('GET /a', 'pass')], {
            baseline: {
              id: 'base.txt',
              savedAt: '2026-11-23T08:00:00.000Z',
              ageSeconds: 600,
              store: 'file base.txt',
              runnerDiffers: false,
              historySize: 1,
              given: kind
            }
          })
        )
      )
    assert.match(given('results'), /<p>Baseline: file base\.txt\. Generated/)
    assert.doesNotMatch(given('results'), /stored run|saved/i)
    assert.match(given('saved record'), /<p>Baseline: file base\.txt, saved 2026-11-23T08:00:00\.000Z\. Generated/)
    assert.match(
      headerOf(renderHtmlReport(report([row('GET /a', 'pass')]))),
      /Baseline x \(bbbbbbb\), file store; 3 stored run\(s\)\./,
      'a store is still named'
    )
  })

  test("chart values are scaled to the table's unit: ns read in µs, bytes in KiB", () => {
    const trend = (unit: string, values: number[]) => ({
      scenario: 'GET /a',
      metric: 'p95',
      unit,
      points: values.map((value, i) => ({ label: `r${i}`, value, ...(i === values.length - 1 ? { role: 'current' as const } : {}) }))
    })
    const html = renderHtmlReport(
      report([row('GET /a', 'pass')], { trends: [trend('ns', [28_100, 28_500]), trend('B', [4096, 4096]), trend('ops/s', [2e6, 1.9e6])] })
    )
    assert.deepEqual(
      chartsOf(html).map((chart) => chart.scale),
      [
        { divisor: 1000, name: 'µs', space: true },
        { divisor: 1024, name: 'KiB', space: true },
        { divisor: 1, name: 'ops/s', space: true }
      ]
    )
  })

  test('a history chart says which statistic its points are when the table shows another', () => {
    const trend = {
      scenario: 'GET /a',
      metric: 'p95',
      unit: 'ms',
      points: [
        { label: 'r0', value: 10 },
        { label: 'this run', value: 10, role: 'current' as const }
      ]
    }
    const byTrials = renderHtmlReport(report([row('GET /a', 'pass', { decidedBy: 'trials' })], { trends: [trend] }))
    assert.match(byTrials, /<p class="caption">Each point is a run's level: the median of its trials .*the table compares the geometric means of the trials/)
    const byHistory = renderHtmlReport(report([row('GET /a', 'pass', { decidedBy: 'history' })], { trends: [trend] }))
    assert.doesNotMatch(byHistory, /geometric means/)
  })

  test('a trial strip of identical values is centred on a padded axis with end labels that differ', () => {
    // Go's B/op: 4096 in every trial of both sides; the interval band is 1 ± float rounding.
    const bytes = row('BenchmarkParse', 'pass', {
      metric: 'bytes',
      unit: 'B',
      baseline: { value: 4096, values: [4096, 4096, 4096, 4096, 4096] },
      current: { value: 4096, values: [4096, 4096, 4096, 4096, 4096] },
      change: { ratio: 1, method: 'trials', interval: { low: 0.9999999999999993, high: 1, confidence: 0.9 } }
    })
    const strip = trialStrip(bytes)
    const xs = [...strip.matchAll(/<circle class="dot-current" cx="([\d.]+)"/g), ...strip.matchAll(/<line class="estimate" x1="([\d.]+)"/g)].map((m) =>
      Number(m[1])
    )
    assert.equal(xs.length, 7)
    // The axis runs from x 90 to 700: the middle is 395.
    for (const x of xs) assert.ok(Math.abs(x - 395) < 1, `every dot and tick mid-axis: ${xs.join(', ')}`)
    const ends = [...strip.matchAll(/<text x="(?:90|700)" y="\d+"[^>]*>([^<]+)<\/text>/g)].map((m) => m[1])
    assert.equal(ends.length, 2, 'two end labels')
    assert.notEqual(ends[0], ends[1])
    for (const end of ends) assert.match(end!, /^\d\.\d\d KiB$/, 'in the unit the table uses, three digits')
    const range = axisRange(4095.999999999997, 4096)
    assert.ok(range.min < 4096 * 0.995 && range.max > 4096 * 1.005, JSON.stringify(range))
    assert.deepEqual(endLabels(24.01, 24.03, 'µs'), ['24.01 µs', '24.03 µs'], 'a digit more when three do not tell the ends apart')
  })
})
