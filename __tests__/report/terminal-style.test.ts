import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import stringWidth from 'string-width'
import { displayWidth, ONE_COLUMN_EACH, padEndToWidth, shouldUseColor, truncateToWidth } from '../../src/report/terminal-style.js'
import { renderTerminalReport } from '../../src/report/terminal.js'
import { report, row } from '../support/report-builder.js'

const tty = { isTTY: true }
const pipe = { isTTY: false }

describe('colour: NO_COLOR, FORCE_COLOR, TERM=dumb and --no-color decide, as users expect', () => {
  const cases: Array<[string, { isTTY?: boolean }, NodeJS.ProcessEnv, boolean, boolean]> = [
    ['a terminal', tty, { TERM: 'xterm-256color' }, false, true],
    ['a pipe', pipe, { TERM: 'xterm-256color' }, false, false],
    ['NO_COLOR in a terminal', tty, { TERM: 'xterm-256color', NO_COLOR: '1' }, false, false],
    ['TERM=dumb in a terminal', tty, { TERM: 'dumb' }, false, false],
    ['TERM=dumb under CI', pipe, { TERM: 'dumb', CI: 'true', GITHUB_ACTIONS: 'true' }, false, false],
    ['FORCE_COLOR=1 into a pipe (a CI log)', pipe, { FORCE_COLOR: '1', CI: 'true', GITHUB_ACTIONS: 'true' }, false, true],
    ['FORCE_COLOR=3 with TERM=dumb', pipe, { FORCE_COLOR: '3', TERM: 'dumb' }, false, true],
    ['FORCE_COLOR=0 in a terminal', tty, { FORCE_COLOR: '0', TERM: 'xterm-256color' }, false, false],
    ['FORCE_COLOR=1 with NO_COLOR', pipe, { FORCE_COLOR: '1', NO_COLOR: '1' }, false, true],
    ['--no-color beats FORCE_COLOR', tty, { FORCE_COLOR: '1', TERM: 'xterm-256color' }, true, false]
  ]
  for (const [name, stream, env, flag, expected] of cases) {
    test(`${name}: ${expected ? 'colour' : 'plain'}`, () => assert.equal(shouldUseColor(stream, env, flag), expected))
  }

  test('FORCE_COLOR with NO_COLOR prints no warning about the one ignored', () => {
    const warnings: string[] = []
    const listener = (warning: Error): void => void warnings.push(warning.message)
    process.on('warning', listener)
    shouldUseColor(pipe, { FORCE_COLOR: '1', NO_COLOR: '1' })
    process.off('warning', listener)
    assert.deepEqual(warnings, [])
  })
})

describe('display width', () => {
  test('wide glyphs and emoji take two columns, combining marks none, colour codes none', () => {
    assert.equal(displayWidth('abc'), 3)
    assert.equal(displayWidth('東京'), 4)
    assert.equal(displayWidth('🚀'), 2)
    assert.equal(displayWidth('✅'), 2)
    assert.equal(displayWidth('e\u0301'), 1)
    assert.equal(displayWidth('\u001b[31mred\u001b[0m'), 3)
    assert.equal(padEndToWidth('東京', 6), '東京  ')
  })

  test('a live line is cut to the terminal width by columns, never inside a glyph', () => {
    assert.equal(truncateToWidth('short', 10), 'short')
    assert.equal(truncateToWidth('load 東京 trial 1/5: 40%', 10), 'load 東京…')
    assert.ok(displayWidth(truncateToWidth('🚀🚀🚀🚀🚀🚀', 7)) <= 7)
  })

  test('the terminal table keeps its columns aligned with emoji and CJK scenario names', () => {
    const text = renderTerminalReport(report([row('東京 checkout', 'fail'), row('🚀 launch', 'fail'), row('plain', 'fail')]), { color: false })
    const tableLines = text.split('\n').filter((line) => /\bp95\b/.test(line) && !line.includes(':'))
    assert.equal(tableLines.length, 3, text)
    const metricColumn = tableLines.map((line) => displayWidth(line.slice(0, line.indexOf(' p95 ') + 1)))
    assert.equal(new Set(metricColumn).size, 1, `the metric column starts at one screen column: ${metricColumn.join(', ')}\n${text}`)
  })
})

describe('the width fast path', () => {
  test('every character it takes as one column is one column to string-width; others still go through string-width', () => {
    const wrong: string[] = []
    for (let code = 0; code <= 0xffff; code++) {
      const char = String.fromCharCode(code)
      if (ONE_COLUMN_EACH.test(char) && stringWidth(char) !== 1) wrong.push(code.toString(16))
    }
    assert.deepEqual(wrong, [])
    for (const text of ['12.3 µs (5×)', '−3.1% … +7.9%', 'soft\u00adhyphen', '測定', '✅ ok', '\u001b[31mred\u001b[0m'])
      assert.equal(displayWidth(text), stringWidth(text), text)
  })
})
