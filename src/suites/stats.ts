/**
 * Small-sample statistics for suite reports and comparisons, written out so
 * that every number in a report can be traced to a formula here.
 */

/** A seeded PRNG (mulberry32): deterministic comparisons and simulations. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function mean(xs: readonly number[]): number {
  return xs.length === 0 ? Number.NaN : xs.reduce((s, x) => s + x, 0) / xs.length;
}

/** The sample variance (n - 1 in the denominator); NaN below two values. */
export function sampleVariance(xs: readonly number[]): number {
  if (xs.length < 2) return Number.NaN;
  const m = mean(xs);
  return xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1);
}

function logGamma(x: number): number {
  // Lanczos approximation (g = 7, n = 9).
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const y = x - 1;
  let a = c[0] as number;
  const t = y + 7.5;
  for (let i = 1; i < 9; i++) a += (c[i] as number) / (y + i);
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(a);
}

/** The regularized incomplete beta function I_x(a, b), by its continued fraction. */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  // The fraction converges fast for x < (a + 1) / (a + b + 2); use the symmetry otherwise.
  if (x > (a + 1) / (a + b + 2)) return 1 - incompleteBeta(1 - x, b, a);
  const tiny = 1e-300;
  let f = 1;
  let c = 1;
  let d = 0;
  for (let i = 0; i <= 400; i++) {
    const m = Math.floor(i / 2);
    let numerator: number;
    if (i === 0) numerator = 1;
    else if (i % 2 === 0) numerator = (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m));
    else numerator = -((a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1));
    d = 1 + numerator * d;
    if (Math.abs(d) < tiny) d = tiny;
    d = 1 / d;
    c = 1 + numerator / c;
    if (Math.abs(c) < tiny) c = tiny;
    const cd = c * d;
    f *= cd;
    if (Math.abs(1 - cd) < 1e-12) break;
  }
  return (front * (f - 1)) / a;
}

/** P(T <= t) for Student's t with `df` degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** The `p` quantile of Student's t (bisection on the CDF). */
export function studentTQuantile(p: number, df: number): number {
  let lo = -1e3;
  let hi = 1e3;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** The `p` quantile of the standard normal (Acklam's rational approximation, |error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const poly = (k: number[], x: number): number => k.reduce((s, v) => s * x + v, 0);
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return poly(c, q) / (poly(d, q) * q + 1);
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (poly(a, r) * q) / (poly(b, r) * r + 1);
}

export interface MeanInterval {
  mean: number;
  /** Bounds of the 95% confidence interval; null with fewer than two values. */
  low: number | null;
  high: number | null;
  n: number;
}

/** The mean with a two-sided 95% t-interval. */
export function meanWithCi95(xs: readonly number[]): MeanInterval {
  const m = mean(xs);
  if (xs.length < 2) return { mean: m, low: null, high: null, n: xs.length };
  const half = studentTQuantile(0.975, xs.length - 1) * Math.sqrt(sampleVariance(xs) / xs.length);
  return { mean: m, low: m - half, high: m + half, n: xs.length };
}

/**
 * The unbiased pass@k estimator (Chen et al., 2021): the chance that at
 * least one of k samples drawn from the n recorded ones passes, given c passed.
 */
export function passAtK(n: number, c: number, k: number): number {
  if (k > n) throw new Error(`pass@${k} needs at least ${k} samples, got ${n}`);
  if (n - c < k) return 1;
  // 1 - C(n-c, k) / C(n, k), as a product to stay finite.
  let notPassed = 1;
  for (let i = n - c + 1; i <= n; i++) notPassed *= 1 - k / i;
  return 1 - notPassed;
}

/** log C(n, k), for counts too large for `choose`. */
export function logChoose(n: number, k: number): number {
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
}

export function choose(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  return Math.round(Math.exp(logChoose(n, k)));
}

export interface FisherResult {
  /** P(a result this extreme or more), both directions. */
  twoSided: number;
  /** Small when group 2's pass rate is below group 1's. */
  less: number;
  /** Small when group 2's pass rate is above group 1's. */
  greater: number;
}

/**
 * Fisher's exact test on two pass counts: `c1` of `n1` against `c2` of `n2`.
 * The two-sided p sums the tables no more likely than the one observed.
 */
export function fisherExact(c1: number, n1: number, c2: number, n2: number): FisherResult {
  const passes = c1 + c2;
  const total = n1 + n2;
  const lo = Math.max(0, passes - n1);
  const hi = Math.min(n2, passes);
  const logDenominator = logChoose(total, passes);
  const prob = (x: number): number => Math.exp(logChoose(n2, x) + logChoose(n1, passes - x) - logDenominator);
  const observed = prob(c2);
  let twoSided = 0;
  let less = 0;
  let greater = 0;
  for (let x = lo; x <= hi; x++) {
    const p = prob(x);
    if (p <= observed * (1 + 1e-7)) twoSided += p;
    if (x <= c2) less += p;
    if (x >= c2) greater += p;
  }
  const clip = (p: number): number => Math.min(1, p);
  return { twoSided: clip(twoSided), less: clip(less), greater: clip(greater) };
}

/** Benjamini-Hochberg adjusted p-values (q-values), in the input order. */
export function benjaminiHochberg(ps: readonly number[]): number[] {
  const m = ps.length;
  const order = ps.map((p, i) => ({ p, i })).sort((x, y) => x.p - y.p);
  const q = new Array<number>(m).fill(1);
  let running = 1;
  for (let r = m - 1; r >= 0; r--) {
    const entry = order[r] as { p: number; i: number };
    running = Math.min(running, (entry.p * m) / (r + 1));
    q[entry.i] = Math.min(1, running);
  }
  return q;
}

/**
 * The smallest change in a suite's mean score that a one-sided test at `alpha`
 * detects with probability `power`, for these numbers of runs per task. Uses
 * the largest variance a 0..1 score can have (0.25), so it depends only on the
 * suite's size: tasks and epochs.
 */
export function suiteMinimumDetectableEffect(
  runsPerTask: ReadonlyArray<{ base: number; head: number }>,
  alpha = 0.05,
  power = 0.8,
): number | null {
  const m = runsPerTask.length;
  if (m === 0) return null;
  const variance = runsPerTask.reduce((s, r) => s + 0.25 * (1 / r.base + 1 / r.head), 0);
  const se = Math.sqrt(variance) / m;
  return (normalQuantile(1 - alpha) + normalQuantile(power)) * se;
}

function binomialPmf(n: number, p: number): number[] {
  return Array.from({ length: n + 1 }, (_, k) =>
    p <= 0
      ? k === 0
        ? 1
        : 0
      : p >= 1
        ? k === n
          ? 1
          : 0
        : Math.exp(logChoose(n, k) + k * Math.log(p) + (n - k) * Math.log(1 - p)),
  );
}

/**
 * The smallest difference in pass rate between two groups of `n1` and `n2`
 * runs that Fisher's two-sided test at `level` detects with probability
 * `power`, taking the hardest case (rates centred on 50%). Null when no
 * difference can be detected (too few runs).
 */
export function fisherMinimumDetectableEffect(
  n1: number,
  n2: number,
  level: number,
  power = 0.8,
): number | null {
  const reject: Array<[number, number]> = [];
  for (let c1 = 0; c1 <= n1; c1++)
    for (let c2 = 0; c2 <= n2; c2++) if (fisherExact(c1, n1, c2, n2).twoSided <= level) reject.push([c1, c2]);
  if (reject.length === 0) return null;
  for (let step = 1; step <= 100; step++) {
    const delta = step / 100;
    const pa = binomialPmf(n1, 0.5 + delta / 2);
    const pb = binomialPmf(n2, 0.5 - delta / 2);
    const achieved = reject.reduce((s, [c1, c2]) => s + (pa[c1] as number) * (pb[c2] as number), 0);
    if (achieved >= power) return delta;
  }
  return null;
}
