/**
 * Where the harness puts its own files inside a sandbox: outside the
 * workspace, read-only, and never there while the agent could tamper with
 * them unless said so. Task graders use these paths (docs/authoring-tasks.md),
 * so they are part of the task contract.
 */
const HARNESS_ROOT = '/opt/factory-bench';

export const SANDBOX_PATHS = {
  /** Grader fixtures and expected outputs, copied in once the agent has stopped (FB_GRADER_DIR). */
  grader: `${HARNESS_ROOT}/grader`,
  /**
   * The reference solution: copied in for the oracle when its run starts, and
   * for every run copied in for graders at the same path (FB_SOLUTION_DIR).
   */
  solution: `${HARNESS_ROOT}/solution`,
  /** The workspace as it was seeded, copied in (owned by root) for git_diff. */
  seed: `${HARNESS_ROOT}/seed`,
} as const;
