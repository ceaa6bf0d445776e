/**
 * Student's t quantiles and distribution function, from @stdlib (simple-statistics has no t distribution). Small
 * samples (2–20 pairs or trials) are the normal case here, where the normal approximation would be far too narrow.
 */
import tCdf from '@stdlib/stats-base-dists-t-cdf'
import tQuantile from '@stdlib/stats-base-dists-t-quantile'

/** The `probability` quantile of Student's t with `degreesOfFreedom` (e.g. 0.975 and 5 → 2.5706). */
export function studentTQuantile(probability: number, degreesOfFreedom: number): number {
  if (!(probability > 0 && probability < 1)) throw new RangeError(`t quantile: probability ${probability} is not in (0, 1)`)
  if (!(degreesOfFreedom > 0)) throw new RangeError(`t quantile: degrees of freedom ${degreesOfFreedom} must be above 0`)
  return tQuantile(probability, degreesOfFreedom)
}

/** P(T ≤ t) for Student's t with `degreesOfFreedom` (e.g. 2.5706 and 5 → 0.975). */
export function studentTCdf(t: number, degreesOfFreedom: number): number {
  if (!(degreesOfFreedom > 0)) throw new RangeError(`t distribution: degrees of freedom ${degreesOfFreedom} must be above 0`)
  return tCdf(t, degreesOfFreedom)
}
