import { statSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeSyntheticSuiteRun } from '../../bench/synthetic-runs.js';
import { buildSuitePage, suiteHistory } from '../../src/report/index.js';
import {
  blankRunResult,
  compactSummaryJson,
  flushIndex,
  getSuiteRun,
  insertRun,
  pruneIndex,
  queryAll,
  readIndex,
  updateIndex,
  upsertSuiteRun,
} from '../../src/runs/index.js';
import { readSuiteSummary, type SuiteSummary } from '../../src/suites/index.js';
import { listSuiteRuns } from '../../src/viewer/queries.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir('fb-retention-');
const runsRoot = path.join(root, 'runs');
const file = path.join(runsRoot, 'runs.sqlite');
const NOW = new Date('2026-06-30T12:00:00Z');
const day = (n: number) => new Date(NOW.getTime() - n * 86_400_000);

const ids: Record<string, string> = {};

/** A suite run of 3 tasks x 2 epochs (6 runs, each with its checks), indexed only. */
async function suiteRun(
  name: string,
  o: { daysAgo: number; branch: string; model?: string; label?: string },
) {
  const out = await writeSyntheticSuiteRun({
    runsRoot,
    suiteId: 'hist',
    tasks: 3,
    epochs: 2,
    seed: Object.keys(ids).length + 1,
    branch: o.branch,
    model: o.model ?? 'openai/gpt-4o-mini',
    startedAt: day(o.daysAgo),
    indexOnly: true,
  });
  ids[name] = out.suiteRunId;
  if (o.label)
    await updateIndex(file, (db) =>
      db
        .prepare('UPDATE suite_runs SET label = ? WHERE suite_run_id = ?')
        .run(o.label ?? null, out.suiteRunId),
    );
}

async function counts() {
  return readIndex(file, (db) => ({
    runs: Number(queryAll(db, 'SELECT count(*) AS n FROM runs')[0]?.n),
    checks: Number(queryAll(db, 'SELECT count(*) AS n FROM check_results')[0]?.n),
    pruned: queryAll(
      db,
      'SELECT suite_run_id FROM suite_runs WHERE pruned_at IS NOT NULL ORDER BY started_at',
    ).map((r) => String(r.suite_run_id)),
    suiteRuns: Number(queryAll(db, 'SELECT count(*) AS n FROM suite_runs')[0]?.n),
  }));
}

beforeAll(async () => {
  // main: one every 5 days for 60 days (oldest first), the oldest with another model and a label.
  for (let i = 12; i >= 0; i--)
    await suiteRun(`main${i}`, {
      daysAgo: i * 5 + 1,
      branch: 'main',
      ...(i === 12 ? { model: 'openai/gpt-4.1', label: 'nightly' } : {}),
    });
  // A feature branch with two old suite runs, and a suite run still running from 40 days ago.
  await suiteRun('feature0', { daysAgo: 50, branch: 'feature' });
  await suiteRun('feature1', { daysAgo: 45, branch: 'feature' });
  await suiteRun('running', { daysAgo: 40, branch: 'wip' });
  await updateIndex(file, (db) =>
    db.prepare("UPDATE suite_runs SET status = 'running' WHERE suite_run_id = ?").run(ids.running ?? ''),
  );
  // Two runs outside any suite run: one old, one recent.
  await updateIndex(file, (db) => {
    for (const [id, daysAgo] of [
      ['old-standalone', 30],
      ['new-standalone', 2],
    ] as const)
      insertRun(
        db,
        blankRunResult(
          {
            task: {
              id: 'solo',
              title: 'Solo',
              difficulty: 'easy',
              domain: 'python',
              grader: { pass_threshold: 1 },
            },
            runId: id,
            model: 'oracle',
            startedAt: day(daysAgo),
          },
          { status: 'completed', score: 1, passed: true, error: null, sandbox: 'fake' },
        ),
        path.join(runsRoot, id),
      );
  });
});

describe('retention (runs prune)', () => {
  it('a dry run counts what would go and changes nothing', async () => {
    const before = await counts();
    const outcome = await pruneIndex(file, {
      policy: { keepSuiteRuns: 3, keepDays: 14 },
      dryRun: true,
      now: NOW,
    });
    expect(outcome.dry_run).toBe(true);
    expect(outcome.runs.removed).toBeGreaterThan(0);
    expect(outcome.bytes.after).toBeNull();
    expect(await counts()).toEqual(before);
  });

  it('keeps full rows for the recent suite runs of each branch, the last days and comparison bases; summaries for all', async () => {
    const before = await counts();
    const sizeBefore = statSync(file).size;
    const outcome = await pruneIndex(file, { policy: { keepSuiteRuns: 3, keepDays: 14 }, now: NOW });
    const after = await counts();
    // main: 3 within 14 days (1, 6, 11 days ago); main3.. main11 go; main12 stays (the latest of its model, and of its label).
    const expected = ['main11', 'main10', 'main9', 'main8', 'main7', 'main6', 'main5', 'main4', 'main3'];
    expect(after.pruned.sort()).toEqual(expected.map((k) => ids[k]).sort());
    // The feature branch keeps both (its last 3), the running one stays whole.
    expect(outcome.suite_runs).toEqual({ total: 16, full: 7, compacted_now: 9, compacted_before: 0 });
    // 9 suite runs x 6 runs, and the old standalone run.
    expect(outcome.runs).toEqual({ before: before.runs, removed: 55, after: before.runs - 55 });
    expect(after.runs).toBe(before.runs - 55);
    expect(outcome.check_results_removed).toBe(before.checks - after.checks);
    expect(after.suiteRuns).toBe(16);
    expect(outcome.bytes.after).toBeLessThan(sizeBefore);
    expect(statSync(file).size).toBe(outcome.bytes.after);
    // Pruning again removes nothing more.
    const again = await pruneIndex(file, { policy: { keepSuiteRuns: 3, keepDays: 14 }, now: NOW });
    expect(again.suite_runs).toMatchObject({ compacted_now: 0, compacted_before: 9 });
    expect(again.runs.removed).toBe(0);
  });

  it('a pruned suite run keeps its totals and per-task means; history charts every suite run', async () => {
    const { pruned, head, points, listed, page } = await readIndex(file, (db) => {
      const p = getSuiteRun(db, ids.main5 ?? '');
      const h = getSuiteRun(db, ids.main0 ?? '');
      if (!p || !h) throw new Error('missing suite runs');
      return {
        pruned: p,
        head: h,
        points: suiteHistory(db, h, 'main').points,
        listed: listSuiteRuns(db, { task: 'task_01' }).map((r) => r.suite_run_id),
        page: buildSuitePage(db, { runsRoot, record: p, detail: 'server' }).page,
      };
    });
    const summary = readSuiteSummary(pruned) as SuiteSummary;
    expect(summary.pruned_at).toBeTruthy();
    expect(summary.totals.runs_finished).toBe(6);
    expect(summary.tasks.map((t) => [t.task_id, t.runs.length, typeof t.mean_score])).toEqual([
      ['task_00', 0, 'number'],
      ['task_01', 0, 'number'],
      ['task_02', 0, 'number'],
    ]);
    expect(pruned.passed).not.toBeNull();
    expect(pruned.avg_score).not.toBeNull();
    expect(head.pruned_at).toBeNull();
    // Every completed suite run on main before the head, and the head.
    expect(points).toHaveLength(13);
    expect(points.every((p) => p.pass_rate !== null && p.avg_score !== null)).toBe(true);
    // The viewer still finds pruned suite runs by task (from their summaries).
    expect(listed).toHaveLength(16);
    expect(listed).toContain(ids.main5);
    expect(page.kind).toBe('suite');
  });

  it('compare refuses a pruned suite run by name, and a base-branch comparison finds a full one', async () => {
    const r = await runCli(['compare', ids.main5 ?? '', ids.main0 ?? '', '--runs-dir', runsRoot]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/was pruned from the index on .*cannot be compared/);
    const ok = await runCli([
      'compare',
      ids.main0 ?? '',
      '--base-branch',
      'main',
      '--runs-dir',
      runsRoot,
      '--json',
    ]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).base.suite_run_id).toBe(ids.main1);
  });

  it('the command shows and applies it, as text or JSON', async () => {
    const dry = await runCli([
      'runs',
      'prune',
      '--dry-run',
      '--keep-suite-runs',
      '1',
      '--keep-days',
      '0',
      '--runs-dir',
      runsRoot,
    ]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(
      /suite runs: 16, every one keeps its summary; \d+ keep all their runs, \d+ would be pruned now, 9 pruned before/,
    );
    expect(dry.stdout).toMatch(/dry run: nothing was changed/);
    const json = await runCli([
      'runs',
      'prune',
      '--keep-suite-runs',
      '1',
      '--keep-days',
      '0',
      '--runs-dir',
      runsRoot,
      '--json',
    ]);
    const o = JSON.parse(json.stdout);
    expect(o.policy).toMatchObject({ keep_suite_runs: 1, keep_days: 0 });
    expect(o.suite_runs.compacted_now).toBeGreaterThan(0);
    const bad = await runCli(['runs', 'prune', '--keep-suite-runs', '0', '--runs-dir', runsRoot]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/expected a positive whole number/);
  });

  it('the compact summary keeps totals, rollups and per-task means (rounded), and drops the rest', () => {
    const full = JSON.stringify({
      totals: { runs_finished: 2 },
      by_domain: [{ key: 'python', mean_score: 0.5 }],
      tasks: [
        {
          task_id: 'a',
          title: 'Task a',
          difficulty: 'hard',
          scored: 3,
          passes: 2,
          mean_score: 2 / 3,
          cost_usd: 0.00123456789,
          kill_reasons: ['budget_exceeded:tokens'],
          runs: [{ run_id: 'x' }],
        },
      ],
      environment_errors: [{ run_id: 'x' }],
      agent_failures: [{ run_id: 'y' }],
      sensitivity: { min_detectable_effect: 0.2 },
    });
    expect(JSON.parse(compactSummaryJson(full, '2026-07-01') as string)).toEqual({
      totals: { runs_finished: 2 },
      by_domain: [{ key: 'python', mean_score: 0.5 }],
      tasks: [{ task_id: 'a', scored: 3, passes: 2, mean_score: 0.6667, cost_usd: 0.001235, runs: [] }],
      environment_errors: [],
      agent_failures: [],
      pruned_at: '2026-07-01',
    });
  });
});

describe('a suite run recorded while pruning', () => {
  it('is kept whole', async () => {
    await updateIndex(file, (db) =>
      upsertSuiteRun(db, {
        suite_run_id: 'fresh',
        suite_id: 'hist',
        model: 'm',
        status: 'running',
        started_at: new Date().toISOString(),
        finished_at: null,
        total: 0,
        passed: 0,
        avg_score: null,
        cost_usd: 0,
        branch: 'main',
        commit_sha: null,
        label: null,
        report_path: null,
        summary_json: null,
        epochs: 1,
        concurrency: 1,
        total_tokens: 0,
        wall_seconds: 0,
        environment_errors: 0,
        suite_file: null,
        config_json: null,
      }),
    );
    await flushIndex(file);
    const o = await pruneIndex(file, { policy: { keepSuiteRuns: 1, keepDays: 0 } });
    expect(o.suite_runs.compacted_now).toBe(0);
  });
});
