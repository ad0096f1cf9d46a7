import { choose, logChoose, mean, seededRandom } from './stats.js';

/** Scores of one task in the baseline and the candidate (one value per epoch). */
export interface PairedTaskScores {
  base: readonly number[];
  head: readonly number[];
}

export interface PermutationResult {
  /** Mean over tasks of (candidate mean - baseline mean). */
  observed: number;
  /** Small when the candidate is worse. */
  pLess: number;
  /** Small when the candidate is better. */
  pGreater: number;
  /** The smallest one-sided p any outcome of this size could reach. */
  minAttainableP: number;
  method: 'exact' | 'monte_carlo';
  iterations: number;
}

const SUPPORT_LIMIT = 100_000;
const SUBSET_LIMIT = 20_000;

/**
 * A permutation test for the change in the suite's mean score, stratified by
 * task: under "no change", a task's baseline and candidate runs are
 * exchangeable, so labels are shuffled within each task. Exact (by convolving
 * each task's permutation distribution) when the support stays small, as with
 * pass/fail scores; Monte Carlo with a seeded generator otherwise. With one
 * epoch this is the sign-flip test over tasks.
 */
export function stratifiedPermutationTest(
  tasks: readonly PairedTaskScores[],
  opts: { iterations?: number; seed?: number } = {},
): PermutationResult {
  const usable = tasks.filter((t) => t.base.length > 0 && t.head.length > 0);
  const m = usable.length;
  if (m === 0)
    return { observed: 0, pLess: 1, pGreater: 1, minAttainableP: 1, method: 'exact', iterations: 0 };
  const observed = mean(usable.map((t) => mean(t.head) - mean(t.base)));
  let minAttainableP = 1;
  for (const t of usable) minAttainableP /= choose(t.base.length + t.head.length, t.head.length);
  const eps = 1e-9;
  const exact = exactDistribution(usable);
  if (exact) {
    let pLess = 0;
    let pGreater = 0;
    for (const [value, p] of exact) {
      if (value <= observed + eps) pLess += p;
      if (value >= observed - eps) pGreater += p;
    }
    return {
      observed,
      pLess: Math.min(1, pLess),
      pGreater: Math.min(1, pGreater),
      minAttainableP,
      method: 'exact',
      iterations: 0,
    };
  }
  const iterations = opts.iterations ?? 10_000;
  const random = seededRandom(opts.seed ?? 1);
  const pools = usable.map((t) => [...t.base, ...t.head]);
  const sums = pools.map((pool) => pool.reduce((s, x) => s + x, 0));
  let atOrBelow = 0;
  let atOrAbove = 0;
  for (let it = 0; it < iterations; it++) {
    let total = 0;
    usable.forEach((t, i) => {
      const pool = pools[i] as number[];
      const nHead = t.head.length;
      // Partial Fisher-Yates: the first nHead slots become the candidate's runs.
      let headSum = 0;
      const all = sums[i] as number;
      for (let j = 0; j < nHead; j++) {
        const k = j + Math.floor(random() * (pool.length - j));
        const tmp = pool[j] as number;
        pool[j] = pool[k] as number;
        pool[k] = tmp;
        headSum += pool[j] as number;
      }
      total += headSum / nHead - (all - headSum) / t.base.length;
    });
    const value = total / m;
    if (value <= observed + eps) atOrBelow++;
    if (value >= observed - eps) atOrAbove++;
  }
  return {
    observed,
    pLess: (atOrBelow + 1) / (iterations + 1),
    pGreater: (atOrAbove + 1) / (iterations + 1),
    minAttainableP: Math.max(minAttainableP, 1 / (iterations + 1)),
    method: 'monte_carlo',
    iterations,
  };
}

/** The exact null distribution of the statistic as value -> probability, or null when too large. */
function exactDistribution(tasks: readonly PairedTaskScores[]): Map<number, number> | null {
  const m = tasks.length;
  let dist = new Map<number, number>([[0, 1]]);
  for (const t of tasks) {
    const perTask = taskDistribution(t, m);
    if (!perTask) return null;
    const next = new Map<number, number>();
    for (const [v1, p1] of dist)
      for (const [v2, p2] of perTask) {
        const key = roundKey(v1 + v2);
        next.set(key, (next.get(key) ?? 0) + p1 * p2);
      }
    if (next.size > SUPPORT_LIMIT) return null;
    dist = next;
  }
  return dist;
}

function roundKey(v: number): number {
  return Math.round(v * 1e9) / 1e9;
}

/** One task's contribution to the statistic under all relabelings, each equally likely. */
function taskDistribution(t: PairedTaskScores, m: number): Map<number, number> | null {
  const pool = [...t.base, ...t.head];
  const nHead = t.head.length;
  const nBase = t.base.length;
  const all = pool.reduce((s, x) => s + x, 0);
  const contribution = (headSum: number): number => roundKey((headSum / nHead - (all - headSum) / nBase) / m);
  const out = new Map<number, number>();
  const binary = pool.every((x) => x === 0 || x === 1);
  if (binary) {
    // The candidate's pass count is hypergeometric.
    const passes = all;
    const denominator = logChoose(pool.length, nHead);
    for (let x = Math.max(0, passes - nBase); x <= Math.min(nHead, passes); x++) {
      const p = Math.exp(logChoose(passes, x) + logChoose(pool.length - passes, nHead - x) - denominator);
      out.set(contribution(x), (out.get(contribution(x)) ?? 0) + p);
    }
    return out;
  }
  const count = choose(pool.length, nHead);
  if (count > SUBSET_LIMIT) return null;
  const weight = 1 / count;
  const walk = (start: number, left: number, sum: number): void => {
    if (left === 0) {
      const key = contribution(sum);
      out.set(key, (out.get(key) ?? 0) + weight);
      return;
    }
    for (let i = start; i <= pool.length - left; i++) walk(i + 1, left - 1, sum + (pool[i] as number));
  };
  walk(0, nHead, 0);
  return out;
}
