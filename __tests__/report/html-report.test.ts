import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { renderHtmlReport, type ChartSpec } from '../../src/report/html/render-html.js'
import { report, row } from '../support/report-builder.js'

/** The chart specs the page's script will draw. */
function chartsOf(html: string): ChartSpec[] {
  const json = /<script type="application\/json" id="perf-gate-charts">(.*?)<\/script>/s.exec(html)![1]!
  return JSON.parse(json) as ChartSpec[]
}

describe('HTML report', () => {
  test('names from results are text: no markup, and no way out of the chart data script', () => {
    const hostile = '</script><script>alert(1)</script><img src=x onerror=alert(2)>'
    const html = renderHtmlReport(
      report([row(hostile, 'fail')], {
        distributions: [{ scenario: hostile, unit: 'µs', current: [{ percentile: 50, value: 2000 }], baseline: [{ percentile: 50, value: 1500 }] }]
      })
    )
    assert.equal(html.match(/<script>alert\(1\)/g), null)
    assert.equal(html.match(/<img src=x/g), null)
    // Three scripts of ours (uPlot, the data, the drawing) and no fourth.
    assert.equal((html.match(/<script/g) ?? []).length, 3)
    assert.equal(chartsOf(html)[0]!.title, `${hostile}: latency by percentile`, 'the data round-trips intact')
  })

  test('the header tells what the comment tells: a failed save, a failed confirmation, a saved run', () => {
    const warned = renderHtmlReport(
      report([row('GET /a', 'pass')], {
        baselineProblems: ['this run was due to be saved as a baseline and was not: Cache reservation failed <x>'],
        confirmationFailure: 'the base commit could not be built'
      })
    )
    assert.match(
      warned,
      /<li><svg [^>]*aria-label="warning">.*?<\/svg> This run was due to be saved as a baseline and was not: Cache reservation failed &lt;x&gt;<\/li>/
    )
    assert.match(
      warned,
      /<li><svg [^>]*aria-label="alert">.*?<\/svg> Same-runner confirmation failed, so the verdicts against the stored baseline stand: the base commit could not be built<\/li>/
    )
    const saved = renderHtmlReport(report([row('GET /a', 'pass')], { saved: { id: 'b-20261203', sha: 'd'.repeat(40), first: false } }))
    assert.match(saved, /<svg [^>]*aria-label="saved">.*?<\/svg> This run is saved as a baseline \(b-20261203, commit ddddddd\)/)
    const first = renderHtmlReport(report([row('GET /a', 'no-baseline')], { baseline: undefined, saved: { id: 'b-1', first: true } }))
    assert.match(first, /Baseline saved \(b-1\): the next pull request compares against it\./)
    assert.doesNotMatch(first, /No baseline|This run is saved/)
  })

  test('history compared with the median of the stored runs: a dashed level named as such, no run marked', () => {
    const html = renderHtmlReport(
      report([row('GET /a', 'pass')], {
        trends: [
          {
            scenario: 'GET /a',
            metric: 'p95',
            unit: 'ms',
            points: [
              { label: 'aaaaaaa', value: 10 },
              { label: 'bbbbbbb', value: 10.4 },
              { label: 'ccccccc', value: 10.2 },
              { label: 'this run', value: 10.3, role: 'current' }
            ],
            comparedWith: { value: 10.2, what: 'median of 3 stored runs' }
          }
        ]
      })
    )
    const history = chartsOf(html).find((chart) => chart.kind === 'history')!
    assert.deepEqual(history.compared, { value: 10.2, label: 'compared with: median of 3 stored runs' })
    assert.deepEqual(history.marks, { current: 3 })
  })

  test('a curve without its warm-up trial says so above the chart', () => {
    const curve = [{ percentile: 50, value: 2000 }]
    const html = renderHtmlReport(
      report([row('GET /a', 'pass'), row('GET /b', 'pass')], {
        distributions: [
          { scenario: 'GET /a', unit: 'µs', baseline: curve, current: curve, warmUpLeftOut: ['current'] },
          { scenario: 'GET /b', unit: 'µs', baseline: curve, current: curve }
        ]
      })
    )
    assert.match(
      html,
      /<h3>Latency distribution<\/h3><p class="caption">Trial 1 of this run is left out: it was still warming up, and the verdict set it aside\.<\/p>/
    )
    assert.equal((html.match(/class="caption"/g) ?? []).length, 1, 'only the curve that left a trial out says so')
  })

  test('charts per scenario: a distribution with both sides in ms, history with the compared and the current run marked', () => {
    const html = renderHtmlReport(
      report([row('GET /a', 'fail'), row('GET /b', 'pass')], {
        distributions: [
          {
            scenario: 'GET /a',
            unit: 'µs',
            baseline: [
              { percentile: 50, value: 2000 },
              { percentile: 99, value: 4000 }
            ],
            current: [
              { percentile: 50, value: 3000 },
              { percentile: 99, value: 9000 }
            ]
          }
        ],
        trends: [
          {
            scenario: 'GET /a',
            metric: 'p95',
            unit: 'ms',
            points: [
              { label: 'aaaaaaa', value: 10 },
              { label: 'bbbbbbb', value: 10.2, role: 'baseline' },
              { label: 'this run', value: 15, role: 'current' }
            ]
          }
        ]
      })
    )
    const charts = chartsOf(html)
    assert.deepEqual(
      charts.map((c) => [c.kind, c.unit, c.series.map((s) => s.role)]),
      [
        ['distribution', 'ms', ['baseline', 'current']],
        ['history', 'ms', ['current']]
      ]
    )
    assert.deepEqual(charts[0]!.series[1]!.values, [3, 9], 'µs shown as ms')
    assert.deepEqual(charts[1]!.marks, { baseline: 1, current: 2 })
    // Both scenarios have a section and a strip of trials; the table has every row.
    assert.equal((html.match(/<section class="scenario">/g) ?? []).length, 2)
    assert.equal((html.match(/<figure class="strip"/g) ?? []).length, 2)
    assert.equal((html.match(/<tr class="status-/g) ?? []).length, 2)
    assert.match(html, /<h1><svg [^>]*aria-label="fail">.*?<\/svg> api: FAIL<\/h1>/)
  })
})
