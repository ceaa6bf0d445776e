/**
 * The HTML report in a real browser (Debian's chromium, driven by puppeteer-core), as a reviewer opens it: made by
 * the bundled CLI from a real load run against demo servers on 127.0.0.1 (three stored runs, then one slower), opened
 * from disk with every network request refused. Every scenario's charts must render with the expected series and
 * points, and the page must log no error. A screenshot is written for people to look at. A second page, rendered from a
 * report built here, holds a stored history with a step, whose legend and x labels must read as a reader needs them.
 *
 * Without chromium the test is skipped locally; .ci/run installs it and sets PERF_GATE_REQUIRE_CHROMIUM, so that CI
 * fails rather than skips when it is missing.
 */
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import puppeteer from 'puppeteer-core'
import { freePort } from '../support/free-port.js'
import { CLI_ENTRY, runCliEntry, scratchDir } from '../support/spawn-dist.js'
import { resultsWith } from '../support/results-builder.js'
import { baselineRecord } from '../../src/gate.js'
import { renderHtmlReport } from '../../src/report/html/render-html.js'
import { reportAgainst } from '../support/report-builder.js'
import type { RunContext } from '../../src/context.js'

const local: RunContext = { event: 'local', runner: 'local' }

const CHROMIUM = process.env.PERF_GATE_CHROMIUM ?? '/usr/bin/chromium'
const haveChromium = existsSync(CHROMIUM)
if (!haveChromium && (process.env.CI || process.env.PERF_GATE_REQUIRE_CHROMIUM)) {
  throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium for this test`)
}

interface DrawnChart {
  id: string
  kind: 'distribution' | 'history'
  series: number
  points: number
  canvas: boolean
}

describe('HTML report in a browser', { skip: haveChromium ? false : `no chromium at ${CHROMIUM}` }, () => {
  test('every scenario: latency distribution of both sides, trials as dots, history; offline, no console errors', async () => {
    const dir = scratchDir('perf-gate-html-')
    const port = await freePort()
    mkdirSync(join(dir, '.github'))
    writeFileSync(
      join(dir, '.github/perf-gate.yml'),
      `name: shop
load:
  base-url: http://127.0.0.1:${port}
  server:
    start: node ${JSON.stringify(CLI_ENTRY)} demo-server --port ${port} --latency-ms 2
    ready-url: /health
  duration: 1s
  warmup: 0s
  trials: 3
  connections: 2
  scenarios:
    - name: fast <b>&amp;</b>
      endpoints: [{ path: /fast }]
    - name: items
      endpoints: [{ path: /items }]
thresholds:
  p95: +20%
`
    )
    for (let run = 0; run < 3; run++) {
      // A busy machine can make one unchanged run look slower than the last (exit 1); it is saved all the same.
      const saved = await runCliEntry(['run', '--save-baseline', '-q'], dir, {}, 120_000)
      assert.ok([0, 1].includes(saved.exitCode ?? -1), saved.stdout + saved.stderr)
    }
    assert.equal(readdirSync(join(dir, '.perf-gate/shop/history')).length, 3, 'three runs stored')
    const slower = await runCliEntry(
      ['run', '-q', '--json', 'report.json', '--html', 'report.html', '--no-color'],
      dir,
      { PERF_GATE_DEMO_FACTOR: '1.5' },
      120_000
    )
    assert.ok([0, 1].includes(slower.exitCode ?? -1), slower.stdout + slower.stderr)
    const html = readFileSync(join(dir, 'report.html'), 'utf8')
    assert.doesNotMatch(html, /<b>&amp;<\/b>/, 'a scenario name is text, not markup')
    assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+href=/, 'nothing is loaded from elsewhere: uPlot is inlined')
    // The same page again from the JSON report alone.
    const again = await runCliEntry(['report', 'report.json', '--html', 'again.html'], dir)
    assert.equal(again.exitCode, 0, again.stderr)
    assert.equal(readFileSync(join(dir, 'again.html'), 'utf8'), html, 'report --html renders the JSON report to the same page')

    const browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] })
    try {
      const page = await browser.newPage()
      const errors: string[] = []
      const requested: string[] = []
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text())
      })
      page.on('pageerror', (error) => errors.push(String(error)))
      await page.setRequestInterception(true)
      page.on('request', (request) => {
        if (request.url().startsWith('file://')) void request.continue()
        else {
          requested.push(request.url())
          void request.abort()
        }
      })
      await page.setViewport({ width: 1100, height: 900 })
      await page.goto(`file://${join(dir, 'report.html')}`)
      await page.waitForFunction('Array.isArray(window.perfGateCharts)', { timeout: 15_000 })
      const drawn = (await page.evaluate('window.perfGateCharts')) as DrawnChart[]
      const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as {
        distributions: Array<{ scenario: string; current?: unknown[]; baseline?: unknown[] }>
        trends: Array<{ scenario: string; points: unknown[] }>
        metrics: Array<{ scenario: string; metric: string; baseline?: { values: number[] }; current?: { values: number[] } }>
      }
      assert.deepEqual(
        report.distributions.map((d) => d.scenario),
        ['fast <b>&amp;</b>', 'items']
      )
      const distributions = drawn.filter((chart) => chart.kind === 'distribution')
      assert.equal(distributions.length, 2, JSON.stringify(drawn))
      for (const chart of distributions) {
        assert.deepEqual({ series: chart.series, points: chart.points, canvas: chart.canvas }, { series: 2, points: 16, canvas: true }, chart.id)
      }
      const histories = drawn.filter((chart) => chart.kind === 'history')
      assert.equal(histories.length, report.trends.length)
      for (const [index, chart] of histories.entries()) {
        // The metric's line, the run compared with and this run; 3 stored runs and this one.
        assert.deepEqual({ series: chart.series, points: chart.points, canvas: chart.canvas }, { series: 3, points: 4, canvas: true }, chart.id)
        assert.equal(chart.points, report.trends[index]!.points.length)
      }
      const strips = await page.$$eval('figure.strip', (figures) =>
        figures.map((f) => ({
          baseline: f.querySelectorAll('rect.dot-baseline').length,
          current: f.querySelectorAll('circle.dot-current').length,
          metric: f.getAttribute('data-metric')
        }))
      )
      assert.ok(strips.length >= 2, JSON.stringify(strips))
      // Three trials a side (a first trial still warming up is replaced by one more and left out): a dot for each.
      const p95Rows = report.metrics.filter((m) => m.metric === 'p95')
      const trialCounts = p95Rows.map((row) => [row.baseline!.values.length, row.current!.values.length])
      for (const count of trialCounts.flat()) assert.equal(count, 3, JSON.stringify(trialCounts))
      assert.deepEqual(
        strips.filter((s) => s.metric === 'p95').map((strip) => [strip.baseline, strip.current]),
        trialCounts,
        'a dot for each trial'
      )
      // With the pointer elsewhere, each legend reads a point's values (p99; this run), not bare series names.
      const legends = await page.$$eval('.u-legend', (tables) =>
        tables.map((table) => Array.from(table.querySelectorAll('.u-value'), (cell) => (cell as { textContent: string | null }).textContent ?? ''))
      )
      assert.equal(legends.length, drawn.length)
      for (const [index, values] of legends.entries()) {
        const chart = drawn[index]!
        const shown = chart.kind === 'distribution' ? values : values.slice(0, 2)
        assert.ok(shown.length >= 2 && shown.every((value) => value !== '' && value !== '--'), `${chart.id}: ${JSON.stringify(values)}`)
        if (chart.kind === 'distribution') assert.equal(values[0], '99%', chart.id)
      }
      // The last x label ("99.999%", "this run") is centred on the plot's right edge: half of it must fit beside it.
      const lastLabels = (await page.evaluate(`(() => {
        const span = document.body.appendChild(document.createElement('span'))
        span.style.whiteSpace = 'pre'
        span.style.position = 'absolute'
        const fits = window.perfGateCharts.map((chart) => {
          span.style.font = chart.yAxis.font.replace(/([\\d.]+)px/, (_, px) => Number(px) / chart.yAxis.pxRatio + 'px')
          span.textContent = chart.xAxis.labels.filter((label) => label !== '').at(-1) ?? ''
          return { id: chart.id, label: span.textContent, right: chart.xAxis.plotRight + span.getBoundingClientRect().width / 2, width: chart.xAxis.width }
        })
        span.remove()
        return fits
      })()`)) as Array<{ id: string; label: string; right: number; width: number }>
      for (const last of lastLabels) assert.ok(last.label !== '' && last.right <= last.width, JSON.stringify(last))
      assert.deepEqual(errors, [], 'no console errors')
      assert.deepEqual(requested, [], 'the page asked for nothing beyond its own file')
      // PERF_GATE_SCREENSHOTS=<dir> keeps them (docs/images/html-report.png comes from here).
      const shots = process.env.PERF_GATE_SCREENSHOTS ?? join(dir, 'screenshots')
      mkdirSync(shots, { recursive: true })
      await page.screenshot({ path: join(shots, 'html-report.png'), fullPage: true })
      await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'dark' }])
      await page.screenshot({ path: join(shots, 'html-report-dark.png'), fullPage: true })
      assert.ok(existsSync(join(shots, 'html-report-dark.png')))

      // A stored run seen again: the newest saved run, judged against the two before it, drawn the same way.
      const newest = readdirSync(join(dir, '.perf-gate/shop/history'))
        .sort()
        .at(-1)!
        .replace(/\.json$/, '')
      const stored = await runCliEntry(['report', '--baseline', newest, '--html', 'stored.html', '--json', 'stored.json'], dir)
      assert.equal(stored.exitCode, 0, stored.stderr)
      const storedReport = JSON.parse(readFileSync(join(dir, 'stored.json'), 'utf8')) as { notes: string[]; trends: Array<{ points: unknown[] }> }
      assert.match(storedReport.notes.join('\n'), new RegExp(`Stored run ${newest} .*judged again .* against the 2 run\\(s\\) saved before it`))
      await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'light' }])
      await page.goto(`file://${join(dir, 'stored.html')}`)
      await page.waitForFunction('Array.isArray(window.perfGateCharts)', { timeout: 15_000 })
      const storedCharts = (await page.evaluate('window.perfGateCharts')) as DrawnChart[]
      assert.deepEqual(
        storedCharts.filter((chart) => chart.kind === 'distribution').map((chart) => [chart.series, chart.points, chart.canvas]),
        [
          [2, 16, true],
          [2, 16, true]
        ],
        'the stored run and the run before it, each with its latency histogram'
      )
      const storedHistories = storedCharts.filter((chart) => chart.kind === 'history')
      assert.equal(storedHistories.length, storedReport.trends.length)
      for (const chart of storedHistories) assert.equal(chart.points, 3, `the history up to the stored run: ${chart.id}`)
      assert.deepEqual(errors, [], 'no console errors on the page of the stored run')
    } finally {
      await browser.close()
    }
  })

  test('a history with a step: the legend names the run it starts at, and runs saved within a minute read apart', async () => {
    // Twelve stored runs of one day, two a minute, p95 10 ms then 13 ms from the seventh on: a step among them.
    const at = (index: number) => new Date(Date.UTC(2026, 11, 4, 9, Math.floor(index / 2), (index % 2) * 30))
    const history = Array.from({ length: 12 }, (_, index) => {
      const level = index < 6 ? 10 : 13
      return baselineRecord('api', resultsWith({ s: { p95: { values: [level, level + 0.1, level - 0.1], unit: 'ms' } } }), local, at(index))
    }).reverse()
    const current = resultsWith({ s: { p95: { values: [13, 13.1, 12.9], unit: 'ms' } } })
    const report = reportAgainst(history, current)
    const trend = report.trends![0]!
    assert.deepEqual(
      trend.changePoints?.map((step) => trend.points[step.index]!.label),
      ['12-04 09:03:00'],
      'the step starts at the seventh run'
    )
    const dir = scratchDir('perf-gate-html-steps-')
    writeFileSync(join(dir, 'steps.html'), renderHtmlReport(report))
    const browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] })
    try {
      const page = await browser.newPage()
      const errors: string[] = []
      page.on('pageerror', (error) => errors.push(String(error)))
      await page.goto(`file://${join(dir, 'steps.html')}`)
      await page.waitForFunction('Array.isArray(window.perfGateCharts)', { timeout: 15_000 })
      const charts = (await page.evaluate('window.perfGateCharts')) as Array<DrawnChart & { xAxis: { labels: string[] } }>
      const history = charts.find((chart) => chart.kind === 'history')!
      const shownLabels = history.xAxis.labels.filter((label) => label !== '')
      assert.equal(new Set(shownLabels).size, shownLabels.length, `no x label repeats: ${JSON.stringify(shownLabels)}`)
      const legend = await page.$$eval('.u-legend', (tables) =>
        tables.map((table) =>
          Array.from(table.querySelectorAll('tr'), (row) =>
            ['.u-label', '.u-value'].map(
              (selector) => (row as { querySelector(s: string): { textContent: string | null } | null }).querySelector(selector)?.textContent ?? ''
            )
          )
        )
      )
      const stepEntry = legend.flat().find(([label]) => label === 'step starts')
      assert.deepEqual(stepEntry, ['step starts', 'at 12-04 09:03:00'], 'resting on this run, the legend names where the step starts')
      assert.deepEqual(errors, [])
    } finally {
      await browser.close()
    }
  })
})
