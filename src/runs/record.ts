import path from 'node:path';
import { indexWriterFor } from './index-writer.js';
import { redactDeep } from './redact.js';
import type { RunResult } from './result.js';
import { RunDirectory } from './run-dir.js';

/**
 * What result.json says from the start of a run until the run is recorded:
 * a harness killed mid-run (SIGKILL, OOM) leaves it so. Such a run did not
 * finish: a resumed suite runs it again.
 */
export const UNFINISHED_RUN_ERROR = {
  kind: 'crashed',
  message: 'the harness stopped before the run finished',
} as const;

/** True for a run whose harness died before recording it (see UNFINISHED_RUN_ERROR). */
export function isUnfinishedRun(
  status: string,
  errorKind: string | null,
  errorMessage: string | null,
): boolean {
  return (
    status === 'crashed' &&
    errorKind === UNFINISHED_RUN_ERROR.kind &&
    errorMessage === UNFINISHED_RUN_ERROR.message
  );
}

/** What a blank result needs to know of the task (a task manifest has it all). */
export interface RunTaskInfo {
  id: string;
  title: string;
  difficulty: string;
  domain: string;
  grader: { pass_threshold: number };
  metadata?: Record<string, unknown>;
}

export interface BlankRunResultInput {
  task: RunTaskInfo;
  /** The task folder's format (`factory-bench`, `harbor`), recorded with the task. */
  format?: string;
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
    error: { ...UNFINISHED_RUN_ERROR },
    tokens: { input: 0, cached_input: 0, output: 0, total: 0 },
    cost_usd: 0,
    judge_cost_usd: 0,
    turns: 0,
    tool_calls: 0,
    timings: { setup_s: 0, agent_s: 0, grading_s: 0, total_s: secondsSince(startedAt) },
    checks: [],
    started_at: startedAt.toISOString(),
    finished_at: new Date().toISOString(),
    task: {
      difficulty: task.difficulty,
      domain: task.domain,
      title: task.title,
      ...(input.format ? { format: input.format } : {}),
      ...(task.metadata && Object.keys(task.metadata).length > 0 ? { metadata: task.metadata } : {}),
    },
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
 * The row is saved with others a moment later (see IndexWriter); readers in
 * this process see it at once, and a process killed before the save leaves a
 * marker that the next command indexes. Resolves to the result as recorded.
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

/** The index write behind recordRun: one row per run (and its checks), replacing an earlier one; coalesced. */
export async function indexRun(runsRoot: string, result: RunResult, runDir: string): Promise<void> {
  indexWriterFor(path.join(runsRoot, INDEX_FILE)).addRun(result, runDir);
}

/** The index file in a runs folder. */
export const INDEX_FILE = 'runs.sqlite';

function secondsSince(date: Date): number {
  return (Date.now() - date.getTime()) / 1000;
}
