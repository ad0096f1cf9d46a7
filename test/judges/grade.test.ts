import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CostTracker } from '../../src/cost/index.js';
import { type GradeContext, grade, type JudgeSetup, summarize } from '../../src/judges/index.js';
import { type ChatModel, ModelGateway } from '../../src/models/index.js';
import type { CheckOutcome } from '../../src/runs/index.js';
import type { ExecRequest, ExecResult } from '../../src/sandbox/index.js';
import { SANDBOX_PATHS, SandboxError } from '../../src/sandbox/index.js';
import { FakeSandbox, ScriptedJudge } from '../helpers/judge-fakes.js';
import { makeTask } from '../helpers/tasks.js';
import { tempDir } from '../helpers/tmp.js';

const PRICING = {
  currency: 'USD' as const,
  models: { 'test/judge': { input: 1, output: 10, as_of: '2026-01-01', source: 'test' } },
};

function judgeSetup(model: ChatModel | Error, cacheDir: string | null = null) {
  const cost = new CostTracker(PRICING);
  const resolved: string[] = [];
  const setup: JudgeSetup = {
    resolve: async (name) => {
      resolved.push(name);
      if (model instanceof Error) throw model;
      return model;
    },
    cacheDir,
    gateway: (m) => new ModelGateway({ model: m, cost, source: 'judge' }),
    material: () => ({
      instructions: 'Compute the answer.',
      transcript: '[assistant] done',
      changes: '## added: answer.txt',
    }),
  };
  return { setup, cost, resolved };
}

function context(
  grader: Record<string, unknown>,
  opts: {
    files?: Record<string, string>;
    exec?: (req: ExecRequest) => Partial<ExecResult> | undefined;
    sandboxFiles?: Record<string, string>;
    judge?: JudgeSetup;
  } = {},
): GradeContext & { sandbox: FakeSandbox } {
  const sandbox = new FakeSandbox(opts.exec);
  for (const [p, t] of Object.entries(opts.sandboxFiles ?? {})) sandbox.files.set(p, t);
  return {
    task: makeTask(grader, opts.files),
    sandbox,
    outputsDir: tempDir('fb-grader-out-'),
    graderDir: SANDBOX_PATHS.grader,
    judge: opts.judge,
  };
}

const byName = (checks: CheckOutcome[], name: string) => checks.find((c) => c.name === name) as CheckOutcome;

describe('metric_check', () => {
  const metric = (source: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    checks: [{ name: 'acc', type: 'metric_check', source, op: '>=', value: 0.9, ...extra }],
  });

  it('passes exactly at the bound and fails just below it', async () => {
    for (const [value, status] of [
      ['0.9', 'passed'],
      ['0.95', 'passed'],
      ['0.8999', 'failed'],
    ] as const) {
      const ctx = context(metric({ kind: 'json', path: 'metrics.json', key: 'eval.accuracy' }), {
        sandboxFiles: { '/workspace/metrics.json': `{"eval": {"accuracy": ${value}}}` },
      });
      const r = await grade(ctx);
      expect(r.checks[0]?.status, value).toBe(status);
      expect(r.checks[0]?.explanation).toContain(`eval.accuracy = ${value}`);
    }
  });

  it('fails with the reason on NaN, infinity, empty, missing key and missing file, never crashing', async () => {
    const cases: Array<[string | undefined, RegExp]> = [
      ['{"eval": {"accuracy": NaN}}', /NaN is not finite/],
      ['{"eval": {"accuracy": Infinity}}', /Infinity is not finite/],
      ['{"eval": {"accuracy": ""}}', /empty/],
      ['{"eval": {"accuracy": "0.9x"}}', /is not a number/],
      ['{"eval": {}}', /key "eval.accuracy" is missing/],
      ['not json', /not valid JSON/],
      [undefined, /metrics.json does not exist/],
    ];
    for (const [text, why] of cases) {
      const ctx = context(metric({ kind: 'json', path: 'metrics.json', key: 'eval.accuracy' }), {
        sandboxFiles: text === undefined ? {} : { '/workspace/metrics.json': text },
      });
      const r = await grade(ctx);
      expect(r.checks[0]?.status, String(text)).toBe('failed');
      expect(r.checks[0]?.explanation).toMatch(why);
      expect(r.graderError).toBeNull();
    }
  });

  it('reads a CSV column and a regex on a command stdout, within a tolerance', async () => {
    const csv = context(
      metric({ kind: 'csv', path: '/tmp/log.csv', key: 'f1' }, { op: 'within', value: 0.8, tolerance: 0.05 }),
      {
        sandboxFiles: { '/tmp/log.csv': 'epoch,f1\n1,0.5\n2,0.85\n' },
      },
    );
    expect((await grade(csv)).checks[0]?.status).toBe('passed');

    const run = context(
      metric(
        { kind: 'stdout', key: 'rmse: ([-0-9.eE]+|nan|inf)' },
        { command: 'python eval.py', op: '<=', value: 0.5 },
      ),
      {
        exec: (req) =>
          req.cmd === 'python eval.py' ? { stdout: 'epoch 1 rmse: 0.9\nepoch 2 rmse: 0.42\n' } : undefined,
      },
    );
    const r = await grade(run);
    expect(r.checks[0]?.status).toBe('passed');
    // Grader commands see where the fixtures are.
    expect(run.sandbox.execs[0]?.env?.FB_GRADER_DIR).toBe(SANDBOX_PATHS.grader);
    expect(readFileSync(path.join(run.outputsDir, 'acc.stdout.txt'), 'utf8')).toContain('rmse: 0.42');

    for (const out of ['', 'rmse: nan\n', 'rmse: inf\n']) {
      const broken = context(
        metric({ kind: 'stdout', key: 'rmse: ([-0-9.eE]+|nan|inf)' }, { command: 'e', op: '<=', value: 1 }),
        {
          exec: () => ({ stdout: out }),
        },
      );
      const b = await grade(broken);
      expect(b.checks[0]?.status, out).toBe('failed');
      expect(b.checks[0]?.explanation).toMatch(/empty|not finite/);
    }
  });

  it('fails when the metric command fails, with its last stderr line', async () => {
    const ctx = context(metric({ kind: 'json', path: 'm.json', key: 'acc' }, { command: 'python eval.py' }), {
      exec: () => ({ exitCode: 1, stderr: 'Traceback...\nValueError: bad shape\n' }),
    });
    const r = await grade(ctx);
    expect(r.checks[0]?.status).toBe('failed');
    expect(r.checks[0]?.explanation).toBe('`python eval.py` exited 1: ValueError: bad shape');
  });

  it('shows every failing line of a test run, not only the last one', async () => {
    const pytest = [
      '============================= test session starts ==============================',
      'tests/test_app.py .F.F                                                   [100%]',
      '___________________________________ test_b ____________________________________',
      '    def test_b():',
      '>       assert add(2, 2) == 5',
      'E       assert 4 == 5',
      '=========================== short test summary info ============================',
      'FAILED tests/test_app.py::test_b - assert 4 == 5',
      'FAILED tests/test_app.py::test_d - KeyError: missing',
      '========================= 2 failed, 2 passed in 0.05s ==========================',
    ].join('\n');
    const ctx = context(
      { checks: [{ name: 'tests', type: 'command_exit_zero', command: 'pytest -q' }] },
      { exec: () => ({ exitCode: 1, stdout: pytest }) },
    );
    const r = await grade(ctx);
    const explanation = r.checks[0]?.explanation ?? '';
    expect(explanation.startsWith('`pytest -q` exited 1:\n')).toBe(true);
    for (const line of [
      'E       assert 4 == 5',
      'FAILED tests/test_app.py::test_b - assert 4 == 5',
      'FAILED tests/test_app.py::test_d - KeyError: missing',
      '2 failed, 2 passed',
    ])
      expect(explanation).toContain(line);
    expect(explanation).not.toContain('def test_b');
  });

  it('command_exit_zero with output_contains: exit 0 is not enough, the output must have each text', async () => {
    const check = { name: 'server', type: 'command_exit_zero', command: 'curl -s localhost:8080/k' };
    const answered = (stdout: string) => ({ exec: () => ({ exitCode: 0, stdout }) });
    const one = await grade(
      context({ checks: [{ ...check, output_contains: 'value=42' }] }, answered('value=42\n')),
    );
    expect(one.checks[0]).toMatchObject({
      status: 'passed',
      explanation: '`curl -s localhost:8080/k` exited 0 and its output has "value=42"',
    });
    const lacking = await grade(
      context({ checks: [{ ...check, output_contains: ['value=42', 'ok'] }] }, answered('value=41\nok\n')),
    );
    expect(lacking.checks[0]?.status).toBe('failed');
    expect(lacking.checks[0]?.explanation).toMatch(
      /^`curl -s localhost:8080\/k` exited 0, but its output lacks "value=42"/,
    );
    expect(lacking.passed).toBe(false);
    expect(() => makeTask({ checks: [{ ...check, output_contains: [] }] })).toThrow(/output_contains/);
  });

  it('refuses a source without the path or command it needs', () => {
    expect(() => makeTask(metric({ kind: 'json', key: 'acc' }))).toThrow(/a json source needs a path/);
    expect(() => makeTask(metric({ kind: 'stdout', key: '(x)' }))).toThrow(/a stdout source needs a command/);
  });
});

describe('sql_check', () => {
  const sql = (extra: Record<string, unknown> = {}) => ({
    checks: [
      {
        name: 'orders',
        type: 'sql_check',
        service: 'db',
        database: 'shop',
        query: 'SELECT id, total, paid FROM orders',
        expected_rows: [
          [1, 9.5, true],
          [2, 20, false],
          [3, null, false],
        ],
        ...extra,
      },
    ],
  });

  it('runs psql in the database service and matches unordered rows type-tolerantly', async () => {
    const ctx = context(sql(), {
      exec: () => ({ stdout: '3,<<factory-bench:null>>,f\n1,9.50,t\n2,20.000,f\n' }),
    });
    const r = await grade(ctx);
    expect(r.checks[0]?.status).toBe('passed');
    const req = ctx.sandbox.execs[0] as ExecRequest;
    expect(req.service).toBe('db');
    expect(req.cmd).toEqual(expect.arrayContaining(['psql', '--csv', '-d', 'shop']));
  });

  it('fails on wrong or out-of-order rows, and on a query error', async () => {
    const wrong = await grade(context(sql(), { exec: () => ({ stdout: '1,9.50,t\n2,20,f\n3,0,f\n' }) }));
    expect(wrong.checks[0]?.status).toBe('failed');
    expect(wrong.checks[0]?.explanation).toContain('missing row (3, NULL, false)');

    const ordered = await grade(
      context(sql({ ordered: true }), {
        exec: () => ({ stdout: '2,20,f\n1,9.5,t\n3,<<factory-bench:null>>,f\n' }),
      }),
    );
    expect(ordered.checks[0]?.status).toBe('failed');

    const missingTable = await grade(
      context(sql(), {
        exec: () => ({ exitCode: 1, stderr: 'ERROR:  relation "orders" does not exist\nLINE 1: ...' }),
      }),
    );
    expect(missingTable.checks[0]?.status).toBe('failed');
    expect(missingTable.checks[0]?.explanation).toBe(
      'the query failed: ERROR:  relation "orders" does not exist',
    );
    expect(missingTable.graderError).toBeNull();
  });

  it('is a grader error when the database cannot be reached', async () => {
    const r = await grade(
      context(sql(), { exec: () => ({ exitCode: 2, stderr: 'psql: error: connection to server failed' }) }),
    );
    expect(r.checks[0]?.status).toBe('error');
    expect(r.graderError).toMatch(/orders: could not run the query in service db/);
    expect(r.passed).toBe(false);
  });
});

describe('reference_output', () => {
  const ref = (extra: Record<string, unknown> = {}) => ({
    checks: [
      {
        name: 'report',
        type: 'reference_output',
        command: 'python report.py',
        expected: 'grader/expected.csv',
        ...extra,
      },
    ],
  });
  const files = { 'grader/expected.csv': 'city,mean\nOslo,4.50\nRome,15.25\n' };

  it('passes within tolerance and fails with a readable diff saved beside the output', async () => {
    const ok = context(ref({ abs_tolerance: 0.01 }), {
      files,
      exec: () => ({ stdout: 'city,mean\nOslo,4.505\nRome,15.25\n' }),
    });
    expect((await grade(ok)).checks[0]?.status).toBe('passed');

    const bad = context(ref({ abs_tolerance: 0.01 }), {
      files,
      exec: () => ({ stdout: 'city,mean\nOslo,4.6\nRome,15.25\n' }),
    });
    const r = await grade(bad);
    expect(r.checks[0]?.status).toBe('failed');
    expect(r.checks[0]?.explanation).toContain(
      'line 2: expected "Oslo,4.50", got "Oslo,4.6" (4.6 vs expected 4.5',
    );
    expect(readFileSync(path.join(bad.outputsDir, 'report.diff.txt'), 'utf8')).toContain('line 2');
    const saved = JSON.parse(readFileSync(path.join(bad.outputsDir, 'report.json'), 'utf8'));
    expect(saved.details.differences).toHaveLength(1);
    expect(saved.files).toEqual({
      stdout: 'report.stdout.txt',
      stderr: 'report.stderr.txt',
      diff: 'report.diff.txt',
    });
  });

  it('accepts rows in any order when asked, and fails on empty output', async () => {
    const shuffled = context(ref({ ignore_row_order: true }), {
      files,
      exec: () => ({ stdout: 'Rome,15.25\ncity,mean\nOslo,4.50\n' }),
    });
    expect((await grade(shuffled)).checks[0]?.status).toBe('passed');
    const empty = await grade(context(ref(), { files, exec: () => ({ stdout: '' }) }));
    expect(empty.checks[0]?.status).toBe('failed');
    expect(empty.checks[0]?.explanation).toContain('expected 3 lines, got 0');
  });

  it('is a grader error when the fixture is missing', async () => {
    const r = await grade(context(ref(), { exec: () => ({ stdout: 'x' }) }));
    expect(r.checks[0]?.status).toBe('error');
    expect(r.checks[0]?.explanation).toMatch(
      /cannot read the expected output grader\/expected.csv \(ENOENT\)/,
    );
  });
});

describe('llm_rubric', () => {
  const rubric = (extra: Record<string, unknown> = {}) => ({
    checks: [
      { name: 'quality', type: 'llm_rubric', rubric: 'rubric.md', judge_model: 'test/judge', ...extra },
    ],
  });
  const files = { 'rubric.md': 'Award 10 when the code is clear.' };

  it('scores on the scale, explains why, and counts the judge cost', async () => {
    const judge = new ScriptedJudge('test/judge', [
      '{"score": 8, "reasoning": "Clear code, one missing test."}',
    ]);
    const { setup, cost } = judgeSetup(judge);
    const ctx = context(rubric(), { files, judge: setup });
    const r = await grade(ctx);
    const check = r.checks[0] as CheckOutcome;
    expect(check.status).toBe('passed');
    expect(check.score).toBeCloseTo(0.8);
    expect(check.explanation).toBe('judged 8 on 0..10 (pass at 5): Clear code, one missing test.');
    expect(judge.calls).toHaveLength(1);
    const prompt = judge.calls[0]?.messages.map((m) => m.content).join('\n') ?? '';
    expect(prompt).toContain('Award 10 when the code is clear.');
    expect(prompt).toContain('[assistant] done');
    // 1000 input tokens at $1/M and 100 output tokens at $10/M.
    expect(cost.totalUsd).toBeCloseTo(0.002);
    expect(existsSync(path.join(ctx.outputsDir, 'quality.prompt.txt'))).toBe(true);
  });

  it('retries a malformed answer, then records a grader error', async () => {
    const fixed = new ScriptedJudge('test/judge', ['Score: 8/10', '{"score": 3, "reasoning": "Weak."}']);
    const a = await grade(context(rubric(), { files, judge: judgeSetup(fixed).setup }));
    expect(a.checks[0]?.status).toBe('failed');
    expect(fixed.calls).toHaveLength(2);
    expect(fixed.calls[1]?.messages.at(-1)?.content).toMatch(
      /could not be used: the reply is not a JSON object/,
    );

    const hopeless = new ScriptedJudge('test/judge', ['{"score": 42, "reasoning": "x"}']);
    const { setup, cost } = judgeSetup(hopeless);
    const b = await grade(context(rubric(), { files, judge: setup }));
    expect(hopeless.calls).toHaveLength(3);
    expect(b.checks[0]?.status).toBe('error');
    expect(b.graderError).toMatch(/gave no usable answer in 3 attempts: score 42 is outside the scale 0..10/);
    // Every attempt was paid for.
    expect(cost.totalUsd).toBeCloseTo(0.006);
  });

  it('is a grader error when the judge model cannot be resolved or fails', async () => {
    const unknown = await grade(
      context(rubric(), { files, judge: judgeSetup(new Error('unknown model')).setup }),
    );
    expect(unknown.checks[0]?.status).toBe('error');
    expect(unknown.checks[0]?.explanation).toBe('cannot use judge model test/judge: unknown model');
    const down = new ScriptedJudge('test/judge', [new Error('503 unavailable')]);
    const r = await grade(context(rubric(), { files, judge: judgeSetup(down).setup }));
    expect(r.checks[0]?.explanation).toBe('judge model test/judge failed: 503 unavailable');
  });

  it('answers the same prompt from the cache without resolving the judge', async () => {
    const cacheDir = tempDir('fb-judge-cache-');
    const judge = new ScriptedJudge('test/judge', ['{"score": 6, "reasoning": "Fine."}']);
    const first = judgeSetup(judge, cacheDir);
    await grade(context(rubric(), { files, judge: first.setup }));
    expect(readdirSync(cacheDir)).toHaveLength(1);
    const second = judgeSetup(judge, cacheDir);
    const r = await grade(context(rubric(), { files, judge: second.setup }));
    expect(judge.calls).toHaveLength(1);
    expect(second.resolved).toEqual([]);
    expect(second.cost.totalUsd).toBe(0);
    expect(r.checks[0]?.explanation).toContain(', cached:');
    // A different rubric is a different question.
    const third = judgeSetup(judge, cacheDir);
    await grade(context(rubric(), { files: { 'rubric.md': 'Award 10 for speed.' }, judge: third.setup }));
    expect(judge.calls).toHaveLength(2);
  });

  it('refuses a pass_at outside the scale', () => {
    expect(() => makeTask(rubric({ pass_at: 11 }))).toThrow(/pass_at must lie within the scale/);
  });
});

describe('tiers, gating and the score', () => {
  const checks = [
    { name: 'rubric', type: 'llm_rubric', rubric: 'rubric.md', judge_model: 'test/judge', weight: 1 },
    { name: 'ref', type: 'reference_output', command: 'cat out.txt', expected: 'expected.txt', weight: 2 },
    { name: 'built', type: 'file_present', path: 'model.pkl', gating: true, weight: 0 },
    { name: 'tests', type: 'command_exit_zero', command: 'pytest', weight: 3 },
  ];
  const files = { 'rubric.md': 'Be good.', 'expected.txt': 'ok\n' };

  it('runs tiers in order: deterministic, reference, rubric', async () => {
    const judge = new ScriptedJudge('test/judge', ['{"score": 5, "reasoning": "Half."}']);
    const ctx = context(
      { checks },
      {
        files,
        judge: judgeSetup(judge).setup,
        exec: (req) => (req.cmd === 'cat out.txt' ? { stdout: 'ok\n' } : undefined),
      },
    );
    const r = await grade(ctx);
    expect(r.checks.map((c) => [c.name, c.tier])).toEqual([
      ['built', 'deterministic'],
      ['tests', 'deterministic'],
      ['ref', 'reference'],
      ['rubric', 'rubric'],
    ]);
    // (0*1 + 3*1 + 2*1 + 1*0.5) / (0 + 3 + 2 + 1)
    expect(r.score).toBeCloseTo(5.5 / 6, 6);
    expect(r.passed).toBe(false); // the default pass_threshold is 1
  });

  it('a failed gating check skips every later check and makes no judge call', async () => {
    const judge = new ScriptedJudge('test/judge', ['{"score": 10, "reasoning": "x"}']);
    const { setup, resolved } = judgeSetup(judge);
    const ctx = context(
      { checks },
      {
        files,
        judge: setup,
        exec: (req) => (String(req.cmd).startsWith('test -f') ? { exitCode: 1 } : undefined),
      },
    );
    const r = await grade(ctx);
    expect(r.checks.map((c) => [c.name, c.status])).toEqual([
      ['built', 'failed'],
      ['tests', 'skipped'],
      ['ref', 'skipped'],
      ['rubric', 'skipped'],
    ]);
    expect(byName(r.checks, 'rubric').explanation).toBe('skipped: gating check built did not pass');
    expect(judge.calls).toHaveLength(0);
    expect(resolved).toEqual([]);
    expect(ctx.sandbox.execs).toHaveLength(1);
    expect(r.score).toBe(0);
    expect(r.passed).toBe(false);
    // Skipped checks still leave their grader output.
    expect(
      readdirSync(ctx.outputsDir)
        .filter((f) => f.endsWith('.json'))
        .sort(),
    ).toEqual(['built.json', 'ref.json', 'rubric.json', 'tests.json']);
  });

  it('a grader that throws is an error, not a failure, and does not stop other checks', async () => {
    const ctx = context(
      {
        checks: [
          { name: 'a', type: 'command_exit_zero', command: 'boom' },
          { name: 'b', type: 'command_exit_zero', command: 'true' },
        ],
      },
      {
        exec: (req) => {
          if (req.cmd === 'boom') throw new SandboxError('docker exec failed: broken pipe');
          return undefined;
        },
      },
    );
    const r = await grade(ctx);
    expect(r.checks.map((c) => c.status)).toEqual(['error', 'passed']);
    expect(r.graderError).toBe('a: grader error: docker exec failed: broken pipe');
  });

  it('scores the weighted mean, counting skipped and broken checks as 0', () => {
    const c = (
      name: string,
      weight: number,
      status: CheckOutcome['status'],
      score: number,
      gating = false,
    ): CheckOutcome => ({
      name,
      type: 'command_exit_zero',
      tier: 'deterministic',
      weight,
      gating,
      status,
      score,
      explanation: '',
    });
    expect(summarize([c('a', 1, 'passed', 1), c('b', 3, 'failed', 0)], 0.25)).toMatchObject({
      score: 0.25,
      passed: true,
    });
    expect(summarize([c('a', 1, 'passed', 1), c('b', 3, 'failed', 0)], 0.26)).toMatchObject({
      score: 0.25,
      passed: false,
    });
    expect(
      summarize([c('a', 2, 'passed', 1), c('r', 2, 'passed', 0.7), c('s', 1, 'skipped', 0)], 0),
    ).toMatchObject({ score: 0.68 });
    expect(summarize([c('a', 1, 'passed', 1), c('e', 1, 'error', 0)], 0.5)).toMatchObject({
      score: 0.5,
      passed: false,
    });
    // A failed gating check fails the run whatever the score.
    expect(summarize([c('g', 0, 'failed', 0, true), c('a', 1, 'passed', 1)], 0.5)).toMatchObject({
      score: 1,
      passed: false,
    });
    // All weights 0: 1 when every check passed.
    expect(summarize([c('g', 0, 'passed', 1, true)], 1)).toMatchObject({ score: 1, passed: true });
    expect(summarize([c('g', 0, 'failed', 0)], 1)).toMatchObject({ score: 0, passed: false });
  });
});
