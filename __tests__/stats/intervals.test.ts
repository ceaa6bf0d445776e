import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { studentTCdf, studentTQuantile } from '../../src/stats/t-distribution.js'
import { sampleStandardDeviation } from 'simple-statistics'
import {
  MIN_RUN_NOISE,
  boundsAt,
  historyLogEstimate,
  pairedLogEstimate,
  robustSpread,
  trimmedPairedLogEstimate,
  trialsLogEstimate,
  withinRunSpread,
  withoutOutlyingTrials
} from '../../src/stats/log-ratio-intervals.js'
import { alphaPerTest, hochbergAlphas } from '../../src/stats/error-budget.js'

function close(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} is not ${expected} ± ${tolerance}`)
}

// Student (1908) sleep data, as shipped with R (`sleep`): extra hours of sleep under two drugs, same 10 patients.
const drug1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
const drug2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]

describe('Student t quantiles against published tables', () => {
  test('critical values', () => {
    close(studentTQuantile(0.975, 1), 12.7062, 1e-4, 't(0.975, 1)')
    close(studentTQuantile(0.975, 5), 2.5706, 1e-4, 't(0.975, 5)')
    close(studentTQuantile(0.95, 10), 1.8125, 1e-4, 't(0.95, 10)')
    close(studentTQuantile(0.995, 20), 2.8453, 1e-4, 't(0.995, 20)')
    close(studentTQuantile(0.999, 30), 3.3852, 1e-4, 't(0.999, 30)')
    close(studentTQuantile(0.975, 17.776), 2.102, 1e-3, 'fractional degrees of freedom (Welch)')
    close(studentTQuantile(0.975, 1e6), 1.95996, 1e-4, 'tends to the normal quantile')
  })
  test('refuses what is not a probability', () => {
    assert.throws(() => studentTQuantile(1, 5), /probability 1 is not in \(0, 1\)/)
    assert.throws(() => studentTQuantile(0.9, 0), /degrees of freedom 0/)
  })
})

describe('intervals against R reference values', () => {
  test('paired t: t.test(drug2, drug1, paired = TRUE) gives 1.58, CI 0.7001142 … 2.4598858', () => {
    const estimate = pairedLogEstimate(drug2.map((value, i) => value - drug1[i]!))!
    close(estimate.estimate, 1.58, 1e-12, 'mean difference')
    close(estimate.standardError, 0.3889587, 1e-6, 'standard error')
    assert.equal(estimate.degreesOfFreedom, 9)
    const { low, high } = boundsAt(estimate, 0.025)
    close(low, 0.7001142, 1e-6, 'lower bound')
    close(high, 2.4598858, 1e-6, 'upper bound')
  })
  test('pooled: t.test(drug1, drug2, var.equal = TRUE) gives df 18, CI −3.363874 … 0.203874', () => {
    const estimate = trialsLogEstimate(drug2, drug1)!
    close(estimate.estimate, -1.58, 1e-12, 'difference of means')
    assert.equal(estimate.degreesOfFreedom, 18)
    const { low, high } = boundsAt(estimate, 0.025)
    close(low, -3.363874, 1e-5, 'lower bound')
    close(high, 0.203874, 1e-5, 'upper bound')
  })
  test('pooled: one tight side does not collapse the degrees of freedom (Welch fell towards 3 here)', () => {
    const tight = [0, 0.001, -0.001, 0.0005, -0.0005]
    const spread = [0.15, 0.1, 0.2, 0.12, 0.18]
    const estimate = trialsLogEstimate(tight, spread)!
    assert.equal(estimate.degreesOfFreedom, 8)
    assert.ok(boundsAt(estimate, 0.002).low > 0.03, 'a clear +16% is shown beyond a 3% floor')
  })
  test('Yuen trimmed mean: worked example with one wild pair', () => {
    const estimate = trimmedPairedLogEstimate([1, 2, 3, 4, 5, 6, 7, 8, 9, 100])!
    // 20% trimmed: 3..8 → mean 5.5; winsorized 3,3,3,4,5,6,7,8,8,8 → variance 42.5 / 9; se = √(9 · 42.5/9 / (6 · 5)).
    close(estimate.estimate, 5.5, 1e-12, 'trimmed mean')
    close(estimate.standardError, Math.sqrt(42.5 / 30), 1e-12, 'winsorized standard error')
    assert.equal(estimate.degreesOfFreedom, 5)
    const plain = pairedLogEstimate([1, 2, 3, 4, 5, 6, 7, 8, 9, 100])!
    assert.ok(plain.estimate > 14 && plain.standardError > 9, 'the plain mean is carried away by the wild value')
    assert.deepEqual(trimmedPairedLogEstimate([0.1, 0.2, 0.15, 0.3]), pairedLogEstimate([0.1, 0.2, 0.15, 0.3]), 'below 5 pairs nothing is trimmed')
  })
  test('history: this run against the median of the stored runs, a prediction interval with a floored spread', () => {
    const logs = [0, 0.1, -0.1, 0.05, -0.05]
    const estimate = historyLogEstimate(0.2, logs)!
    close(estimate.noise, Math.sqrt(0.025 / 4), 1e-12, 'below 8 runs: the plain sd of the stored runs')
    close(estimate.standardError, Math.sqrt(0.025 / 4) * Math.sqrt(1 + Math.PI / 10), 1e-12, 'one new run plus the median of 5')
    assert.equal(estimate.degreesOfFreedom, 4)
    assert.equal(estimate.baselineLog, 0)
    assert.equal(historyLogEstimate(0.2, [0, 0.1]), undefined, 'two stored runs are not a spread')
    assert.equal(historyLogEstimate(0.2, [0, 0, 0])!.noise, MIN_RUN_NOISE, 'identical stored values get the floor')
    assert.equal(historyLogEstimate(0.2, [0, 0, 0], 0.05)!.noise, 0.05, "never narrower than the trials' own spread")
  })
  test('robust spread: from 8 runs one wild run is winsorized; below, the sd (a wild run only widens it)', () => {
    const calm = [0, 0.02, -0.02, 0.01, -0.01, 0.03, -0.03, 0.015, -0.015, 0]
    const wild = [...calm.slice(0, 9), 0.7]
    const calmSpread = robustSpread(calm)
    assert.equal(calmSpread.degreesOfFreedom, 7)
    assert.ok(robustSpread(wild).spread < 1.5 * calmSpread.spread, `${robustSpread(wild).spread} vs ${calmSpread.spread}`)
    assert.ok(sampleStandardDeviation(wild) > 10 * calmSpread.spread, 'the plain sd would be blown up')
    assert.deepEqual(robustSpread([0, 0.1, -0.1]), { spread: 0.1, degreesOfFreedom: 2 })
  })
  test('within-run spread: trials around their run median, pooled, one shocked trial ignored', () => {
    const runs = [
      [100, 102, 98, 101, 99],
      [200, 204, 196, 202, 300]
    ]
    const spread = withinRunSpread(runs)
    assert.ok(spread > 0.005 && spread < 0.03, `${spread}`)
    assert.equal(withinRunSpread([[5], [7]]), 0, 'one-trial runs show no spread')
  })
  test('outlying trials: one per side, on the worse side only, from 4 trials', () => {
    const base = [0, 0.01, -0.01, 0.005, -0.005].map((x) => x)
    const shocked = [0.1, 0.11, 0.09, 0.4, 0.1]
    const { baseline, current } = withoutOutlyingTrials(base, shocked, 1)
    assert.deepEqual(baseline, base)
    assert.deepEqual(current, [0.1, 0.11, 0.09, 0.1])
    assert.deepEqual(withoutOutlyingTrials(base, shocked, -1).current, shocked, 'a surprisingly good trial is kept')
    assert.deepEqual(withoutOutlyingTrials([0, 0.01, 0.5], [0, 0.01, 0.02], 1).baseline, [0, 0.01, 0.5], 'three trials keep all')
  })
  test('identical values give a zero-width interval, not NaN', () => {
    const estimate = trialsLogEstimate([1, 1, 1], [2, 2, 2])!
    assert.deepEqual(boundsAt(estimate, 0.01), { low: 1, high: 1 })
  })
  test('Hochberg: from the least certain, the first rank k certain at alpha / (m − k + 1) takes every more certain one with it', () => {
    assert.deepEqual(
      hochbergAlphas([0.0001, 0.5, 0.002], 0.006),
      [0.003, 0.006, 0.003],
      'by p: the least certain is not; the next is at 0.006/2, and so is the first'
    )
    assert.deepEqual(
      hochbergAlphas([0.0001, 0.004, 0.5], 0.006),
      [0.002, 0.003, 0.003],
      '0.004 is not below 0.003: only the first is certain; the rest at 0.003'
    )
    assert.deepEqual(hochbergAlphas([0.0001, 0.0002, 0.001], 0.006), [0.006, 0.006, 0.006], 'the least certain is at 0.006: so are all')
    assert.deepEqual(hochbergAlphas([0.004, 0.004, 0.004], 0.006), [0.006, 0.006, 0.006], 'the same evidence three times is judged as once (Holm: 0.002, none)')
    assert.deepEqual(hochbergAlphas([0.9, 0.8], 0.01), [0.005, 0.005], 'none certain: every one at Bonferroni')
    assert.deepEqual(hochbergAlphas([], 0.01), [])
  })
  test('t distribution function inverts the quantile', () => {
    close(studentTCdf(studentTQuantile(0.975, 5), 5), 0.975, 1e-9, 'cdf(quantile)')
    close(studentTCdf(0, 3), 0.5, 1e-12, 'symmetric')
  })
  test('the error budget is split across metrics and looks (Bonferroni)', () => {
    assert.equal(alphaPerTest(0.01, 4, 1), 0.0025)
    assert.equal(alphaPerTest(0.006, 2, 3), 0.001)
    assert.equal(alphaPerTest(0.01, 0), 0.01, 'no gated metric still gets the whole budget')
  })
})
