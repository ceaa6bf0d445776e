/**
 * The HTML report of `compare` as a new user first opens it, in a real browser (Debian's chromium through
 * puppeteer-core, at a 1280 px laptop viewport): a 110-character pytest id, nanosecond timings, identical byte
 * counts, millions of ops/s and allocs/op. The page must fit its width, draw every y-axis label whole, show a flat
 * history for a metric that did not move, draw icons without an emoji font, and name the baseline as the file it
 * is. Screenshots are written for people to look at (PERF_GATE_SCREENSHOTS=<dir> keeps them).
 */
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import puppeteer from 'puppeteer-core'
import { runCliEntry, scratchDir } from '../support/spawn-dist.js'

const CHROMIUM = process.env.PERF_GATE_CHROMIUM ?? '/usr/bin/chromium'
const haveChromium = existsSync(CHROMIUM)
if (!haveChromium && (process.env.CI || process.env.PERF_GATE_REQUIRE_CHROMIUM)) {
  throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium for this test`)
}

const LONG_NAME = 'tests/benchmarks/test_serialization.py::test_serialize_large_object_graph[orjson-nested_depth_32-with_cycles-utf8]'

interface DrawnChart {
  id: string
  kind: 'distribution' | 'history'
  title: string
  yAxis: { size: number; labels: string[]; font: string; room: number; pxRatio: number; min: number; max: number }
  xAxis: { labels: string[]; plotRight: number; width: number }
}

/** A results file of perf-gate's own format: five trials per scenario, `slower` times the timings of the first. */
function results(slower: number): string {
  const trials = (metrics: (trial: number) => Record<string, { value: number; unit: string }>) => [0, 1, 2, 3, 4].map((trial) => ({ metrics: metrics(trial) }))
  const spread = [1010, 1020, 1005, 1015, 1012]
  return JSON.stringify({
    schemaVersion: 1,
    scenarios: [
      { name: LONG_NAME, trials: trials((t) => ({ time: { value: 28_500 * (1 + 0.002 * t) * slower, unit: 'ns' } })) },
      {
        name: 'BenchmarkEncode/small',
        // Byte-identical on both sides: its history must be flat.
        trials: trials((t) => ({ time: { value: spread[t]!, unit: 'ns' }, bytes: { value: 4096, unit: 'B' }, allocs: { value: 10, unit: 'allocs/op' } }))
      },
      { name: 'fib(10)', trials: trials((t) => ({ throughput: { value: (2_000_000 + 5_000 * t) / slower, unit: 'ops/s' } })) }
    ]
  })
}

describe('HTML report of compare in a browser, as a new user reads it', { skip: haveChromium ? false : `no chromium at ${CHROMIUM}` }, () => {
  test('fits a 1280 px viewport, y-axis labels whole, flat history flat, icons without emoji, the baseline named as a file', async () => {
    const dir = scratchDir('perf-gate-html-layout-')
    writeFileSync(join(dir, 'base.json'), results(1))
    writeFileSync(join(dir, 'cur.json'), results(1.5))
    const compared = await runCliEntry(['compare', 'base.json', 'cur.json', '--html', 'report.html', '--json', 'report.json', '--no-color'], dir)
    assert.equal(compared.exitCode, 1, compared.stdout + compared.stderr)
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as {
      trends: Array<{ scenario: string; metric: string; points: Array<{ value: number }>; comparedWith?: { value: number } }>
    }
    const flat = report.trends.filter((trend) => trend.scenario === 'BenchmarkEncode/small')
    assert.equal(flat.length, 3, JSON.stringify(report.trends.map((t) => [t.scenario, t.metric])))
    for (const trend of flat) {
      const values = trend.points.map((point) => point.value)
      assert.equal(new Set(values).size, 1, `${trend.metric}: identical runs, one level: ${values.join(', ')}`)
    }

    const browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] })
    try {
      const page = await browser.newPage()
      const errors: string[] = []
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text())
      })
      page.on('pageerror', (error) => errors.push(String(error)))
      await page.setViewport({ width: 1280, height: 900 })
      await page.goto(`file://${join(dir, 'report.html')}`)
      await page.waitForFunction('Array.isArray(window.perfGateCharts)', { timeout: 15_000 })
      const drawn = (await page.evaluate('window.perfGateCharts')) as DrawnChart[]

      // The table, and the page, fit the viewport: the long name wraps instead of pushing Change and Verdict off it.
      // Browser-side code as text: the tests compile without the DOM library.
      const layout = (await page.evaluate(`(() => {
        const table = document.querySelector('table.verdicts')
        const verdictHeader = [...table.querySelectorAll('th')].find((th) => th.textContent === 'Verdict')
        return {
          table: table.scrollWidth,
          page: document.documentElement.scrollWidth,
          overflow: table.getBoundingClientRect().right - document.querySelector('main').getBoundingClientRect().right,
          verdictRight: verdictHeader.getBoundingClientRect().right,
          longName: [...table.querySelectorAll('td')].some((td) => td.textContent.startsWith('tests/benchmarks/test_serialization'))
        }
      })()`)) as { table: number; page: number; overflow: number; verdictRight: number; longName: boolean }
      assert.ok(layout.longName, 'the long name is in the table')
      assert.ok(layout.table <= 1280 && layout.page <= 1280 && layout.verdictRight <= 1280, JSON.stringify(layout))
      assert.ok(layout.overflow <= 0.5, `the table stays within the page's column: ${JSON.stringify(layout)}`)

      // Every y-axis is at least as wide as its widest label (measured as the browser lays the text out) plus the
      // tick and gap uPlot puts between them: no label is cut at the canvas's left edge.
      const histories = drawn.filter((chart) => chart.kind === 'history')
      assert.equal(histories.length, report.trends.length)
      // uPlot scales the font size by the pixel ratio; the span takes the CSS size.
      const widths = (await page.evaluate(`(() => {
        const span = document.body.appendChild(document.createElement('span'))
        span.style.whiteSpace = 'pre'
        span.style.position = 'absolute'
        const measured = window.perfGateCharts.map((chart) => {
          span.style.font = chart.yAxis.font.replace(/([\\d.]+)px/, (_, px) => Number(px) / chart.yAxis.pxRatio + 'px')
          return chart.yAxis.labels.filter((label) => label !== '').map((label) => ((span.textContent = label), span.getBoundingClientRect().width))
        })
        // The x axis's last label is centred on the plot's right edge: half of it must fit beside the plot.
        const lastX = window.perfGateCharts.map((chart) => {
          span.style.font = chart.yAxis.font.replace(/([\\d.]+)px/, (_, px) => Number(px) / chart.yAxis.pxRatio + 'px')
          span.textContent = chart.xAxis.labels.filter((label) => label !== '').at(-1) ?? ''
          return span.getBoundingClientRect().width
        })
        span.remove()
        return { measured, lastX }
      })()`)) as { measured: number[][]; lastX: number[] }
      for (const [index, chart] of drawn.entries()) {
        const labels = chart.yAxis.labels.filter((label) => label !== '')
        assert.ok(labels.length >= 2, `${chart.id}: ${JSON.stringify(chart.yAxis)}`)
        assert.equal(new Set(labels).size, labels.length, `${chart.id}: no two ticks read the same: ${labels.join(' | ')}`)
        const widest = Math.max(...widths.measured[index]!)
        const lastX = widths.lastX[index]!
        assert.ok(chart.xAxis.plotRight + lastX / 2 <= chart.xAxis.width, `${chart.id}: the last x label (${lastX} px) fits: ${JSON.stringify(chart.xAxis)}`)
        assert.ok(widest > 20, `${chart.id}: measured ${widest}`)
        assert.ok(
          chart.yAxis.size >= widest + chart.yAxis.room,
          `${chart.id}: axis ${chart.yAxis.size} px for labels up to ${widest} px + ${chart.yAxis.room}: ${labels.join(' | ')}`
        )
      }
      const byMetric = (scenario: string, metric: string) => drawn.find((chart) => chart.title === `${scenario} · ${metric}: stored runs and this run`)!
      // Axis ticks in the table's units: 28.5 µs, not 28.5k ns; millions of ops/s written out, as in the table.
      assert.ok(
        byMetric(LONG_NAME, 'time').yAxis.labels.every((label) => label === '' || / µs$/.test(label)),
        byMetric(LONG_NAME, 'time').yAxis.labels.join(' | ')
      )
      assert.ok(
        byMetric('fib(10)', 'throughput').yAxis.labels.some((label) => /^\d,\d{3},\d{3} ops\/s$/.test(label)),
        byMetric('fib(10)', 'throughput').yAxis.labels.join(' | ')
      )
      assert.ok(byMetric('BenchmarkEncode/small', 'bytes').yAxis.labels.every((label) => label === '' || / KiB$/.test(label)))
      // A flat series is drawn flat: its y range is padded to a few percent around the value, not float noise.
      for (const metric of ['time', 'bytes', 'allocs']) {
        const { min, max } = byMetric('BenchmarkEncode/small', metric).yAxis
        const level = flat.find((trend) => trend.metric === metric)!.points[0]!.value
        assert.ok(min <= level * 0.98 && max >= level * 1.02, `${metric}: y from ${min} to ${max} around ${level}`)
      }

      // The legend's "compared with" reads the value of the run compared with while the pointer is elsewhere.
      const legends = (await page.evaluate(`Array.from(document.querySelectorAll('.u-legend'), (table) =>
        Object.fromEntries(Array.from(table.querySelectorAll('tr'), (tr) => [
          tr.querySelector('.u-label')?.textContent ?? '',
          tr.querySelector('.u-value')?.textContent ?? ''
        ]))
      )`)) as Array<Record<string, string>>
      for (const [index, chart] of drawn.entries()) {
        const legend = legends[index]!
        assert.match(legend['compared with'] ?? '', /^\d/, `${chart.id}: ${JSON.stringify(legend)}`)
      }
      assert.match(legends[drawn.indexOf(byMetric('fib(10)', 'throughput'))]!['compared with']!, /^2,0\d\d,\d{3} ops\/s$/)

      // Icons are drawn, not left to an emoji font: no emoji in the page's text, an SVG with a name in each icon cell.
      const icons = (await page.evaluate(`({
        text: document.body.innerText,
        cells: Array.from(document.querySelectorAll('table.verdicts td.icon'), (td) => ({
          text: td.textContent,
          label: td.querySelector('svg[role="img"]')?.getAttribute('aria-label') ?? null,
          width: td.querySelector('svg')?.getBoundingClientRect().width ?? 0
        })),
        headline: document.querySelector('h1 svg[role="img"]')?.getAttribute('aria-label') ?? null
      })`)) as { text: string; cells: Array<{ text: string; label: string | null; width: number }>; headline: string | null }
      assert.doesNotMatch(icons.text, /\p{Extended_Pictographic}/u)
      assert.equal(icons.cells.length, 5)
      for (const cell of icons.cells) {
        assert.ok(cell.label && cell.width >= 10, JSON.stringify(cell))
        assert.equal(cell.text, cell.label, 'the cell reads as its status (the SVG title)')
      }
      assert.equal(icons.headline, 'fail')

      // The header: the baseline is the file, with no claim of a store; the note's `thresholds` is code.
      const header = await page.$eval('header', (element) => ({
        text: (element as { innerText: string }).innerText,
        code: element.querySelectorAll('code').length
      }))
      assert.match(header.text, /Baseline: file base\.json\./)
      assert.doesNotMatch(header.text, /stored run|ago|`/)
      assert.ok(header.code >= 1, header.text)
      assert.deepEqual(errors, [], 'no console errors')

      const shots = process.env.PERF_GATE_SCREENSHOTS ?? join(dir, 'screenshots')
      mkdirSync(shots, { recursive: true })
      await page.screenshot({ path: join(shots, 'html-report-compare-top.png') })
      await page.screenshot({ path: join(shots, 'html-report-compare.png'), fullPage: true })
      assert.ok(existsSync(join(shots, 'html-report-compare.png')))
    } finally {
      await browser.close()
    }
  })
})
