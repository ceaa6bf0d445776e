import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { parseThresholdMap } from '../../src/config/thresholds.js'
import type { ThresholdRule } from '../../src/config/settings.js'
import { checkRulesMatch } from '../../src/verdict/rule-coverage.js'
import { resultsWith } from '../support/results-builder.js'

const ms = (value: number) => ({ values: [value], unit: 'ms' })
const current = resultsWith({ 'GET /a': { p50: ms(5), p90: ms(8), p95: ms(10), p99: ms(20) }, 'GET /b': { p95: ms(3), rps: { values: [9], unit: 'req/s' } } })
const rule = (metrics: Record<string, string>, extra: Partial<ThresholdRule> = {}): ThresholdRule => ({
  metrics: parseThresholdMap(metrics, 'perf-gate.yml: /thresholds'),
  ...extra
})

describe('rules that match nothing', () => {
  test('a typo is an error naming the rule, the metrics that exist and the nearest name', () => {
    assert.throws(() => checkRulesMatch([rule({ p96: '+20%' })], [current]), {
      name: 'InputError',
      message: 'perf-gate.yml: /thresholds/p96: rule "p96" matches no metric; metrics here: p50, p90, p95, p99, rps (did you mean "p95"?)'
    })
    assert.throws(() => checkRulesMatch([rule({ P95: '+20%' })], [current]), /rule "P95" matches no metric;.*\(did you mean "p95"\?\)/)
    assert.throws(
      () => checkRulesMatch([rule({ 'latency_*': '+20%' })], [current]),
      /rule "latency_\*" matches no metric; metrics here: p50, p90, p95, p99, rps$/
    )
    assert.throws(() => checkRulesMatch([rule({ p95: '+10%', 'lat*': '+20%' })], [current]), /lat\*/, 'one bad key among good ones')
  })

  test('a glob that matches in some scenarios but not others is fine; metrics only the baseline has count', () => {
    checkRulesMatch([rule({ 'p9*': '+20%', rps: '-10%' })], [current])
    checkRulesMatch([rule({ p99: '+20%' }, { scenarios: ['GET /a'] })], [current])
    checkRulesMatch([rule({ gone: '+20%' })], [current, resultsWith({ 'GET /a': { gone: ms(1) } })])
    checkRulesMatch([{ ...rule({ nothing: '+20%' }), isDefault: true }], [current])
  })

  test('a scenario scope that matches no scenario, or a metric outside the scoped scenarios, is an error', () => {
    assert.throws(
      () => checkRulesMatch([rule({ p95: '+20%' }, { scenarios: ['GET /c*'] })], [current]),
      /scenarios "GET \/c\*" match no scenario; scenarios here: GET \/a, GET \/b/
    )
    assert.throws(
      () => checkRulesMatch([rule({ rps: '+20%' }, { scenarios: ['GET /a'] })], [current]),
      /rule "rps" matches no metric; metrics here: p50, p90, p95, p99$/
    )
  })
})
