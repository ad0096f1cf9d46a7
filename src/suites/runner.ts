import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { PricingTable } from '../cost/index.js';
import type { ChatModel, ExchangeConfig, ModelConfig } from '../models/index.js';
import { type RunPhase, type RunTaskOptions, type RunTaskResult, runTask } from '../orchestrator/index.js';
import {
  blankRunResult,
  getSuiteRun,
  newRunId,
  newSuiteRunId,
  RunDirectory,
  type RunResult,
  readIndex,
  recordRun,
  redact,
  runsOfSuiteRun,
  type SuiteRunRecord,
  updateIndex,
  upsertSuiteRun,
} from '../runs/index.js';
import { loadSuite, type Suite, type SuiteTask } from './load.js';
import { renderReportMarkdown } from './report.js';
import {
  briefFromRecord,
  briefFromResult,
  buildSummary,
  isFinished,
  latestFinishedRuns,
  type RunBrief,
  type SuiteRunStatus,
  type SuiteSummary,
  type SummaryHeader,
  type SummaryTask,
  unitKey,
} from './summary.js';

const PROGRESS_SAVE_DELAY_MS = 200;

/** Runs one task; `runTask` by default, injectable for tests and benchmarks. */
export type TaskRunner = (options: RunTaskOptions) => Promise<RunTaskResult>;

/** Bad options for a suite run (unknown resume id, a mismatched model...): the caller's to fix. */
export class SuiteInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SuiteInputError';
  }
}

export type SuiteEvent =
  | {
      type: 'suite_start';
      suiteRunId: string;
      suiteId: string;
      model: string;
      tasks: Array<{ taskId: string; epochs: number; done: number }>;
      pending: number;
      resumed: boolean;
    }
  | { type: 'unit_start'; taskId: string; epoch: number; epochs: number }
  | { type: 'unit_phase'; taskId: string; epoch: number; epochs: number; phase: RunPhase; runId: string }
  | { type: 'unit_end'; taskId: string; epoch: number; epochs: number; run: RunBrief }
  | { type: 'interrupting'; running: number }
  | { type: 'suite_end'; status: SuiteRunStatus; summary: SuiteSummary }
  | { type: 'warning'; message: string };

export interface RunSuiteOptions {
  /** A loaded suite or a suite file. Optional with `resume` (the recorded suite file is used). */
  suite?: Suite | string;
  /** The model name recorded on the suite run (default: the suite's `defaults.model`). */
  model?: string;
  /** Supplies a fresh chat model per run (tests, benchmarks); by default runs resolve `model` by name. */
  createModel?: (taskId: string, epoch: number) => ChatModel;
  /** Runs at once (default: the suite's `defaults.concurrency`, else 1). */
  concurrency?: number;
  /** Runs per task (default: the suite's `defaults.epochs`, else 1); a task's own `epochs` wins. */
  epochs?: number;
  /** Folder holding run directories and runs.sqlite. */
  runsRoot: string;
  /** Aborting stops starting new runs, stops running ones cleanly and writes a partial report. */
  signal?: AbortSignal;
  /** Runs every `total`-th task starting at `index` (0-based), in task id order. */
  shard?: { index: number; total: number };
  /** Task ids to run (others are skipped); `*` globs allowed. */
  tasks?: string[];
  /** Recorded on the suite run, for comparisons against a branch or label. */
  branch?: string | null;
  commit?: string | null;
  label?: string | null;
  /** Finish this interrupted suite run instead of starting a new one. */
  resume?: string;
  /** A suite run id to use (default: a new one). */
  suiteRunId?: string;
  pricing?: PricingTable;
  /** How a named model is reached (base URL, retries); passed to every run. */
  modelConfig?: ModelConfig;
  /** Record every model exchange of every run to a folder, or answer from one. */
  exchanges?: ExchangeConfig;
  onEvent?: (event: SuiteEvent) => void;
  /** Default: runTask from the orchestrator. */
  runTask?: TaskRunner;
  /**
   * A run that has not returned this long after its wall-time budget (setup,
   * image builds and grading included) is stopped and recorded as an
   * environment timeout. Default 900 s.
   */
  hardTimeoutGraceSeconds?: number;
  /** How long a stopped run may take to return before it is given up on. Default 60 s. */
  stopGraceSeconds?: number;
}

export interface SuiteRunOutcome {
  suiteRunId: string;
  status: SuiteRunStatus;
  summary: SuiteSummary;
  /** `runs/<suite_run_id>/`. */
  dir: string;
  reportPath: string;
  summaryPath: string;
}

/** How a suite run was started, stored with it so that `--resume` can finish it. */
interface SuiteRunConfig {
  suite_file: string;
  suite_id: string;
  suite_title: string;
  model: string;
  epochs: number;
  shard: { index: number; total: number } | null;
  task_filter: string[] | null;
  tasks: Array<{ task_id: string; epochs: number }>;
}

interface Unit {
  suiteTask: SuiteTask;
  epoch: number;
  epochs: number;
}

/**
 * Runs a suite: every selected task for its epochs through a bounded pool,
 * each run isolated (a crash, an environment error or a hang is recorded and
 * the rest go on). Writes `runs/<suite_run_id>/report.md` and `summary.json`
 * and a `suite_runs` row as it goes, so an interrupted suite leaves a partial
 * report and can be resumed. Never rejects for a failing task; rejects for bad
 * input (ManifestError, SuiteInputError).
 */
export async function runSuite(options: RunSuiteOptions): Promise<SuiteRunOutcome> {
  const runsRoot = path.resolve(options.runsRoot);
  const dbPath = path.join(runsRoot, 'runs.sqlite');
  const emit = (event: SuiteEvent): void => options.onEvent?.(event);
  const previous = options.resume ? await loadResumable(dbPath, options.resume) : null;
  const suite = resolveSuite(options, previous);
  const chosenModel = options.model ?? previous?.config.model ?? suite.defaults.model;
  if (!chosenModel) throw new SuiteInputError(`no model: pass one, or set defaults.model in ${suite.file}`);
  const model: string = chosenModel;
  if (previous && model !== previous.config.model)
    throw new SuiteInputError(
      `suite run ${previous.record.suite_run_id} was run with model ${previous.config.model}, not ${model}`,
    );
  const concurrency = options.concurrency ?? previous?.record.concurrency ?? suite.defaults.concurrency;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new SuiteInputError(`concurrency must be a whole number of at least 1, got ${concurrency}`);
  if (previous && options.epochs !== undefined && options.epochs !== previous.config.epochs)
    throw new SuiteInputError(
      `suite run ${previous.record.suite_run_id} was run with ${previous.config.epochs} epoch(s); it resumes with the same`,
    );
  const epochs = previous?.config.epochs ?? options.epochs ?? suite.defaults.epochs;
  if (!Number.isInteger(epochs) || epochs < 1)
    throw new SuiteInputError(`epochs must be a whole number of at least 1, got ${epochs}`);
  const shard = previous ? previous.config.shard : (options.shard ?? null);
  if (
    shard &&
    !(Number.isInteger(shard.index) && shard.total >= 1 && shard.index >= 0 && shard.index < shard.total)
  )
    throw new SuiteInputError(
      `shard must be index/total with 0 <= index < total, got ${shard.index}/${shard.total}`,
    );
  const taskFilter = previous ? previous.config.task_filter : (options.tasks ?? null);

  const selected = selectTasks(suite, taskFilter, shard, previous?.config);
  const epochsOf = (t: SuiteTask): number =>
    previous?.config.tasks.find((c) => c.task_id === t.id)?.epochs ?? t.epochs ?? epochs;
  const summaryTasks: SummaryTask[] = selected.map((t) => ({
    task_id: t.id,
    title: t.task.manifest.title,
    difficulty: t.task.manifest.difficulty,
    domain: t.task.manifest.domain,
    epochs: epochsOf(t),
  }));
  const config: SuiteRunConfig = previous?.config ?? {
    suite_file: suite.file,
    suite_id: suite.id,
    suite_title: suite.title,
    model,
    epochs,
    shard,
    task_filter: taskFilter,
    tasks: summaryTasks.map((t) => ({ task_id: t.task_id, epochs: t.epochs })),
  };

  const suiteRunId = previous?.record.suite_run_id ?? options.suiteRunId ?? newSuiteRunId(suite.id);
  const dir = path.join(runsRoot, suiteRunId);
  const reportPath = path.join(dir, 'report.md');
  const summaryPath = path.join(dir, 'summary.json');
  mkdirSync(dir, { recursive: true });
  const sessionStarted = Date.now();
  const priorWall = previous?.record.wall_seconds ?? 0;
  const startedAt = previous?.record.started_at ?? new Date(sessionStarted).toISOString();
  const runs: RunBrief[] = previous ? previous.runs : [];

  const header = (status: SuiteRunStatus): SummaryHeader => ({
    suite_run_id: suiteRunId,
    suite_id: suite.id,
    suite_title: config.suite_title,
    suite_file: config.suite_file,
    model,
    status,
    started_at: startedAt,
    finished_at: status === 'running' ? null : new Date().toISOString(),
    branch: options.branch ?? previous?.record.branch ?? null,
    commit_sha: options.commit ?? previous?.record.commit_sha ?? null,
    label: options.label ?? previous?.record.label ?? null,
    shard,
    task_filter: taskFilter,
    epochs,
    concurrency,
    wall_seconds: priorWall + (Date.now() - sessionStarted) / 1000,
  });

  // Saves are chained so that a slow one never overtakes a newer one, and coalesced: at most one
  // waits behind the save in progress, and it reads the runs when it starts, so none is missed.
  let writes: Promise<unknown> = Promise.resolve();
  let queued: Promise<SuiteSummary> | null = null;
  const save = async (status: SuiteRunStatus): Promise<SuiteSummary> => {
    const summary = buildSummary(header(status), summaryTasks, runs);
    writeAtomic(summaryPath, `${JSON.stringify(summary, null, 2)}\n`);
    writeAtomic(reportPath, renderReportMarkdown(summary));
    await updateIndex(dbPath, (db) => upsertSuiteRun(db, suiteRunRecord(summary, config, reportPath)));
    return summary;
  };
  const persist = (status: SuiteRunStatus): Promise<SuiteSummary> => {
    if (status === 'running' && queued) return queued;
    const next = writes.then(() => {
      if (status === 'running') queued = null;
      return save(status);
    });
    if (status === 'running') queued = next;
    writes = next.catch(() => undefined);
    return next;
  };
  const emitWarning = (message: string): void => emit({ type: 'warning', message });
  // Runs that end together share one save; the final save supersedes a pending one.
  let saveTimer: NodeJS.Timeout | undefined;
  const saveProgress = (): void => {
    if (saveTimer) return;
    saveTimer = setTimeout(() => {
      saveTimer = undefined;
      persist('running').catch((err: Error) =>
        emitWarning(`could not save the suite's progress: ${err.message}`),
      );
    }, PROGRESS_SAVE_DELAY_MS);
  };
  // The first save (which also proves the index writable) runs alongside the first runs; if it fails, no more start.
  let initialSaveFailed = false;
  const initialSave = persist('running');
  initialSave.catch(() => {
    initialSaveFailed = true;
  });

  const done = latestFinishedRuns(runs);
  const units: Unit[] = [];
  const maxEpochs = Math.max(0, ...summaryTasks.map((t) => t.epochs));
  // Epoch-major order: an interrupted suite has covered every task at least once before any twice.
  for (let e = 0; e < maxEpochs; e++)
    selected.forEach((t, i) => {
      const n = summaryTasks[i]?.epochs ?? 1;
      if (e < n && !done.has(unitKey(t.id, e))) units.push({ suiteTask: t, epoch: e, epochs: n });
    });
  emit({
    type: 'suite_start',
    suiteRunId,
    suiteId: suite.id,
    model,
    tasks: summaryTasks.map((t) => ({
      taskId: t.task_id,
      epochs: t.epochs,
      done: [...Array(t.epochs).keys()].filter((e) => done.has(unitKey(t.task_id, e))).length,
    })),
    pending: units.length,
    resumed: previous !== null,
  });

  const runner = options.runTask ?? runTask;
  const warn = emitWarning;
  const running = new Set<Promise<void>>();
  let next = 0;
  const signal = options.signal;
  const onAbort = (): void => emit({ type: 'interrupting', running: running.size });
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const stopStarting = (): boolean => Boolean(signal?.aborted) || initialSaveFailed;
    while (next < units.length && !stopStarting()) {
      while (running.size < concurrency && next < units.length && !stopStarting()) {
        const unit = units[next++] as Unit;
        const p: Promise<void> = runUnit(unit).then((brief) => {
          running.delete(p);
          if (brief) {
            runs.push(brief);
            saveProgress();
          }
        });
        running.add(p);
      }
      if (running.size > 0) await Promise.race(running);
    }
    await Promise.all(running);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    clearTimeout(saveTimer);
  }
  await initialSave;

  const finished = latestFinishedRuns(runs);
  const complete = summaryTasks.every((t) =>
    [...Array(t.epochs).keys()].every((e) => finished.has(unitKey(t.task_id, e))),
  );
  const status: SuiteRunStatus = complete ? 'completed' : 'interrupted';
  const summary = await persist(status);
  emit({ type: 'suite_end', status, summary });
  return { suiteRunId, status, summary, dir, reportPath, summaryPath };

  async function runUnit(unit: Unit): Promise<RunBrief | null> {
    const { suiteTask, epoch, epochs: n } = unit;
    const taskId = suiteTask.id;
    emit({ type: 'unit_start', taskId, epoch, epochs: n });
    const controller = new AbortController();
    const forward = (): void => controller.abort();
    signal?.addEventListener('abort', forward, { once: true });
    let runId: string | null = null;
    let watchdogFired = false;
    const budgetSeconds =
      suiteTask.budget.max_wall_seconds ?? suiteTask.task.manifest.budget.max_wall_seconds;
    const deadlineMs = (budgetSeconds + (options.hardTimeoutGraceSeconds ?? 900)) * 1000;
    const stopGraceMs = (options.stopGraceSeconds ?? 60) * 1000;
    const started = new Date();
    let watchdog: NodeJS.Timeout | undefined;
    let giveUp: NodeJS.Timeout | undefined;
    try {
      const attempt = Promise.resolve().then(() =>
        runner({
          task: suiteTask.task,
          model: options.createModel ? options.createModel(taskId, epoch) : model,
          runsRoot,
          suiteRunId,
          epoch,
          budget: suiteTask.budget,
          signal: controller.signal,
          ...(options.pricing ? { pricing: options.pricing } : {}),
          ...(options.modelConfig ? { modelConfig: options.modelConfig } : {}),
          ...(options.exchanges ? { exchanges: options.exchanges } : {}),
          warn: (m) => warn(`${taskId}: ${m}`),
          onPhase: (phase, id) => {
            runId = id;
            emit({ type: 'unit_phase', taskId, epoch, epochs: n, phase, runId: id });
          },
        }),
      );
      const hung = new Promise<'hung'>((resolve) => {
        watchdog = setTimeout(() => {
          watchdogFired = true;
          warn(
            `${taskId} epoch ${epoch + 1}: no result ${Math.round(deadlineMs / 1000)}s after start; stopping it`,
          );
          controller.abort();
          giveUp = setTimeout(() => resolve('hung'), stopGraceMs);
        }, deadlineMs);
      });
      const outcome = await Promise.race([attempt, hung]);
      let result: RunResult;
      if (outcome === 'hung') {
        attempt.catch(() => undefined);
        result = await recordSynthetic(unit, runId, started, 'environment_error', {
          kind: 'environment:timeout',
          message: `the run did not return within ${Math.round(deadlineMs / 1000)}s nor stop when asked`,
        });
      } else if (watchdogFired) {
        result = await rewriteAsTimeout(outcome, deadlineMs);
      } else {
        result = outcome.result;
      }
      const brief = briefFromResult(result);
      emit({ type: 'unit_end', taskId, epoch, epochs: n, run: brief });
      return brief;
    } catch (err) {
      // runTask never throws for a failed run; a thrown error is a harness bug, recorded like a crash.
      const message = err instanceof Error ? err.message : String(err);
      try {
        const result = await recordSynthetic(unit, runId, started, 'crashed', { kind: 'crashed', message });
        const brief = briefFromResult(result);
        emit({ type: 'unit_end', taskId, epoch, epochs: n, run: brief });
        return brief;
      } catch (inner) {
        warn(
          `${taskId} epoch ${epoch + 1}: could not record a crash (${(inner as Error).message}): ${message}`,
        );
        return null;
      }
    } finally {
      clearTimeout(watchdog);
      clearTimeout(giveUp);
      signal?.removeEventListener('abort', forward);
    }
  }

  /** A watchdog-stopped run reads as interrupted; record it as the environment timeout it was. */
  function rewriteAsTimeout(outcome: RunTaskResult, deadlineMs: number): Promise<RunResult> {
    const result: RunResult = {
      ...outcome.result,
      status: 'environment_error',
      passed: false,
      kill_reason: 'timeout:suite_watchdog',
      error: {
        kind: 'environment:timeout',
        message: `stopped by the suite runner: no result within ${Math.round(deadlineMs / 1000)}s`,
      },
    };
    return recordRun(runsRoot, result, { runDir: outcome.runDir });
  }

  /** Records a run the task runner could not: result.json and an index row, so it is never silently lost. */
  function recordSynthetic(
    unit: Unit,
    knownRunId: string | null,
    started: Date,
    status: RunResult['status'],
    error: { kind: string; message: string },
  ): Promise<RunResult> {
    const manifest = unit.suiteTask.task.manifest;
    const runId = knownRunId ?? newRunId(manifest.id, model, started);
    new RunDirectory(runsRoot, runId).create();
    const result = blankRunResult(
      { task: manifest, runId, model, suiteRunId, epoch: unit.epoch, startedAt: started },
      { status, error, kill_reason: status === 'environment_error' ? 'timeout:suite_watchdog' : null },
    );
    return recordRun(runsRoot, result);
  }
}

function resolveSuite(options: RunSuiteOptions, previous: Resumable | null): Suite {
  if (options.suite && typeof options.suite !== 'string') {
    if (previous && options.suite.id !== previous.config.suite_id)
      throw new SuiteInputError(
        `suite run ${previous.record.suite_run_id} is of suite ${previous.config.suite_id}, not ${options.suite.id}`,
      );
    return options.suite;
  }
  const file = options.suite ?? previous?.config.suite_file;
  if (!file) throw new SuiteInputError('no suite: pass a suite file, or a suite run to resume');
  const suite = loadSuite(file);
  if (previous && suite.id !== previous.config.suite_id)
    throw new SuiteInputError(
      `suite run ${previous.record.suite_run_id} is of suite ${previous.config.suite_id}, not ${suite.id} (${file})`,
    );
  return suite;
}

/** Task ids matching `*` globs. */
export function matchesTaskFilter(taskId: string, filter: readonly string[]): boolean {
  return filter.some((f) =>
    new RegExp(`^${f.replace(/[.+^${}()|[\]\\?]/g, '\\$&').replaceAll('*', '.*')}$`).test(taskId),
  );
}

function selectTasks(
  suite: Suite,
  filter: string[] | null,
  shard: { index: number; total: number } | null,
  resumed: SuiteRunConfig | undefined,
): SuiteTask[] {
  if (resumed) {
    // The task set was fixed when the suite run started.
    const byId = new Map(suite.tasks.map((t) => [t.id, t]));
    const missing = resumed.tasks.filter((t) => !byId.has(t.task_id)).map((t) => t.task_id);
    if (missing.length > 0)
      throw new SuiteInputError(`cannot resume: the suite no longer has task(s) ${missing.join(', ')}`);
    return resumed.tasks.map((t) => byId.get(t.task_id) as SuiteTask);
  }
  let tasks = [...suite.tasks].sort((a, b) => a.id.localeCompare(b.id));
  if (filter && filter.length > 0) {
    tasks = tasks.filter((t) => matchesTaskFilter(t.id, filter));
    if (tasks.length === 0)
      throw new SuiteInputError(`no task of suite ${suite.id} matches ${filter.join(', ')}`);
  }
  if (shard) tasks = tasks.filter((_, i) => i % shard.total === shard.index);
  return tasks;
}

interface Resumable {
  record: SuiteRunRecord;
  config: SuiteRunConfig;
  runs: RunBrief[];
}

async function loadResumable(dbPath: string, suiteRunId: string): Promise<Resumable> {
  const found = await readIndex(dbPath, (db) => {
    const record = getSuiteRun(db, suiteRunId);
    return record ? { record, runs: runsOfSuiteRun(db, suiteRunId).map(briefFromRecord) } : null;
  });
  if (!found) throw new SuiteInputError(`no suite run ${suiteRunId} in ${dbPath}`);
  if (!found.record.config_json)
    throw new SuiteInputError(
      `suite run ${suiteRunId} was recorded without its configuration; it cannot be resumed`,
    );
  const config = JSON.parse(found.record.config_json) as SuiteRunConfig;
  return { record: found.record, config, runs: found.runs.filter((r) => isFinished(r.status)) };
}

/** The `suite_runs` row for a summary; `config` is what `--resume` needs to finish the suite run. */
export function suiteRunRecord(
  summary: SuiteSummary,
  config: object | null,
  reportPath: string | null,
): SuiteRunRecord {
  return {
    suite_run_id: summary.suite_run_id,
    suite_id: summary.suite_id,
    model: summary.model,
    status: summary.status,
    started_at: summary.started_at,
    finished_at: summary.finished_at,
    total: summary.totals.scored_runs,
    passed: summary.totals.passed_runs,
    avg_score: summary.suite_score?.mean ?? null,
    cost_usd: summary.totals.cost_usd,
    branch: summary.branch,
    commit_sha: summary.commit_sha,
    label: summary.label,
    report_path: reportPath,
    summary_json: JSON.stringify(summary),
    epochs: summary.epochs,
    concurrency: summary.concurrency,
    total_tokens: summary.totals.tokens,
    wall_seconds: summary.totals.wall_seconds,
    environment_errors: summary.totals.environment_errors,
    suite_file: summary.suite_file,
    config_json: config === null ? null : JSON.stringify(config),
  };
}

function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, redact(text));
  renameSync(tmp, file);
}
