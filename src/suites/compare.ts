import { fmtPoints } from './format.js';
import {
  benjaminiHochberg,
  fisherExact,
  fisherMinimumDetectableEffect,
  mean,
  stratifiedPermutationTest,
  suiteMinimumDetectableEffect,
} from './stats.js';
import { isEnvironmentError, type RunBrief, type SuiteSummary, type TaskSummary } from './summary.js';

export type Verdict = 'improved' | 'regressed' | 'no_clear_change';

export interface CompareOptions {
  /** One-sided significance level for each direction (default 0.05). */
  alpha?: number;
  /** Smallest change in the suite's mean score (0..1) worth a verdict (default 0.05: 5 points). */
  minEffect?: number;
  /** Smallest change in a task's pass rate worth a verdict (default 0.2). */
  minTaskEffect?: number;
  /** Power at which the minimum detectable effect is stated (default 0.8). */
  power?: number;
  /**
   * Above this minimum detectable effect (0..1) the suite is too small to say
   * much, and "no clear change" becomes "cannot tell" (default 0.25 overall, 0.5 per task).
   */
  maxUsefulEffect?: number;
  maxUsefulTaskEffect?: number;
  /** Seed and iterations for the Monte Carlo fallback of the permutation test. */
  seed?: number;
  iterations?: number;
}

export interface SideStats {
  runs: number;
  scored: number;
  passes: number;
  mean_score: number | null;
  environment_errors: number;
  tokens_per_run: number | null;
  cost_per_run: number | null;
}

export interface TaskComparison {
  task_id: string;
  title: string;
  difficulty: string;
  domain: string;
  /** both: scored on both sides; added/removed: in one suite run only; unscored: a side has no scored run. */
  presence: 'both' | 'added' | 'removed' | 'unscored';
  base: SideStats | null;
  head: SideStats | null;
  pass_rate_change: number | null;
  score_change: number | null;
  tokens_change: number | null;
  cost_change: number | null;
  /** Fisher's exact test on pass counts, two-sided, and its Benjamini-Hochberg q across tasks. */
  p_value: number | null;
  q_value: number | null;
  verdict: Verdict;
  /** False when this task's runs are too few for any verdict but "cannot tell". */
  conclusive: boolean;
  /** Smallest change in pass rate detectable at the stated power, or null when none is. */
  min_detectable_effect: number | null;
  statement: string;
}

export interface RunSide {
  suite_run_id: string;
  suite_id: string;
  model: string;
  status: string;
  branch: string | null;
  commit_sha: string | null;
  label: string | null;
  started_at: string;
  tasks: number;
  epochs: number;
  scored_runs: number;
  passed_runs: number;
  mean_score: number | null;
  environment_errors: number;
  tokens: number;
  cost_usd: number | null;
  tokens_per_run: number | null;
  cost_per_run: number | null;
}

export interface SuiteComparison {
  schema_version: 1;
  base: RunSide;
  head: RunSide;
  warnings: string[];
  overall: {
    verdict: Verdict;
    conclusive: boolean;
    /** Mean over compared tasks of (candidate mean score - baseline mean score). */
    score_change: number;
    base_mean: number | null;
    head_mean: number | null;
    p_regressed: number;
    p_improved: number;
    method: string;
    tasks_compared: number;
    min_detectable_effect: number | null;
    min_effect: number;
    /** Smallest change in a task's pass rate worth a per-task verdict. */
    min_task_effect: number;
    alpha: number;
    power: number;
    single_sample: boolean;
    statement: string;
  };
  tasks: TaskComparison[];
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

function runSide(s: SuiteSummary): RunSide {
  const runs = s.totals.runs_finished;
  return {
    suite_run_id: s.suite_run_id,
    suite_id: s.suite_id,
    model: s.model,
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

const scoresOf = (runs: RunBrief[]): number[] =>
  runs.filter((r) => !isEnvironmentError(r.status)).map((r) => r.score);
const diff = (a: number | null | undefined, b: number | null | undefined): number | null =>
  a === null || a === undefined || b === null || b === undefined ? null : b - a;

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
  const alpha = opts.alpha ?? 0.05;
  const minEffect = opts.minEffect ?? 0.05;
  const minTaskEffect = opts.minTaskEffect ?? 0.2;
  const power = opts.power ?? 0.8;
  const maxUseful = opts.maxUsefulEffect ?? 0.25;
  const maxUsefulTask = opts.maxUsefulTaskEffect ?? 0.5;
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

  const baseTasks = new Map(base.tasks.map((t) => [t.task_id, t]));
  const headTasks = new Map(head.tasks.map((t) => [t.task_id, t]));
  const ids = [...new Set([...baseTasks.keys(), ...headTasks.keys()])].sort();
  const compared = ids.filter(
    (id) => (baseTasks.get(id)?.scored ?? 0) > 0 && (headTasks.get(id)?.scored ?? 0) > 0,
  );
  const m = compared.length;

  // Per task: Fisher on passes, adjusted across the compared tasks.
  const pValues = new Map<string, number>();
  for (const id of compared) {
    const b = baseTasks.get(id) as TaskSummary;
    const h = headTasks.get(id) as TaskSummary;
    pValues.set(id, fisherExact(b.passes, b.scored, h.passes, h.scored).twoSided);
  }
  const qList = benjaminiHochberg(compared.map((id) => pValues.get(id) as number));
  const qValues = new Map(compared.map((id, i) => [id, qList[i] as number]));
  const mdeCache = new Map<string, number | null>();
  // A lone changed task clears Benjamini-Hochberg at alpha / m: the honest per-task detectable effect.
  const taskLevel = m > 0 ? alpha / m : alpha;

  const tasks: TaskComparison[] = ids.map((id) => {
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
    if (!compared.includes(id)) {
      const presence = !b ? 'added' : !h ? 'removed' : 'unscored';
      const why =
        presence === 'added'
          ? 'only in the head suite run'
          : presence === 'removed'
            ? 'only in the base suite run'
            : 'no scored run on one side (environment errors or not run)';
      return {
        ...common,
        presence,
        pass_rate_change: null,
        p_value: null,
        q_value: null,
        verdict: 'no_clear_change',
        conclusive: false,
        min_detectable_effect: null,
        statement: `cannot tell: ${why}`,
      };
    }
    const bt = b as TaskSummary;
    const ht = h as TaskSummary;
    const change = ht.passes / ht.scored - bt.passes / bt.scored;
    const p = pValues.get(id) as number;
    const q = qValues.get(id) as number;
    const key = `${bt.scored}/${ht.scored}`;
    if (!mdeCache.has(key))
      mdeCache.set(key, fisherMinimumDetectableEffect(bt.scored, ht.scored, taskLevel, power));
    const mde = mdeCache.get(key) ?? null;
    let verdict: Verdict = 'no_clear_change';
    if (q < alpha && change <= -minTaskEffect) verdict = 'regressed';
    else if (q < alpha && change >= minTaskEffect) verdict = 'improved';
    const conclusive = verdict !== 'no_clear_change' || (mde !== null && mde <= maxUsefulTask);
    const counts = `${bt.passes}/${bt.scored} → ${ht.passes}/${ht.scored} passed`;
    const test = `Fisher p = ${fmtP(p)}, q = ${fmtP(q)}`;
    const detect =
      mde === null
        ? `with ${bt.scored} and ${ht.scored} runs no change in pass rate can be detected`
        : `detects pass-rate changes of ≥ ${Math.round(mde * 100)} pts at ${Math.round(power * 100)}% power`;
    const label = verdict === 'no_clear_change' ? (conclusive ? 'no clear change' : 'cannot tell') : verdict;
    return {
      ...common,
      presence: 'both',
      pass_rate_change: change,
      p_value: p,
      q_value: q,
      verdict,
      conclusive,
      min_detectable_effect: mde,
      statement: `${label}: ${counts} (${test}); ${detect}`,
    };
  });

  // Over the suite: the stratified permutation test on mean scores.
  const pairs = compared.map((id) => ({
    base: scoresOf((baseTasks.get(id) as TaskSummary).runs),
    head: scoresOf((headTasks.get(id) as TaskSummary).runs),
  }));
  const perm = stratifiedPermutationTest(pairs, {
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
    ...(opts.iterations !== undefined ? { iterations: opts.iterations } : {}),
  });
  const mde =
    m > 0
      ? suiteMinimumDetectableEffect(
          pairs.map((p) => ({ base: p.base.length, head: p.head.length })),
          alpha,
          power,
        )
      : null;
  let verdict: Verdict = 'no_clear_change';
  if (perm.pLess < alpha && perm.observed <= -minEffect) verdict = 'regressed';
  else if (perm.pGreater < alpha && perm.observed >= minEffect) verdict = 'improved';
  const canReject = perm.minAttainableP < alpha;
  const conclusive = verdict !== 'no_clear_change' || (canReject && mde !== null && mde <= maxUseful);
  const singleSample = pairs.some((p) => p.base.length === 1 || p.head.length === 1);
  const baseMean = m > 0 ? mean(pairs.map((p) => mean(p.base))) : null;
  const headMean = m > 0 ? mean(pairs.map((p) => mean(p.head))) : null;
  const epochsText = describeSize(pairs);
  const pText = verdict === 'improved' ? perm.pGreater : Math.min(perm.pLess, perm.pGreater);
  const method = `one-sided permutation test stratified by task (${perm.method === 'exact' ? 'exact' : `${perm.iterations} Monte Carlo permutations`})`;
  let statement: string;
  if (m === 0) statement = 'cannot tell: no task has scored runs in both suite runs';
  else {
    const change = `mean score ${fmtMean(baseMean)} → ${fmtMean(headMean)} (${fmtPoints(perm.observed)}), p = ${fmtP(pText)}`;
    const detect = !canReject
      ? `with ${epochsText} no outcome could be significant at ${alpha}`
      : `with ${epochsText} this suite detects changes of ≥ ${fmtPoints(mde).replace('+', '')} at ${Math.round(power * 100)}% power`;
    if (verdict !== 'no_clear_change') statement = `${verdict}: ${change}; ${detect}`;
    else {
      const significantButSmall =
        (perm.pLess < alpha || perm.pGreater < alpha) && Math.abs(perm.observed) < minEffect
          ? `; significant but below the minimum effect of ${fmtPoints(minEffect).replace('+', '')}`
          : '';
      statement = `${conclusive ? 'no clear change' : 'cannot tell'}: ${change}${significantButSmall}; ${detect}`;
    }
    if (singleSample)
      statement += '. This rests on a single sample per task (1 epoch): run more epochs for a firmer verdict';
  }
  return {
    schema_version: 1,
    base: runSide(base),
    head: runSide(head),
    warnings,
    overall: {
      verdict,
      conclusive,
      score_change: perm.observed,
      base_mean: baseMean,
      head_mean: headMean,
      p_regressed: perm.pLess,
      p_improved: perm.pGreater,
      method,
      tasks_compared: m,
      min_detectable_effect: mde,
      min_effect: minEffect,
      min_task_effect: minTaskEffect,
      alpha,
      power,
      single_sample: singleSample,
      statement,
    },
    tasks,
  };
}

function describeSize(pairs: Array<{ base: number[]; head: number[] }>): string {
  const runs = new Set(pairs.flatMap((p) => [p.base.length, p.head.length]));
  const epochs = runs.size === 1 ? `${[...runs][0]} epoch${[...runs][0] === 1 ? '' : 's'}` : 'varying epochs';
  return `${pairs.length} task${pairs.length === 1 ? '' : 's'} × ${epochs}`;
}

function fmtP(p: number): string {
  if (p < 0.001) return '< 0.001';
  return p.toFixed(3);
}

function fmtMean(v: number | null): string {
  return v === null ? '-' : v.toFixed(2);
}

/** The label a person reads for a verdict: improved, regressed, no clear change or cannot tell. */
export function verdictLabel(v: { verdict: Verdict; conclusive: boolean }): string {
  if (v.verdict === 'no_clear_change') return v.conclusive ? 'no clear change' : 'cannot tell';
  return v.verdict;
}
