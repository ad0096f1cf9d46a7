import type { AgentInfo } from '../runs/index.js';
/** The shape of a comparison between two suite runs (`compare --json` prints it). */

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
  /** The agent the suite run measured (built-in when its summary predates agents). */
  agent: AgentInfo;
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
  /** Set when the two suite runs measured different agents (a pull request that changed its agent). */
  agent_change: { base: AgentInfo; head: AgentInfo; statement: string } | null;
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

/** CompareOptions with every default applied. */
export interface CompareSettings {
  alpha: number;
  minEffect: number;
  minTaskEffect: number;
  power: number;
  maxUsefulEffect: number;
  maxUsefulTaskEffect: number;
  seed?: number;
  iterations?: number;
}
