import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { AgentInfo } from '../runs/index.js';
import { hashBuildContext } from '../sandbox/index.js';
import { ManifestError, readYamlManifest } from '../tasks/index.js';

/**
 * Agents declared outside the task: `builtin` (the harness's own loops, picked
 * by the task's tools.style) or a folder holding `agent.yaml`. The folder is
 * hashed like an image build context, so a run records exactly which agent
 * it measured and a comparison can say the agent changed.
 */

export const AGENT_MANIFEST = 'agent.yaml';

/** Variables the harness sets for an external agent; agent.yaml may not set them. */
export const RESERVED_AGENT_ENV = ['OPENAI_BASE_URL', 'OPENAI_API_KEY', 'FB_INSTRUCTIONS'] as const;

/**
 * Folders that hold what an install produced or a tool cached, not the agent:
 * left out of the hash (so installing does not change it) and out of the copy
 * into the agent's image.
 */
export const AGENT_IGNORED_DIRS: readonly string[] = [
  '.git',
  'node_modules',
  '__pycache__',
  '.venv',
  '.pytest_cache',
  '.mypy_cache',
];

export const agentManifestSchema = z
  .object({
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, ".", "_" or "-" (at most 64 characters)'),
    description: z.string().optional(),
    /**
     * Run once per (task image, agent hash): in a derived image as root with
     * the folder at /opt/agent (runs_in sandbox), or in the folder on the host.
     */
    install: z.string().min(1).optional(),
    /** Run by bash with the instructions on stdin and in FB_INSTRUCTIONS. */
    command: z.string().min(1),
    runs_in: z.enum(['sandbox', 'host']).default('sandbox'),
    env: z
      .record(
        z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name'),
        z.union([z.string(), z.number(), z.boolean()]).transform(String),
      )
      .default({})
      .refine((env) => !RESERVED_AGENT_ENV.some((k) => k in env) && !Object.keys(env).some(isHarnessName), {
        message: `${RESERVED_AGENT_ENV.join(', ')} and FB_* are set by the harness`,
      }),
    timeouts: z
      .object({
        /** How long the install step may take. */
        install_seconds: z.number().positive().default(1800),
        /** Between asking the agent to stop (SIGTERM) and killing it. */
        stop_grace_seconds: z.number().nonnegative().max(60).default(5),
      })
      .strict()
      .default({ install_seconds: 1800, stop_grace_seconds: 5 }),
  })
  .strict();

function isHarnessName(name: string): boolean {
  return name.startsWith('FB_');
}

export type AgentManifest = z.infer<typeof agentManifestSchema>;

export type AgentSpec =
  | { kind: 'builtin' }
  | {
      kind: 'external';
      /** Absolute path of the agent folder. */
      dir: string;
      manifestPath: string;
      manifest: AgentManifest;
      hash: string;
    }
  /** Whatever MCP client drives `factory-bench mcp` over stdio: it brings its own model. */
  | { kind: 'mcp-client' };

export const BUILTIN_AGENT: AgentSpec = { kind: 'builtin' };

export const BUILTIN_AGENT_INFO: AgentInfo = { kind: 'builtin', name: 'builtin', hash: null, runs_in: null };

/** The content hash of an agent folder (install outputs and caches left out). */
export function hashAgentFolder(dir: string): string {
  return hashBuildContext(dir, { skipDirs: AGENT_IGNORED_DIRS });
}

/**
 * `builtin`, or an agent folder (or its agent.yaml) resolved against `baseDirs`
 * in order (default: the current folder). Throws ManifestError naming the file
 * and field, like a bad task.yaml.
 */
export function loadAgent(value: string, baseDirs: string[] = [process.cwd()]): AgentSpec {
  const raw = value.trim();
  if (raw === '' || raw === 'builtin') return BUILTIN_AGENT;
  const candidates = baseDirs.map((b) => path.resolve(b, raw));
  const found = candidates.find((c) => existsSync(c)) ?? (candidates[0] as string);
  if (!existsSync(found))
    throw new ManifestError([
      {
        file: found,
        field: '',
        message: `no such agent folder; expected "builtin" or a folder holding ${AGENT_MANIFEST}`,
      },
    ]);
  const manifestPath = statSync(found).isDirectory() ? path.join(found, AGENT_MANIFEST) : found;
  if (!existsSync(manifestPath))
    throw new ManifestError([
      { file: manifestPath, field: '', message: `no ${AGENT_MANIFEST} in the agent folder ${found}` },
    ]);
  const manifest = readYamlManifest(manifestPath, agentManifestSchema);
  const dir = path.dirname(manifestPath);
  return { kind: 'external', dir, manifestPath, manifest, hash: hashAgentFolder(dir) };
}

/** What a run records about an agent. */
export function agentInfo(spec: AgentSpec): AgentInfo {
  if (spec.kind === 'builtin') return BUILTIN_AGENT_INFO;
  if (spec.kind === 'mcp-client')
    return { kind: 'external', name: 'mcp-client', hash: null, runs_in: 'host' };
  return { kind: 'external', name: spec.manifest.name, hash: spec.hash, runs_in: spec.manifest.runs_in };
}
