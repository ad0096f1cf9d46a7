import { z } from 'zod';

/**
 * The task manifest (`task.yaml`). This schema is the single source of the
 * TypeScript types: every type below is inferred from it.
 */

const idPattern = /^[a-z0-9][a-z0-9_-]*$/;
/** A shared image's name is also a folder name and part of an image tag: keep it plain and short. */
export const sharedImagePattern = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/**
 * The longest duration a manifest may give, in seconds (a day). Node's timers
 * hold at most 24.8 days, and a day is more than any CI job gets.
 */
export const MAX_DURATION_S = 86_400;

/** A duration in seconds: positive and at most a day. */
export function durationSchema() {
  return z.number().positive().max(MAX_DURATION_S, `at most ${MAX_DURATION_S} seconds (a day)`);
}

/**
 * Top-level folders of the image the workspace must not be mounted over, and
 * those it must not be mounted under at all (kernel views, the grader's files).
 */
const SYSTEM_DIRS = [
  '/bin',
  '/boot',
  '/etc',
  '/home',
  '/lib',
  '/lib64',
  '/opt',
  '/root',
  '/run',
  '/sbin',
  '/srv',
  '/tmp',
  '/usr',
  '/var',
];
const FORBIDDEN_TREES = ['/proc', '/sys', '/dev', '/opt/factory-bench'];

/** Why `workdir` cannot hold the workspace, or null when it can. */
export function workdirProblem(dir: string): string | null {
  if (!dir.startsWith('/')) return 'expected an absolute path such as /workspace';
  if (dir === '/')
    return 'the workspace cannot be mounted over the root folder; use a folder such as /workspace';
  if (
    dir
      .split('/')
      .slice(1)
      .some((part) => part === '' || part === '.' || part === '..')
  )
    return 'expected a plain absolute path (no `.`, `..`, `//` or trailing `/`)';
  if (SYSTEM_DIRS.includes(dir)) return `the workspace cannot be mounted over the system folder ${dir}`;
  const tree = FORBIDDEN_TREES.find((t) => dir === t || dir.startsWith(`${t}/`));
  if (tree) return `the workspace cannot be mounted under ${tree}`;
  return null;
}

export const resourcesSchema = z
  .object({
    cpus: z.number().positive().default(1),
    memory_mb: z.number().int().positive().default(2048),
    pids: z.number().int().positive().default(512),
  })
  .strict();

export const healthcheckSchema = z
  .object({
    test: z.union([z.string(), z.array(z.string()).min(1)]),
    interval_s: durationSchema().default(1),
    timeout_s: durationSchema().default(5),
    retries: z.number().int().positive().default(60),
  })
  .strict();

export const serviceSchema = z
  .object({
    image: z.string().min(1).optional(),
    /** A build context folder, relative to the task folder. */
    build: z.string().min(1).optional(),
    env: z.record(z.string(), z.string()).default({}),
    healthcheck: healthcheckSchema.optional(),
    command: z.union([z.string(), z.array(z.string())]).optional(),
  })
  .strict()
  .refine((s) => Boolean(s.image) !== Boolean(s.build), {
    message: 'a service needs exactly one of `image` or `build`',
  });

export const environmentSchema = z
  .object({
    image: z.string().min(1).optional(),
    /** A Docker build context folder (with a Dockerfile), relative to the task folder. */
    dockerfile: z.string().min(1).optional(),
    /**
     * A shared image by name: the build context `images/<name>/` in the nearest folder above the
     * task that has one, so tasks with the same needs share one image.
     */
    shared_image: z
      .string()
      .regex(sharedImagePattern, 'a lowercase image name of letters, digits, _ and -')
      .optional(),
    workdir: z
      .string()
      .superRefine((dir, ctx) => {
        const problem = workdirProblem(dir);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .default('/workspace'),
    resources: resourcesSchema.default({ cpus: 1, memory_mb: 2048, pids: 512 }),
    services: z.record(z.string().regex(idPattern, 'a lowercase service name'), serviceSchema).default({}),
    network: z
      .object({ allow: z.array(z.string().min(1)).default([]) })
      .strict()
      .default({ allow: [] }),
    env: z.record(z.string(), z.string()).default({}),
  })
  .strict()
  .refine((e) => [e.image, e.dockerfile, e.shared_image].filter(Boolean).length === 1, {
    message: 'the environment needs exactly one of `image`, `dockerfile` or `shared_image`',
  });

export const toolNameSchema = z.enum(['bash', 'python', 'text_editor', 'git_diff']);

export const toolsSchema = z
  .object({
    /** native: OpenAI tool_calls; json_text: JSON actions in text (ReAct); code_blocks: fenced shell blocks. */
    style: z.enum(['native', 'json_text', 'code_blocks']).default('native'),
    enabled: z.array(toolNameSchema).min(1).default(['bash']),
  })
  .strict();

export const agentSchema = z
  .object({
    max_turns: z.number().int().positive().default(30),
    system_prompt: z.string().optional(),
    temperature: z.number().min(0).max(2).optional(),
  })
  .strict();

export const budgetSchema = z
  .object({
    max_tokens: z.number().int().positive().default(200_000),
    max_tool_calls: z.number().int().positive().default(50),
    max_wall_seconds: durationSchema().default(600),
    max_cost_usd: z.number().positive().default(1),
  })
  .strict();

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

export const checkSchema = z.discriminatedUnion('type', [
  z.object({ ...checkBase, type: z.literal('file_present'), path: z.string().min(1) }).strict(),
  z
    .object({
      ...checkBase,
      type: z.literal('command_exit_zero'),
      command: z.string().min(1),
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
    pass_threshold: z.number().min(0).max(1).default(1),
    checks: z.array(checkSchema).min(1),
  })
  .strict()
  .refine((g) => new Set(g.checks.map((c) => c.name)).size === g.checks.length, {
    message: 'check names must be unique',
  });

export const taskManifestSchema = z
  .object({
    id: z.string().regex(idPattern, 'a lowercase id of letters, digits, _ and -'),
    title: z.string().min(1),
    difficulty: z.enum(['smoke', 'easy', 'medium', 'hard']),
    domain: z.string().min(1),
    instructions: z.string().min(1),
    environment: environmentSchema,
    agent: agentSchema.default({ max_turns: 30 }),
    tools: toolsSchema.default({ style: 'native', enabled: ['bash'] }),
    budget: budgetSchema.default({
      max_tokens: 200_000,
      max_tool_calls: 50,
      max_wall_seconds: 600,
      max_cost_usd: 1,
    }),
    grader: graderSchema,
    /** The reference solution folder with `solve.sh`, relative to the task folder. */
    solution: z.string().default('solution'),
  })
  .strict();

export type TaskManifest = z.infer<typeof taskManifestSchema>;
export type TaskEnvironment = TaskManifest['environment'];
export type ServiceSpec = z.infer<typeof serviceSchema>;
export type Check = z.infer<typeof checkSchema>;
export type CheckType = Check['type'];
export type ToolName = z.infer<typeof toolNameSchema>;
export type ToolStyle = TaskManifest['tools']['style'];
export type Budget = TaskManifest['budget'];
export type Resources = TaskEnvironment['resources'];
