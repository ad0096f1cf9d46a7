import type { ChatModel, ModelGateway } from '../models/index.js';
import type { CheckOutcome } from '../runs/index.js';
import type { SandboxRunner } from '../sandbox/index.js';
import type { Check, Task } from '../tasks/index.js';
import type { JudgeMaterial } from './rubric.js';

export interface GradeContext {
  task: Task;
  sandbox: SandboxRunner;
  /** Host folder for grader_outputs/. */
  outputsDir: string;
  /** Grader fixtures inside the sandbox, exported to grader commands as FB_GRADER_DIR. */
  graderDir: string;
  /** The reference solution inside the sandbox, exported as FB_SOLUTION_DIR (default SANDBOX_PATHS.solution). */
  solutionDir?: string;
  /** Needed by llm_rubric checks; without it they are grader errors. */
  judge?: JudgeSetup;
}

/** How LLM rubric checks reach their judge model, cache its answers and account its cost. */
export interface JudgeSetup {
  /** Resolves a judge model by name; called only when no cached answer exists. */
  resolve(name: string): Promise<ChatModel>;
  /** Folder of cached answers (e.g. runs/.judge-cache); null turns caching off. */
  cacheDir: string | null;
  /**
   * The gateway a judge model's calls go through: cost accounted (never
   * against the agent's budget), a transcript line per call, record/replay.
   */
  gateway(model: ChatModel): ModelGateway;
  /** What the judge reads of the run; built once per grading. */
  material(): JudgeMaterial;
  /** Judge calls per check before a malformed answer becomes a grader error (default 3). */
  maxAttempts?: number;
}

/** What one check found; the runner adds name, weight and tier. */
export interface CheckFinding {
  status: 'passed' | 'failed' | 'error';
  /** 0..1; defaults to 1 for passed and 0 otherwise. */
  score?: number;
  explanation: string;
  /** Saved to grader_outputs/<check>.json beside the finding. */
  details?: Record<string, unknown>;
  /** Saved as grader_outputs/<check>.<suffix>.txt, e.g. the stdout and stderr of a grader command. */
  files?: Record<string, string>;
}

export type CheckOf<T extends Check['type']> = Extract<Check, { type: T }>;

export type CheckRunner<C extends Check = Check> = (check: C, ctx: GradeContext) => Promise<CheckFinding>;

export interface GradeResult {
  checks: CheckOutcome[];
  score: number;
  passed: boolean;
  /** Set when a check's grader broke (status `error`): kept apart from failed work. */
  graderError: string | null;
}
