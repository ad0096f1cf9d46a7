import { describe, expect, it } from 'vitest';
import { stratifiedPermutationTest } from '../../src/suites/permutation.js';
import {
  benjaminiHochberg,
  fisherExact,
  fisherMinimumDetectableEffect,
  incompleteBeta,
  meanWithCi95,
  normalQuantile,
  passAtK,
  seededRandom,
  studentTQuantile,
  suiteMinimumDetectableEffect,
} from '../../src/suites/stats.js';

describe('distributions', () => {
  it('matches textbook quantiles', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.8)).toBeCloseTo(0.841621, 5);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.326348, 5);
    // Student's t: df 1 (Cauchy), 4, 19, and close to the normal at large df.
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.7062, 3);
    expect(studentTQuantile(0.975, 4)).toBeCloseTo(2.7764, 3);
    expect(studentTQuantile(0.975, 19)).toBeCloseTo(2.093, 3);
    expect(studentTQuantile(0.975, 1000)).toBeCloseTo(1.9623, 3);
    expect(incompleteBeta(0.5, 2, 2)).toBeCloseTo(0.5, 10);
    expect(incompleteBeta(0.3, 1, 1)).toBeCloseTo(0.3, 10);
  });

  it('gives a 95% t-interval for a mean, and none for one value', () => {
    const ci = meanWithCi95([0.2, 0.4, 0.6, 0.8]);
    // sd = 0.2582, se = 0.1291, t(3) = 3.1824
    expect(ci.mean).toBeCloseTo(0.5);
    expect(ci.low).toBeCloseTo(0.5 - 3.1824 * 0.1291, 3);
    expect(ci.high).toBeCloseTo(0.5 + 3.1824 * 0.1291, 3);
    expect(meanWithCi95([0.7])).toEqual({ mean: 0.7, low: null, high: null, n: 1 });
  });

  it('covers the true mean about 95% of the time', () => {
    const random = seededRandom(7);
    let covered = 0;
    const trials = 2000;
    for (let i = 0; i < trials; i++) {
      const xs = Array.from({ length: 8 }, () => (random() < 0.6 ? 1 : 0) * 0.5 + random() * 0.5);
      const ci = meanWithCi95(xs);
      if ((ci.low ?? 0) <= 0.55 && 0.55 <= (ci.high ?? 1)) covered++;
    }
    expect(covered / trials).toBeGreaterThan(0.92);
    expect(covered / trials).toBeLessThan(0.98);
  });
});

describe('pass@k', () => {
  it('is the unbiased estimator 1 - C(n-c, k) / C(n, k)', () => {
    expect(passAtK(5, 0, 1)).toBe(0);
    expect(passAtK(5, 5, 3)).toBe(1);
    expect(passAtK(5, 2, 1)).toBeCloseTo(0.4);
    // 1 - C(3,2)/C(5,2) = 1 - 3/10
    expect(passAtK(5, 2, 2)).toBeCloseTo(0.7);
    // 1 - C(7,3)/C(10,3) = 1 - 35/120
    expect(passAtK(10, 3, 3)).toBeCloseTo(1 - 35 / 120);
    expect(() => passAtK(2, 1, 3)).toThrow(/needs at least 3 samples/);
  });
});

describe("Fisher's exact test", () => {
  it('matches known p-values', () => {
    // The lady tasting tea: 3 of 4 vs 1 of 4.
    expect(fisherExact(3, 4, 1, 4).twoSided).toBeCloseTo(0.4857, 4);
    expect(fisherExact(5, 5, 0, 5).twoSided).toBeCloseTo(2 / 252, 6);
    expect(fisherExact(5, 5, 0, 5).less).toBeCloseTo(1 / 252, 6);
    expect(fisherExact(5, 5, 0, 5).greater).toBe(1);
    expect(fisherExact(1, 1, 0, 1).twoSided).toBe(1);
    // R: fisher.test(matrix(c(8,2,1,5),2)) -> p = 0.03497
    expect(fisherExact(8, 10, 1, 6).twoSided).toBeCloseTo(0.03497, 4);
  });

  it('finds the smallest detectable pass-rate change, or none', () => {
    expect(fisherMinimumDetectableEffect(1, 1, 0.05)).toBeNull();
    const five = fisherMinimumDetectableEffect(5, 5, 0.05) ?? 2;
    const twenty = fisherMinimumDetectableEffect(20, 20, 0.05) ?? 2;
    expect(five).toBeGreaterThan(0.6);
    expect(twenty).toBeLessThan(five);
    expect(twenty).toBeGreaterThan(0.3);
  });

  it('adjusts p-values with Benjamini-Hochberg', () => {
    const q = benjaminiHochberg([0.01, 0.04, 0.03, 0.5]);
    expect(q[0]).toBeCloseTo(0.04);
    expect(q[1]).toBeCloseTo(0.16 / 3);
    expect(q[2]).toBeCloseTo(0.16 / 3);
    expect(q[3]).toBeCloseTo(0.5);
  });
});

describe('stratified permutation test', () => {
  it('is exact for pass/fail: one task, 3/3 vs 0/3 is 1 in C(6,3)', () => {
    const r = stratifiedPermutationTest([{ base: [1, 1, 1], head: [0, 0, 0] }]);
    expect(r.method).toBe('exact');
    expect(r.observed).toBe(-1);
    expect(r.pLess).toBeCloseTo(1 / 20);
    expect(r.pGreater).toBeCloseTo(1, 9);
    expect(r.minAttainableP).toBeCloseTo(1 / 20);
  });

  it('is the sign-flip test with one epoch', () => {
    // 4 tasks, all dropped: 1 of 2^4 sign patterns is as extreme.
    const tasks = [0.9, 0.8, 0.7, 0.6].map((s) => ({ base: [s], head: [s - 0.5] }));
    const r = stratifiedPermutationTest(tasks);
    expect(r.method).toBe('exact');
    expect(r.pLess).toBeCloseTo(1 / 16);
    expect(r.minAttainableP).toBeCloseTo(1 / 16);
  });

  it('agrees with a brute-force shuffle, and its Monte Carlo path is deterministic', () => {
    const random = seededRandom(3);
    const tasks = Array.from({ length: 6 }, () => ({
      base: Array.from({ length: 4 }, () => Math.round(random() * 10) / 10),
      head: Array.from({ length: 4 }, () => Math.round(random() * 9) / 10),
    }));
    const exact = stratifiedPermutationTest(tasks);
    expect(exact.method).toBe('exact');
    // Independent check: shuffle labels within each task many times.
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    const stat = (ts: Array<{ base: number[]; head: number[] }>): number =>
      mean(ts.map((t) => mean(t.head) - mean(t.base)));
    const observed = stat(tasks);
    let below = 0;
    const trials = 20_000;
    for (let i = 0; i < trials; i++) {
      const shuffled = tasks.map((t) => {
        const pool = [...t.base, ...t.head];
        for (let j = pool.length - 1; j > 0; j--) {
          const k = Math.floor(random() * (j + 1));
          [pool[j], pool[k]] = [pool[k] as number, pool[j] as number];
        }
        return { base: pool.slice(0, t.base.length), head: pool.slice(t.base.length) };
      });
      if (stat(shuffled) <= observed + 1e-9) below++;
    }
    expect(Math.abs(below / trials - exact.pLess)).toBeLessThan(0.015);
    // Many distinct values force the Monte Carlo path; a seed makes it repeatable.
    const wide = Array.from({ length: 40 }, () => ({
      base: Array.from({ length: 6 }, () => random()),
      head: Array.from({ length: 6 }, () => random() * 0.7),
    }));
    const mc1 = stratifiedPermutationTest(wide, { seed: 5, iterations: 4000 });
    const mc2 = stratifiedPermutationTest(wide, { seed: 5, iterations: 4000 });
    expect(mc1.method).toBe('monte_carlo');
    expect(mc1).toEqual(mc2);
    expect(mc1.pLess).toBeLessThan(0.05);
  });

  it('states the detectable effect from the suite size alone', () => {
    const mde = suiteMinimumDetectableEffect(Array.from({ length: 20 }, () => ({ base: 5, head: 5 })));
    // (z.95 + z.80) * sqrt(20 * 0.25 * 2/5) / 20
    expect(mde).toBeCloseTo(((1.644854 + 0.841621) * Math.sqrt(2)) / 20, 5);
    expect(suiteMinimumDetectableEffect([])).toBeNull();
  });
});
