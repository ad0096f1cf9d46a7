import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type GradeContext, grade } from '../../src/judges/index.js';
import type { ExecRequest, ExecResult } from '../../src/sandbox/index.js';
import { SANDBOX_PATHS } from '../../src/sandbox/index.js';
import { FakeSandbox } from '../helpers/judge-fakes.js';
import { makeTask } from '../helpers/tasks.js';
import { tempDir } from '../helpers/tmp.js';

/** Partial credit: a metric mapped linearly between a baseline (0) and a target (1). */

function context(
  grader: Record<string, unknown>,
  opts: {
    sandboxFiles?: Record<string, string>;
    exec?: (req: ExecRequest) => Partial<ExecResult> | undefined;
  } = {},
): GradeContext & { sandbox: FakeSandbox } {
  const sandbox = new FakeSandbox(opts.exec);
  for (const [p, t] of Object.entries(opts.sandboxFiles ?? {})) sandbox.files.set(p, t);
  return {
    task: makeTask(grader),
    sandbox,
    outputsDir: tempDir('fb-scaled-out-'),
    graderDir: SANDBOX_PATHS.grader,
  };
}

const scaled = (extra: Record<string, unknown> = {}) => ({
  name: 'auc',
  type: 'metric_scaled',
  source: { kind: 'json', path: 'metrics.json', key: 'auc' },
  baseline: 0.5,
  target: 0.9,
  ...extra,
});

async function gradeValue(value: string, check: Record<string, unknown> = scaled()) {
  const ctx = context(
    { checks: [check] },
    { sandboxFiles: { '/workspace/metrics.json': `{"auc": ${value}}` } },
  );
  return { ctx, result: await grade(ctx) };
}

describe('metric_scaled', () => {
  it('scores 0 at or below the baseline, 1 at or above the target, linearly in between', async () => {
    for (const [value, score, status] of [
      ['0.3', 0, 'failed'],
      ['0.5', 0, 'failed'],
      ['0.6', 0.25, 'failed'],
      ['0.7', 0.5, 'failed'],
      ['0.9', 1, 'passed'],
      ['0.97', 1, 'passed'],
    ] as const) {
      const { result } = await gradeValue(value);
      const check = result.checks[0];
      expect(check?.score, value).toBeCloseTo(score, 9);
      expect(check?.status, value).toBe(status);
      expect(result.score, value).toBeCloseTo(score, 6);
      expect(result.passed, value).toBe(score === 1);
    }
  });

  it('works when lower is better (target below baseline)', async () => {
    const rmse = scaled({
      source: { kind: 'json', path: 'metrics.json', key: 'auc' },
      baseline: 1.0,
      target: 0.2,
    });
    for (const [value, score] of [
      ['1.4', 0],
      ['1.0', 0],
      ['0.6', 0.5],
      ['0.2', 1],
      ['0.05', 1],
    ] as const) {
      const { result } = await gradeValue(value, rmse);
      expect(result.checks[0]?.score, value).toBeCloseTo(score, 9);
      expect(result.checks[0]?.explanation, value).toContain('lower is better');
    }
  });

  it('gives full credit at the target despite binary floating point', async () => {
    const { result } = await gradeValue('0.30000000000000004', scaled({ baseline: 0.1, target: 0.3 }));
    expect(result.checks[0]?.status).toBe('passed');
    expect(result.checks[0]?.score).toBe(1);
  });

  it('explains the reading and records value, baseline, target and score in grader_outputs', async () => {
    const { ctx, result } = await gradeValue('0.8');
    expect(result.checks[0]?.explanation).toBe(
      'auc = 0.8: score 0.75 (baseline 0.5, target 0.9, higher is better)',
    );
    const saved = JSON.parse(readFileSync(path.join(ctx.outputsDir, 'auc.json'), 'utf8'));
    expect(saved).toMatchObject({
      status: 'failed',
      score: 0.75,
      details: { value: 0.8, raw_value: 0.8, baseline: 0.5, target: 0.9, score: 0.75 },
    });
  });

  it("reads a CSV cell and a command's stdout the way metric_check does", async () => {
    const csv = context(
      { checks: [scaled({ source: { kind: 'csv', path: '/tmp/log.csv', key: 'f1', row: 0 } })] },
      { sandboxFiles: { '/tmp/log.csv': 'f1\n0.8\n0.55\n' } },
    );
    expect((await grade(csv)).checks[0]?.score).toBeCloseTo(0.75, 9);

    const run = context(
      { checks: [scaled({ command: 'python3 score.py', source: { kind: 'stdout', key: 'auc=([0-9.]+)' } })] },
      { exec: (req) => (req.cmd === 'python3 score.py' ? { stdout: 'auc=0.6\nauc=0.7\n' } : undefined) },
    );
    const r = await grade(run);
    expect(r.checks[0]?.score).toBeCloseTo(0.5, 9);
    expect(readFileSync(path.join(run.outputsDir, 'auc.stdout.txt'), 'utf8')).toContain('auc=0.7');
  });

  it('scores 0 with the reason when the metric is missing, not finite, or its command fails', async () => {
    for (const [text, why] of [
      [undefined, /metrics.json does not exist/],
      ['{"auc": NaN}', /NaN is not finite/],
      ['{"other": 1}', /key "auc" is missing/],
    ] as const) {
      const ctx = context(
        { checks: [scaled()] },
        { sandboxFiles: text === undefined ? {} : { '/workspace/metrics.json': text } },
      );
      const r = await grade(ctx);
      expect(r.checks[0]).toMatchObject({ status: 'failed', score: 0 });
      expect(r.checks[0]?.explanation).toMatch(why);
      expect(r.graderError).toBeNull();
    }
    const failing = context(
      { checks: [scaled({ command: 'python3 score.py', source: { kind: 'stdout', key: 'auc=([0-9.]+)' } })] },
      { exec: () => ({ exitCode: 1, stderr: 'ValueError: bad shape\n' }) },
    );
    const r = await grade(failing);
    expect(r.checks[0]).toMatchObject({ status: 'failed', score: 0 });
    expect(r.checks[0]?.explanation).toBe('`python3 score.py` exited 1: ValueError: bad shape');
  });

  it('weights partial credit into the task score; pass_threshold decides the run', async () => {
    const checks = [
      { name: 'present', type: 'file_present', path: 'metrics.json', gating: true, weight: 0 },
      scaled({ weight: 3 }),
      { name: 'tests', type: 'command_exit_zero', command: 'true', weight: 1 },
    ];
    const files = { '/workspace/metrics.json': '{"auc": 0.7}' };
    const strict = await grade(context({ checks }, { sandboxFiles: files }));
    // (3 * 0.5 + 1 * 1) / 4
    expect(strict.score).toBeCloseTo(0.625, 6);
    expect(strict.passed).toBe(false);
    const lenient = await grade(context({ checks, pass_threshold: 0.6 }, { sandboxFiles: files }));
    expect(lenient.passed).toBe(true);
  });

  it('as a gating check, missing the target skips the later checks', async () => {
    const checks = [scaled({ gating: true }), { name: 'tests', type: 'command_exit_zero', command: 'true' }];
    const ctx = context({ checks }, { sandboxFiles: { '/workspace/metrics.json': '{"auc": 0.8}' } });
    const r = await grade(ctx);
    expect(r.checks.map((c) => c.status)).toEqual(['failed', 'skipped']);
    expect(r.passed).toBe(false);
    expect(ctx.sandbox.execs.some((e) => e.cmd === 'true')).toBe(false);
  });

  it('refuses equal baseline and target, and a source without its path or command', () => {
    expect(() => makeTask({ checks: [scaled({ target: 0.5 })] })).toThrow(/baseline and target must differ/);
    expect(() => makeTask({ checks: [scaled({ source: { kind: 'csv', key: 'f1' } })] })).toThrow(
      /a csv source needs a path/,
    );
    expect(() => makeTask({ checks: [scaled({ source: { kind: 'stdout', key: '(x)' } })] })).toThrow(
      /a stdout source needs a command/,
    );
  });
});
