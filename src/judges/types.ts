import type { CheckOutcome } from '../runs/index.js';
import type { SandboxRunner } from '../sandbox/index.js';
import type { Check, Task } from '../tasks/index.js';

export interface GradeContext {
  task: Task;
  sandbox: SandboxRunner;
  /** Host folder for grader_outputs/. */
  outputsDir: string;
}

/** What one check found; the runner adds name, weight and tier. */
export interface CheckFinding {
  status: 'passed' | 'failed' | 'error';
  /** 0..1; defaults to 1 for passed and 0 otherwise. */
  score?: number;
  explanation: string;
  /** Saved to grader_outputs/<check>.json beside the finding. */
  details?: Record<string, unknown>;
}

export type CheckRunner<C extends Check = Check> = (check: C, ctx: GradeContext) => Promise<CheckFinding>;

export interface GradeResult {
  checks: CheckOutcome[];
  score: number;
  passed: boolean;
  /** Set when a check's grader broke (status `error`): kept apart from failed work. */
  graderError: string | null;
}
