import { describe, expect, it } from 'vitest';
import {
  compareSuiteRuns,
  renderReportMarkdown,
  type SuiteSummary,
  suiteSensitivity,
} from '../../src/suites/index.js';
import { seededRandom } from '../../src/suites/stats.js';
import { simulateSuite } from './simulate.js';

describe('the smallest detectable change of a suite', () => {
  it('depends only on tasks and epochs, and matches what compare states', () => {
    const s = suiteSensitivity(Array(24).fill(5));
    expect(s.min_detectable_effect).toBeCloseTo(0.1605, 3);
    expect(s.statement).toBe(
      'with 24 tasks × 5 epochs, comparing two runs of this suite detects changes in mean score of ≥ 16.1 pts at 80% power (one-sided, α = 0.05)',
    );
    const tiny = suiteSensitivity([1, 1, 1]);
    expect(tiny.min_detectable_effect).toBeGreaterThan(1);
    expect(tiny.statement).toBe(
      'with 3 tasks × 1 epoch, comparing two runs of this suite cannot detect even the largest possible change (100 pts) at 80% power: add tasks or epochs',
    );
    expect(suiteSensitivity([5, 1]).epochs).toBe('varying');
    expect(suiteSensitivity([]).min_detectable_effect).toBeNull();

    const ids = Array.from({ length: 24 }, (_, i) => `t${i}`);
    const random = seededRandom(3);
    const base = simulateSuite(ids, 5, () => 0.6, random, 'a');
    const head = simulateSuite(ids, 5, () => 0.6, random, 'b');
    const c = compareSuiteRuns(base, head);
    expect(c.overall.min_detectable_effect).toBeCloseTo(s.min_detectable_effect as number, 9);
    expect(c.overall.statement).toContain(
      'with 24 tasks × 5 epochs this suite detects changes of ≥ 16.1 pts',
    );
  });

  it('is in summary.json and report.md at the planned epochs, even before runs finish', () => {
    const ids = Array.from({ length: 12 }, (_, i) => `t${i}`);
    const summary = simulateSuite(ids, 3, () => 1, seededRandom(1), 'x');
    expect(summary.sensitivity?.tasks).toBe(12);
    const report = renderReportMarkdown(summary);
    expect(report).toContain(
      `**Smallest detectable change:** with 12 tasks × 3 epochs, comparing two runs of this suite detects changes in mean score of ≥ ${(
        (summary.sensitivity?.min_detectable_effect as number) * 100
      ).toFixed(1)} pts`,
    );
    // An older summary.json without the field still gets the statement.
    const { sensitivity: _dropped, ...old } = summary;
    expect(renderReportMarkdown(old as SuiteSummary)).toContain(
      'with 12 tasks × 3 epochs, comparing two runs',
    );
  });
});
