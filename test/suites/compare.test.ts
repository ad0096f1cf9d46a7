import { describe, expect, it } from 'vitest';
import {
  compareSuiteRuns,
  renderComparisonMarkdown,
  type SuiteSummary,
  verdictLabel,
} from '../../src/suites/index.js';
import { seededRandom } from '../../src/suites/stats.js';
import { simulateSuite } from './simulate.js';

let counter = 0;

/** A suite run of a scripted model whose task i (`t00`, `t01`...) passes with probability probs[i]. */
function simulate(
  probs: number[],
  epochs: number,
  random: () => number,
  extra: { status?: (task: number, epoch: number) => string; skip?: number[] } = {},
): SuiteSummary {
  const ids = probs.map((_, i) => `t${String(i).padStart(2, '0')}`);
  return simulateSuite(ids, epochs, (i) => probs[i] as number, random, `s${counter++}`, extra);
}

// Twenty tasks of varied difficulty; a 20-point drop keeps every rate inside 0..1.
const PROBS = Array.from({ length: 20 }, (_, i) => 0.3 + (0.65 * i) / 19);

describe('compareSuiteRuns on simulated suites (seeded)', () => {
  it('says "regressed" at most 5% of the time for pairs from the same model', () => {
    const random = seededRandom(2026);
    const pairs = 1000;
    let regressed = 0;
    let improved = 0;
    let taskRegressions = 0;
    for (let i = 0; i < pairs; i++) {
      const c = compareSuiteRuns(simulate(PROBS, 5, random), simulate(PROBS, 5, random));
      if (c.overall.verdict === 'regressed') regressed++;
      if (c.overall.verdict === 'improved') improved++;
      if (c.tasks.some((t) => t.verdict === 'regressed')) taskRegressions++;
    }
    console.info(
      `same model: regressed ${regressed}/${pairs}, improved ${improved}/${pairs}, any task regressed ${taskRegressions}/${pairs}`,
    );
    expect(regressed / pairs).toBeLessThanOrEqual(0.05);
    expect(improved / pairs).toBeLessThanOrEqual(0.05);
    expect(taskRegressions / pairs).toBeLessThanOrEqual(0.05);
  });

  it('catches a 20-point drop at 20 tasks × 5 epochs at least 90% of the time', () => {
    const random = seededRandom(7);
    const pairs = 500;
    let caught = 0;
    const worse = PROBS.map((p) => p - 0.2);
    for (let i = 0; i < pairs; i++) {
      const c = compareSuiteRuns(simulate(PROBS, 5, random), simulate(worse, 5, random));
      if (c.overall.verdict === 'regressed') caught++;
      expect(c.overall.verdict).not.toBe('improved');
    }
    console.info(`20-point drop: caught ${caught}/${pairs}`);
    expect(caught / pairs).toBeGreaterThanOrEqual(0.9);
  });

  it('states the detectable effect, and a tiny single-epoch suite says "cannot tell"', () => {
    const random = seededRandom(1);
    const big = compareSuiteRuns(simulate(PROBS, 5, random), simulate(PROBS, 5, random));
    expect(big.overall.min_detectable_effect).toBeCloseTo(0.176, 2);
    expect(big.overall.statement).toMatch(
      /20 tasks × 5 epochs this suite detects changes of ≥ 17\.6 pts at 80% power/,
    );
    expect(big.overall.single_sample).toBe(false);

    const small = compareSuiteRuns(
      simulate([1, 1, 1], 1, () => 0),
      simulate([0, 0, 0], 1, () => 0.5),
    );
    expect(small.overall.score_change).toBe(-1);
    expect(small.overall.verdict).toBe('no_clear_change');
    expect(verdictLabel(small.overall)).toBe('cannot tell');
    expect(small.overall.statement).toMatch(/^cannot tell: mean score 1\.00 → 0\.00 \(-100\.0 pts\)/);
    expect(small.overall.statement).toMatch(/no outcome could be significant/);
    expect(small.overall.statement).toMatch(/single sample per task/);
    expect(small.tasks.every((t) => !t.conclusive && t.statement.startsWith('cannot tell'))).toBe(true);
  });

  it('flags a task that flipped when it has enough epochs, and not the unchanged ones', () => {
    const probs = [1, 0.5, 0.5, 0.5, 0.5];
    const random = seededRandom(4);
    const base = simulate(probs, 12, random);
    const head = simulate([0, 0.5, 0.5, 0.5, 0.5], 12, random);
    const c = compareSuiteRuns(base, head);
    const flipped = c.tasks.find((t) => t.task_id === 't00');
    expect(flipped).toMatchObject({ verdict: 'regressed', pass_rate_change: -1 });
    expect(flipped?.statement).toMatch(/^regressed: 12\/12 → 0\/12 passed/);
    expect(c.tasks.filter((t) => t.verdict !== 'no_clear_change')).toHaveLength(1);
  });

  it('leaves environment errors, added and removed tasks out of the verdict, with warnings', () => {
    const random = seededRandom(5);
    const base = simulate([0.5, 0.5, 0.5], 2, random, { skip: [2] });
    const head = simulate([0.5, 0.5, 0.5], 2, random, {
      status: (task) => (task === 1 ? 'environment_error' : 'completed'),
    });
    const c = compareSuiteRuns(base, head);
    expect(c.tasks.map((t) => [t.task_id, t.presence])).toEqual([
      ['t00', 'both'],
      ['t01', 'unscored'],
      ['t02', 'added'],
    ]);
    expect(c.overall.tasks_compared).toBe(1);
    expect(c.warnings.join('\n')).toMatch(/head suite run has 2 environment error/);
  });

  it('renders markdown with the verdict, the per-task table and the cost changes', () => {
    const random = seededRandom(8);
    const c = compareSuiteRuns(
      simulate(PROBS, 5, random),
      simulate(
        PROBS.map((p) => p - 0.2),
        5,
        random,
      ),
    );
    const md = renderComparisonMarkdown(c);
    expect(md).toMatch(/\*\*🔴 Regressed\*\*/);
    expect(md).toContain('| t00 |');
    expect(md).toContain('Cost per run');
    expect(md).toMatch(/Minimum detectable effect at 80% power: 17\.6 pts/);
    expect(JSON.parse(JSON.stringify(c)).overall.verdict).toBe('regressed');
  });
});
