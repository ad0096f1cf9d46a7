import { fmtPoints } from './format.js';
import { suiteMinimumDetectableEffect } from './stats.js';

/** How small a change in mean score a comparison of two runs of a suite this size can detect. */
export interface SuiteSensitivity {
  tasks: number;
  /** Runs per task on each side; `varying` when tasks differ. */
  epochs: number | 'varying';
  /** Smallest change in mean score (0..1) detected at `power`, or null for an empty suite. */
  min_detectable_effect: number | null;
  alpha: number;
  power: number;
  statement: string;
}

/**
 * The smallest detectable change `compare` states for two runs of a suite
 * with these runs per task, known before any run: it depends only on the
 * suite's size (the variance is the largest a 0..1 score can have).
 */
export function suiteSensitivity(
  runsPerTask: readonly number[],
  alpha = 0.05,
  power = 0.8,
): SuiteSensitivity {
  const tasks = runsPerTask.length;
  const distinct = [...new Set(runsPerTask)];
  const epochs = distinct.length === 1 ? (distinct[0] as number) : 'varying';
  const mde = suiteMinimumDetectableEffect(
    runsPerTask.map((n) => ({ base: n, head: n })),
    alpha,
    power,
  );
  const size = `${tasks} task${tasks === 1 ? '' : 's'} × ${epochs === 'varying' ? 'varying epochs' : `${epochs} epoch${epochs === 1 ? '' : 's'}`}`;
  const statement =
    mde === null
      ? 'no change can be detected: the suite has no tasks'
      : mde > 1
        ? `with ${size}, comparing two runs of this suite cannot detect even the largest possible change (100 pts) at ${Math.round(power * 100)}% power: add tasks or epochs`
        : `with ${size}, comparing two runs of this suite detects changes in mean score of ≥ ${fmtPoints(mde).replace('+', '')} at ${Math.round(power * 100)}% power (one-sided, α = ${alpha})`;
  return { tasks, epochs, min_detectable_effect: mde, alpha, power, statement };
}
