/**
 * Splitting the error budget. With 40 gated metrics each tested at 1%, a clean PR would fail one time in three;
 * with three looks at growing samples, each look is another chance of a false alarm. Across the metrics of one
 * gate the budget is split by Hochberg's step-up (below): it holds the family-wise error of Bonferroni (alpha / m
 * for every metric) but loses far less power when several comparisons move together, as a slower build makes them.
 * Across the looks of same-runner A/B the budget is split evenly (Bonferroni).
 */

/**
 * Default one-sided error budget per gate run: 0.2% chance that unchanged code is "surely" beyond the noise floor.
 * The floor and the "estimate reaches the threshold" condition keep the real false-fail rate below this on quiet
 * data; on noisy evidence (±5% run-to-run history, ±10% trials) it approaches the budget, which is why it is 0.2%
 * and not the 0.5% it once was (0.2–0.3% of such unchanged gates failed then; docs/verdicts.md).
 */
export const DEFAULT_ALPHA = 0.002
/** Changes smaller than 3% are never called regressions or improvements, however certain. */
export const DEFAULT_NOISE_FLOOR = 0.03

/** The one-sided alpha for one metric at one look (Bonferroni). */
export function alphaPerTest(alpha: number, gatedMetrics: number, looks = 1): number {
  return alpha / (Math.max(1, gatedMetrics) * Math.max(1, looks))
}

/**
 * Hochberg's levels (1988): for one-sided p-values of the family (one per gated comparison, "worse than the noise
 * floor"), the alpha each is judged at. Sorted by p, the step-up finds the largest rank k (from 1) with
 * p ≤ alpha / (m − k + 1); every comparison up to it is judged at that level (all of them certain), the rest at
 * alpha / (m − k), where the next one failed (none of them is certain there; an improvement is judged at that level
 * too, as under Holm, never at a budget freed by the comparisons that are not certain).
 *
 * Where Holm's step-down stops at the first comparison that is not certain enough, Hochberg's looks from the least
 * certain: three metrics of one scenario with the same evidence (a slower build moves them together) are judged as
 * one would be, where Holm judged all three at alpha / 3 and, with three stored runs behind them (Student's t of 2
 * degrees of freedom), let a doubling go undecided. It holds the family-wise error when the comparisons are
 * independent or move together (positive dependence, as metrics of one run and scenarios of one build do);
 * bench/verdict-simulation.ts measures it under heavy-tailed noise.
 */
export function hochbergAlphas(pValues: number[], alpha: number): number[] {
  const m = pValues.length
  const order = pValues.map((p, index) => ({ p, index })).sort((a, b) => a.p - b.p)
  let certain = 0
  order.forEach(({ p }, rank) => {
    if (p <= alpha / (m - rank)) certain = rank + 1
  })
  const levels = new Array<number>(m)
  order.forEach(({ index }, rank) => {
    levels[index] = rank < certain ? alpha / (m - certain + 1) : alpha / (m - certain)
  })
  return levels
}

/** One-sided error of "the interval rules the threshold out": pass at 95%, per metric and look. */
export const DEFAULT_PASS_ALPHA = 0.05
