/** "Did you mean …?": which known name a mistyped one most likely meant. Used by config messages and the CLI. */

/** Edit distance (insertions, deletions, substitutions), case-insensitive. */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  const row = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= y.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (x[i - 1] === y[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[y.length];
}

/** The known name closest to `given` within `maxDistance(known)` edits (default: 1 for short names, else 2). */
export function closestName(given: string, known: readonly string[], maxDistance: (name: string) => number = (k) => (k.length <= 4 ? 1 : 2)): string | undefined {
  const scored = known.map((k) => ({ k, d: editDistance(given, k) })).filter(({ k, d }) => d <= maxDistance(k));
  return scored.sort((a, b) => a.d - b.d)[0]?.k;
}
