import { z } from 'zod';

/** `result.json`: what one run did and how it scored. Readable even after a crash. */

export const checkOutcomeSchema = z.object({
  name: z.string(),
  type: z.string(),
  tier: z.enum(['deterministic', 'reference', 'rubric']),
  weight: z.number(),
  gating: z.boolean(),
  /** `error` means the grader itself broke, not that the work failed. */
  status: z.enum(['passed', 'failed', 'skipped', 'error']),
  /** 0..1 for this check (partial credit only for rubric checks). */
  score: z.number(),
  explanation: z.string(),
});

/** The agent a run measured: the built-in loops, or an agent folder named by its content hash. */
export const agentInfoSchema = z.object({
  kind: z.enum(['builtin', 'external']),
  name: z.string(),
  /** The agent folder's content hash; null for the built-in agents. */
  hash: z.string().nullable(),
  runs_in: z.enum(['sandbox', 'host']).nullable(),
});

export const runStatusSchema = z.enum([
  'completed',
  'environment_error',
  'grader_error',
  'crashed',
  'interrupted',
]);

export const runResultSchema = z.object({
  schema_version: z.literal(1),
  run_id: z.string(),
  task_id: z.string(),
  model: z.string(),
  suite_run_id: z.string().nullable(),
  epoch: z.number().int(),
  status: runStatusSchema,
  score: z.number(),
  passed: z.boolean(),
  pass_threshold: z.number(),
  /** Why the agent was stopped early: `budget_exceeded:<kind>`, `error:<kind>`, `interrupted`; null when it finished. */
  kill_reason: z.string().nullable(),
  /** How the agent loop ended: final_answer, submit, turn_limit, budget_exceeded, error, interrupted, not_started. */
  stop_reason: z.string(),
  error: z.object({ kind: z.string(), message: z.string() }).nullable(),
  tokens: z.object({ input: z.number(), cached_input: z.number(), output: z.number(), total: z.number() }),
  /** Null when a model used had no price; never a silent 0. */
  cost_usd: z.number().nullable(),
  judge_cost_usd: z.number().nullable(),
  turns: z.number().int(),
  tool_calls: z.number().int(),
  timings: z.object({ setup_s: z.number(), agent_s: z.number(), grading_s: z.number(), total_s: z.number() }),
  checks: z.array(checkOutcomeSchema),
  started_at: z.string(),
  finished_at: z.string(),
  task: z.object({
    difficulty: z.string(),
    domain: z.string(),
    title: z.string(),
    /** The format the task folder is written in (`factory-bench`, `harbor`); absent in older results. */
    format: z.string().optional(),
    /** The task's metadata map (author, tags, ...); absent in older results. */
    metadata: z.record(z.string(), z.unknown()).optional(),
  }),
  sandbox: z.string(),
  /** The Docker engine the sandbox ran on (`default`, or a --docker-host); absent in older results. */
  docker_host: z.string().optional(),
  /**
   * What the agent's container was allowed beyond the locked-down default: capabilities given
   * back, the open internet, the agent's user, processes kept for grading. Absent in older results.
   */
  isolation: z
    .object({
      capabilities: z.array(z.string()),
      internet: z.boolean(),
      allowed_hosts: z.array(z.string()),
      user: z.string().nullable(),
      processes_kept: z.boolean(),
    })
    .optional(),
  /** Absent in results written before agents could be chosen: those ran the built-in agent. */
  agent: agentInfoSchema.optional(),
});

export type RunResult = z.infer<typeof runResultSchema>;
export type AgentInfo = z.infer<typeof agentInfoSchema>;
export type CheckOutcome = z.infer<typeof checkOutcomeSchema>;
export type RunStatus = z.infer<typeof runStatusSchema>;

/** What a run that predates agent records measured: the built-in agent. */
export const BUILTIN_AGENT_RECORD: AgentInfo = {
  kind: 'builtin',
  name: 'builtin',
  hash: null,
  runs_in: null,
};

/** `builtin`, or `name (hash)`: how reports and comparisons name an agent (absent: builtin). */
export function describeAgent(info: Pick<AgentInfo, 'name' | 'hash'> | null | undefined): string {
  if (!info) return 'builtin';
  return info.hash ? `${info.name} (${info.hash.slice(0, 12)})` : info.name;
}

/** True when two runs measured different agents (a missing record is the built-in agent). */
export function agentsDiffer(
  a: Pick<AgentInfo, 'name' | 'hash'> | null | undefined,
  b: Pick<AgentInfo, 'name' | 'hash'> | null | undefined,
): boolean {
  return (a?.name ?? 'builtin') !== (b?.name ?? 'builtin') || (a?.hash ?? null) !== (b?.hash ?? null);
}
