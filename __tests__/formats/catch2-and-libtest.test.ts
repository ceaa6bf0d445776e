/** Catch2 (console and -r xml, Catch2 2.13.10) and Rust libtest #[bench] (rustc 1.95), real runs (issue 20). */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { InputError, RunError } from '../../src/errors.js'
import { assertParseError, fixtureText, parseChecked, scenarioNamed, trialValues } from '../support/format-fixtures.js'

describe('Catch2', () => {
  test('console: one scenario per benchmark named by test case; mean is time and std dev stdev, in the printed unit', () => {
    const results = parseChecked(fixtureText('catch2-console.txt'), 'catch2')
    assert.deepEqual(
      results.scenarios.map((s) => s.name),
      ['Fibonacci > fib 15', 'Fibonacci > fib 20', 'Sorting > sort 1000']
    )
    assert.deepEqual(scenarioNamed(results, 'Fibonacci > fib 15').trials[0]!.metrics.time, { value: 627.079, unit: 'ns', direction: 'lower' })
    assert.deepEqual(scenarioNamed(results, 'Fibonacci > fib 20').trials[0]!.metrics.stdev, { value: 441.541, unit: 'µs', direction: 'lower' })
  })

  test('xml: values in ns from <mean> and <standardDeviation>', () => {
    const results = parseChecked(fixtureText('catch2.xml'), 'catch2')
    assert.deepEqual(scenarioNamed(results, 'Sorting > sort 1000').trials[0]!.metrics, {
      time: { value: 7281.86, unit: 'ns', direction: 'lower' },
      stdev: { value: 1759.91, unit: 'ns', direction: 'lower' }
    })
  })

  test('truncated reports are refused: console without its summary, XML with open elements, a cut benchmark block', () => {
    const console = fixtureText('catch2-console.txt')
    assertParseError(
      console.slice(0, console.indexOf('=====')),
      'catch2',
      'c.txt',
      /^c\.txt: the Catch2 report has no "test cases:" summary.*looks truncated$/,
      InputError
    )
    const xml = fixtureText('catch2.xml')
    assertParseError(
      xml.slice(0, xml.indexOf('<OverallResult ')),
      'catch2',
      'c.xml',
      /^c\.xml:\d+:\d+: the XML ends before its elements are closed; the file looks truncated$/,
      InputError
    )
    assertParseError(xml.slice(0, xml.indexOf('<OverallResult ')), 'auto', 'c.xml', /^c\.xml:\d+:\d+: the XML ends before its elements are closed/, InputError)
    const cutBlock = console.replace(/\n\s+5\.47264 ns[^\n]*/, '\n')
    assertParseError(cutBlock, 'catch2', 'c.txt', /^c\.txt:\d+: expected "<std dev> <low std dev> <high std dev>"/, InputError)
  })
})

describe('Rust libtest #[bench]', () => {
  test('one scenario per benchmark; ns/iter is time, MB/s throughput; runs appended are trials', () => {
    const one = parseChecked(fixtureText('libtest-bench.txt'), 'libtest')
    assert.deepEqual(
      one.scenarios.map((s) => s.name),
      ['bench_fib_10', 'bench_fib_20', 'bench_sort_1000']
    )
    assert.deepEqual(scenarioNamed(one, 'bench_fib_20').trials[0]!.metrics.time, { value: 61089.6, unit: 'ns', direction: 'lower' })
    assert.deepEqual(scenarioNamed(one, 'bench_sort_1000').trials[0]!.metrics.throughput, { value: 278, unit: 'MB/s', direction: 'higher' })
    const three = parseChecked(fixtureText('libtest-bench-3-runs.txt'), 'libtest')
    assert.deepEqual(trialValues(scenarioNamed(three, 'bench_fib_10'), 'time'), [137.98, 129.09, 403.96])
  })

  test('a run cut before "test result:", a cut line, a failed benchmark', () => {
    const text = fixtureText('libtest-bench.txt')
    assertParseError(
      text.slice(0, text.indexOf('test result')),
      'libtest',
      'l.txt',
      /^l\.txt:2: the run that starts here has no "test result:" line.*looks truncated$/,
      InputError
    )
    assertParseError(
      text.replace('(+/- 2,774.52)', '(+/- 2,7'),
      'libtest',
      'l.txt',
      /^l\.txt:3: expected "test name \.\.\. bench: 1,234 ns\/iter \(\+\/- 56\)"/,
      InputError
    )
    assertParseError(
      text.replace(/test bench_fib_20 .*/, 'test bench_fib_20    ... FAILED'),
      'libtest',
      'l.txt',
      /^l\.txt:4: test bench_fib_20 +\.\.\. FAILED$/,
      RunError
    )
  })
})
