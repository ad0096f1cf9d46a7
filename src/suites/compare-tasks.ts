import { taskStatement } from './compare-report.js';
import type { CompareSettings, SideStats, TaskComparison, Verdict } from './compare-types.js';
import { benjaminiHochberg, fisherExact, fisherMinimumDetectableEffect } from './stats.js';
import type { SuiteSummary, TaskSummary } from './summary.js';

/**
 * Per task: Fisher's exact test on pass counts, Benjamini-Hochberg adjusted
 * across the tasks scored in both suite runs. A verdict needs q < alpha and a
 * change in pass rate of at least `minTaskEffect`. Tasks in one suite run only,
 * or unscored on a side, are listed as "cannot tell".
 */
export function compareTasks(base: SuiteSummary, head: SuiteSummary, s: CompareSettings): TaskComparison[] {
  const baseTasks = new Map(base.tasks.map((t) => [t.task_id, t]));
  const headTasks = new Map(head.tasks.map((t) => [t.task_id, t]));
  const ids = [...new Set([...baseTasks.keys(), ...headTasks.keys()])].sort();
  const compared = comparedTaskIds(base, head);
  const pValues = new Map(
    compared.map((id) => {
      const b = baseTasks.get(id) as TaskSummary;
      const h = headTasks.get(id) as TaskSummary;
      return [id, fisherExact(b.passes, b.scored, h.passes, h.scored).twoSided];
    }),
  );
  const qList = benjaminiHochberg(compared.map((id) => pValues.get(id) as number));
  const qValues = new Map(compared.map((id, i) => [id, qList[i] as number]));
  // A lone changed task clears Benjamini-Hochberg at alpha / m: the honest per-task detectable effect.
  const taskLevel = compared.length > 0 ? s.alpha / compared.length : s.alpha;
  const mdeCache = new Map<string, number | null>();
  const detectable = (nBase: number, nHead: number): number | null => {
    const key = `${nBase}/${nHead}`;
    if (!mdeCache.has(key))
      mdeCache.set(key, fisherMinimumDetectableEffect(nBase, nHead, taskLevel, s.power));
    return mdeCache.get(key) ?? null;
  };

  return ids.map((id) => {
    const b = baseTasks.get(id);
    const h = headTasks.get(id);
    const info = (h ?? b) as TaskSummary;
    const bs = b ? sideStats(b) : null;
    const hs = h ? sideStats(h) : null;
    const common = {
      task_id: id,
      title: info.title,
      difficulty: info.difficulty,
      domain: info.domain,
      base: bs,
      head: hs,
      score_change: diff(bs?.mean_score, hs?.mean_score),
      tokens_change: diff(bs?.tokens_per_run, hs?.tokens_per_run),
      cost_change: diff(bs?.cost_per_run, hs?.cost_per_run),
    };
    let comparison: Omit<TaskComparison, 'statement'>;
    if (!b || !h || !compared.includes(id)) {
      comparison = {
        ...common,
        presence: !b ? 'added' : !h ? 'removed' : 'unscored',
        pass_rate_change: null,
        p_value: null,
        q_value: null,
        verdict: 'no_clear_change',
        conclusive: false,
        min_detectable_effect: null,
      };
    } else {
      const change = h.passes / h.scored - b.passes / b.scored;
      const q = qValues.get(id) as number;
      const mde = detectable(b.scored, h.scored);
      let verdict: Verdict = 'no_clear_change';
      if (q < s.alpha && change <= -s.minTaskEffect) verdict = 'regressed';
      else if (q < s.alpha && change >= s.minTaskEffect) verdict = 'improved';
      comparison = {
        ...common,
        presence: 'both',
        pass_rate_change: change,
        p_value: pValues.get(id) as number,
        q_value: q,
        verdict,
        conclusive: verdict !== 'no_clear_change' || (mde !== null && mde <= s.maxUsefulTaskEffect),
        min_detectable_effect: mde,
      };
    }
    return { ...comparison, statement: taskStatement(comparison, s.power) };
  });
}

/** Task ids with scored runs in both suite runs, sorted. */
export function comparedTaskIds(base: SuiteSummary, head: SuiteSummary): string[] {
  const scored = (s: SuiteSummary) => new Set(s.tasks.filter((t) => t.scored > 0).map((t) => t.task_id));
  const inHead = scored(head);
  return [...scored(base)].filter((id) => inHead.has(id)).sort();
}

function sideStats(t: TaskSummary): SideStats {
  const perRun = (total: number | null): number | null =>
    total === null || t.runs.length === 0 ? null : total / t.runs.length;
  return {
    runs: t.runs.length,
    scored: t.scored,
    passes: t.passes,
    mean_score: t.mean_score,
    environment_errors: t.environment_errors,
    tokens_per_run: perRun(t.tokens),
    cost_per_run: perRun(t.cost_usd),
  };
}

function diff(a: number | null | undefined, b: number | null | undefined): number | null {
  return a === null || a === undefined || b === null || b === undefined ? null : b - a;
}
