import { z } from 'zod';
import { graderSchema } from './grader-schema.js';
import { durationSchema, idPattern, sharedImagePattern, userSchema, workdirProblem } from './schema-parts.js';

export {
  durationSchema,
  idPattern,
  MAX_DURATION_S,
  sharedImagePattern,
  userSchema,
  workdirProblem,
} from './schema-parts.js';

/**
 * The task manifest (`task.yaml`). This schema is the single source of the
 * TypeScript types: every type below is inferred from it.
 */

export const resourcesSchema = z
  .object({
    cpus: z.number().positive().default(1),
    memory_mb: z.number().int().positive().default(2048),
    pids: z.number().int().positive().default(512),
    /** Disk the task expects; recorded and shown, not enforced (Docker's overlay2 on ext4 cannot limit it). */
    storage_mb: z.number().int().positive().optional(),
  })
  .strict();

/**
 * Docker's default capability set: the ones a task may add back to its
 * agent's container (which drops them all by default), by name. Harbor's
 * containers keep all of them; a task that adds users and runs sshd or nginx
 * needs CHOWN, DAC_OVERRIDE, FOWNER, SETUID, SETGID, SYS_CHROOT and NET_BIND_SERVICE.
 */
export const DOCKER_DEFAULT_CAPABILITIES = [
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'NET_RAW',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
] as const;
export const capabilitySchema = z.enum(DOCKER_DEFAULT_CAPABILITIES);
export type Capability = z.infer<typeof capabilitySchema>;

/** The capabilities a task gets: what it asks for, narrowed to `atMost` when a suite or the CLI sets one. */
export function grantedCapabilities(
  asked: readonly Capability[],
  atMost?: readonly Capability[] | null,
): Capability[] {
  return atMost ? asked.filter((c) => atMost.includes(c)) : [...asked];
}

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
      .object({
        allow: z.array(z.string().min(1)).default([]),
        /**
         * The open internet for the agent's container: the task's explicit choice, off by
         * default, and stated in every report (an agent with the internet is a different measurement).
         */
        internet: z.boolean().default(false),
      })
      .strict()
      .refine((n) => !(n.internet && n.allow.length > 0), {
        message: '`internet: true` already reaches every host; drop `allow` or `internet`',
      })
      .default({ allow: [], internet: false }),
    env: z.record(z.string(), z.string()).default({}),
    /** Capabilities given back to the agent's container (all are dropped by default). */
    capabilities: z.array(capabilitySchema).default([]),
    /** Who the agent runs as (default: the image's regular user, else the harness's uid). */
    user: userSchema.optional(),
    /** How long building the task's image may take. */
    build_timeout_s: durationSchema().optional(),
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

/** Every field of a task manifest but its instructions. */
const manifestFields = {
  id: z.string().regex(idPattern, 'a lowercase id of letters, digits, _ and -'),
  title: z.string().min(1),
  difficulty: z.enum(['smoke', 'easy', 'medium', 'hard']),
  domain: z.string().min(1),
  /** Anything worth keeping about the task (author, tags, time estimates, its source); shown in reports. */
  metadata: z.record(z.string(), z.unknown()).default({}),
  /** The folder seeded as the workspace, relative to the task folder; null starts it empty. */
  workspace: z.string().min(1).nullable().default('workspace'),
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
  /** How the oracle runs `solve.sh`: as which user (default the agent's), with which extra environment. */
  oracle: z
    .object({ user: userSchema.optional(), env: z.record(z.string(), z.string()).default({}) })
    .strict()
    .default({ env: {} }),
};

/** A loaded task manifest (and a run's manifest.snapshot.yaml): the instructions are text. */
export const taskManifestSchema = z.object({ ...manifestFields, instructions: z.string().min(1) }).strict();

/** `task.yaml` as written: the instructions inline, or in a file read when the task is loaded. */
export const taskFileSchema = z
  .object({
    ...manifestFields,
    instructions: z.string().min(1).optional(),
    /** A file, relative to the task folder, holding the agent's instructions. */
    instructions_file: z.string().min(1).optional(),
  })
  .strict()
  .refine((m) => (m.instructions === undefined) !== (m.instructions_file === undefined), {
    message: 'give the instructions inline (`instructions`) or in a file (`instructions_file`): one of them',
    path: ['instructions'],
  });

export type TaskManifest = z.infer<typeof taskManifestSchema>;
export type TaskFile = z.infer<typeof taskFileSchema>;
export type TaskEnvironment = TaskManifest['environment'];
export type ServiceSpec = z.infer<typeof serviceSchema>;
export type ToolName = z.infer<typeof toolNameSchema>;
export type ToolStyle = TaskManifest['tools']['style'];
export type Budget = TaskManifest['budget'];
export type Resources = TaskEnvironment['resources'];
