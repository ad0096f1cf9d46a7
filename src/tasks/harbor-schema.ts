import { z } from 'zod';
import { durationSchema } from './schema.js';

/**
 * Harbor's `task.toml` (Terminal-Bench 2; schema 1.0 and 1.1), as far as
 * factory-bench reads it. Strict: a field this schema does not know is
 * refused by name rather than dropped; fields it knows but cannot honour are
 * refused by the loader with the reason (see harbor.ts).
 */

const envTable = z.record(z.string(), z.string()).default({});
/** A user Harbor runs a phase as: a name or a uid. */
const phaseUser = z.union([z.string().min(1), z.number().int().min(0)]).optional();
const networkMode = z.enum(['public', 'no-network', 'allowlist']).optional();

export const harborTaskSchema = z
  .object({
    version: z.string().optional(),
    schema_version: z.string().optional(),
    source: z.string().optional(),
    /** Files Harbor collects from the container after a trial. */
    artifacts: z.array(z.unknown()).default([]),
    task: z
      .object({
        name: z.string().min(1),
        description: z.string().default(''),
        authors: z.array(z.object({ name: z.string(), email: z.string().optional() }).strict()).default([]),
        keywords: z.array(z.string()).default([]),
      })
      .strict()
      .optional(),
    /** Free-form: difficulty, category, tags, author, time estimates... all kept. */
    metadata: z.record(z.string(), z.unknown()).default({}),
    verifier: z
      .object({
        timeout_sec: durationSchema().default(600),
        env: envTable,
        user: phaseUser,
        network_mode: networkMode,
        allowed_hosts: z.array(z.string()).default([]),
      })
      .strict()
      .default({ timeout_sec: 600, env: {}, allowed_hosts: [] }),
    agent: z
      .object({
        timeout_sec: durationSchema().optional(),
        user: phaseUser,
        network_mode: networkMode,
        allowed_hosts: z.array(z.string()).default([]),
      })
      .strict()
      .default({ allowed_hosts: [] }),
    environment: z
      .object({
        build_timeout_sec: durationSchema().default(600),
        docker_image: z.string().min(1).optional(),
        cpus: z.number().positive().default(1),
        memory_mb: z.number().int().positive().default(2048),
        storage_mb: z.number().int().positive().default(10240),
        /** Deprecated spellings of memory_mb and storage_mb, such as "2G". */
        memory: z.string().optional(),
        storage: z.string().optional(),
        gpus: z.number().int().min(0).default(0),
        gpu_types: z.array(z.string()).nullable().optional(),
        allow_internet: z.boolean().optional(),
        network_mode: networkMode,
        allowed_hosts: z.array(z.string()).default([]),
        mcp_servers: z.array(z.unknown()).default([]),
        env: envTable,
        skills_dir: z.string().nullable().optional(),
        healthcheck: z.unknown().optional(),
      })
      .strict()
      .default({
        build_timeout_sec: 600,
        cpus: 1,
        memory_mb: 2048,
        storage_mb: 10240,
        gpus: 0,
        allowed_hosts: [],
        mcp_servers: [],
        env: {},
      }),
    solution: z.object({ env: envTable }).strict().default({ env: {} }),
  })
  .strict();

export type HarborTaskToml = z.infer<typeof harborTaskSchema>;

/** `2G`, `512M`, `1024K` as Harbor's deprecated memory/storage fields write them, in MB; null if unreadable. */
export function sizeToMb(size: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([GMK])\s*$/i.exec(size);
  if (!m) return null;
  const n = Number(m[1]);
  const unit = (m[2] ?? '').toUpperCase();
  return Math.floor(unit === 'G' ? n * 1024 : unit === 'M' ? n : n / 1024);
}
