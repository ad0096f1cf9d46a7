import { describe, expect, it } from 'vitest';
import { createProgressReporter, type RunBrief, type SuiteEvent } from '../../src/suites/index.js';

const run = (over: Partial<RunBrief>): RunBrief => ({
  run_id: 'r',
  task_id: 'alpha',
  epoch: 0,
  status: 'completed',
  score: 1,
  passed: true,
  kill_reason: null,
  error_kind: null,
  error_message: null,
  turns: 1,
  tokens: 1,
  cost_usd: 0,
  wall_s: 2,
  started_at: '',
  ...over,
});

const events: SuiteEvent[] = [
  {
    type: 'suite_start',
    suiteRunId: 'S1',
    suiteId: 'demo',
    model: 'm',
    tasks: [
      { taskId: 'alpha', epochs: 1, done: 0 },
      { taskId: 'beta', epochs: 1, done: 0 },
    ],
    pending: 2,
    resumed: false,
  },
  { type: 'unit_start', taskId: 'alpha', epoch: 0, epochs: 1 },
  { type: 'unit_phase', taskId: 'alpha', epoch: 0, epochs: 1, phase: 'agent', runId: 'r' },
  { type: 'unit_end', taskId: 'alpha', epoch: 0, epochs: 1, run: run({}) },
  { type: 'unit_start', taskId: 'beta', epoch: 0, epochs: 1 },
  {
    type: 'unit_end',
    taskId: 'beta',
    epoch: 0,
    epochs: 1,
    run: run({
      task_id: 'beta',
      status: 'environment_error',
      passed: false,
      score: 0,
      error_message: 'no docker\nmore',
    }),
  },
];

describe('suite progress', () => {
  it('prints plain timestamped lines when not on a terminal', () => {
    let out = '';
    const report = createProgressReporter(
      { write: (t: string) => (out += t) },
      { tty: false, now: () => new Date('2026-01-01T12:34:56Z') },
    );
    for (const e of events) report(e);
    expect(out.split('\n').filter(Boolean)).toEqual([
      '[12:34:56] suite demo with m: S1 (2 runs)',
      '[12:34:56] alpha epoch 1/1: started',
      '[12:34:56] alpha epoch 1/1: passed (score 1.00) in 2.0s',
      '[12:34:56] beta epoch 1/1: started',
      '[12:34:56] beta epoch 1/1: environment_error: no docker in 2.0s',
    ]);
    expect(out).not.toContain('\x1b[');
  });

  it('redraws one line per task on a terminal', () => {
    const frames: string[] = [];
    const report = createProgressReporter({ write: (t: string) => frames.push(t) }, { tty: true });
    for (const e of events.slice(0, 3)) report(e);
    const running = frames.at(-1) ?? '';
    expect(running.startsWith('\x1b[3F\x1b[J')).toBe(true);
    expect(running).toContain('… alpha  running epoch 1/1 (agent)');
    expect(running).toContain('· beta   queued');
    for (const e of events.slice(3)) report(e);
    const last = frames.at(-1) ?? '';
    expect(last).toContain('✓ alpha  done  1/1 passed');
    expect(last).toContain('✗ beta   environment error  0/0 passed, 1 env error');
  });
});
