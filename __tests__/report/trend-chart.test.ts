import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { micromark } from 'micromark'
import { gfm, gfmHtml } from 'micromark-extension-gfm'
import { renderTrendCharts } from '../../src/report/trend-chart.js'
import { commentMarkdown } from '../../src/github/publish-comment.js'
import { report, row } from '../support/report-builder.js'

const labels = ['aaaaaaa', 'bbbbbbb', 'this run']
const trend = (scenario: string, metric: string, unit: string, values: number[]) => ({
  scenario,
  metric,
  unit,
  points: values.map((value, i) => ({ label: labels[i]!, value }))
})

describe('trend table', () => {
  test('one row per gated metric, each sparkline on its own range, compared baseline and this run marked', () => {
    const text = renderTrendCharts([
      {
        ...trend('GET /cart', 'p95', 'ms', [10, 11, 15.123456]),
        points: [
          { label: 'aaaaaaa', value: 10 },
          { label: 'bbbbbbb', value: 11, role: 'baseline' as const },
          { label: 'this run', value: 15.123456, role: 'current' as const }
        ]
      },
      trend('GET /home', 'p95', 'ms', [0.3, 0.31, 0.29]),
      trend('GET /cart', 'rps', 'req/s', [500, 490, 330])
    ])
    const rows = text.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| Scenario'))
    assert.equal(rows.length, 3, 'each metric is its own named row')
    assert.equal(rows[0], '| GET /cart · p95 | `▁◆▂●█` | 10.0 ms | ◆ 11.0 ms (bbbbbbb) | ● 15.1 ms | \\+51.2% |')
    assert.match(rows[1]!, /^\| GET /, 'a 0.3 ms series gets the full height of its own sparkline')
    assert.match(rows[1]!, /`▅█●▁`/)
    assert.match(rows[2]!, /-34\.0%|\\-34\.0%/)
  })

  test('a step found among the stored runs is named in the trend cell: its size and the run where it starts', () => {
    const points = [10, 10, 10, 13, 13, 13, 13].map((value, i) => ({ label: `run${i}`, value }))
    const text = renderTrendCharts([{ scenario: 'api', metric: 'p95', unit: 'ms', points, changePoints: [{ index: 3, change: 0.3, pValue: 0.0002 }] }])
    assert.match(text, /`[▁█◆●]+` · step \\\+30\.0% at run3 \|/)
  })

  test('absent with fewer than 3 points; hostile names are escaped', () => {
    assert.equal(renderTrendCharts([trend('x', 'y', 'ms', [1, 2])]), '')
    assert.equal(renderTrendCharts(undefined), '')
    const hostile = renderTrendCharts([trend('<script>|`', 'p95"]\n```', 'ms', [1, 2, 3])])
    assert.doesNotMatch(hostile, /<script/)
    assert.equal(hostile.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| Scenario')).length, 1)
  })
})

test('in a comment the trend is a table inside <details>, after the verdict table', () => {
  const text = commentMarkdown(report([row('a', 'fail'), row('b', 'pass')], { trends: [trend('a', 'p95', 'ms', [10, 10, 15])] }), 'api')
  const html = micromark(text, { extensions: [gfm()], htmlExtensions: [gfmHtml()], allowDangerousHtml: true })
  assert.match(html, /<details open><summary>📈 Trend[^<]*<\/summary>\n<table>/)
  assert.ok(html.indexOf('📈 Trend') > html.indexOf('</table>'), 'the verdict table stays the primary view')
})
