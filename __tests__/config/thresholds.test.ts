import { test } from 'node:test'
import assert from 'node:assert/strict'
import { globMatches, parseThresholdExpression } from '../../src/config/thresholds.js'

test('relative expression', () => {
  const e = parseThresholdExpression('+20%', 'x')
  assert.deepEqual(e, { kind: 'relative', worseFraction: 0.2, sign: '+', text: '+20%' })
  assert.equal(globMatches('p9*', 'p95'), true)
})
