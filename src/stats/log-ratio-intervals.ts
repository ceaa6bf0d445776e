/**
 * Confidence bounds for a change, on the log scale: effects are multiplicative and a log-ratio treats "twice as
 * slow" and "half as slow" symmetrically. Every interval here is built from whole runs or trials, never from the
 * requests inside one run (those share the runner's state, and would turn a machine-level shift into
 * false "significance").
 *
 * Each function returns an estimate with its standard error; `boundsAt` turns it into one-sided bounds. The gate asks
 * two one-sided questions at two confidences: "is it surely worse than the noise floor?" with the strict, split error
 * budget (a false failure is what makes teams abandon a gate), and "is it surely within the threshold?" at a plain
 * 95% (a wrong pass costs at most a regression of about the threshold's size).
 */
import { mean, median, sampleStandardDeviation } from 'simple-statistics'
import { studentTQuantile } from './t-distribution.js'

export interface LogEstimate {
  /** Estimated ln(current / baseline). */
  estimate: number
  standardError: number
  degreesOfFreedom: number
  /** The spread of one observation (a pair, a trial or a run) as a log standard deviation (≈ relative sd). */
  noise: number
  /** Pairs, trials (the smaller side) or stored runs behind the estimate. */
  sampleSize: number
}

/** One-sided bounds, each at confidence 1 − alpha (together a 1 − 2·alpha interval). */
export function boundsAt(estimate: LogEstimate, alpha: number): { low: number; high: number } {
  if (estimate.standardError === 0) return { low: estimate.estimate, high: estimate.estimate }
  const t = studentTQuantile(1 - alpha, estimate.degreesOfFreedom)
  return { low: estimate.estimate - t * estimate.standardError, high: estimate.estimate + t * estimate.standardError }
}

/**
 * Same-runner pairs: `logRatios[i] = ln(head_i / base_i)`. A paired t interval on their mean; pairing removes the
 * runner-to-runner part of the noise, which is why A/B on one machine can decide what stored baselines cannot.
 */
export function pairedLogEstimate(logRatios: number[]): LogEstimate | undefined {
  const n = logRatios.length
  if (n < 2) return undefined
  const noise = sampleStandardDeviation(logRatios)
  return { estimate: mean(logRatios), standardError: noise / Math.sqrt(n), degreesOfFreedom: n - 1, noise, sampleSize: n }
}

/**
 * The same, robust to disturbed pairs: Yuen's trimmed mean (20% cut from each end) with its winsorized standard
 * error and h − 1 degrees of freedom (Wilcox, "Introduction to Robust Estimation", 5.3). A noisy neighbour that slows
 * one arm of a pair by 30% moves a plain mean and inflates its spread; it barely moves a trimmed mean. Below 5 pairs
 * nothing is trimmed and this is the plain paired t.
 */
export function trimmedPairedLogEstimate(logRatios: number[], trim = 0.2): LogEstimate | undefined {
  const n = logRatios.length
  const cut = Math.floor(trim * n)
  if (cut === 0) return pairedLogEstimate(logRatios)
  const sorted = [...logRatios].sort((a, b) => a - b)
  const kept = sorted.slice(cut, n - cut)
  const winsorized = sorted.map((value) => Math.min(Math.max(value, kept[0]!), kept[kept.length - 1]!))
  const h = kept.length
  const winsorizedVariance = sampleStandardDeviation(winsorized) ** 2
  const standardError = Math.sqrt(((n - 1) * winsorizedVariance) / (h * (h - 1)))
  return { estimate: mean(kept), standardError, degreesOfFreedom: h - 1, noise: standardError * Math.sqrt(n), sampleSize: n }
}

/**
 * Independent trials of each side measured on the same machine: Welch's interval on the difference of mean log
 * values (unequal variances and sizes; Welch–Satterthwaite degrees of freedom).
 */
export function welchLogEstimate(baselineLogs: number[], currentLogs: number[]): LogEstimate | undefined {
  const nb = baselineLogs.length
  const nc = currentLogs.length
  if (nb < 2 || nc < 2) return undefined
  const sb2 = sampleStandardDeviation(baselineLogs) ** 2
  const sc2 = sampleStandardDeviation(currentLogs) ** 2
  const vb = sb2 / nb
  const vc = sc2 / nc
  const standardError = Math.sqrt(vb + vc)
  const degreesOfFreedom = standardError === 0 ? nb + nc - 2 : (vb + vc) ** 2 / (vb ** 2 / (nb - 1) + vc ** 2 / (nc - 1))
  const noise = Math.sqrt(((nb - 1) * sb2 + (nc - 1) * sc2) / (nb + nc - 2))
  return { estimate: mean(currentLogs) - mean(baselineLogs), standardError, degreesOfFreedom, noise, sampleSize: Math.min(nb, nc) }
}

/** Stored runs needed before their spread is trusted as the run-to-run noise. */
export const MIN_HISTORY_RUNS = 3

/**
 * One current run against one stored run, with the run-to-run spread taken from the stored history (runs of the
 * default branch, each on whatever runner it got). Both runs carry that spread, hence √2; the t quantile with
 * n − 1 degrees of freedom pays for estimating it from few runs. Real changes on the default branch inflate the
 * spread, which only makes the gate more careful.
 */
export function historyLogEstimate(currentLog: number, baselineLog: number, historyLogs: number[]): LogEstimate | undefined {
  const n = historyLogs.length
  if (n < MIN_HISTORY_RUNS) return undefined
  const noise = sampleStandardDeviation(historyLogs)
  return { estimate: currentLog - baselineLog, standardError: noise * Math.SQRT2, degreesOfFreedom: n - 1, noise, sampleSize: n }
}

/** The log of a run's representative value: the median of its trials (robust to one disturbed trial). */
export function runLog(values: number[]): number {
  return Math.log(median(values))
}
