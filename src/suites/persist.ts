import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { agentInfo } from '../agents/index.js';
import { describeAgent, redact, type SuiteRunRecord, updateIndex, upsertSuiteRun } from '../runs/index.js';
import type { SuitePlan } from './plan.js';
import { renderReportMarkdown } from './report.js';
import {
  buildSummary,
  type RunBrief,
  type SuiteRunStatus,
  type SuiteSummary,
  type SummaryHeader,
} from './summary.js';

const PROGRESS_SAVE_DELAY_MS = 200;

/**
 * Keeps a suite run's `summary.json`, `report.md` and `suite_runs` row up to
 * date while it runs. Saves are chained so that a slow one never overtakes a
 * newer one, and coalesced: at most one waits behind the save in progress, and
 * it reads the runs when it starts, so none is missed.
 */
export class SuiteRunRecorder {
  readonly dir: string;
  readonly reportPath: string;
  readonly summaryPath: string;
  /** Finished runs, in the order they finished (those of a resumed suite run first). */
  readonly runs: RunBrief[];
  private readonly sessionStarted = Date.now();
  private readonly startedAt: string;
  private writes: Promise<unknown> = Promise.resolve();
  private queued: Promise<SuiteSummary> | null = null;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly plan: SuitePlan,
    private readonly warn: (message: string) => void,
  ) {
    this.dir = path.join(plan.runsRoot, plan.suiteRunId);
    this.reportPath = path.join(this.dir, 'report.md');
    this.summaryPath = path.join(this.dir, 'summary.json');
    mkdirSync(this.dir, { recursive: true });
    this.runs = plan.previous ? [...plan.previous.runs] : [];
    this.startedAt = plan.previous?.record.started_at ?? new Date(this.sessionStarted).toISOString();
  }

  /** Adds a finished run and saves soon: runs that end together share one save. */
  add(run: RunBrief): void {
    this.runs.push(run);
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.save('running').catch((err: Error) =>
        this.warn(`could not save the suite's progress: ${err.message}`),
      );
    }, PROGRESS_SAVE_DELAY_MS);
  }

  /** Saves now (after any save in progress); a save while running joins one already waiting. */
  save(status: SuiteRunStatus): Promise<SuiteSummary> {
    if (status === 'running' && this.queued) return this.queued;
    const next = this.writes.then(() => {
      if (status === 'running') this.queued = null;
      return this.write(status);
    });
    if (status === 'running') this.queued = next;
    this.writes = next.catch(() => undefined);
    return next;
  }

  /** Drops a pending progress save (the final save supersedes it). */
  cancelPending(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async write(status: SuiteRunStatus): Promise<SuiteSummary> {
    const summary = buildSummary(this.header(status), this.plan.tasks, this.runs);
    writeAtomic(this.summaryPath, `${JSON.stringify(summary, null, 2)}\n`);
    writeAtomic(this.reportPath, renderReportMarkdown(summary));
    await updateIndex(this.plan.dbPath, (db) =>
      upsertSuiteRun(db, suiteRunRecord(summary, this.plan.config, this.reportPath)),
    );
    return summary;
  }

  private header(status: SuiteRunStatus): SummaryHeader {
    const p = this.plan;
    return {
      suite_run_id: p.suiteRunId,
      suite_id: p.suite.id,
      suite_title: p.config.suite_title,
      suite_file: p.config.suite_file,
      model: p.model,
      agent: agentInfo(p.agent),
      status,
      started_at: this.startedAt,
      finished_at: status === 'running' ? null : new Date().toISOString(),
      branch: p.branch,
      commit_sha: p.commit,
      label: p.label,
      shard: p.shard,
      task_filter: p.taskFilter,
      epochs: p.epochs,
      concurrency: p.concurrency,
      wall_seconds: (p.previous?.record.wall_seconds ?? 0) + (Date.now() - this.sessionStarted) / 1000,
    };
  }
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
    agent: summary.agent ? describeAgent(summary.agent) : null,
    agent_name: summary.agent?.name ?? null,
    agent_hash: summary.agent?.hash ?? null,
  };
}

function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, redact(text));
  renameSync(tmp, file);
}
