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

describe('trend chart', () => {
  test('one xychart-beta per unit, a few lines each, with a legend in line order', () => {
    const text = renderTrendCharts([
      trend('GET /cart', 'p95', 'ms', [10, 11, 15.123456]),
      trend('GET /home', 'p95', 'ms', [5, 5, 5]),
      trend('GET /cart', 'rps', 'req/s', [500, 490, 330])
    ])
    const charts = [...text.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]!)
    assert.equal(charts.length, 2)
    assert.equal(
      charts[0],
      'xychart-beta\n  title "ms"\n  x-axis ["aaaaaaa", "bbbbbbb", "this run"]\n  y-axis "ms" 3.988 --> 16.14\n  line [10, 11, 15.12]\n  line [5, 5, 5]\n'
    )
    assert.match(text, /Lines in order: 1\. GET \/cart · p95; 2\. GET \/home · p95\./)
    assert.match(charts[1]!, /title "req\/s"/)
  })

  test('series limits, single points and hostile units and names', () => {
    const many = Array.from({ length: 9 }, (_, i) => trend(`s${i}`, 'p95', 'ms', [1, 2, 3]))
    assert.equal([...renderTrendCharts(many, { maxSeriesPerChart: 4 }).matchAll(/  line \[/g)].length, 4)
    assert.equal(renderTrendCharts([{ scenario: 'x', metric: 'y', unit: 'ms', points: [{ label: 'this run', value: 1 }] }]), '')
    assert.equal(renderTrendCharts(undefined), '')
    const hostile = renderTrendCharts([trend('<script>|`', 'p95"]\n```', 'ms"]\n```\ninjected', [1, 2, 3])])
    const chart = /```mermaid\n([\s\S]*?)```/.exec(hostile)![1]!
    assert.deepEqual(chart.trimEnd().split('\n').map((line) => line.trim().split(' ')[0]), ['xychart-beta', 'title', 'x-axis', 'y-axis', 'line'])
    assert.match(chart, /  title "msinjected"\n/)
    assert.doesNotMatch(hostile, /<script/)
  })
})

test('in a comment the chart is a mermaid code block inside <details>, after the tables', () => {
  const text = commentMarkdown(report([row('a', 'fail'), row('b', 'pass')], { trends: [trend('a', 'p95', 'ms', [10, 10, 15])] }), 'api')
  const html = micromark(text, { extensions: [gfm()], htmlExtensions: [gfmHtml()], allowDangerousHtml: true })
  assert.match(html, /<details open><summary>📈 Trend[^<]*<\/summary>\n<pre><code class="language-mermaid">xychart-beta\n/)
  assert.ok(html.indexOf('language-mermaid') > html.lastIndexOf('</table>'), 'the table stays the primary view')
})
