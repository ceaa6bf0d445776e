import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { renderHtmlReport } from '../../src/report/html/render-html.js'
import { micromark } from 'micromark'
import { gfm, gfmHtml } from 'micromark-extension-gfm'
import { renderMarkdownReport } from '../../src/report/markdown.js'
import { escapeMarkdown, escapeTerminal } from '../../src/report/escape.js'
import { renderTerminalReport } from '../../src/report/terminal.js'
import { schemaProblems } from '../../src/schemas.js'
import type { GateReport } from '../../src/report/report-model.js'
import { report, row } from '../support/report-builder.js'

function html(markdown: string): string {
  return micromark(markdown, { extensions: [gfm()], htmlExtensions: [gfmHtml()], allowDangerousHtml: true })
}

/** The cells of every row of every table, as rendered by a GitHub-flavoured Markdown renderer. */
function tableRows(rendered: string): string[][] {
  return [...rendered.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((match) => [...match[1]!.matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((cell) => cell[1]!))
}

describe('Markdown report', () => {
  test('headline, regressions first, unchanged rows folded, baseline commit linked', () => {
    const text = renderMarkdownReport(report([row('a', 'pass'), row('b', 'fail'), row('c', 'warn'), row('d', 'improved'), row('e', 'pass')]))
    assert.match(text, /\*\*❌ 1 regression · ⚠️ 1 warning · 🚀 1 improved · ✅ 2 unchanged\*\*/)
    assert.match(text, /\[`bbbbbbb`\]\(https:\/\/github\.com\/o\/r\/commit\/b{40}\) on main, saved 2 h ago/)
    const rendered = html(text)
    const rows = tableRows(rendered)
    assert.deepEqual(
      rows.filter((r) => r.length === 9 && r[1] !== 'Scenario').map((r) => r[1]),
      ['b', 'c', 'd', 'a', 'e']
    )
    assert.ok(rendered.indexOf('<summary>✅ 2 unchanged metrics</summary>') < rendered.indexOf('<td>a</td>'), 'unchanged rows are inside <details>')
  })

  test('metrics without a threshold are counted as not gated, never as unchanged', () => {
    const text = renderMarkdownReport(report([row('a', 'pass'), row('b', 'fail'), row('c', 'info'), row('d', 'info')]))
    assert.match(text, /\*\*❌ 1 regression · ✅ 1 unchanged\*\*/, 'ungated metrics are not in the headline')
    assert.match(text, /<summary>✅ 1 unchanged · 2 not gated<\/summary>/)
    const onlyUngated = renderTerminalReport(report([row('b', 'fail'), row('c', 'info')]), { color: false })
    assert.match(onlyUngated, /Not shown: 1 metric not gated \(--all shows them\)/)
  })

  test('hostile names cannot break the table, inject HTML or mention people', () => {
    const hostile = 'GET /a|b <img src=x onerror=alert(1)> @octocat `x` **bold** [link](javascript:alert(1))\nnext line'
    const text = renderMarkdownReport(report([row(hostile, 'fail', { metric: 'p95|<script>', unit: '</td>' })]))
    const rendered = html(text)
    assert.doesNotMatch(rendered, /<img|<script|<\/td>\s*<\/td>|href="javascript/i)
    assert.doesNotMatch(rendered, /@octocat/, 'no mention survives as plain text')
    const rows = tableRows(rendered).filter((r) => r[1] !== 'Scenario')
    assert.equal(rows[0]!.length, 9, 'the row keeps its nine cells')
    assert.match(rows[0]![1]!, /GET \/a\|b &lt;img src=x onerror=alert\(1\)&gt; @.*octocat `x` \*\*bold\*\* \[link\]\(javascript:alert\(1\)\) next line/)
    assert.equal(escapeTerminal('evil\u001b[2J\u001b]0;title\u0007name'), 'evil ]0;title name')
    assert.equal(escapeMarkdown('a'.repeat(300)).length, 200)
    // Long names are cut in the middle: what tells benchmarks of one class apart is at the end.
    const names = ['Reflection_ResolveSimple', 'SourceGen_ResolveSimple'].map((method) =>
      escapeTerminal(`NexusLabs.Needlr.Benchmarks.Benchmarks.SimpleServiceResolutionBenchmarks.Needlr_${method}`, 60)
    )
    assert.deepEqual(names, ['NexusLabs.Needlr.Benchm…arks.Needlr_Reflection_ResolveSimple', 'NexusLabs.Needlr.Benchm…marks.Needlr_SourceGen_ResolveSimple'])
  })

  test('size guard: 5,000 rows stay under a comment limit and say where the full table is', () => {
    const many = Array.from({ length: 5000 }, (_, i) => row(`scenario-${i}`, i % 10 === 0 ? 'fail' : 'pass'))
    const full = renderMarkdownReport(report(many))
    assert.ok(full.length > 65536)
    const comment = renderMarkdownReport(report(many), { maxChars: 65536, fullReportHint: 'the job summary' })
    assert.ok(comment.length <= 65536, `${comment.length}`)
    assert.match(comment, /not shown here to stay within the size limit; the full table is in the job summary/)
    assert.match(comment, /❌ 500 regressions/)
    const rows = tableRows(html(comment)).filter((r) => r[1] !== 'Scenario')
    assert.ok(rows.length > 0 && rows.every((r) => r[8] === '<strong>regression</strong>'), 'the rows kept are the regressions')
  })

  test('the report validates against its schema, and the terminal table lists notable rows', () => {
    const r = report([row('a', 'fail'), row('b', 'pass')])
    assert.deepEqual(schemaProblems('report', JSON.parse(JSON.stringify(r))), [])
    const terminal = renderTerminalReport(r, { color: false })
    assert.match(terminal, /perf-gate · api: FAIL/)
    assert.match(terminal, /✗\s+a\s+p95\s+10\.0 ms \(3×\)\s+15\.0 ms\s+\+50\.0%\s+\+40\.0% … \+60\.0%\s+\+20%; warn \+10%\s+regression/)
    assert.match(terminal, /Not shown: 1 unchanged metric \(--all shows them\)/)
    assert.doesNotMatch(terminal, /\u001b\[/)
    assert.match(renderTerminalReport(r, { color: true }), /\u001b\[31m/)
  })
})

describe('a missing baseline, by cause', () => {
  const noBaseline = (absence: GateReport['baselineAbsence'], problems: string[]): GateReport => {
    const { baseline: _baseline, ...rest } = report([row('a', 'no-baseline', { baseline: undefined, change: undefined })])
    return { ...rest, baselineProblems: problems, ...(absence ? { baselineAbsence: absence } : {}) }
  }
  const cacheDown = 'Failed to restore: Cache service responded with 503'
  const cases = {
    'not-saved': noBaseline(
      {
        kind: 'not-saved',
        store: 'Actions cache',
        reason: 'nothing has been saved for gate "api" in the Actions cache yet',
        advice: 'A push to the default branch saves the first one.'
      },
      ['nothing has been saved for gate "api" in the Actions cache yet']
    ),
    unreadable: noBaseline({ kind: 'unreadable', store: 'Actions cache', reason: cacheDown, advice: 'Re-run the job once the cache answers again.' }, [
      `the Actions cache could not be read (${cacheDown}); continuing without a stored baseline`,
      'another problem'
    ]),
    rejected: noBaseline(
      {
        kind: 'rejected',
        store: 'workflow artifacts',
        reason: 'baseline artifact x #3 (run 9) was written by a newer perf-gate (schemaVersion 2)',
        advice: 'Update perf-gate in this workflow.'
      },
      ['baseline artifact x #3 (run 9) was written by a newer perf-gate (schemaVersion 2); ignoring it']
    )
  }

  test('"never saved", "could not be read" and "rejected" read differently, each with what to do', () => {
    const saved = renderMarkdownReport(cases['not-saved'])
    assert.match(
      saved,
      /^\*\*No baseline yet\*\*: nothing has been saved for gate "api" in the Actions cache yet; relative thresholds were not checked \(absolute budgets were\)\. A push to the default branch saves the first one\.$/m
    )
    assert.match(saved, /^Nothing is blocked by relative thresholds until then; absolute budgets still apply\.$/m)
    assert.equal(saved.match(/push to the default branch/g)?.length, 1, 'how to get a baseline is said once')
    assert.doesNotMatch(saved, /could not be read|rejected/)

    const unreadable = renderMarkdownReport(cases.unreadable)
    assert.match(
      unreadable,
      /^⚠️ \*\*No baseline: the Actions cache could not be read\*\* \(Failed to restore: Cache service responded with 503\); nothing was compared with a baseline/m
    )
    assert.match(unreadable, /and one may well exist\. Re-run the job once the cache answers again\./)
    assert.match(unreadable, /not the same as having none/)
    assert.doesNotMatch(unreadable, /no baseline to compare against yet|saves the first one/i)
    assert.equal(unreadable.match(/Cache service responded with 503/g)?.length, 1, 'the problem line the headline tells is not repeated')
    assert.match(unreadable, /^> ⚠️ Another problem$/m, 'other problems still get their line')

    const rejected = renderMarkdownReport(cases.rejected)
    assert.match(
      rejected,
      /^⚠️ \*\*No baseline: the stored baseline was rejected\*\* \(baseline artifact x \\#3 \\\(run 9\\\) was written by a newer perf\\-gate \\\(schemaVersion 2\\\)\); nothing was compared with a baseline \(absolute budgets were still checked\)\. Update perf-gate in this workflow\.$/m
    )
    // The advice above says what replaces it (here: update perf-gate); the guidance must not promise a push will.
    assert.match(rejected, /the stored baseline was rejected; what to do about it is said above\./)
    assert.doesNotMatch(rejected, /The next push/)

    for (const r of Object.values(cases)) assert.deepEqual(schemaProblems('report', JSON.parse(JSON.stringify(r))), [])
  })

  test('the terminal says the same, and a report without a cause keeps the plain line', () => {
    assert.match(
      renderTerminalReport(cases['not-saved'], { color: false }),
      /^no baseline yet: nothing has been saved for gate "api" in the Actions cache yet; relative thresholds were not checked\. A push/m
    )
    const unreadable = renderTerminalReport(cases.unreadable, { color: false })
    assert.match(
      unreadable,
      /^no baseline: the Actions cache could not be read \(Failed to restore: Cache service responded with 503\); nothing was compared\. Re-run/m
    )
    assert.equal(unreadable.match(/503/g)?.length, 1)
    assert.match(renderTerminalReport(cases.rejected, { color: false }), /^no baseline: the stored baseline was rejected \(/m)
    assert.match(renderMarkdownReport(noBaseline(undefined, [])), /^\*\*No baseline\*\*: relative thresholds were not checked/m)
  })

  test('with no stored baseline but rows decided by A/B against the base commit, the thresholds were checked and it says so', () => {
    const decided: GateReport = { ...cases['not-saved'], metrics: [row('a', 'fail', { decidedBy: 'paired' })], verdict: 'fail' }
    const markdown = renderMarkdownReport(decided)
    assert.match(
      markdown,
      /^\*\*No stored baseline yet\*\*: nothing has been saved for gate "api" in the Actions cache yet; the same-runner A\/B against the base commit checked the relative thresholds\.$/m
    )
    assert.doesNotMatch(markdown, /were not checked/)
    assert.match(
      renderTerminalReport(decided, { color: false }),
      /^no stored baseline yet: .*; the same-runner A\/B against the base commit checked the relative thresholds\.$/m
    )
    assert.match(
      renderHtmlReport(decided),
      /No stored baseline: nothing has been saved .* The same-runner A\/B against the base commit checked the relative thresholds\./
    )
  })
})

describe('Markdown size guard in bytes', () => {
  test('a job summary limit counts UTF-8 bytes, not characters', () => {
    const many = Array.from({ length: 3000 }, (_, i) => row(`сценарий-${i}-${'ж'.repeat(60)}`, i % 3 === 0 ? 'fail' : 'pass'))
    const text = renderMarkdownReport(report(many), { maxBytes: 200_000, fullReportHint: 'the JSON report' })
    assert.ok(Buffer.byteLength(text) <= 200_000, `${Buffer.byteLength(text)}`)
    assert.match(text, /not shown here to stay within the size limit; the full table is in the JSON report/)
  })
})
