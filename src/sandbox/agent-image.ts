import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_ENGINE, DockerCliError, type DockerEngine, dockerCall } from './docker-cli.js';
import { recordImageUse } from './image-activity.js';
import { type ImageConfig, imageExists, imageLockKey, inspectImage } from './images.js';
import { lockPath, withFileLock } from './lock.js';
import { SandboxError } from './types.js';

/** Where an agent folder lives in its image, read-only. */
export const AGENT_DIR_IN_SANDBOX = '/opt/agent';

export interface AgentImageRequest {
  /** The task's image (a tag or id). */
  baseImage: string;
  /** The agent folder on the host. */
  agentDir: string;
  agentName: string;
  /** The folder's content hash (see hashBuildContext). */
  agentHash: string;
  /** Folders of the agent left out of the copy (install outputs, caches). */
  skipDirs: readonly string[];
  /** Run once as root in /opt/agent while the image is built. */
  install?: string | undefined;
  installTimeoutMs: number;
  logFile?: string;
  /** Told before a build starts (an install can take minutes; reuse is silent). */
  onBuild?: (tag: string) => void;
  /** The engine the task's image is on, and the agent's image is built on. */
  engine?: DockerEngine | undefined;
}

/** Copies a folder's regular files and folders (no symlinks, no skipped folders). */
function copyAgentFolder(from: string, to: string, skip: ReadonlySet<string>): void {
  mkdirSync(to, { recursive: true });
  for (const e of readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, e.name);
    if (e.isDirectory()) {
      if (!skip.has(e.name)) copyAgentFolder(src, path.join(to, e.name), skip);
    } else if (e.isFile()) copyFileSync(src, path.join(to, e.name));
  }
}

async function imageConfig(image: string, engine: DockerEngine): Promise<ImageConfig> {
  const config = await inspectImage(image, engine);
  if (!config) throw new SandboxError(`cannot inspect image ${image}: no such image`, 'image_build');
  return config;
}

/** The Dockerfile of an agent image: the task's image plus the agent folder, installed once. */
export function agentDockerfile(o: {
  baseImage: string;
  user: string;
  workdir: string;
  install?: string | undefined;
  agentName: string;
  agentHash: string;
}): string {
  const lines = [
    `FROM ${o.baseImage}`,
    'USER root',
    `COPY agent/ ${AGENT_DIR_IN_SANDBOX}/`,
    `WORKDIR ${AGENT_DIR_IN_SANDBOX}`,
  ];
  // The exec form with bash -c runs the command exactly as written (several lines included).
  if (o.install) lines.push(`RUN ${JSON.stringify(['/bin/bash', '-c', o.install])}`);
  // Read-only for everyone but root: the agent's user cannot change the agent it runs.
  lines.push(
    `RUN chmod -R a+rX,a-w ${AGENT_DIR_IN_SANDBOX}`,
    `WORKDIR ${o.workdir || '/'}`,
    `LABEL factory-bench.image=1 factory-bench.agent=${JSON.stringify(o.agentName)} factory-bench.agent-hash=${o.agentHash}`,
  );
  if (o.user) lines.push(`USER ${o.user}`);
  return `${lines.join('\n')}\n`;
}

/**
 * The tag of an agent image: the agent's name, the task image's id and the
 * agent folder's hash (agent.yaml, and so the install command, is part of it).
 */
export function agentImageTag(baseImageId: string, agentName: string, agentHash: string): string {
  const baseId = baseImageId.replace(/^sha256:/, '').slice(0, 12);
  const name = agentName.toLowerCase().replace(/[^a-z0-9_.-]+/g, '-');
  return `factory-bench/agent-${name}:${baseId}-${agentHash.slice(0, 12)}`;
}

const buildsInFlight = new Map<string, Promise<string>>();

/**
 * The task's image with an agent installed: built once per (task image,
 * agent hash) under the machine-wide image lock and tagged by both, so every
 * later run of the same agent on the same image reuses it. The build context
 * holds only the agent folder: no grader file is ever present.
 */
export async function ensureAgentImage(req: AgentImageRequest): Promise<string> {
  const engine = req.engine ?? DEFAULT_ENGINE;
  const base = await imageConfig(req.baseImage, engine);
  const tag = agentImageTag(base.id, req.agentName, req.agentHash);
  const key = imageLockKey(tag, engine);
  const existing = buildsInFlight.get(key);
  if (existing) return existing;
  const build = withFileLock(lockPath(key), async () => {
    if (await imageExists(tag, engine)) {
      if (req.logFile) writeFileSync(req.logFile, `reused cached agent image ${tag}\n`);
      recordImageUse(tag, 'reused');
      return tag;
    }
    req.onBuild?.(tag);
    const started = Date.now();
    const context = mkdtempSync(path.join(os.tmpdir(), 'fb-agent-image-'));
    try {
      copyAgentFolder(req.agentDir, path.join(context, 'agent'), new Set(req.skipDirs));
      writeFileSync(
        path.join(context, 'Dockerfile'),
        agentDockerfile({ ...req, user: base.user, workdir: base.workdir }),
      );
      const r = await dockerCall(['build', '--force-rm', '-t', tag, context], {
        timeoutMs: req.installTimeoutMs + 120_000,
        retries: 0,
        allowFailure: true,
        engine,
      });
      if (req.logFile) writeFileSync(req.logFile, r.stdout + r.stderr);
      if (r.exitCode !== 0) {
        const why = r.stderr.trim().split('\n').slice(-2).join(' | ');
        throw new SandboxError(
          `installing agent ${req.agentName} into ${req.baseImage} failed (exit ${r.exitCode}): ${why}`,
          'image_build',
        );
      }
      recordImageUse(tag, 'built', (Date.now() - started) / 1000);
      return tag;
    } catch (err) {
      if (err instanceof DockerCliError)
        throw new SandboxError(
          `installing agent ${req.agentName} failed: ${err.timedOut ? `the install took longer than ${Math.round(req.installTimeoutMs / 1000)}s` : err.message}`,
          'image_build',
        );
      throw err;
    } finally {
      rmSync(context, { recursive: true, force: true });
    }
  });
  buildsInFlight.set(key, build);
  try {
    return await build;
  } finally {
    buildsInFlight.delete(key);
  }
}
