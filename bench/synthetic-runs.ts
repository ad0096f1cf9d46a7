/**
 * Synthetic recorded runs for report tests, the report benchmark and the
 * screenshots: run folders shaped like the orchestrator's (result.json,
 * transcript.jsonl with realistic turns, grader_outputs/, workspace/ and
 * workspace_final/) and their runs.sqlite rows, written straight to disk (no
 * redaction on the way, so a planted secret really is in the files).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { blankRunResult, insertRun, type RunResult, updateIndex, upsertSuiteRun } from '../src/runs/index.js';
import { buildSummary, type RunBrief, type SuiteSummary, suiteRunRecord } from '../src/suites/index.js';

/** mulberry32: small, seeded, good enough for fixtures. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SyntheticSuiteOptions {
  runsRoot: string;
  suiteId?: string;
  tasks: number;
  epochs: number;
  seed?: number;
  model?: string;
  branch?: string | null;
  commit?: string | null;
  startedAt?: Date;
  /** Probability that a task's run passes (default: tasks get 0.2..0.95). */
  passProbability?: (taskIndex: number) => number;
  /** Model turns per run (default 6..24). */
  turns?: [number, number];
  /** Written into a transcript, a final workspace file and a grader's stdout of the first run. */
  plantSecret?: string;
  /** Index rows only (history): no run folders. */
  indexOnly?: boolean;
}

const SYSTEM_PROMPT =
  'You are an expert ML engineer working in a sandboxed Linux machine. The task files are in the current working directory (/workspace). Use the tools to inspect, change and test the code.\n\n'.repeat(
    6,
  );

function pick<T>(rnd: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rnd() * xs.length)] as T;
}

/** The module as seeded (bug), fixed, or changed the wrong way (a failed run's edit). */
function pythonModule(task: string, lines: number, bug: boolean | 'wrong'): string {
  const out = [`"""${task}: feature pipeline."""`, 'import math', ''];
  for (let i = 0; i < lines; i++)
    out.push(
      `def step_${i}(x):`,
      `    return ${i !== 3 || !bug ? `x * ${i + 1} + math.sqrt(${i})` : bug === 'wrong' ? 'x * 3 + 1  # off by one?' : 'x - 1'}`,
      '',
    );
  return `${out.join('\n')}\n`;
}

function pytestOutput(passed: boolean, n: number): string {
  if (passed) return `${'.'.repeat(n)}${' '.repeat(60)}[100%]\n${n} passed in 0.${n}1s\n`;
  return [
    `..F${'.'.repeat(n - 3)}${' '.repeat(50)}[100%]`,
    '=================================== FAILURES ===================================',
    '___________________________ test_step_3_is_linear ______________________________',
    '',
    '    def test_step_3_is_linear():',
    '>       assert pipeline.step_3(2) == 8 + math.sqrt(3)',
    'E       assert 1 == 9.732050807568877',
    'E        +  where 1 = <function step_3 at 0x7f2a>(2)',
    '',
    'tests/test_pipeline.py:14: AssertionError',
    `1 failed, ${n - 1} passed in 0.12s`,
    '',
  ].join('\n');
}

interface Written {
  brief: RunBrief;
  result: RunResult;
  dir: string;
}

function writeRun(
  o: SyntheticSuiteOptions,
  rnd: () => number,
  taskId: string,
  epoch: number,
  suiteRunId: string,
  started: Date,
  planted: string | null,
): Written {
  const model = o.model ?? 'openai/gpt-4o-mini';
  const taskIndex = Number(taskId.slice(-2));
  const p = o.passProbability ? o.passProbability(taskIndex) : 0.2 + 0.75 * rnd();
  const passed = rnd() < p;
  // A failed run often gets partial credit: its tests pass, its output does not match.
  const testsPass = passed || rnd() < 0.5;
  const [lo, hi] = o.turns ?? [6, 24];
  const turns = lo + Math.floor(rnd() * (hi - lo + 1));
  const runId = `${started.toISOString().slice(0, 19).replace(/:/g, '-')}Z__${taskId}__${model.replace('/', '_')}__${Math.floor(
    rnd() * 65536,
  )
    .toString(16)
    .padStart(4, '0')}`;
  const dir = path.join(o.runsRoot, runId);
  const events: object[] = [];
  let clock = 0;
  const ev = (e: object) => {
    clock += 50 + Math.floor(rnd() * 2000);
    events.push({ t: new Date(started.getTime() + clock).toISOString(), elapsed_ms: clock, ...e });
  };
  let inTok = 0;
  let outTok = 0;
  if (!o.indexOnly) {
    ev({
      type: 'sandbox_ready',
      sandbox: 'docker',
      image: 'factory-bench/ml-python:b71bce703bd2bcc2',
      setup_s: 0.5,
    });
    ev({ type: 'budget', max_tokens: 200000, max_tool_calls: 60, max_wall_seconds: 900, max_cost_usd: 0.5 });
    ev({
      type: 'agent_start',
      agent: 'native',
      model,
      messages: [
        { role: 'system', content: SYSTEM_PROMPT },
        {
          role: 'user',
          content: `Fix the feature pipeline of **${taskId}** so that \`python3 -m pytest -q tests\` passes.\n\n- keep the public API\n- do not edit the tests\n`,
        },
      ],
      tools: ['bash', 'python', 'text_editor', 'git_diff'],
    });
    for (let t = 0; t < turns; t++) {
      const usage = {
        input_tokens: 1500 + t * 900,
        cached_input_tokens: t * 600,
        output_tokens: 80 + Math.floor(rnd() * 400),
      };
      inTok += usage.input_tokens;
      outTok += usage.output_tokens;
      const tool = pick(rnd, ['bash', 'bash', 'text_editor', 'python'] as const);
      const args =
        tool === 'bash'
          ? {
              command: pick(rnd, [
                'python3 -m pytest -q tests',
                'ls -la',
                'cat pipeline.py',
                'grep -n step_ -r .',
              ]),
            }
          : tool === 'python'
            ? { code: 'import pipeline\nprint([pipeline.step_3(x) for x in range(5)])' }
            : {
                command: 'str_replace',
                path: 'pipeline.py',
                old_str: 'x - 1',
                new_str: 'x * 4 + math.sqrt(3)',
              };
      if (rnd() < 0.05)
        ev({
          type: 'model_retry',
          attempt: 1,
          reason: 'http_429',
          message: 'Rate limit reached',
          delay_ms: 1200,
          retry_after: true,
        });
      ev({
        type: 'model_response',
        message: {
          role: 'assistant',
          content: `Step ${t + 1}: ${pick(rnd, ['Let me look at the failing test first.', 'The bug is in `step_3`: it subtracts instead of scaling.', 'Running the tests again to check the fix.', 'I will inspect the data loader.'])}\n\n\`\`\`python\nassert pipeline.step_3(2) == 8 + math.sqrt(3)\n\`\`\``,
          tool_calls: [{ id: `call_${t}`, name: tool, arguments: JSON.stringify(args) }],
        },
        usage,
        cost_usd: (usage.input_tokens * 0.15 + usage.output_tokens * 0.6) / 1e6,
        finish_reason: 'tool_calls',
        retries: 0,
        duration_ms: 400 + Math.floor(rnd() * 3000),
      });
      ev({
        type: 'tool_call',
        id: `call_${t}`,
        name: tool,
        arguments: JSON.stringify(args),
        timeout_ms: 180000,
      });
      const long = rnd() < 0.08;
      let content =
        tool === 'bash' && args.command?.startsWith('python3 -m pytest')
          ? pytestOutput(passed && t === turns - 1, 12)
          : long
            ? pythonModule(taskId, 600, false).slice(0, 16000)
            : pythonModule(taskId, 6 + Math.floor(rnd() * 30), true);
      if (planted && t === 1) content += `\nOPENAI_API_KEY=${planted}\n`;
      ev({
        type: 'tool_result',
        id: `call_${t}`,
        name: tool,
        content: `${content}[exit code 0]`,
        error: null,
        duration_ms: 30 + Math.floor(rnd() * 900),
      });
    }
    if (rnd() < 0.1)
      ev({
        type: 'warning',
        message: `the dollar budget cannot be enforced for ${model}: it has no price (tokens still are)`,
      });
    ev({
      type: 'agent_end',
      stop_reason: 'final_answer',
      kill_reason: null,
      final_answer: 'Fixed `step_3`; all tests pass.',
      error: null,
    });
    ev({
      type: 'grading_start',
      killed_processes: 0,
      unkillable_processes: 0,
      grader_dir: '/opt/factory-bench/grader',
    });
  }
  const checks: RunResult['checks'] = [
    {
      name: 'module_present',
      type: 'file_present',
      tier: 'deterministic',
      weight: 0,
      gating: true,
      status: 'passed',
      score: 1,
      explanation: 'pipeline.py exists',
    },
    {
      name: 'tests_pass',
      type: 'command_exit_zero',
      tier: 'deterministic',
      weight: 1,
      gating: false,
      status: testsPass ? 'passed' : 'failed',
      score: testsPass ? 1 : 0,
      explanation: testsPass
        ? '`python3 -m pytest -q tests` exited 0'
        : '`python3 -m pytest -q tests` exited 1: 1 failed, 11 passed',
    },
    {
      name: 'features_match',
      type: 'reference_output',
      tier: 'reference',
      weight: 1,
      gating: false,
      status: passed ? 'passed' : 'failed',
      score: passed ? 1 : 0,
      explanation: passed
        ? 'output matches expected/features.csv'
        : '2 lines differ from expected/features.csv',
    },
  ];
  const score = passed ? 1 : testsPass ? 0.5 : 0;
  const wall = clock / 1000 + 3;
  const result = blankRunResult(
    {
      task: {
        id: taskId,
        title: `Fix the ${taskId} pipeline`,
        difficulty: pick(rnd, ['easy', 'medium', 'hard']),
        domain: pick(rnd, ['tabular', 'nlp', 'sql']),
        grader: { pass_threshold: 1 },
      },
      runId,
      model,
      suiteRunId,
      epoch,
      startedAt: started,
    },
    {
      status: 'completed',
      score,
      passed,
      stop_reason: 'final_answer',
      error: null,
      tokens: { input: inTok, cached_input: 0, output: outTok, total: inTok + outTok },
      cost_usd: (inTok * 0.15 + outTok * 0.6) / 1e6,
      turns,
      tool_calls: turns,
      timings: { setup_s: 0.5, agent_s: wall - 2, grading_s: 1.5, total_s: wall },
      checks,
      finished_at: new Date(started.getTime() + wall * 1000).toISOString(),
      sandbox: 'docker',
    },
  );
  if (!o.indexOnly) {
    ev({ type: 'graded', score, passed, judge_cost_usd: 0, checks });
    const files = {
      'pipeline.py': pythonModule(taskId, 40, true),
      'tests/test_pipeline.py':
        'import pipeline\n\ndef test_step_3_is_linear():\n    assert pipeline.step_3(2) == 8\n',
      'data/train.csv': 'a,b\n1,2\n'.repeat(200),
    };
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, 'workspace', rel)), { recursive: true });
      mkdirSync(path.dirname(path.join(dir, 'workspace_final', rel)), { recursive: true });
      writeFileSync(path.join(dir, 'workspace', rel), text);
      writeFileSync(
        path.join(dir, 'workspace_final', rel),
        rel === 'pipeline.py' ? pythonModule(taskId, 40, passed ? false : 'wrong') : text,
      );
    }
    writeFileSync(
      path.join(dir, 'workspace_final', 'NOTES.md'),
      `Changed step_3.\n${planted ? `key: ${planted}\n` : ''}`,
    );
    const go = path.join(dir, 'grader_outputs');
    mkdirSync(go, { recursive: true });
    const stdout = pytestOutput(testsPass, 12) + (planted ? `env: OPENAI_API_KEY=${planted}\n` : '');
    const diffText = passed
      ? null
      : 'missing expected line 3: 2024-03,1180.50\nunexpected output line 3: 2024-03,1179.00\n';
    for (const c of checks) {
      const fileMap: Record<string, string> = {};
      if (c.name === 'tests_pass') {
        writeFileSync(path.join(go, 'tests_pass.stdout.txt'), stdout);
        writeFileSync(path.join(go, 'tests_pass.stderr.txt'), '');
        Object.assign(fileMap, { stdout: 'tests_pass.stdout.txt', stderr: 'tests_pass.stderr.txt' });
      }
      if (c.name === 'features_match' && diffText) {
        writeFileSync(path.join(go, 'features_match.diff.txt'), diffText);
        fileMap.diff = 'features_match.diff.txt';
      }
      writeFileSync(
        path.join(go, `${c.name}.json`),
        JSON.stringify({ ...c, duration_ms: 120, details: {}, files: fileMap }, null, 2),
      );
    }
    writeFileSync(path.join(dir, 'transcript.jsonl'), `${events.map((e) => JSON.stringify(e)).join('\n')}\n`);
    writeFileSync(path.join(dir, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
  }
  const brief: RunBrief = {
    run_id: runId,
    task_id: taskId,
    epoch,
    status: 'completed',
    score,
    passed,
    kill_reason: null,
    error_kind: null,
    error_message: null,
    turns,
    tokens: inTok + outTok,
    cost_usd: result.cost_usd,
    wall_s: wall,
    started_at: result.started_at,
  };
  return { brief, result, dir };
}

/** Writes one synthetic suite run (run folders unless indexOnly) and indexes it; returns its id and summary. */
export async function writeSyntheticSuiteRun(
  o: SyntheticSuiteOptions,
): Promise<{ suiteRunId: string; summary: SuiteSummary }> {
  const rnd = seeded(o.seed ?? 1);
  const suiteId = o.suiteId ?? 'synthetic';
  const started = o.startedAt ?? new Date('2026-11-01T10:00:00Z');
  const suiteRunId = `${started.toISOString().slice(0, 19).replace(/:/g, '-')}Z__suite__${suiteId}__${Math.floor(
    rnd() * 65536,
  )
    .toString(16)
    .padStart(4, '0')}`;
  mkdirSync(path.join(o.runsRoot, suiteRunId), { recursive: true });
  const taskIds = Array.from({ length: o.tasks }, (_, i) => `task_${String(i).padStart(2, '0')}`);
  const written: Written[] = [];
  for (let e = 0; e < o.epochs; e++)
    for (const [i, taskId] of taskIds.entries()) {
      const at = new Date(started.getTime() + (e * o.tasks + i) * 1000);
      written.push(
        writeRun(
          o,
          rnd,
          taskId,
          e,
          suiteRunId,
          at,
          o.plantSecret && written.length === 0 ? o.plantSecret : null,
        ),
      );
    }
  const summary = buildSummary(
    {
      suite_run_id: suiteRunId,
      suite_id: suiteId,
      suite_title: `Synthetic suite ${suiteId}`,
      suite_file: `suites/${suiteId}.yaml`,
      model: o.model ?? 'openai/gpt-4o-mini',
      status: 'completed',
      started_at: started.toISOString(),
      finished_at: new Date(started.getTime() + 3_600_000).toISOString(),
      branch: o.branch ?? 'main',
      commit_sha: o.commit ?? null,
      label: null,
      shard: null,
      task_filter: null,
      epochs: o.epochs,
      concurrency: 4,
      wall_seconds: 3600,
    },
    taskIds.map((task_id) => {
      const r = written.find((w) => w.result.task_id === task_id)?.result;
      return {
        task_id,
        title: r?.task.title ?? task_id,
        difficulty: r?.task.difficulty ?? 'easy',
        domain: r?.task.domain ?? 'tabular',
        epochs: o.epochs,
      };
    }),
    written.map((w) => w.brief),
  );
  await updateIndex(path.join(o.runsRoot, 'runs.sqlite'), (db) => {
    for (const w of written) insertRun(db, w.result, w.dir);
    upsertSuiteRun(db, suiteRunRecord(summary, null, path.join(o.runsRoot, suiteRunId, 'report.md')));
  });
  writeFileSync(path.join(o.runsRoot, suiteRunId, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  return { suiteRunId, summary };
}
