import { z } from 'zod';
import { capabilitySchema, durationSchema } from '../tasks/index.js';

/**
 * The suite manifest (`suites/*.yaml`). Types are inferred from this schema.
 * Task paths and globs resolve against the suite file's folder first, then the
 * repository root (the nearest folder above it with a tasks/ folder, a package.json or .git).
 */

const idPattern = /^[a-z0-9][a-z0-9_-]*$/;

/** Budget fields a suite may override; unset fields keep the task's own value. */
export const budgetOverrideSchema = z
  .object({
    max_tokens: z.number().int().positive().optional(),
    max_tool_calls: z.number().int().positive().optional(),
    max_wall_seconds: durationSchema().optional(),
    max_cost_usd: z.number().positive().optional(),
  })
  .strict();

export const suiteTaskEntrySchema = z.union([
  z.string().min(1),
  z
    .object({
      /** A task folder, its task.yaml, or a glob such as `tasks/*`. */
      path: z.string().min(1),
      epochs: z.number().int().positive().optional(),
      budget: budgetOverrideSchema.optional(),
    })
    .strict(),
]);

export const suiteDefaultsSchema = z
  .object({
    model: z.string().min(1).optional(),
    /** `builtin`, or an agent folder (with agent.yaml) relative to the suite file or the repository root. */
    agent: z.string().min(1).optional(),
    concurrency: z.number().int().positive().optional(),
    epochs: z.number().int().positive().optional(),
    budget: budgetOverrideSchema.optional(),
    /**
     * At most these capabilities for any task of the suite (a Harbor folder asks for Docker's
     * default set); `[]` gives none back. Unset: each task gets what it asks for.
     */
    capabilities: z.array(capabilitySchema).optional(),
  })
  .strict();

export const suiteManifestSchema = z
  .object({
    id: z.string().regex(idPattern, 'a lowercase id of letters, digits, _ and -'),
    title: z.string().min(1).optional(),
    description: z.string().optional(),
    defaults: suiteDefaultsSchema.default({}),
    tasks: z.array(suiteTaskEntrySchema).min(1),
  })
  .strict();

export type SuiteManifest = z.infer<typeof suiteManifestSchema>;
export type SuiteTaskEntry = z.infer<typeof suiteTaskEntrySchema>;
export type BudgetOverride = z.infer<typeof budgetOverrideSchema>;
