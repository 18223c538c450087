/**
 * "Did you mean …?" for a mistyped name: the candidate nearest by edit distance, when it is
 * near enough to be a typo rather than another name altogether.
 */

/** Levenshtein distance: single-character insertions, deletions and substitutions. */
export function editDistance(a: string, b: string): number {
  // One row of the dynamic-programming table at a time: row[j] = distance(a[0..i), b[0..j)).
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (row[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      next.push(Math.min(substitution, (row[j] as number) + 1, (next[j - 1] as number) + 1));
    }
    row = next;
  }
  return row[b.length] as number;
}

/**
 * The candidate closest to `name` within `maxDistance` edits (default 2), else null; ties go
 * to the first in `candidates`, and `name` itself never counts as a suggestion.
 *   "helo" among ["hello", "help-desk"] → "hello" (1 edit)
 *   "payments" among ["hello"]          → null (too far to be a typo)
 */
export function closestName(name: string, candidates: readonly string[], maxDistance = 2): string | null {
  let best: string | null = null;
  let bestDistance = maxDistance + 1;
  for (const candidate of candidates) {
    if (candidate === name) continue;
    const distance = editDistance(name, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
