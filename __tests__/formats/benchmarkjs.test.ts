import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { InputError } from '../../src/errors.js'
import { assertParseError, fixtureText, needsShared, parseChecked, sharedFixtureText } from '../support/format-fixtures.js'

describe('benchmark.js', () => {
  test('cycle lines become one trial of ops/s each; other lines are ignored', () => {
    const results = parseChecked(fixtureText('benchmarkjs.txt'), 'benchmarkjs')
    assert.deepEqual(
      results.scenarios.map((s) => s.name),
      ['fib(10)', 'Array#sort 100']
    )
    const expected = Number(/fib\(10\) x ([\d,]+)/.exec(fixtureText('benchmarkjs.txt'))![1]!.replace(/,/g, ''))
    assert.deepEqual(results.scenarios[0]!.trials[0]!.metrics.ops, { value: expected, unit: 'ops/s', direction: 'higher' })
  })

  test('a cut-off result line is an error naming the line', () => {
    assertParseError(
      'a x 1,000 ops/sec ±1.00% (90 runs sampled)\nb x 2,000 ops/sec ±1.0',
      'benchmarkjs',
      'b.txt',
      /^b\.txt:2: expected "name x 1,234 ops\/sec/,
      InputError
    )
    assertParseError('nothing here\n', 'benchmarkjs', 'b.txt', /no "name x N ops\/sec/, InputError)
  })

  test('real file: results among noise lines, two-decimal hz', needsShared, () => {
    const results = parseChecked(sharedFixtureText('benchmarkjs-github-action-benchmark.txt')!, 'benchmarkjs')
    assert.equal(results.scenarios.length, 3)
    assert.equal(results.scenarios[2]!.trials[0]!.metrics.ops!.value, 81.61)
  })
})
