import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunSuiteOptions } from '../../src/suites/index.js';
import { planSuiteRun, SuiteInputError } from '../../src/suites/plan.js';
import { writeSuite, writeTask } from '../helpers/tasks.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir('fb-suite-plan-');
for (const id of ['b', 'a', 'c']) writeTask(path.join(root, 'tasks'), id);
const suiteFile = writeSuite(
  path.join(root, 'suites', 'plan.yaml'),
  [
    'id: plan',
    'defaults:',
    '  model: scripted',
    '  epochs: 2',
    '  concurrency: 3',
    'tasks:',
    '  - tasks/a',
    '  - path: tasks/b',
    '    epochs: 3',
    '  - tasks/c',
    '',
  ].join('\n'),
);

describe('planSuiteRun', () => {
  it('takes the suite defaults, a task’s own epochs, and lists the runs epoch-major', async () => {
    const runsRoot = path.join(root, 'runs');
    const plan = await planSuiteRun({ suite: suiteFile, runsRoot, branch: 'main' });
    expect(plan).toMatchObject({
      model: 'scripted',
      concurrency: 3,
      epochs: 2,
      shard: null,
      taskFilter: null,
      branch: 'main',
      commit: null,
      previous: null,
      dbPath: path.join(path.resolve(runsRoot), 'runs.sqlite'),
    });
    expect(plan.suiteRunId).toMatch(/__suite__plan__[0-9a-f]{4}$/);
    expect(plan.tasks.map((t) => [t.task_id, t.epochs])).toEqual([
      ['a', 2],
      ['b', 3],
      ['c', 2],
    ]);
    expect(plan.units.map((u) => `${u.suiteTask.id}#${u.epoch}`)).toEqual([
      'a#0',
      'b#0',
      'c#0',
      'a#1',
      'b#1',
      'c#1',
      'b#2',
    ]);
    expect(plan.config.tasks).toEqual([
      { task_id: 'a', epochs: 2 },
      { task_id: 'b', epochs: 3 },
      { task_id: 'c', epochs: 2 },
    ]);
    // Planning writes nothing: the suite run's folder appears only when it starts.
    expect(existsSync(runsRoot)).toBe(false);
  });

  it('rejects bad settings with a SuiteInputError naming what was expected', async () => {
    const runsRoot = path.join(root, 'runs-bad');
    const bad: Array<[Partial<RunSuiteOptions>, RegExp]> = [
      [{ concurrency: 0 }, /concurrency must be a whole number of at least 1, got 0/],
      [{ epochs: 1.5 }, /epochs must be a whole number of at least 1, got 1.5/],
      [{ shard: { index: 2, total: 2 } }, /shard must be index\/total with 0 <= index < total, got 2\/2/],
      [{ tasks: ['nope*'] }, /no task of suite plan matches nope\*/],
    ];
    for (const [extra, message] of bad) {
      const attempt = planSuiteRun({ suite: suiteFile, runsRoot, ...extra });
      await expect(attempt).rejects.toBeInstanceOf(SuiteInputError);
      await expect(attempt).rejects.toThrow(message);
    }
    expect(existsSync(runsRoot)).toBe(false);
  });
});
