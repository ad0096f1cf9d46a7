import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { SuiteRunRecord } from './queries.js';
import { describeAgent } from './result.js';

/** A suite run's folder: `summary.json` (rewritten as it runs), `config.json` (how it was started), `report.md`. */
export const SUITE_FILES = { summary: 'summary.json', config: 'config.json', report: 'report.md' } as const;

/** What of a suite summary (summary.json) the `suite_runs` row holds. */
export interface SummaryForIndex {
  suite_run_id: string;
  suite_id: string;
  model: string;
  status: string;
  started_at: string;
  finished_at: string | null;
  branch: string | null;
  commit_sha: string | null;
  label: string | null;
  epochs: number;
  concurrency: number;
  suite_file: string;
  agent?: { name: string; hash: string | null } | undefined;
  totals: {
    scored_runs: number;
    passed_runs: number;
    cost_usd: number | null;
    tokens: number;
    wall_seconds: number;
    environment_errors: number;
  };
  suite_score: { mean: number } | null;
}

/** The `suite_runs` row for a summary; `config` is what `--resume` needs to finish the suite run. */
export function suiteRunRecordOf(
  summary: SummaryForIndex,
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
    pruned_at: null,
  };
}

/** The `suite_runs` row a suite run's folder describes, or null when it holds no summary. */
export function suiteRunRecordFromFolder(dir: string): SuiteRunRecord | null {
  const summaryFile = path.join(dir, SUITE_FILES.summary);
  if (!existsSync(summaryFile)) return null;
  const summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as SummaryForIndex;
  if (typeof summary.suite_run_id !== 'string' || typeof summary.suite_id !== 'string' || !summary.totals)
    return null;
  const configFile = path.join(dir, SUITE_FILES.config);
  const config = existsSync(configFile) ? (JSON.parse(readFileSync(configFile, 'utf8')) as object) : null;
  const report = path.join(dir, SUITE_FILES.report);
  return suiteRunRecordOf(summary, config, existsSync(report) ? report : null);
}
