/** Part `index` (from 0) of `total` whole units split `count` ways: the remainder goes to the first parts. */
export function evenShare(total: number, index: number, count: number): number {
  return Math.floor(total / count) + (index < total % count ? 1 : 0)
}
