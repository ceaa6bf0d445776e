import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { globMatches, parseMetricThreshold, parseThresholdExpression, parseThresholdMap, resolveThreshold } from '../../src/config/thresholds.js'
import { InputError } from '../../src/errors.js'
import type { ThresholdRule } from '../../src/config/settings.js'

describe('threshold expressions', () => {
  test('relative changes keep the sign the user wrote', () => {
    assert.deepEqual(parseThresholdExpression('+20%', 'x'), { kind: 'relative', worseFraction: 0.2, sign: '+', text: '+20%' })
    assert.deepEqual(parseThresholdExpression(' -7.5 % ', 'x'), { kind: 'relative', worseFraction: 0.075, sign: '-', text: '-7.5 %' })
    assert.deepEqual(parseThresholdExpression('10%', 'x'), { kind: 'relative', worseFraction: 0.1, text: '10%' })
  })

  test('absolute budgets with and without units', () => {
    assert.deepEqual(parseThresholdExpression('< 300ms', 'x'), { kind: 'absolute', operator: '<', value: 300, unit: 'ms', text: '< 300ms' })
    assert.deepEqual(parseThresholdExpression('>=1,000 req/s', 'x'), { kind: 'absolute', operator: '>=', value: 1000, unit: 'req/s', text: '>=1,000 req/s' })
    assert.deepEqual(parseThresholdExpression('<= 2', 'x'), { kind: 'absolute', operator: '<=', value: 2, unit: '', text: '<= 2' })
  })

  test('bad expressions name where they came from and what to write', () => {
    assert.throws(
      () => parseThresholdExpression('< 3 furlongs', 'cfg: /thresholds/p99'),
      (error: unknown) => {
        assert.ok(error instanceof InputError)
        assert.match(error.message, /^cfg: \/thresholds\/p99: threshold "< 3 furlongs" has unknown unit "furlongs"; allowed: /)
        return true
      }
    )
    assert.throws(() => parseThresholdExpression('0%', 'w'), /must be a change above 0%/)
    assert.throws(() => parseThresholdExpression('faster', 'w'), /w: threshold "faster" is not understood/)
  })

  test('rules: a bare expression or list is the fail level; objects give warn, fail and direction', () => {
    const list = parseMetricThreshold(['+20%', '< 1s'], 'here')
    assert.equal(list.fail.length, 2)
    assert.equal(list.warn.length, 0)
    const object = parseMetricThreshold({ warn: '+10%', fail: '+25%', direction: 'higher' }, 'here')
    assert.equal(object.warn[0]!.text, '+10%')
    assert.equal(object.fail[0]!.text, '+25%')
    assert.equal(object.direction, 'higher')
    assert.throws(() => parseMetricThreshold({ warn: ['+10%', 'bad'] }, 'cfg: /thresholds/p95'), /cfg: \/thresholds\/p95\/warn\/1: threshold "bad"/)
  })
})

describe('which rule applies', () => {
  const rule = (metrics: Record<string, string>, extra: Partial<ThresholdRule> = {}): ThresholdRule => ({
    metrics: Object.fromEntries(Object.entries(metrics).map(([metric, text]) => [metric, parseMetricThreshold(text, metric)])),
    ...extra
  })

  test('globs', () => {
    assert.equal(globMatches('p9*', 'p95'), true)
    assert.equal(globMatches('p9*', 'p50'), false)
    assert.equal(globMatches('GET /users/?', 'GET /users/1'), true)
    assert.equal(globMatches('a.b', 'axb'), false, 'dots are literal')
  })

  test('exact names beat globs; the longest glob wins; later rules win; suite and scenario scopes apply', () => {
    const rules = [
      rule({ '*': '20%', p9: '5%', 'p9*': '+15%', p95: '+10%' }),
      rule({ p95: '+30%' }, { suite: 'slow' }),
      rule({ p95: '+50%' }, { scenarios: ['GET /report*'] })
    ]
    assert.equal(resolveThreshold(rules, { name: 'GET /a' }, 'p95')!.fail[0]!.text, '+10%')
    assert.equal(resolveThreshold(rules, { name: 'GET /a' }, 'p99')!.fail[0]!.text, '+15%')
    assert.equal(resolveThreshold(rules, { name: 'GET /a' }, 'mean')!.fail[0]!.text, '20%')
    assert.equal(resolveThreshold(rules, { name: 'GET /a', suite: 'slow' }, 'p95')!.fail[0]!.text, '+30%')
    assert.equal(resolveThreshold(rules, { name: 'GET /report/pdf', suite: 'slow' }, 'p95')!.fail[0]!.text, '+50%')
    assert.equal(resolveThreshold([rule({ p95: '+10%' })], { name: 'x' }, 'rps'), undefined)
  })
})

test('every bad rule of a map is named at once', () => {
  assert.throws(
    () => parseThresholdMap({ p95: '< 3 parsecs', p50: '+20%', p99: '< 4 lightyears' }, 'thresholds'),
    (error: Error) => {
      assert.match(error.message, /^2 thresholds are invalid:\n {2}thresholds\/p95: threshold "< 3 parsecs" has unknown unit "parsecs"/)
      assert.match(error.message, /\n {2}thresholds\/p99: threshold "< 4 lightyears" has unknown unit "lightyears"/)
      return true
    }
  )
})
