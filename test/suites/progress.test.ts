import { describe, expect, it } from 'vitest';
import { createProgressReporter, type RunBrief, type SuiteEvent } from '../../src/suites/index.js';
import { FakeTerminal } from '../helpers/terminal.js';

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

  it('prints the totals of the whole suite every so often in plain mode, and says when a run builds its image', () => {
    let out = '';
    let clock = Date.parse('2026-01-01T12:00:00Z');
    const report = createProgressReporter(
      { write: (t: string) => (out += t) },
      { tty: false, now: () => new Date(clock), totalsEveryMs: 30_000 },
    );
    report(events[0] as SuiteEvent);
    report(events[1] as SuiteEvent);
    clock += 10_000;
    report({
      type: 'unit_end',
      taskId: 'alpha',
      epoch: 0,
      epochs: 1,
      run: run({ tokens: 1500, cost_usd: 0.25 }),
    });
    expect(out).not.toContain('progress:');
    report(events[4] as SuiteEvent);
    report({ type: 'unit_phase', taskId: 'beta', epoch: 0, epochs: 1, phase: 'building_image', runId: 'b' });
    clock += 30_000;
    report({
      type: 'unit_end',
      taskId: 'beta',
      epoch: 0,
      epochs: 1,
      run: run({ task_id: 'beta', passed: false, score: 0, tokens: 500, cost_usd: 0.5 }),
    });
    const lines = out.split('\n').filter(Boolean);
    expect(lines).toContain('[12:00:10] beta epoch 1/1: building image');
    expect(lines).toContain(
      '[12:00:40] progress: 2/2 runs done, 1 passed · 40.0s elapsed, nothing left · 2000 tokens, $0.75',
    );
  });

  it('on a terminal: a line for the suite (done of all, passed, elapsed, time left, tokens, cost) and one per task, redrawn in place', () => {
    const term = new FakeTerminal(100, 20);
    let clock = Date.parse('2026-01-01T12:00:00Z');
    const report = createProgressReporter(term, { tty: true, now: () => new Date(clock) });
    const start = events[0] as Extract<SuiteEvent, { type: 'suite_start' }>;
    report({
      ...start,
      tasks: [...start.tasks, { taskId: 'gamma', epochs: 2, done: 0 }],
      pending: 4,
    });
    report(events[1] as SuiteEvent);
    report({ type: 'unit_phase', taskId: 'alpha', epoch: 0, epochs: 1, phase: 'building_image', runId: 'r' });
    clock += 12_000;
    report({ type: 'unit_start', taskId: 'gamma', epoch: 0, epochs: 2 });
    expect(term.screen()).toEqual([
      'suite demo with m: S1 (4 runs)',
      '  0/4 runs done, 0 passed · 12.0s elapsed, estimating the time left · 0 tokens, $0.00',
      '  … alpha  running epoch 1/1 (building image 12.0s)',
      '  · beta   queued',
      '  … gamma  running epoch 1/2 (starting)',
    ]);
    report({ type: 'unit_phase', taskId: 'alpha', epoch: 0, epochs: 1, phase: 'agent', runId: 'r' });
    clock += 8_000;
    report({
      type: 'unit_end',
      taskId: 'alpha',
      epoch: 0,
      epochs: 1,
      run: run({ tokens: 1200, cost_usd: 0.1 }),
    });
    report({ type: 'warning', message: 'slow engine' });
    expect(term.screen()).toEqual([
      '[12:00:20] warning: slow engine',
      'suite demo with m: S1 (4 runs)',
      '  1/4 runs done, 1 passed · 20.0s elapsed, about 1m00s left · 1200 tokens, $0.10',
      '  ✓ alpha  done  1/1 passed',
      '  · beta   queued',
      '  … gamma  running epoch 1/2 (starting)',
    ]);
    expect(term.wrapped).toBe(false);
    expect(term.reachedAboveWindow).toBe(false);
  });

  it('on a terminal: lines are cut to its width and the block to its height, the suite line always shown', () => {
    const term = new FakeTerminal(40, 8);
    const report = createProgressReporter(term, { tty: true, now: () => new Date('2026-01-01T12:00:00Z') });
    const tasks = Array.from({ length: 30 }, (_, i) => ({
      taskId: `a_task_with_a_rather_long_name_${String(i).padStart(2, '0')}`,
      epochs: 1,
      done: 0,
    }));
    report({
      type: 'suite_start',
      suiteRunId: 'S2',
      suiteId: 'wide',
      model: 'm',
      tasks,
      pending: 30,
      resumed: false,
    });
    for (const [i, t] of tasks.entries()) {
      report({ type: 'unit_start', taskId: t.taskId, epoch: 0, epochs: 1 });
      if (i >= 2)
        report({ type: 'unit_end', taskId: tasks[i - 2]?.taskId ?? '', epoch: 0, epochs: 1, run: run({}) });
    }
    const screen = term.screen();
    expect(term.wrapped).toBe(false);
    expect(term.reachedAboveWindow).toBe(false);
    expect(screen.length).toBeLessThanOrEqual(7);
    expect(screen[0]).toBe('suite wide with m: S2 (30 runs)');
    expect(screen[1]).toMatch(/^ {2}28\/30 runs done, 28 passed · 0\.0s el…$/);
    // The two running tasks are among those shown; the rest are counted.
    expect(screen.filter((l) => l.includes('… a_task'))).toHaveLength(2);
    expect(screen.at(-1)).toBe('  … 26 more tasks (26 done, 0 to go)');
    for (const line of screen) expect(line.length).toBeLessThan(40);
  });
});
