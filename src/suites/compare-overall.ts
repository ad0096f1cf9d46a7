import { overallStatement } from './compare-report.js';
import type { CompareSettings, SuiteComparison, Verdict } from './compare-types.js';
import { stratifiedPermutationTest } from './permutation.js';
import { mean, suiteMinimumDetectableEffect } from './stats.js';

/**
 * Over the suite: a permutation test stratified by task on the change in mean
 * score. A verdict needs p < alpha in its direction and a change of at least
 * `minEffect`; without one, the suite says "no clear change" only when it was
 * large enough to detect a useful change, else "cannot tell".
 */
export function compareOverall(
  pairs: ReadonlyArray<{ base: number[]; head: number[] }>,
  s: CompareSettings,
): SuiteComparison['overall'] {
  const m = pairs.length;
  const perm = stratifiedPermutationTest(pairs, {
    ...(s.seed !== undefined ? { seed: s.seed } : {}),
    ...(s.iterations !== undefined ? { iterations: s.iterations } : {}),
  });
  const runsPerTask = pairs.map((p) => ({ base: p.base.length, head: p.head.length }));
  const mde = m > 0 ? suiteMinimumDetectableEffect(runsPerTask, s.alpha, s.power) : null;
  let verdict: Verdict = 'no_clear_change';
  if (perm.pLess < s.alpha && perm.observed <= -s.minEffect) verdict = 'regressed';
  else if (perm.pGreater < s.alpha && perm.observed >= s.minEffect) verdict = 'improved';
  const canReject = perm.minAttainableP < s.alpha;
  const overall = {
    verdict,
    conclusive: verdict !== 'no_clear_change' || (canReject && mde !== null && mde <= s.maxUsefulEffect),
    score_change: perm.observed,
    base_mean: m > 0 ? mean(pairs.map((p) => mean(p.base))) : null,
    head_mean: m > 0 ? mean(pairs.map((p) => mean(p.head))) : null,
    p_regressed: perm.pLess,
    p_improved: perm.pGreater,
    method: `one-sided permutation test stratified by task (${perm.method === 'exact' ? 'exact' : `${perm.iterations} Monte Carlo permutations`})`,
    tasks_compared: m,
    min_detectable_effect: mde,
    min_effect: s.minEffect,
    min_task_effect: s.minTaskEffect,
    alpha: s.alpha,
    power: s.power,
    single_sample: pairs.some((p) => p.base.length === 1 || p.head.length === 1),
  };
  return { ...overall, statement: overallStatement(overall, { runsPerTask, canReject }) };
}
