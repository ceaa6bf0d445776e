import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { InputError } from '../../src/errors.js'
import { assertParseError, fixtureText, needsShared, parseChecked, scenarioNamed, sharedFixtureText, trialValues } from '../support/format-fixtures.js'

const FOLDER = 'criterion/target/criterion/fib/20/new'

describe('Criterion.rs', () => {
  test('cargo-criterion messages: each sample is a trial of time per iteration', () => {
    const results = parseChecked(fixtureText('cargo-criterion.ndjson'), 'criterion')
    assert.deepEqual(
      results.scenarios.map((s) => s.name),
      ['fib/10', 'fib/20']
    )
    assert.deepEqual(trialValues(scenarioNamed(results, 'fib/10'), 'time'), [205.12, 204.9, 205.85, 204.76])
    assert.equal(results.scenarios[0]!.trials[0]!.metrics.time!.unit, 'ns')
  })

  test('sample.json and estimates.json take the benchmark id from their path', () => {
    const samples = parseChecked(fixtureText(`${FOLDER}/sample.json`), 'criterion', `target/criterion/fib/20/new/sample.json`)
    assert.equal(samples.scenarios[0]!.name, 'fib/20')
    assert.deepEqual(trialValues(samples.scenarios[0]!, 'time'), [25103, 24975.125, 25076, 24919.5, 25060])
    const estimates = parseChecked(fixtureText(`${FOLDER}/estimates.json`), 'criterion', `bench/target/criterion/fib/20/new/estimates.json`)
    const metrics = estimates.scenarios[0]!.trials[0]!.metrics
    assert.equal(estimates.scenarios[0]!.name, 'fib/20')
    assert.deepEqual(metrics.time, { value: 24960.4, unit: 'ns', direction: 'lower' })
    assert.equal(metrics.mean!.value, 24991.2)
    assert.equal(metrics.stdev!.value, 545.9)
    assert.equal(metrics.mad!.value, 240.5)
    // Outside Criterion's folders the file names nothing: a fixed name, never the file's (a renamed copy must compare).
    for (const path of ['crit-base/estimates.json', 'criterion-estimates-copy.json']) {
      assert.equal(parseChecked(fixtureText(`${FOLDER}/estimates.json`), 'criterion', path).scenarios[0]!.name, 'criterion')
    }
  })

  test('files that hold no times are explained', () => {
    assertParseError(
      '{"mean":{"confidence_interval":{},"point_estimate":0.01},"median":{"point_estimate":0.0}}',
      'criterion',
      'change/estimates.json',
      /change\/estimates\.json .*give new\/estimates\.json/,
      InputError
    )
    assertParseError(
      '{"group_id":"fib","function_id":"20","full_id":"fib/20"}',
      'criterion',
      'benchmark.json',
      /benchmark\.json, which holds no measurements/,
      InputError
    )
    assertParseError('{"iters":[1,2],"times":[5]}', 'criterion', 'sample.json', /^sample\.json: \/times: expected 2 measured times/, InputError)
  })

  test('real files: the pre-0.3 forms (PascalCase estimates, [[iters],[times]] samples)', needsShared, () => {
    const estimates = parseChecked(
      sharedFixtureText('criterion-book-fib-iterative-new-estimates.json')!,
      'criterion',
      'criterion/Fibonacci/Iterative/new/estimates.json'
    )
    assert.equal(estimates.scenarios[0]!.name, 'Fibonacci/Iterative')
    assert.equal(estimates.scenarios[0]!.trials[0]!.metrics.time!.value, 4.708418938929127)
    const samples = parseChecked(sharedFixtureText('criterion-book-fib-iterative-new-sample.json')!, 'criterion')
    assert.equal(samples.scenarios[0]!.trials.length, 100)
    assertParseError(sharedFixtureText('criterion-book-fib-iterative-change-estimates.json')!, 'criterion', 'c.json', /change\/estimates\.json/, InputError)
  })
})
