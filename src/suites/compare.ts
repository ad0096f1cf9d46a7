import { agentsDiffer, BUILTIN_AGENT_RECORD } from '../runs/index.js';
import { compareOverall } from './compare-overall.js';
import { agentChangeStatement } from './compare-report.js';
import { comparedTaskIds, compareTasks } from './compare-tasks.js';
import type { CompareOptions, CompareSettings, RunSide, SuiteComparison } from './compare-types.js';
import { isEnvironmentError, type SuiteSummary, type TaskSummary } from './summary.js';

/**
 * Compares a candidate suite run (`head`) with a baseline (`base`): per task,
 * Fisher's exact test on pass counts (Benjamini-Hochberg across tasks); over
 * the suite, a permutation test stratified by task on the mean score. A
 * verdict needs both significance and a minimum effect, and always states the
 * smallest change this suite could detect.
 */
export function compareSuiteRuns(
  base: SuiteSummary,
  head: SuiteSummary,
  opts: CompareOptions = {},
): SuiteComparison {
  const settings: CompareSettings = {
    alpha: opts.alpha ?? 0.05,
    minEffect: opts.minEffect ?? 0.05,
    minTaskEffect: opts.minTaskEffect ?? 0.2,
    power: opts.power ?? 0.8,
    maxUsefulEffect: opts.maxUsefulEffect ?? 0.25,
    maxUsefulTaskEffect: opts.maxUsefulTaskEffect ?? 0.5,
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
    ...(opts.iterations !== undefined ? { iterations: opts.iterations } : {}),
  };
  const scores = (s: SuiteSummary, id: string): number[] =>
    (s.tasks.find((t) => t.task_id === id) as TaskSummary).runs
      .filter((r) => !isEnvironmentError(r.status))
      .map((r) => r.score);
  const pairs = comparedTaskIds(base, head).map((id) => ({ base: scores(base, id), head: scores(head, id) }));
  const [baseSide, headSide] = [runSide(base), runSide(head)];
  return {
    schema_version: 1,
    base: baseSide,
    head: headSide,
    agent_change: agentsDiffer(baseSide.agent, headSide.agent)
      ? {
          base: baseSide.agent,
          head: headSide.agent,
          statement: agentChangeStatement(baseSide.agent, headSide.agent),
        }
      : null,
    warnings: comparisonWarnings(base, head),
    overall: compareOverall(pairs, settings),
    tasks: compareTasks(base, head, settings),
  };
}

/** What makes the two suite runs less comparable than they look. */
function comparisonWarnings(base: SuiteSummary, head: SuiteSummary): string[] {
  const warnings: string[] = [];
  if (base.suite_id !== head.suite_id)
    warnings.push(
      `different suites: ${base.suite_id} (base) and ${head.suite_id} (head); only shared task ids are compared`,
    );
  if (base.model !== head.model)
    warnings.push(`different models: ${base.model} (base) and ${head.model} (head)`);
  for (const [name, s] of [
    ['base', base],
    ['head', head],
  ] as const) {
    if (s.status !== 'completed')
      warnings.push(`the ${name} suite run is ${s.status}: missing runs are left out`);
    if (s.totals.environment_errors > 0)
      warnings.push(
        `the ${name} suite run has ${s.totals.environment_errors} environment error(s), left out of the scores`,
      );
  }
  return warnings;
}

function runSide(s: SuiteSummary): RunSide {
  const runs = s.totals.runs_finished;
  return {
    suite_run_id: s.suite_run_id,
    suite_id: s.suite_id,
    model: s.model,
    agent: s.agent ?? BUILTIN_AGENT_RECORD,
    status: s.status,
    branch: s.branch,
    commit_sha: s.commit_sha,
    label: s.label,
    started_at: s.started_at,
    tasks: s.totals.tasks,
    epochs: s.epochs,
    scored_runs: s.totals.scored_runs,
    passed_runs: s.totals.passed_runs,
    mean_score: s.suite_score?.mean ?? null,
    environment_errors: s.totals.environment_errors,
    tokens: s.totals.tokens,
    cost_usd: s.totals.cost_usd,
    tokens_per_run: runs > 0 ? s.totals.tokens / runs : null,
    cost_per_run: runs > 0 && s.totals.cost_usd !== null ? s.totals.cost_usd / runs : null,
  };
}
