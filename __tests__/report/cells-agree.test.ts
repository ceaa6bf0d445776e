/**
 * Cells agree: on every row of every renderer, Current / Baseline − 1 equals Change within display rounding, and
 * the row shows the evidence that decided (A/B arms where A/B decided, not the stored comparison).
 */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { renderMarkdownReport } from '../../src/report/markdown.js'
import { renderTerminalReport } from '../../src/report/terminal.js'
import { formatChange, formatValue } from '../../src/report/format-cells.js'
import { evaluate } from '../../src/verdict/evaluate.js'
import type { ThresholdRule } from '../../src/config/settings.js'
import type { GateVerdict } from '../../src/verdict/types.js'
import { resultsWith } from '../support/results-builder.js'
import { report } from '../support/report-builder.js'
import { withABDecision } from '../support/confirmation-builder.js'

const relative = (text: string, worseFraction: number) => ({ kind: 'relative' as const, worseFraction, text })
const rules: ThresholdRule[] = [
  {
    metrics: {
      p95: { warn: [], fail: [relative('+20%', 0.2)], definedAt: 't' },
      heap: { warn: [], fail: [{ kind: 'absolute' as const, operator: '<' as const, value: 300, unit: 'ms', text: '< 300 ms' }], definedAt: 't' }
    }
  } as unknown as ThresholdRule
]

/** Reports over: skewed trials (median ≠ geometric mean), history, budget-only, ungated, and A/B against a contradicting stored comparison. */
function verdicts(): GateVerdict[] {
  const skewedBase = resultsWith({
    s: { p95: { values: [15.3, 15.1, 15.4, 40, 9], unit: 'ms' }, heap: { values: [100, 110, 105], unit: 'ms' }, other: { values: [5, 6, 50], unit: 'ms' } }
  })
  const skewedHead = resultsWith({
    s: { p95: { values: [12.3, 12.1, 30, 12.5, 11], unit: 'ms' }, heap: { values: [250, 240, 260], unit: 'ms' }, other: { values: [5, 7, 9], unit: 'ms' } }
  })
  const trials = evaluate({ current: skewedHead, baseline: skewedBase, history: [skewedBase], rules })
  const history = [0, 1, 2, 3].map((i) =>
    resultsWith({ s: { p95: { values: [27 + i, 26 + i, 40], unit: 'ms' }, heap: { values: [100], unit: 'ms' }, other: { values: [5], unit: 'ms' } } })
  )
  const withHistory = evaluate({ current: skewedHead, baseline: history[0]!, history, rules })
  const ab = withABDecision(trials, {
    target: { scenario: 's', metric: 'p95', direction: 'lower', worseFraction: 0.2, text: '+20%' },
    outcome: 'pass',
    reason: 'A/B says 14.5% higher: within +20%.',
    pairs: 6,
    change: { ratio: 1.145, method: 'paired', interval: { low: 1.086, high: 1.206, confidence: 0.9 } },
    arms: { base: [20, 21, 19, 20.5, 22, 20], head: [23, 24, 22, 23.5, 25, 23] }
  })
  return [trials, withHistory, ab]
}

/** "27.2 ms (5×)" → 27.2 in ms. */
function quantity(cell: string): number {
  const match = /^(-?[\d,.]+)\s*(ns|µs|ms|s)?/.exec(cell.trim())
  assert.ok(match, `a value cell: ${cell}`)
  const scale: Record<string, number> = { ns: 1e-6, µs: 1e-3, ms: 1, s: 1000 }
  return Number(match[1]!.replace(/,/g, '')) * (scale[match[2] ?? 'ms'] ?? 1)
}

/** Markdown with its backslash escapes removed, as a reader sees the cells. */
function unescape(markdown: string): string {
  return markdown.replace(/\\([\\`*_{}[\]()#+\-.!|<>])/g, '$1')
}

function percent(cell: string): number {
  return Number(cell.replace('%', '').replace('+', '')) / 100
}

function assertAgree(baseline: string, current: string, change: string, where: string): void {
  if (baseline.trim() === '—' || change.trim() === '—') return
  const shown = quantity(current) / quantity(baseline)
  const tolerance = shown * 0.011 + 0.0006 // three significant digits on each value, one decimal on the change
  assert.ok(Math.abs(shown - 1 - percent(change)) <= tolerance, `${where}: ${current} / ${baseline} − 1 = ${((shown - 1) * 100).toFixed(2)}%, shown ${change}`)
}

describe('cells agree', () => {
  test('Baseline, Current and Change agree on every row of Markdown, terminal and JSON', () => {
    let rowsChecked = 0
    for (const verdict of verdicts()) {
      const r = report(verdict.metrics)
      for (const line of unescape(renderMarkdownReport(r))
        .split('\n')
        .filter((l) => l.startsWith('| ') && !l.startsWith('| | Scenario'))) {
        const cells = line.split(' | ')
        assertAgree(cells[3]!, cells[4]!, cells[5]!, `markdown ${line}`)
        rowsChecked++
      }
      for (const line of renderTerminalReport(r, { color: false, all: true })
        .split('\n')
        .filter((l) => /^[✗!?↑✓·] /.test(l) && /\d%/.test(l) && !l.includes(' · '))) {
        const cells = line.split(/\s{2,}/)
        assertAgree(cells[3]!, cells[4]!, cells[5]!, `terminal ${line}`)
        rowsChecked++
      }
      const json = JSON.parse(JSON.stringify(r)) as typeof r
      for (const row of json.metrics) {
        if (row.change && row.baseline && row.current) {
          assert.ok(Math.abs(row.current.value / row.baseline.value - row.change.ratio) < 1e-9, `JSON ${row.scenario} ${row.metric}`)
          assertAgree(formatValue(row, 'baseline'), formatValue(row, 'current'), formatChange(row), `JSON cells ${row.metric}`)
        }
      }
    }
    assert.ok(rowsChecked >= 8, `${rowsChecked} rows checked`)
  })

  test('where A/B decided, the row shows the A/B arms and estimate; the stored comparison is context only', () => {
    const [trials, , ab] = verdicts()
    const stored = trials!.metrics.find((m) => m.metric === 'p95')!
    const row = ab!.metrics.find((m) => m.metric === 'p95')!
    assert.ok(stored.change!.ratio < 1, 'the stored comparison says faster')
    assert.equal(row.decidedBy, 'paired')
    assert.equal(row.change!.ratio, 1.145)
    assert.deepEqual(row.baseline!.values, [20, 21, 19, 20.5, 22, 20])
    assert.equal(row.context?.change?.ratio, stored.change!.ratio)
    const text = unescape(renderMarkdownReport(report(ab!.metrics)))
    assert.match(text, /\| s \| p95 \| 20\.[0-9] ms \(6×\) \| 23\.[0-9] ms \(6×\) \| \+14\.5% \| \+8\.6% … \+20\.6% \|/)
  })

  test('labels: budget-only rows by their budget; a pass is unchanged only within the noise floor', () => {
    const [trials] = verdicts()
    const heap = trials!.metrics.find((m) => m.metric === 'heap')!
    assert.equal(heap.decidedBy, 'budget')
    assert.deepEqual(heap.label, { kind: 'target met', text: '✓ < 300 ms' })
    assert.equal(heap.change, undefined, 'a budget row shows no relative change it did not decide on')
    const other = trials!.metrics.find((m) => m.metric === 'other')!
    assert.equal(other.label?.kind, 'not gated')
    const text = renderMarkdownReport(report(trials!.metrics))
    assert.doesNotMatch(text.split('\n')[2]!, /not gated/, 'ungated metrics are not in the headline')
  })

  test('targets-only gate: no baseline needed, pass with "all N targets met", ✓ rows shown', () => {
    const head = resultsWith({ s: { heap: { values: [250, 240, 260], unit: 'ms' } } })
    const verdict = evaluate({ current: head, history: [], rules })
    assert.equal(verdict.status, 'pass')
    assert.equal(verdict.targetsOnly, true)
    const r = report(verdict.metrics, { verdict: verdict.status, targetsOnly: true })
    delete r.baseline
    const text = unescape(renderMarkdownReport(r))
    assert.match(text, /\*\*✅ all 1 target met\*\*/)
    assert.match(text, /No baseline needed: every threshold is an absolute target/)
    assert.match(text, /\| ✅ \| s \| heap \| — \| 250 ms \(3×\) \| — \| — \| &lt; 300 ms \| ✓ &lt; 300 ms \|/)
  })
})
