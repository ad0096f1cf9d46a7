import { cpSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type AgentSpec, agentInfo } from '../agents/index.js';
import type { RunTaskOptions, RunTaskResult } from '../orchestrator/index.js';
import {
  agentsDiffer,
  describeAgent,
  indexExists,
  type RunResult,
  readIndex,
  recordRun,
  runResultSchema,
} from '../runs/index.js';
import {
  compareSuiteRuns,
  findLatestSuiteRun,
  readSuiteSummary,
  renderComparisonMarkdown,
  runSuite,
  type Suite,
  type SuiteComparison,
  SuiteInputError,
  type SuiteRunOutcome,
  type SuiteSummary,
} from '../suites/index.js';

/**
 * What the action needs from a suite run, read from the suites library:
 * totals for outputs and the gate, the folders for the artifact, per-task
 * pass rates for the comparison with the base branch.
 */
export interface SuiteRunView {
  suiteId: string;
  suiteRunId: string;
  model: string;
  /** Runs planned (a run that could not be scored counts as not passed). */
  total: number;
  passed: number;
  passRate: number;
  avgScore: number;
  /** Null when a run's cost is unknown (an unpriced model). */
  costUsd: number | null;
  environmentErrors: number;
  reportPath: string;
  reportMarkdown: string;
  /** The suite run's folder and every run's folder (what the artifact holds). */
  dirs: string[];
  summary: SuiteSummary;
}

export function passRateOf(s: SuiteSummary): number {
  return s.totals.runs_planned ? s.totals.passed_runs / s.totals.runs_planned : 0;
}

export function viewOf(
  outcome: Pick<SuiteRunOutcome, 'summary' | 'dir' | 'reportPath'>,
  runsRoot: string,
): SuiteRunView {
  const s = outcome.summary;
  return {
    suiteId: s.suite_id,
    suiteRunId: s.suite_run_id,
    model: s.model,
    total: s.totals.runs_planned,
    passed: s.totals.passed_runs,
    passRate: passRateOf(s),
    avgScore: s.totals.mean_run_score ?? 0,
    costUsd: s.totals.cost_usd,
    environmentErrors: s.totals.environment_errors,
    reportPath: outcome.reportPath,
    reportMarkdown: existsSync(outcome.reportPath) ? readFileSync(outcome.reportPath, 'utf8') : '',
    dirs: [outcome.dir, ...s.tasks.flatMap((t) => t.runs.map((r) => path.join(runsRoot, r.run_id)))],
    summary: s,
  };
}

/**
 * Merges the shards' runs into one suite run: the suite runner is driven with
 * a task runner that replays each shard's recorded run (copied into this
 * runs folder, re-linked and indexed) instead of running it again, so the
 * merged summary, report and suite_runs row are the runner's own.
 */
export async function mergeShardRuns(o: {
  suite: Suite;
  /** The agent the shards ran (the merge job's agent input); their results must agree. */
  agent: AgentSpec;
  shardDirs: string[];
  runsRoot: string;
  epochs: number | null;
  branch: string | null;
  commit: string | null;
}): Promise<SuiteRunOutcome> {
  const recorded = new Map<string, { dir: string; result: RunResult }>();
  let epochs = 1;
  let model: string | null = null;
  for (const shardDir of o.shardDirs) {
    for (const name of readdirSync(shardDir).sort()) {
      const summaryFile = path.join(shardDir, name, 'summary.json');
      if (existsSync(summaryFile))
        epochs = Math.max(epochs, Number(JSON.parse(readFileSync(summaryFile, 'utf8')).epochs) || 1);
      const resultFile = path.join(shardDir, name, 'result.json');
      if (!existsSync(resultFile)) continue;
      const result = runResultSchema.parse(JSON.parse(readFileSync(resultFile, 'utf8')));
      model ??= result.model;
      if (agentsDiffer(result.agent, agentInfo(o.agent)))
        throw new SuiteInputError(
          `the shards ran agent ${describeAgent(result.agent)}, but this merge job's agent is ${describeAgent(agentInfo(o.agent))}; give the merge job the same agent input as the shards`,
        );
      recorded.set(`${result.task_id}#${result.epoch}`, { dir: path.join(shardDir, name), result });
    }
  }
  if (!model) throw new Error(`the shard artifacts hold no runs (looked in ${o.shardDirs.join(', ')})`);
  const replay = async (opts: RunTaskOptions): Promise<RunTaskResult> => {
    const taskId = typeof opts.task === 'string' ? path.basename(opts.task) : opts.task.manifest.id;
    const found = recorded.get(`${taskId}#${opts.epoch ?? 0}`);
    if (!found) throw new Error(`no run of ${taskId} epoch ${(opts.epoch ?? 0) + 1} in the shard artifacts`);
    const runDir = path.join(opts.runsRoot, found.result.run_id);
    cpSync(found.dir, runDir, { recursive: true });
    const result = await recordRun(
      opts.runsRoot,
      { ...found.result, suite_run_id: opts.suiteRunId ?? null },
      { runDir },
    );
    return { result, runDir };
  };
  return runSuite({
    suite: o.suite,
    agent: o.agent,
    model,
    epochs: o.epochs ?? epochs,
    concurrency: 4,
    runsRoot: o.runsRoot,
    branch: o.branch,
    commit: o.commit,
    label: `merged from ${o.shardDirs.length} shards`,
    runTask: replay,
  });
}

export interface ComparisonView {
  baselineSuiteRunId: string;
  baselineBranch: string;
  baselineModel: string;
  basePassRate: number;
  baseAvgScore: number;
  baseCostUsd: number | null;
  /** The suites library's comparison: per-task tests, verdicts and the smallest detectable change. */
  comparison: SuiteComparison;
  markdown: string;
}

/**
 * The latest completed run of the same suite on the base branch (any model:
 * a pull request that changes the model is compared with what the branch had),
 * compared by the suites library.
 */
export async function compareWithBase(
  dbFile: string,
  head: SuiteSummary,
  baseBranch: string,
): Promise<ComparisonView | null> {
  if (!indexExists(dbFile)) return null;
  const base = await readIndex(dbFile, (db) =>
    findLatestSuiteRun(db, {
      suiteId: head.suite_id,
      branch: baseBranch,
      excludeSuiteRunId: head.suite_run_id,
      fullOnly: true,
    }),
  );
  if (!base?.summary_json) return null;
  const summary = readSuiteSummary(base);
  const comparison = compareSuiteRuns(summary, head);
  return {
    baselineSuiteRunId: base.suite_run_id,
    baselineBranch: baseBranch,
    baselineModel: base.model,
    basePassRate: passRateOf(summary),
    baseAvgScore: summary.totals.mean_run_score ?? 0,
    baseCostUsd: summary.totals.cost_usd,
    comparison,
    markdown: renderComparisonMarkdown(comparison, { title: 'Per-task changes against the base branch' }),
  };
}

export { SuiteInputError };
