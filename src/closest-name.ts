/**
 * "Did you mean": the known name nearest to a typo or a glob, case-insensitive. A name equal but for case wins;
 * then the smallest edit distance (at most 2, and a third of the name), ties going to the name whose differing
 * characters are nearest ("p96" → p95, not p90); then, for a glob such as "latency_*", a name containing its
 * longest literal part.
 */
export function closestName(pattern: string, names: readonly string[]): string | undefined {
  const lower = pattern.toLowerCase()
  const sameCase = names.find((name) => name.toLowerCase() === lower)
  if (sameCase) return sameCase
  // Ties go to the name whose differing characters are nearest ("p96" → p95, not p90).
  let best: { name: string; distance: number; gap: number } | undefined
  for (const name of names) {
    const distance = editDistance(lower, name.toLowerCase())
    const gap = characterGap(lower, name.toLowerCase())
    if (distance > Math.min(2, Math.floor(pattern.length / 3) || 1)) continue
    if (!best || distance < best.distance || (distance === best.distance && gap < best.gap)) best = { name, distance, gap }
  }
  if (best) return best.name
  // A glob such as "latency_*": a name containing its longest literal part ("latency").
  const literal =
    lower
      .split(/[*?[\]{}(),!]+/)
      .map((part) => part.replace(/[_.\-/\s]+$/, ''))
      .sort((a, b) => b.length - a.length)[0] ?? ''
  return literal.length >= 3 ? names.find((name) => name.toLowerCase().includes(literal)) : undefined
}

function characterGap(a: string, b: string): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY
  let gap = 0
  for (let i = 0; i < a.length; i++) gap += Math.abs(a.charCodeAt(i) - b.charCodeAt(i))
  return gap
}

/**
 * Levenshtein distance, hand-written: ten lines on names of a few characters, not worth a dependency.
 */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) row.push(Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)))
    previous = row
  }
  return previous[b.length]!
}
