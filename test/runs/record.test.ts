import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  blankRunResult,
  queryAll,
  readIndex,
  recordRun,
  registerSecret,
  runResultSchema,
} from '../../src/runs/index.js';
import { tempDir } from '../helpers/tmp.js';

const TASK = {
  id: 'demo_task',
  title: 'Demo task',
  difficulty: 'easy',
  domain: 'python',
  grader: { pass_threshold: 0.8 },
};
const STARTED = new Date('2026-05-13T20:40:21.000Z');

describe('blankRunResult', () => {
  it('is a complete, valid result that reads as a crash until told otherwise', () => {
    const r = blankRunResult({ task: TASK, runId: 'r1', model: 'm', startedAt: STARTED });
    expect(runResultSchema.parse(r)).toEqual(r);
    expect(r).toMatchObject({
      run_id: 'r1',
      task_id: 'demo_task',
      model: 'm',
      suite_run_id: null,
      epoch: 0,
      status: 'crashed',
      score: 0,
      passed: false,
      pass_threshold: 0.8,
      stop_reason: 'not_started',
      error: { kind: 'crashed' },
      checks: [],
      started_at: '2026-05-13T20:40:21.000Z',
      task: { difficulty: 'easy', domain: 'python', title: 'Demo task' },
      sandbox: 'unknown',
    });
    expect(r.timings.total_s).toBeGreaterThan(0);
    expect(Date.parse(r.finished_at)).toBeGreaterThan(STARTED.getTime());
  });

  it('takes the suite run and epoch, and lets overrides win', () => {
    const r = blankRunResult(
      { task: TASK, runId: 'r2', model: 'm', suiteRunId: 's1', epoch: 2, startedAt: STARTED },
      { status: 'completed', error: null, score: 0.9, passed: true, sandbox: 'docker' },
    );
    expect(r).toMatchObject({
      suite_run_id: 's1',
      epoch: 2,
      status: 'completed',
      error: null,
      score: 0.9,
      passed: true,
      sandbox: 'docker',
    });
  });
});

describe('recordRun', () => {
  const root = tempDir('fb-record-');
  const secret = 'hunter2-very-secret-value';
  registerSecret(secret);

  it('writes result.json and the index row from one redacted result', async () => {
    const result = blankRunResult(
      { task: TASK, runId: 'leaky', model: 'm', startedAt: STARTED },
      {
        error: { kind: 'crashed', message: `the key ${secret} leaked` },
        checks: [
          {
            name: 'c1',
            type: 'command_exit_zero',
            tier: 'deterministic',
            weight: 1,
            gating: false,
            status: 'failed',
            score: 0,
            explanation: `printed ${secret}`,
          },
        ],
      },
    );
    const recorded = await recordRun(root, result);
    expect(recorded.error?.message).toBe('the key [REDACTED] leaked');

    const file = path.join(root, 'leaky', 'result.json');
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(secret);
    expect(runResultSchema.parse(JSON.parse(text))).toEqual(recorded);
    // Atomic: written beside and renamed, nothing left over.
    expect(readdirSync(path.join(root, 'leaky'))).toEqual(['result.json']);

    const rows = await readIndex(path.join(root, 'runs.sqlite'), (db) => ({
      runs: queryAll(db, 'SELECT * FROM runs'),
      checks: queryAll(db, 'SELECT * FROM check_results'),
    }));
    expect(rows.runs).toHaveLength(1);
    expect(rows.runs[0]).toMatchObject({
      run_id: 'leaky',
      error_message: 'the key [REDACTED] leaked',
      run_dir: path.join(root, 'leaky'),
    });
    expect(rows.checks[0]?.explanation).toBe('printed [REDACTED]');
    expect(readFileSync(path.join(root, 'runs.sqlite')).includes(Buffer.from(secret))).toBe(false);
  });

  it('records into a given run folder and replaces an earlier record of the same run', async () => {
    const runDir = path.join(root, 'elsewhere', 'run-x');
    const first = blankRunResult({ task: TASK, runId: 'run-x', model: 'm', startedAt: STARTED });
    await recordRun(root, first, { runDir });
    await recordRun(root, { ...first, status: 'completed', error: null, score: 1, passed: true }, { runDir });
    expect(existsSync(path.join(root, 'run-x'))).toBe(false);
    const onDisk = runResultSchema.parse(JSON.parse(readFileSync(path.join(runDir, 'result.json'), 'utf8')));
    expect(onDisk.status).toBe('completed');
    const rows = await readIndex(path.join(root, 'runs.sqlite'), (db) =>
      queryAll(db, 'SELECT status, passed, run_dir FROM runs WHERE run_id = ?', ['run-x']),
    );
    expect(rows).toEqual([{ status: 'completed', passed: 1, run_dir: runDir }]);
  });
});
