import path from 'node:path';
import { insertRun, updateIndex } from './index-db.js';
import { redactDeep } from './redact.js';
import type { RunResult } from './result.js';
import { RunDirectory } from './run-dir.js';

/** What a blank result needs to know of the task (a task manifest has it all). */
export interface RunTaskInfo {
  id: string;
  title: string;
  difficulty: string;
  domain: string;
  grader: { pass_threshold: number };
}

export interface BlankRunResultInput {
  task: RunTaskInfo;
  runId: string;
  model: string;
  suiteRunId?: string | null | undefined;
  epoch?: number | undefined;
  startedAt: Date;
}

/**
 * A complete RunResult for a run that has done nothing yet: it reads as a
 * crash (the harness stopped before the run finished) until the caller says
 * otherwise in `overrides`. Timings and `finished_at` are taken now.
 */
export function blankRunResult(input: BlankRunResultInput, overrides: Partial<RunResult> = {}): RunResult {
  const { task, startedAt } = input;
  return {
    schema_version: 1,
    run_id: input.runId,
    task_id: task.id,
    model: input.model,
    suite_run_id: input.suiteRunId ?? null,
    epoch: input.epoch ?? 0,
    status: 'crashed',
    score: 0,
    passed: false,
    pass_threshold: task.grader.pass_threshold,
    kill_reason: null,
    stop_reason: 'not_started',
    error: { kind: 'crashed', message: 'the harness stopped before the run finished' },
    tokens: { input: 0, cached_input: 0, output: 0, total: 0 },
    cost_usd: 0,
    judge_cost_usd: 0,
    turns: 0,
    tool_calls: 0,
    timings: { setup_s: 0, agent_s: 0, grading_s: 0, total_s: secondsSince(startedAt) },
    checks: [],
    started_at: startedAt.toISOString(),
    finished_at: new Date().toISOString(),
    task: { difficulty: task.difficulty, domain: task.domain, title: task.title },
    sandbox: 'unknown',
    ...overrides,
  };
}

export interface RecordRunOptions {
  /** The run's folder; default `<runsRoot>/<run_id>`. */
  runDir?: string;
}

/**
 * Records a run: result.json (atomic, redacted; the source of truth) and then
 * its row in `<runsRoot>/runs.sqlite`, written from the same redacted result.
 * Every finished, synthetic, re-graded or merged run goes through here.
 * Resolves to the result as recorded (redacted).
 */
export async function recordRun(
  runsRoot: string,
  result: RunResult,
  opts: RecordRunOptions = {},
): Promise<RunResult> {
  const runDir = opts.runDir ?? path.join(runsRoot, result.run_id);
  const recorded = redactDeep(result);
  new RunDirectory(path.dirname(runDir), path.basename(runDir)).writeResult(recorded);
  await indexRun(runsRoot, recorded, runDir);
  return recorded;
}

/** The index write behind recordRun: one row per run (and its checks), replacing an earlier one. */
export function indexRun(runsRoot: string, result: RunResult, runDir: string): Promise<void> {
  return updateIndex(path.join(runsRoot, 'runs.sqlite'), (db) => insertRun(db, result, runDir));
}

function secondsSince(date: Date): number {
  return (Date.now() - date.getTime()) / 1000;
}
