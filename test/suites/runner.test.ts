import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listRuns, readIndex, runsOfSuiteRun } from '../../src/runs/index.js';
import {
  findLatestSuiteRun,
  loadSuite,
  runSuite,
  type SuiteEvent,
  SuiteInputError,
} from '../../src/suites/index.js';
import { type Behaviour, fakeRunner } from '../helpers/fake-runner.js';
import { writeSuite, writeTask } from '../helpers/tasks.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir('fb-suite-runner-');

function makeSuite(
  name: string,
  tasks: Array<{ id: string; difficulty?: string; domain?: string }>,
  extra = '',
): string {
  const dir = path.join(root, name);
  for (const t of tasks) writeTask(path.join(dir, 'tasks'), t.id, t);
  return writeSuite(path.join(dir, 'suites', `${name}.yaml`), `id: ${name}\ntasks:\n  - tasks/*\n${extra}`);
}

describe('runSuite', () => {
  it('records a failing, a crashing, a hanging, a wall-time-killed and an env-broken task, and the rest go on', async () => {
    const behaviours: Record<string, Behaviour> = {
      a_pass: 'pass',
      b_fail: 'fail',
      c_crash: 'crash',
      d_hang: 'hang',
      e_wall: 'wall',
      f_env: 'env',
      g_stuck: 'stuck',
    };
    const file = makeSuite(
      'mixed',
      Object.keys(behaviours).map((id) => ({ id, difficulty: id === 'a_pass' ? 'hard' : 'easy' })),
      'defaults:\n  budget:\n    max_wall_seconds: 0.2\n',
    );
    const fake = fakeRunner((id) => behaviours[id] as Behaviour);
    const runsRoot = path.join(root, 'mixed', 'runs');
    const events: SuiteEvent[] = [];
    const out = await runSuite({
      suite: file,
      model: 'scripted',
      concurrency: 3,
      runsRoot,
      runTask: fake.run,
      hardTimeoutGraceSeconds: 0.3,
      stopGraceSeconds: 0.3,
      onEvent: (e) => events.push(e),
    });
    expect(out.status).toBe('completed');
    const s = out.summary;
    expect(s.tasks.map((t) => [t.task_id, t.state])).toEqual([
      ['a_pass', 'passed'],
      ['b_fail', 'failed'],
      ['c_crash', 'error'],
      ['d_hang', 'error'],
      ['e_wall', 'failed'],
      ['f_env', 'error'],
      ['g_stuck', 'error'],
    ]);
    expect(s.environment_errors.map((e) => [e.task_id, e.status, e.kind])).toEqual([
      ['c_crash', 'crashed', 'crashed'],
      ['d_hang', 'environment_error', 'environment:timeout'],
      ['f_env', 'environment_error', 'environment:image_build'],
      ['g_stuck', 'environment_error', 'environment:timeout'],
    ]);
    expect(s.agent_failures.map((f) => [f.task_id, f.kill_reason])).toEqual([
      ['b_fail', null],
      ['e_wall', 'budget_exceeded:wall_time'],
    ]);
    expect(s.totals).toMatchObject({
      tasks: 7,
      runs_finished: 7,
      scored_runs: 3,
      passed_runs: 1,
      environment_errors: 4,
    });
    // Budgets from the suite reach the runner.
    expect(fake.calls.every((c) => c.budget?.max_wall_seconds === 0.2)).toBe(true);
    expect(fake.maxConcurrent()).toBeLessThanOrEqual(3);
    expect(fake.maxConcurrent()).toBe(3);

    const report = readFileSync(out.reportPath, 'utf8');
    for (const id of Object.keys(behaviours)) expect(report).toContain(id);
    expect(report).toMatch(/## Environment errors[\s\S]*simulated harness crash[\s\S]*## Agent failures/);
    expect(report).toContain('budget_exceeded:wall_time');
    expect(JSON.parse(readFileSync(out.summaryPath, 'utf8')).suite_run_id).toBe(out.suiteRunId);
    expect(out.suiteRunId).toMatch(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ__suite__mixed__[0-9a-f]{4}$/);

    // Every run, the synthesized ones included, is in the index and linked to the suite run.
    const dbPath = path.join(runsRoot, 'runs.sqlite');
    const linked = await readIndex(dbPath, (db) => runsOfSuiteRun(db, out.suiteRunId));
    expect(linked.map((r) => r.task_id).sort()).toEqual(Object.keys(behaviours));
    for (const r of linked) expect(existsSync(path.join(r.run_dir ?? '', 'result.json'))).toBe(true);
    const row = await readIndex(dbPath, (db) => findLatestSuiteRun(db, { suiteId: 'mixed' }));
    expect(row).toMatchObject({
      suite_run_id: out.suiteRunId,
      status: 'completed',
      total: 3,
      passed: 1,
      environment_errors: 4,
    });
    expect(events.filter((e) => e.type === 'unit_end')).toHaveLength(7);
  });

  it('runs each task for its epochs and reports k-of-n, the mean and pass@k', async () => {
    const file = makeSuite('epochs', [{ id: 'flaky' }, { id: 'solid', domain: 'sql' }, { id: 'once' }]);
    // A per-task override: `once` runs a single epoch whatever the run's epochs.
    writeSuite(
      file,
      'id: epochs\ntasks:\n  - tasks/flaky\n  - tasks/solid\n  - path: tasks/once\n    epochs: 1\n',
    );
    const fake = fakeRunner((id, epoch) => {
      if (id === 'flaky') return epoch === 2 ? 'fail' : { score: 1, passed: true };
      if (id === 'solid') return 'pass';
      return { score: 0.5, passed: false };
    });
    const out = await runSuite({
      suite: file,
      model: 'm',
      epochs: 3,
      concurrency: 2,
      runsRoot: path.join(root, 'epochs', 'runs'),
      runTask: fake.run,
    });
    const byId = Object.fromEntries(out.summary.tasks.map((t) => [t.task_id, t]));
    expect(byId.flaky).toMatchObject({ passes: 2, scored: 3, state: 'partial' });
    expect(byId.flaky?.mean_score).toBeCloseTo(2 / 3);
    expect(byId.once).toMatchObject({ passes: 0, scored: 1, epochs_planned: 1 });
    expect(fake.calls.filter((c) => c.taskId === 'once')).toHaveLength(1);
    expect(out.summary.totals.runs_planned).toBe(7);
    // pass@1 over all three tasks; pass@3 only over the tasks with three runs.
    expect(out.summary.pass_at_k).toEqual([
      { k: 1, value: expect.closeTo((2 / 3 + 1 + 0) / 3, 9), tasks: 3 },
      { k: 3, value: 1, tasks: 2 },
    ]);
    const sc = out.summary.suite_score;
    expect(sc?.mean).toBeCloseTo((2 / 3 + 1 + 0.5) / 3);
    expect(sc?.low).toBeLessThan(sc?.mean ?? 0);
    expect(sc?.high).toBeGreaterThan(sc?.mean ?? 1);
    expect(out.summary.by_domain.map((r) => r.key)).toEqual(['python', 'sql']);
  });

  it('stops starting work on abort, writes a partial report, and --resume runs only what was missing', async () => {
    const file = makeSuite('resume', [{ id: 't1' }, { id: 't2' }, { id: 't3' }, { id: 't4' }]);
    const runsRoot = path.join(root, 'resume', 'runs');
    const controller = new AbortController();
    let started = 0;
    const first = fakeRunner(() => 'pass', {
      delayMs: 30,
      onStart: () => {
        started++;
        if (started === 4) controller.abort();
      },
    });
    const out = await runSuite({
      suite: file,
      model: 'm',
      epochs: 2,
      concurrency: 2,
      runsRoot,
      runTask: first.run,
      signal: controller.signal,
      branch: 'main',
    });
    expect(out.status).toBe('interrupted');
    expect(first.calls).toHaveLength(4);
    const finishedFirst = out.summary.tasks.flatMap((t) => t.runs.map((r) => `${r.task_id}#${r.epoch}`));
    expect(finishedFirst.length).toBeGreaterThanOrEqual(2);
    expect(finishedFirst.length).toBeLessThan(8);
    expect(readFileSync(out.reportPath, 'utf8')).toContain('**interrupted**');
    // Epoch-major: every task's first epoch was started before any second one.
    expect(first.calls.map((c) => c.epoch)).toEqual([0, 0, 0, 0]);

    const second = fakeRunner(() => 'pass');
    const resumed = await runSuite({ resume: out.suiteRunId, runsRoot, runTask: second.run });
    expect(resumed.suiteRunId).toBe(out.suiteRunId);
    expect(resumed.status).toBe('completed');
    const redone = second.calls.map((c) => `${c.taskId}#${c.epoch}`);
    expect(redone.filter((k) => finishedFirst.includes(k))).toEqual([]);
    expect(new Set([...redone, ...finishedFirst]).size).toBe(8);
    expect(redone.length + finishedFirst.length).toBe(8);
    expect(resumed.summary.totals).toMatchObject({ runs_finished: 8, passed_runs: 8 });
    expect(resumed.summary.branch).toBe('main');
    expect(second.calls.every((c) => c.suiteRunId === out.suiteRunId)).toBe(true);
    // The interrupted runs stay in the index for the record, but each epoch counts once.
    const all = await readIndex(path.join(runsRoot, 'runs.sqlite'), (db) =>
      listRuns(db, { suite: out.suiteRunId }),
    );
    expect(all.length).toBeGreaterThanOrEqual(8);
    expect(all.filter((r) => r.status === 'completed')).toHaveLength(8);

    await expect(
      runSuite({ resume: out.suiteRunId, model: 'other', runsRoot, runTask: second.run }),
    ).rejects.toThrow(/was run with model m, not other/);
    await expect(
      runSuite({ resume: out.suiteRunId, epochs: 3, runsRoot, runTask: second.run }),
    ).rejects.toThrow(/was run with 2 epoch\(s\)/);
    await expect(runSuite({ resume: 'nope', runsRoot })).rejects.toBeInstanceOf(SuiteInputError);
  });

  it("shows a run's image build as its own phase, then setup again", async () => {
    const file = makeSuite('imagebuild', [{ id: 'builds' }]);
    const inner = fakeRunner(() => 'pass');
    const events: SuiteEvent[] = [];
    await runSuite({
      suite: file,
      model: 'm',
      runsRoot: path.join(root, 'imagebuild', 'runs'),
      onEvent: (e) => events.push(e),
      // What runTask does when the task's image is not built yet.
      runTask: async (o) => {
        o.onPhase?.('setup', 'the-run');
        o.onImageBuild?.('start', 'factory-bench/builds:abc');
        o.onImageBuild?.('end', 'factory-bench/builds:abc');
        return inner.run(o);
      },
    });
    const phases = events.flatMap((e) => (e.type === 'unit_phase' ? [e.phase] : []));
    expect(phases.slice(0, 3)).toEqual(['setup', 'building_image', 'setup']);
  });

  it('selects tasks by filter and shard', async () => {
    const file = makeSuite(
      'shard',
      ['a1', 'a2', 'b1', 'b2', 'b3'].map((id) => ({ id })),
    );
    const runsRoot = path.join(root, 'shard', 'runs');
    const filtered = fakeRunner(() => 'pass');
    await runSuite({ suite: file, model: 'm', runsRoot, runTask: filtered.run, tasks: ['b*'] });
    expect(filtered.calls.map((c) => c.taskId).sort()).toEqual(['b1', 'b2', 'b3']);
    const seen: string[] = [];
    for (let index = 0; index < 2; index++) {
      const fake = fakeRunner(() => 'pass');
      const out = await runSuite({
        suite: loadSuite(file),
        model: 'm',
        runsRoot,
        runTask: fake.run,
        shard: { index, total: 2 },
      });
      expect(out.summary.shard).toEqual({ index, total: 2 });
      seen.push(...fake.calls.map((c) => c.taskId));
    }
    expect(seen.sort()).toEqual(['a1', 'a2', 'b1', 'b2', 'b3']);
    await expect(runSuite({ suite: file, model: 'm', runsRoot, tasks: ['zzz'] })).rejects.toThrow(
      /no task of suite shard matches zzz/,
    );
    await expect(runSuite({ suite: file, runsRoot })).rejects.toThrow(/no model/);
  });
});
