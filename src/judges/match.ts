/** Matching rows regardless of order, for SQL rows and reference-output lines. */

export interface UnorderedMatch {
  /** Indexes of expected rows no actual row matched. */
  missing: number[];
  /** Indexes of actual rows that matched no expected row. */
  unexpected: number[];
}

/** Above this many leftover rows, matching falls back to first-fit (quadratic work stays bounded). */
const MAX_EXACT_MATCHING = 2000;

/**
 * Pairs expected with actual rows one to one. Rows with equal keys pair up
 * first (cheap, and the usual case); the rest are matched with `equal`, which
 * may be tolerant (numbers within a tolerance), by maximum bipartite matching,
 * so a tolerant match never steals the partner another row needed.
 */
export function matchUnordered<E, A>(
  expected: readonly E[],
  actual: readonly A[],
  equal: (e: E, a: A) => boolean,
  keyOfExpected: (e: E) => string,
  keyOfActual: (a: A) => string,
): UnorderedMatch {
  const byKey = new Map<string, number[]>();
  actual.forEach((a, i) => {
    const key = keyOfActual(a);
    const list = byKey.get(key);
    if (list) list.push(i);
    else byKey.set(key, [i]);
  });
  const usedActual = new Set<number>();
  const leftExpected: number[] = [];
  expected.forEach((e, i) => {
    const candidates = byKey.get(keyOfExpected(e));
    const j = candidates?.find((c) => !usedActual.has(c) && equal(e, actual[c] as A));
    if (j === undefined) leftExpected.push(i);
    else usedActual.add(j);
  });
  const leftActual = actual.map((_, i) => i).filter((i) => !usedActual.has(i));

  const partnerOfActual = new Map<number, number>();
  const exact = leftExpected.length <= MAX_EXACT_MATCHING && leftActual.length <= MAX_EXACT_MATCHING;
  const tryAssign = (ei: number, seen: Set<number>): boolean => {
    for (const ai of leftActual) {
      if (seen.has(ai) || !equal(expected[ei] as E, actual[ai] as A)) continue;
      seen.add(ai);
      const current = partnerOfActual.get(ai);
      if (current === undefined || (exact && tryAssign(current, seen))) {
        partnerOfActual.set(ai, ei);
        return true;
      }
    }
    return false;
  };
  const missing = leftExpected.filter((ei) => !tryAssign(ei, new Set()));
  const unexpected = leftActual.filter((ai) => !partnerOfActual.has(ai));
  return { missing, unexpected };
}
