/** The line under the table says which statistic the Baseline and Current cells show, for every kind of row. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { describeStatistic } from '../../src/report/format-cells.js'
import { evaluate } from '../../src/verdict/evaluate.js'
import { parseThresholdMap } from '../../src/config/thresholds.js'
import { resultsWith } from '../support/results-builder.js'

const rules = [{ metrics: parseThresholdMap({ p95: '+10%' }, 'test') }]
const results = (values: number[]) => resultsWith({ w: { p95: { values, unit: 'ms' } } })

test('rows with nothing compared show the median trial, and the footnote says so', () => {
  // An outsider's run: [1, 2, 10] showed 2.00 ms before a baseline existed and 2.71 ms (the geometric mean) after.
  const first = evaluate({ current: results([1, 2, 10]), history: [], rules })
  assert.equal(first.metrics[0]!.current!.value, 2)
  assert.equal(describeStatistic(first.metrics), 'Values are the median trial (nothing was compared); (n×) counts trials.')
  const next = evaluate({ current: results([1, 2, 10]), baseline: results([1, 2, 10]), history: [results([1, 2, 10])], rules, sameMachine: true })
  assert.match(describeStatistic(next.metrics)!, /^Baseline and Current are the values the estimate compared: geometric mean of trials \(trials\)/)
  const mixed = evaluate({
    current: resultsWith({ w: { p95: { values: [1, 2, 10], unit: 'ms' } }, fresh: { p95: { values: [3, 4, 5], unit: 'ms' } } }),
    baseline: results([1, 2, 10]),
    history: [results([1, 2, 10])],
    rules,
    sameMachine: true
  })
  assert.match(describeStatistic(mixed.metrics)!, /geometric mean of trials \(trials\); the median trial where nothing was compared;/)
})
