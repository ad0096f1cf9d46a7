import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareSuiteRuns, loadSuite, renderReportMarkdown } from '../../src/suites/index.js';
import { seededRandom } from '../../src/suites/stats.js';
import { discoverTaskDirs } from '../../src/tasks/index.js';
import { runCli } from '../helpers/cli.js';
import { simulateSuite } from './simulate.js';

/** The ML-engineering core suite: big enough that a comparison can tell a 20-point drop. */

const SUITE = path.resolve('suites/mle_core.yaml');
const suite = loadSuite(SUITE);
const ids = suite.tasks.map((t) => t.id);

describe('suites/mle_core.yaml', () => {
  it('holds every task in tasks/ (24 or more), five epochs by default, across domains and difficulties', () => {
    const all = discoverTaskDirs(path.resolve('tasks')).map((d) => path.basename(d));
    expect(ids.sort()).toEqual(all.sort());
    expect(ids.length).toBeGreaterThanOrEqual(24);
    expect(suite.defaults.epochs).toBe(5);
    const domains = new Set(suite.tasks.map((t) => t.task.manifest.domain));
    expect(domains.size).toBeGreaterThanOrEqual(8);
    const difficulties = new Set(suite.tasks.map((t) => t.task.manifest.difficulty));
    for (const level of ['easy', 'medium', 'hard']) expect(difficulties).toContain(level);
  });

  it('every task has a README saying what it tests and what it refuses', () => {
    for (const t of suite.tasks) {
      const readme = path.join(t.task.dir, 'README.md');
      expect(existsSync(readme), t.id).toBe(true);
      const text = readFileSync(readme, 'utf8');
      expect(text.length, t.id).toBeGreaterThan(400);
      expect(text, t.id).toMatch(/what makes it hard/i);
      expect(text, t.id).toMatch(/shortcuts/i);
    }
  });

  it('compare of two simulated runs at its default epochs states a smallest detectable change below 20 points', () => {
    const epochs = suite.defaults.epochs;
    const random = seededRandom(13);
    // A spread of pass rates, as a real model would have across easy and hard tasks.
    const rate = (i: number) => 0.2 + (0.7 * i) / Math.max(1, ids.length - 1);
    const base = simulateSuite(ids, epochs, rate, random, 'base');
    const head = simulateSuite(ids, epochs, rate, random, 'head');
    const c = compareSuiteRuns(base, head);
    const mde = c.overall.min_detectable_effect as number;
    expect(mde).toBeLessThan(0.2);
    expect(c.overall.conclusive).toBe(true);
    const points = (mde * 100).toFixed(1);
    expect(c.overall.statement).toContain(
      `with ${ids.length} tasks × ${epochs} epochs this suite detects changes of ≥ ${points} pts at 80% power`,
    );
    // The suite report states the same figure before any comparison is made.
    expect(renderReportMarkdown(head)).toContain(
      `**Smallest detectable change:** with ${ids.length} tasks × ${epochs} epochs, comparing two runs of this suite detects changes in mean score of ≥ ${points} pts`,
    );
  });

  it('suite list prints the smallest detectable change at the default epochs', async () => {
    const r = await runCli(['suite', 'list', '--suites-dir', path.dirname(SUITE), '--json']);
    expect(r.code).toBe(0);
    const row = (
      JSON.parse(r.stdout) as Array<{
        id: string;
        epochs: number;
        sensitivity: { min_detectable_effect: number };
      }>
    ).find((s) => s.id === 'mle_core');
    expect(row?.epochs).toBe(5);
    expect(row?.sensitivity.min_detectable_effect).toBeLessThan(0.2);
  });
});
