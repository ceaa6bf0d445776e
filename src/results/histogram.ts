/**
 * HdrHistograms in the results model: the standard compressed base64 encoding ("HISTFAAA..."), merged by adding
 * counts (the only exact way to combine percentiles), and the latency metrics read back from one.
 */
import * as hdr from 'hdr-histogram-js'
import { InputError } from '../errors.js'
import type { MetricValue } from './model.js'

/** Decodes one encoded histogram; `where` names it in messages. */
export function decodeHistogram(base64: string, where: string): hdr.Histogram {
  try {
    return hdr.decodeFromCompressedBase64(base64, 32, false)
  } catch (error) {
    throw new InputError(`${where}: not an HdrHistogram in the compressed base64 encoding (${(error as Error).message})`)
  }
}

export function encodeHistogram(histogram: hdr.Histogram): string {
  return hdr.encodeIntoCompressedBase64(histogram)
}

/**
 * An empty histogram at 3 significant digits from 1 unit up, growing as needed; `highestTrackable` sets its
 * initial range (recorders clamp to it).
 */
export function buildHistogram(highestTrackable?: number): hdr.Histogram {
  return hdr.build({
    bitBucketSize: 64,
    numberOfSignificantValueDigits: 3,
    lowestDiscernibleValue: 1,
    ...(highestTrackable !== undefined ? { highestTrackableValue: highestTrackable } : {}),
    autoResize: true
  })
}

/** Adds encoded histograms into one (exact: counts per bucket add). */
export function mergeEncodedHistograms(encoded: Array<{ base64: string; where: string }>): hdr.Histogram {
  const merged = buildHistogram()
  for (const { base64, where } of encoded) {
    const histogram = decodeHistogram(base64, where)
    merged.add(histogram)
    histogram.destroy()
  }
  return merged
}

/** Percentile metric names and the percentile each reads. */
export const PERCENTILE_OF_METRIC: Readonly<Record<string, number>> = {
  p50: 50,
  p75: 75,
  p90: 90,
  p95: 95,
  p97_5: 97.5,
  p99: 99,
  'p99.9': 99.9,
  'p99.99': 99.99
}

/**
 * The value a histogram gives for a latency metric name (p50…p99.99, mean, stdev, min, max), in the histogram's
 * own unit; undefined for names that are not read from the distribution (rates, counts, ...).
 */
export function histogramMetric(histogram: hdr.Histogram, metric: string): number | undefined {
  const percentile = PERCENTILE_OF_METRIC[metric]
  if (percentile !== undefined) return histogram.getValueAtPercentile(percentile)
  switch (metric) {
    case 'mean':
      return histogram.mean
    case 'stdev':
      return histogram.stdDeviation
    case 'min':
      return histogram.minNonZeroValue
    case 'max':
      return histogram.maxValue
    default:
      return undefined
  }
}

/** Re-reads `metrics` that come from the distribution, keeping their units and directions. */
export function refreshHistogramMetrics(
  metrics: Record<string, MetricValue>,
  histogram: hdr.Histogram,
  histogramUnit: string,
  convert: (value: number, from: string, to: string) => number | undefined
): Record<string, MetricValue> {
  const refreshed: Record<string, MetricValue> = {}
  for (const [name, metric] of Object.entries(metrics)) {
    const raw = histogramMetric(histogram, name)
    const value = raw === undefined ? undefined : convert(raw, histogramUnit, metric.unit)
    refreshed[name] = value === undefined ? metric : { ...metric, value }
  }
  return refreshed
}
