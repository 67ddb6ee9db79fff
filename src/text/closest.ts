/** "Did you mean": the known name closest to a misspelt one, by edit distance. */

/** Levenshtein distance, case-insensitive (`Hardware` vs `hardwre` is one edit). */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase()
  const y = b.toLowerCase()
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j)
  for (let i = 1; i <= x.length; i++) {
    const row = [i]
    for (let j = 1; j <= y.length; j++) {
      row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1))
    }
    previous = row
  }
  return previous[y.length]!
}

/**
 * The known name nearest to `name`, or undefined when none is near enough to be a typo
 * (at most a third of the name's length in edits, and at least 2 allowed).
 */
export function closestName(name: string, known: Iterable<string>): string | undefined {
  const limit = Math.max(2, Math.floor(name.length / 3))
  let best: { name: string; distance: number } | undefined
  for (const candidate of known) {
    const distance = editDistance(name, candidate)
    if (distance <= limit && (best === undefined || distance < best.distance)) best = { name: candidate, distance }
  }
  return best?.name
}

/** ` (did you mean "hardware"?)`, or '' when nothing is close. */
export function didYouMean(name: string, known: Iterable<string>): string {
  const close = closestName(name, known)
  return close === undefined ? '' : ` (did you mean ${JSON.stringify(close)}?)`
}
