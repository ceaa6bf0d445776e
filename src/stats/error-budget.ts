/**
 * Splitting the error budget. With 40 gated metrics each tested at 1%, a clean PR would fail one time in three;
 * with three looks at growing samples, each look is another chance of a false alarm. Bonferroni: each metric at each
 * look gets alpha / (metrics × looks). It is conservative (and simple to state), and the noise floor and the
 * "estimate reaches the threshold" condition make the real false-alarm rate much lower still.
 */

/** Default one-sided error budget per gate run: at most 1% chance that unchanged code fails, before the floor. */
export const DEFAULT_ALPHA = 0.005
/** Changes smaller than 3% are never called regressions or improvements, however certain. */
export const DEFAULT_NOISE_FLOOR = 0.03

/** The one-sided alpha for one metric at one look. */
export function alphaPerTest(alpha: number, gatedMetrics: number, looks = 1): number {
  return alpha / (Math.max(1, gatedMetrics) * Math.max(1, looks))
}

/** One-sided error of "the interval rules the threshold out": pass at 95%, per metric and look. */
export const DEFAULT_PASS_ALPHA = 0.05
