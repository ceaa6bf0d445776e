/**
 * The HTML report's latency curve shows the trials the verdict judged: a first trial set aside as a warm-up (the
 * server still cold) is left out of its side's curve, and the page says so; it was drawn in before.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { buildHistogram, encodeHistogram } from '../../src/results/histogram.js'
import type { Results, Trial } from '../../src/results/model.js'
import { latencyDistributions } from '../../src/report/latency-distributions.js'

/** A load trial whose every request took `micros` (its p95 is that, in ms). */
function trialAt(micros: number): Trial {
  const histogram = buildHistogram(60_000_000)
  histogram.recordValueWithCount(micros, 1000)
  const trial: Trial = {
    metrics: { p95: { value: micros / 1000, unit: 'ms', direction: 'lower' } },
    distributions: { latency: { unit: 'µs', hdrHistogram: encodeHistogram(histogram) } }
  }
  histogram.destroy()
  return trial
}

const load = (name: string, micros: number[]): Results => ({ schemaVersion: 1, scenarios: [{ name, trials: micros.map(trialAt) }] })

test('a cold first trial is left out of the curve when the gated metric sets it aside, and kept when it does not', () => {
  const current = load('GET /', [30_000, 10_000, 10_200, 9_900, 10_100])
  const baseline = load('GET /', [10_000, 10_100, 9_950, 10_050, 10_000])
  const [judged] = latencyDistributions(['GET /'], current, baseline, new Map([['GET /', ['p95']]]))
  assert.deepEqual(judged!.warmUpLeftOut, ['current'])
  const top = judged!.current!.find((point) => point.percentile === 99.999)!.value
  assert.ok(top < 11_000, `the 30 ms warm-up trial is not in the curve (p99.999 ${top} µs)`)
  assert.ok(judged!.baseline!.every((point) => point.value < 11_000))

  const [ungated] = latencyDistributions(['GET /'], current, baseline)
  assert.equal(ungated!.warmUpLeftOut, undefined, 'no gated metric: every trial is drawn')
  assert.ok(ungated!.current!.find((point) => point.percentile === 99.999)!.value >= 29_000)

  const steady = load('GET /', [10_000, 10_200, 9_900, 10_100, 10_050])
  const [kept] = latencyDistributions(['GET /'], steady, baseline, new Map([['GET /', ['p95']]]))
  assert.equal(kept!.warmUpLeftOut, undefined, 'a steady first trial stays in')
})
