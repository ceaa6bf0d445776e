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
  /**
   * ln of the baseline arm's representative value (the level the estimate is measured from), when the estimator has
   * one: the current arm's level is then `baselineLog + estimate`, so the two levels' ratio is the estimate's ratio.
   */
  baselineLog?: number
  /** Trials each side contributed, when that can be fewer than it has (a warm-up or outlying trial set aside). */
  used?: { baseline: number; current: number }
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
 * Independent trials of each side: Student's interval on the difference of mean log values, with the two sides'
 * variances pooled (n_b + n_c − 2 degrees of freedom). The question is whether the code changed anything; under "it
 * did not", both sides' trials come from one distribution, which is exactly what pooling assumes. Welch's unequal-
 * variance interval answered a question nobody asks here and paid for it: when one side happened to be tight, its
 * Welch–Satterthwaite degrees of freedom fell towards 3 and a clear +18% on 5 v 5 trials could not be shown.
 */
export function trialsLogEstimate(baselineLogs: number[], currentLogs: number[]): LogEstimate | undefined {
  const nb = baselineLogs.length
  const nc = currentLogs.length
  if (nb < 2 || nc < 2) return undefined
  const sb2 = sampleStandardDeviation(baselineLogs) ** 2
  const sc2 = sampleStandardDeviation(currentLogs) ** 2
  const degreesOfFreedom = nb + nc - 2
  const noise = Math.sqrt(((nb - 1) * sb2 + (nc - 1) * sc2) / degreesOfFreedom)
  const standardError = noise * Math.sqrt(1 / nb + 1 / nc)
  const baselineLog = mean(baselineLogs)
  return {
    estimate: mean(currentLogs) - baselineLog,
    standardError,
    degreesOfFreedom,
    noise,
    sampleSize: Math.min(nb, nc),
    baselineLog,
    used: { baseline: nb, current: nc }
  }
}

/** How far (in robust sds of the pooled trials) a trial must stand from its side's median to be set aside. */
const OUTLYING_TRIAL_SDS = 4
/** ... and at least this far (log), so that trials a few % apart are never set aside on tight data. */
const OUTLYING_TRIAL_MIN = Math.log(1.05)

/**
 * Each side without its one outlying trial on the worse side, if it has one: a trial more than 4 robust sds (and 5%)
 * worse than its side's median, the robust sd pooled over both sides' deviations (1.4826 · median absolute
 * deviation). A noisy neighbour hits about one trial in 30 with a one-sided +10–50% (interference only ever slows);
 * kept, such a trial inflates the sd so much that even a +30% change cannot be shown; dropped, the remaining trials
 * decide. Only the worse side is trimmed, on both arms alike, so unchanged code stays unchanged; a trial that is
 * surprisingly good is kept. At most one per side, only from 4 trials. `worse` is +1 when higher values are worse.
 */
export function withoutOutlyingTrials(baselineLogs: number[], currentLogs: number[], worse: 1 | -1): { baseline: number[]; current: number[] } {
  const deviations = (logs: number[]): number[] => {
    const center = median(logs)
    return logs.map((x) => x - center)
  }
  const sides = [baselineLogs, currentLogs].map((logs) => ({ logs, deviations: deviations(logs) }))
  const pooled = sides.flatMap((side) => side.deviations.map(Math.abs))
  const cutoff = Math.max(OUTLYING_TRIAL_SDS * 1.4826 * median(pooled), OUTLYING_TRIAL_MIN)
  const [baseline, current] = sides.map(({ logs, deviations }) => {
    if (logs.length < 4) return logs
    let worst = 0
    for (let i = 1; i < logs.length; i++) if (worse * deviations[i]! > worse * deviations[worst]!) worst = i
    return worse * deviations[worst]! > cutoff ? logs.filter((_, i) => i !== worst) : logs
  })
  return { baseline: baseline!, current: current! }
}

/** Stored runs needed before their spread is trusted as the run-to-run noise. */
export const MIN_HISTORY_RUNS = 3

/**
 * The least run-to-run noise a stored history is credited with (log sd): no two runs on shared CI machines agree
 * better than about 2%, and three identical stored values (quantized percentiles do this) must not give a
 * zero-width interval.
 */
export const MIN_RUN_NOISE = 0.02

/** Stored runs from which the spread winsorizes its extremes (below, n − 3 degrees of freedom cost too much). */
const WINSORIZE_FROM = 8

/**
 * A run-to-run spread that one wild run cannot shrink or blow up. From 8 runs on: the sd of the runs with the
 * lowest and the highest winsorized (set to their neighbours), scaled so that its square is unbiased for normal
 * runs (factor 1 + 1.7 / (n − 2.57), fitted by simulation: 1.70 at 5 runs, 1.23 at 10, 1.10 at 20), with n − 3
 * degrees of freedom (Yuen's h − 1). It keeps most of the sd's efficiency, unlike the median absolute deviation (37%),
 * whose small-sample swings once let unchanged code fail. Below 8 runs: the plain sd with n − 1 (a wild run only
 * widens it, which makes the gate more careful, never bolder; the center is a median, which it cannot move).
 */
export function robustSpread(logs: number[]): { spread: number; degreesOfFreedom: number } {
  const n = logs.length
  if (n < 2) return { spread: 0, degreesOfFreedom: 0 }
  if (n < WINSORIZE_FROM) return { spread: sampleStandardDeviation(logs), degreesOfFreedom: n - 1 }
  const sorted = [...logs].sort((a, b) => a - b)
  sorted[0] = sorted[1]!
  sorted[n - 1] = sorted[n - 2]!
  return { spread: sampleStandardDeviation(sorted) * (1 + 1.7 / (n - 2.57)), degreesOfFreedom: n - 3 }
}

/**
 * One current run against the stored history of the default branch (each stored run on whatever runner it got):
 * the baseline level is the median of the stored runs (one wild stored run cannot move it), the run-to-run spread
 * is robust (`robustSpread`) and never narrower than the trials' own spread (`withinRunNoise`) or `MIN_RUN_NOISE`.
 * The interval is a prediction interval for one new run: its own spread plus that of the median of n runs
 * (π/2 · σ² / n), with the t quantile paying for estimating the spread from few runs.
 */
export function historyLogEstimate(currentLog: number, historyLogs: number[], withinRunNoise = 0): LogEstimate | undefined {
  const n = historyLogs.length
  if (n < MIN_HISTORY_RUNS) return undefined
  const baselineLog = median(historyLogs)
  const { spread, degreesOfFreedom } = robustSpread(historyLogs)
  const noise = Math.max(spread, withinRunNoise, MIN_RUN_NOISE)
  const standardError = noise * Math.sqrt(1 + Math.PI / (2 * n))
  return { estimate: currentLog - baselineLog, standardError, degreesOfFreedom, noise, sampleSize: n, baselineLog }
}

/**
 * The spread of single trials around their run's median, pooled over runs with 2+ trials (1.4826 · median absolute
 * deviation, so one shocked trial does not count as the noise); 0 when no run has 2 trials.
 */
export function withinRunSpread(runs: number[][]): number {
  const deviations: number[] = []
  for (const run of runs) {
    if (run.length < 2) continue
    const logs = run.map(Math.log)
    const center = median(logs)
    for (const x of logs) deviations.push(Math.abs(x - center))
  }
  return deviations.length === 0 ? 0 : 1.4826 * median(deviations)
}

/** The log of a run's representative value: the median of its trials (robust to one disturbed trial). */
export function runLog(values: number[]): number {
  return Math.log(median(values))
}
