import { z } from 'zod';
import { durationSchema, idPattern, userSchema, workdirProblem } from './schema-parts.js';

/** The grader of a task manifest: its checks and where and how they run. */

const checkBase = {
  /** Unique within the task: names the grader output file and the check row. */
  name: z.string().regex(idPattern, 'a lowercase name of letters, digits, _ and -'),
  weight: z.number().min(0).default(1),
  gating: z.boolean().default(false),
  description: z.string().optional(),
};

const comparisonSchema = z.enum(['>=', '<=', '==', 'within']);

/** Where `metric_check` and `metric_scaled` read their number. */
const metricReading = {
  /** A command run by the grader first (e.g. an evaluation script writing the metric file); needed for `stdout`. */
  command: z.string().optional(),
  source: z
    .object({
      kind: z.enum(['json', 'csv', 'stdout']),
      /** For json/csv: a file inside the sandbox (relative to the workspace, or absolute). */
      path: z.string().optional(),
      /** For json: a dotted key; for csv: a column name; for stdout: a regex whose first group is the number (last match wins). */
      key: z.string().min(1),
      /** For csv: the data row, counted from 0; negative counts from the end (default -1, the last row). */
      row: z.number().int().default(-1),
    })
    .strict(),
  timeout_s: durationSchema().default(300),
};

function refineMetricSource(
  c: { command?: string | undefined; source: { kind: string; path?: string | undefined } },
  ctx: z.RefinementCtx,
): void {
  if (c.source.kind !== 'stdout' && !c.source.path)
    ctx.addIssue({
      code: 'custom',
      path: ['source', 'path'],
      message: `a ${c.source.kind} source needs a path`,
    });
  if (c.source.kind === 'stdout' && !c.command)
    ctx.addIssue({ code: 'custom', path: ['command'], message: 'a stdout source needs a command to run' });
}

/** An absolute path inside the sandbox. */
const sandboxPathSchema = z.string().regex(/^\/\S*$/, 'an absolute path inside the sandbox');

export const checkSchema = z.discriminatedUnion('type', [
  z.object({ ...checkBase, type: z.literal('file_present'), path: z.string().min(1) }).strict(),
  z
    .object({
      ...checkBase,
      type: z.literal('command_exit_zero'),
      command: z.string().min(1),
      /** Text (or texts) the command's stdout must also contain, e.g. a server's answer or a `PASS` line. */
      output_contains: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
      timeout_s: durationSchema().default(120),
    })
    .strict(),
  z
    .object({
      ...checkBase,
      type: z.literal('metric_check'),
      ...metricReading,
      op: comparisonSchema,
      value: z.number(),
      /** Absolute slack: `within`/`==` accept |metric - value| <= tolerance; `>=`/`<=` move the bound by it. */
      tolerance: z.number().min(0).default(0),
    })
    .strict()
    .superRefine(refineMetricSource),
  z
    .object({
      ...checkBase,
      type: z.literal('metric_scaled'),
      ...metricReading,
      /** The metric's value worth nothing (score 0 at or below it). */
      baseline: z.number(),
      /** The metric's value worth full credit (score 1 at or above it); below `baseline` when lower is better. */
      target: z.number(),
    })
    .strict()
    .superRefine(refineMetricSource)
    .refine((c) => c.baseline !== c.target, {
      message: 'baseline and target must differ',
      path: ['target'],
    }),
  z
    .object({
      ...checkBase,
      /** Harbor's verifier contract: a command writes a reward (0..1) to a file, which is the score. */
      type: z.literal('reward_file'),
      /** Run first (e.g. `bash /tests/test.sh`); its exit code does not count, the reward does. */
      command: z.string().min(1).optional(),
      /**
       * The reward file (relative to the workspace, or absolute), or several: the first that exists
       * is read. A `.json` file holds an object whose `key` is the reward; any other file, the number alone.
       */
      path: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
      key: z.string().min(1).default('reward'),
      timeout_s: durationSchema().default(600),
    })
    .strict(),
  z
    .object({
      ...checkBase,
      type: z.literal('sql_check'),
      service: z.string().min(1),
      database: z.string().optional(),
      user: z.string().optional(),
      query: z.string().min(1),
      expected_rows: z.array(z.array(z.union([z.string(), z.number(), z.boolean(), z.null()]))),
      ordered: z.boolean().default(false),
      /** Absolute slack when a number is compared with a numeric cell. */
      tolerance: z.number().min(0).default(0),
      timeout_s: durationSchema().default(60),
    })
    .strict(),
  z
    .object({
      ...checkBase,
      type: z.literal('reference_output'),
      command: z.string().min(1),
      /** A fixture file relative to the task folder. */
      expected: z.string().min(1),
      abs_tolerance: z.number().min(0).default(0),
      rel_tolerance: z.number().min(0).default(0),
      ignore_whitespace: z.boolean().default(true),
      ignore_row_order: z.boolean().default(false),
      timeout_s: durationSchema().default(300),
    })
    .strict(),
  z
    .object({
      ...checkBase,
      type: z.literal('llm_rubric'),
      /** A rubric file relative to the task folder. */
      rubric: z.string().min(1),
      judge_model: z.string().min(1),
      scale: z
        .object({ min: z.number(), max: z.number() })
        .strict()
        .refine((s) => s.max > s.min, { message: 'scale.max must be greater than scale.min' })
        .default({ min: 0, max: 10 }),
      /** The judge's score (on the scale) at which the check passes; default the middle of the scale. */
      pass_at: z.number().optional(),
    })
    .strict()
    .refine((c) => c.pass_at === undefined || (c.pass_at >= c.scale.min && c.pass_at <= c.scale.max), {
      message: 'pass_at must lie within the scale',
      path: ['pass_at'],
    }),
]);

export const graderSchema = z
  .object({
    /** Folder of fixtures copied into the sandbox only after the agent stops. */
    fixtures: z.string().optional(),
    /** Where in the sandbox the fixtures go (default /opt/factory-bench/grader); Harbor tasks use /tests. */
    fixtures_at: sandboxPathSchema
      .refine((p) => workdirProblem(p) === null, {
        message: 'not a system folder or one under /proc, /sys, /dev or /opt/factory-bench',
      })
      .optional(),
    /**
     * Leave what the agent started running while it is graded (a server the checks query).
     * By default every process the agent left is killed first.
     */
    keep_processes: z.boolean().default(false),
    /** Environment variables of every grader command. */
    env: z.record(z.string(), z.string()).default({}),
    /** Who grader commands run as (default: the agent's user). */
    user: userSchema.optional(),
    pass_threshold: z.number().min(0).max(1).default(1),
    checks: z.array(checkSchema).min(1),
  })
  .strict()
  .refine((g) => new Set(g.checks.map((c) => c.name)).size === g.checks.length, {
    message: 'check names must be unique',
  });

export type Check = z.infer<typeof checkSchema>;
export type CheckType = Check['type'];
