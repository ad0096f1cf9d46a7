import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { agentInfo } from '../agents/index.js';
import {
  flushIndex,
  indexWriterFor,
  redact,
  SUITE_FILES,
  type SuiteRunRecord,
  suiteRunRecordOf,
} from '../runs/index.js';
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
 * Keeps a suite run's folder (`config.json`, written before its first run;
 * `summary.json` and `report.md`) and its `suite_runs` row up to date while
 * it runs. Saves are chained so that a slow one never overtakes a newer one,
 * and coalesced: at most one waits behind the save in progress, and it reads
 * the runs when it starts, so none is missed. The row goes through the
 * process's index writer (saved with the runs' rows); `commit` saves it now.
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
    // How the suite run was started, beside it: `--resume` finds it even if the index never did.
    writeAtomic(path.join(this.dir, SUITE_FILES.config), `${JSON.stringify(plan.config, null, 2)}\n`);
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

  /** Saves the suite run's row (and every run's row waiting with it) to the index now. */
  async commit(): Promise<void> {
    await this.writes;
    await flushIndex(this.plan.dbPath);
  }

  /** Drops a pending progress save (the final save supersedes it). */
  cancelPending(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private write(status: SuiteRunStatus): SuiteSummary {
    const summary = buildSummary(this.header(status), this.plan.tasks, this.runs);
    writeAtomic(this.summaryPath, `${JSON.stringify(summary, null, 2)}\n`);
    writeAtomic(this.reportPath, renderReportMarkdown(summary));
    indexWriterFor(this.plan.dbPath).addSuiteRun(
      suiteRunRecord(summary, this.plan.config, this.reportPath),
      this.dir,
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
  return suiteRunRecordOf(summary, config, reportPath);
}

function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, redact(text));
  renameSync(tmp, file);
}
