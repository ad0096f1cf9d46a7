import type { AgentSpec } from '../agents/index.js';
import type { ExchangeConfig, ModelConfig } from '../models/index.js';
import type { RunResult } from '../runs/index.js';
import type { Capability, Task } from '../tasks/index.js';
import { type RunPhase, runTask } from './run-task.js';

/** Which side of a task's soundness a problem is on. */
export type ValidationProblemKind = 'oracle_failed' | 'null_passed' | 'environment_error' | 'interrupted';

export interface ValidationProblem {
  kind: ValidationProblemKind;
  /** The built-in model whose run shows the problem. */
  model: 'oracle' | 'null';
  message: string;
}

/** One of the two runs a validation makes. */
export interface ValidationRun {
  model: 'oracle' | 'null';
  run_id: string;
  run_dir: string;
  status: RunResult['status'];
  passed: boolean;
  score: number;
  seconds: number;
}

export interface TaskValidation {
  task_id: string;
  dir: string;
  /** True when the oracle passed with the full score and the null model was rejected. */
  sound: boolean;
  oracle: ValidationRun;
  null: ValidationRun;
  problems: ValidationProblem[];
  /** Wall time of the whole validation (both runs overlap). */
  seconds: number;
}

export interface ValidateOptions {
  runsRoot: string;
  /**
   * The agent both runs go through (default: built-in). With an agent folder,
   * validation also proves the agent's plumbing: it must carry out the oracle's
   * tool call (a native `bash` call) and stop when the null model says nothing.
   */
  agent?: AgentSpec;
  signal?: AbortSignal;
  warn?: (message: string) => void;
  notice?: (message: string) => void;
  onPhase?: (phase: RunPhase, runId: string) => void;
  /** Record or replay the judge's model calls (the oracle and null models call none). */
  exchanges?: ExchangeConfig;
  /** The judge's request timeout. */
  modelConfig?: ModelConfig;
  /** At most these capabilities for any task (`--capabilities`). */
  maxCapabilities?: readonly Capability[] | null;
}

/**
 * Proves a task sound: its reference solution (the `oracle` model) must pass
 * with score 1.0, and an agent that does nothing (`null`) must fail. Both runs
 * go through runTask exactly as a real model's would, and run side by side.
 */
export async function validateTask(task: Task, opts: ValidateOptions): Promise<TaskValidation> {
  const started = Date.now();
  const run = (model: 'oracle' | 'null') =>
    runTask({
      task,
      model,
      ...(opts.agent ? { agent: opts.agent } : {}),
      runsRoot: opts.runsRoot,
      signal: opts.signal,
      warn: opts.warn,
      notice: opts.notice,
      onPhase: opts.onPhase,
      exchanges: opts.exchanges,
      ...(opts.modelConfig ? { modelConfig: opts.modelConfig } : {}),
      ...(opts.maxCapabilities ? { maxCapabilities: opts.maxCapabilities } : {}),
    });
  const [oracle, nothing] = await Promise.all([run('oracle'), run('null')]);
  const oracleRun = summarizeRun('oracle', oracle.result, oracle.runDir);
  const nullRun = summarizeRun('null', nothing.result, nothing.runDir);
  const problems = [...judgeOracle(oracle.result), ...judgeNull(nothing.result)];
  return {
    task_id: task.manifest.id,
    dir: task.dir,
    sound: problems.length === 0,
    oracle: oracleRun,
    null: nullRun,
    problems,
    seconds: round1((Date.now() - started) / 1000),
  };
}

/**
 * Validates `tasks`, `concurrency` at a time (each validation runs its two
 * runs side by side). Results come back in the order of `tasks`; `onResult`
 * hears of each as it finishes. After an abort no new task starts.
 */
export async function validateTasks(
  tasks: Task[],
  opts: ValidateOptions & {
    concurrency?: number;
    onStart?: (task: Task) => void;
    onResult?: (validation: TaskValidation) => void;
  },
): Promise<TaskValidation[]> {
  const results: Array<TaskValidation | undefined> = new Array(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length && !opts.signal?.aborted) {
      const index = next++;
      const task = tasks[index] as Task;
      opts.onStart?.(task);
      const v = await validateTask(task, opts);
      results[index] = v;
      opts.onResult?.(v);
    }
  };
  const workers = Math.max(1, Math.min(opts.concurrency ?? 1, tasks.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return results.filter((r): r is TaskValidation => r !== undefined);
}

function summarizeRun(model: 'oracle' | 'null', r: RunResult, runDir: string): ValidationRun {
  return {
    model,
    run_id: r.run_id,
    run_dir: runDir,
    status: r.status,
    passed: r.passed,
    score: r.score,
    seconds: round1(r.timings.total_s),
  };
}

/** A run that did not complete says nothing about the task's soundness, only about the environment. */
function incomplete(model: 'oracle' | 'null', r: RunResult): ValidationProblem[] {
  if (r.status === 'completed') return [];
  const why = r.error ? `${r.error.kind}: ${r.error.message}` : r.status;
  if (r.status === 'interrupted')
    return [{ kind: 'interrupted', model, message: `${model} run interrupted` }];
  return [
    {
      kind: 'environment_error',
      model,
      message: `environment error: the ${model} run ended with ${r.status} (${why})`,
    },
  ];
}

function judgeOracle(r: RunResult): ValidationProblem[] {
  const broken = incomplete('oracle', r);
  if (broken.length > 0) return broken;
  if (r.passed && r.score === 1) return [];
  const failing = r.checks
    .filter((c) => c.status !== 'passed')
    .map((c) => `${c.name} ${c.status}: ${c.explanation}`);
  const why =
    failing.length > 0 ? failing.join('; ') : 'every check passed but the pass threshold was missed';
  return [
    {
      kind: 'oracle_failed',
      model: 'oracle',
      message: `oracle did not pass: the reference solution scored ${r.score.toFixed(2)}${r.passed ? ' (passed, but not with the full score 1.0)' : ''}; ${why}`,
    },
  ];
}

function judgeNull(r: RunResult): ValidationProblem[] {
  const broken = incomplete('null', r);
  if (broken.length > 0) return broken;
  if (!r.passed) return [];
  return [
    {
      kind: 'null_passed',
      model: 'null',
      message: `null was not rejected: an untouched workspace passes with score ${r.score.toFixed(2)}; the grader must check what the agent is asked to do`,
    },
  ];
}

/** One line for a validated task: verdict, both runs and the time taken. */
export function formatValidationLine(v: TaskValidation, idWidth = 0): string {
  const half = (r: ValidationRun): string => {
    const outcome = r.status === 'completed' ? (r.passed ? 'passed' : 'failed') : r.status;
    return `${r.model} ${outcome} ${r.score.toFixed(2)} (${r.seconds.toFixed(1)}s)`;
  };
  const verdict = v.sound ? 'sound  ' : 'UNSOUND';
  return `${v.task_id.padEnd(idWidth)}  ${verdict}  ${half(v.oracle)}  ${half(v.null)}  total ${v.seconds.toFixed(1)}s`;
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
