import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { explainBuildFailure } from './build-errors.js';
import { DEFAULT_ENGINE, DockerCliError, type DockerEngine, dockerCall } from './docker-cli.js';
import { copyImage, findImage } from './engines.js';
import { recordImageUse } from './image-activity.js';
import { lockPath, withFileLock } from './lock.js';
import { SandboxError } from './types.js';

/** The images a Dockerfile's FROM lines name (build stages referred to by name excluded). */
export function baseImagesOf(dockerfile: string): string[] {
  const stages = new Set<string>();
  const images: string[] = [];
  for (const line of dockerfile.split('\n')) {
    const m = /^\s*FROM\s+(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (!m?.[1]) continue;
    if (!stages.has(m[1].toLowerCase()) && m[1] !== 'scratch') images.push(m[1]);
    if (m[2]) stages.add(m[2].toLowerCase());
  }
  return images;
}

async function missingBaseImages(buildContext: string, engine: DockerEngine): Promise<string[]> {
  let dockerfile: string;
  try {
    dockerfile = readFileSync(path.join(buildContext, 'Dockerfile'), 'utf8');
  } catch {
    return [];
  }
  const missing: string[] = [];
  for (const image of baseImagesOf(dockerfile)) if (!(await imageExists(image, engine))) missing.push(image);
  return missing;
}

function baseImageHint(missing: string[]): string {
  return missing.includes('debian:bookworm-slim')
    ? "build it from Debian's mirror with `npm run base-image` (scripts/build-base-image.sh, needs root and debootstrap)"
    : 'pull it where a registry is reachable, or build it locally, before running the task';
}

/**
 * A stable hash of a build context: every file's relative path and bytes, in
 * sorted order (symlinks and folders named in `skipDirs` left out).
 */
export function hashBuildContext(dir: string, opts: { skipDirs?: readonly string[] } = {}): string {
  const skip = new Set(opts.skipDirs ?? []);
  const hash = createHash('sha256');
  const walk = (rel: string): void => {
    const entries = readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    );
    for (const e of entries) {
      const relPath = path.posix.join(rel, e.name);
      if (e.isDirectory()) {
        if (!skip.has(e.name)) walk(relPath);
      } else if (e.isFile()) {
        hash.update(`${relPath}\0`);
        hash.update(readFileSync(path.join(dir, relPath)));
        hash.update('\0');
      }
    }
  };
  walk('');
  return hash.digest('hex').slice(0, 16);
}

/** The tag of an image built from a context folder: `factory-bench/<name>:<context hash>`. */
export function builtImageTag(name: string, buildContext: string): string {
  return `factory-bench/${name}:${hashBuildContext(buildContext)}`;
}

export interface ImageConfig {
  id: string;
  /** The image's USER and WORKDIR ('' when unset). */
  user: string;
  workdir: string;
}

/** How long an inspection is trusted: a run's image check and its sandbox's start, not longer. */
const INSPECT_FRESH_MS = 5_000;
const inspected = new Map<string, { at: number; config: ImageConfig }>();

/**
 * The image's id, USER and WORKDIR, or null when the engine lacks it. One
 * `docker image inspect` serves a run's image check, its user probe and an
 * agent image's base: an answer is reused for a few seconds (never a miss).
 */
export async function inspectImage(
  image: string,
  engine: DockerEngine = DEFAULT_ENGINE,
): Promise<ImageConfig | null> {
  // Engines hold different images under the same name: each has its own answers.
  const key = `${engine.name}\n${image}`;
  const hit = inspected.get(key);
  if (hit && Date.now() - hit.at < INSPECT_FRESH_MS) return hit.config;
  const r = await dockerCall(
    ['image', 'inspect', '--format', '{{.Id}} {{json .Config.User}} {{json .Config.WorkingDir}}', image],
    { allowFailure: true, timeoutMs: 30_000, engine },
  );
  if (r.exitCode !== 0) {
    inspected.delete(key);
    return null;
  }
  const m = /^(\S+) (".*?") (".*?")\s*$/.exec(r.stdout.trim());
  const config = {
    id: m?.[1] ?? image,
    user: m ? (JSON.parse(m[2] as string) as string) : '',
    workdir: m ? (JSON.parse(m[3] as string) as string) : '',
  };
  inspected.set(key, { at: Date.now(), config });
  return config;
}

export async function imageExists(image: string, engine: DockerEngine = DEFAULT_ENGINE): Promise<boolean> {
  return (await inspectImage(image, engine)) !== null;
}

/** The lock (and in-process key) of building one image on one engine: engines build independently. */
export function imageLockKey(tag: string, engine: DockerEngine): string {
  return engine === DEFAULT_ENGINE || engine.name === DEFAULT_ENGINE.name
    ? `image:${tag}`
    : `image:${engine.name}:${tag}`;
}

/**
 * Makes `image` present on `engine` from another engine that has it (see
 * DockerEngine.loadFrom), saved there and loaded here. False when none has it.
 */
async function loadFromElsewhere(
  image: string,
  engine: DockerEngine,
  onLoad: ((image: string, from: string) => void) | undefined,
): Promise<boolean> {
  const others = (engine.loadFrom ?? []).filter((e) => e.name !== engine.name);
  const source = await findImage(image, others);
  if (!source) return false;
  onLoad?.(image, source.name);
  await copyImage(image, source, engine);
  return true;
}

/** How long an image build may take unless the task says otherwise. */
export const DEFAULT_BUILD_TIMEOUT_MS = 1_800_000;

const buildsInFlight = new Map<string, Promise<string>>();

/**
 * Returns an image tag for a task environment on an engine: the named image
 * (which must be present, on another engine to load it from, or pullable), or
 * one built from a context folder and tagged by the context's hash so it is
 * built once per engine and reused. An engine that lacks the image (or a base
 * image of the build) loads it from an engine that has it (its `loadFrom`)
 * before it builds or pulls anything. Concurrent builds of the same context
 * on the same engine in this process share one build.
 */
export async function ensureImage(opts: {
  image?: string | undefined;
  buildContext?: string | null;
  name: string;
  logFile?: string;
  /** Told before a build starts (builds can take minutes; reuse is silent). */
  onBuild?: (tag: string) => void;
  /** Told before an image is loaded from another engine. */
  onLoad?: (image: string, from: string) => void;
  /** How long the build may take (default 30 minutes). */
  timeoutMs?: number;
  /** The engine the image is needed on (default: the harness's own). */
  engine?: DockerEngine | undefined;
}): Promise<string> {
  const engine = opts.engine ?? DEFAULT_ENGINE;
  if (opts.image) {
    recordImageUse(opts.image, 'named');
    if (await imageExists(opts.image, engine)) return opts.image;
    if (await loadFromElsewhere(opts.image, engine, opts.onLoad)) return opts.image;
    const pulled = await dockerCall(['pull', opts.image], {
      allowFailure: true,
      timeoutMs: 300_000,
      retries: 1,
      engine,
    });
    if (pulled.exitCode !== 0) {
      throw new SandboxError(
        `image ${opts.image} is not present and cannot be pulled: ${pulled.stderr.trim().split('\n').pop() ?? ''}`,
        'image_build',
      );
    }
    return opts.image;
  }
  if (!opts.buildContext)
    throw new SandboxError('the environment names neither an image nor a build context', 'image_build');
  const tag = builtImageTag(opts.name, opts.buildContext);
  const key = imageLockKey(tag, engine);
  const existing = buildsInFlight.get(key);
  if (existing) return existing;
  // Other harness processes may be building the same image: one builds, the others wait and reuse it.
  const build = withFileLock(lockPath(key), async () => {
    if (await imageExists(tag, engine)) {
      if (opts.logFile) writeFileSync(opts.logFile, `reused cached image ${tag}\n`);
      recordImageUse(tag, 'reused');
      return tag;
    }
    if (await loadFromElsewhere(tag, engine, opts.onLoad)) {
      if (opts.logFile) writeFileSync(opts.logFile, `loaded image ${tag} from another Docker engine\n`);
      return tag;
    }
    // A base image this engine lacks comes from one that has it (a remote engine may reach no registry).
    if ((engine.loadFrom ?? []).length > 0)
      for (const base of await missingBaseImages(opts.buildContext as string, engine))
        await loadFromElsewhere(base, engine, opts.onLoad);
    opts.onBuild?.(tag);
    const started = Date.now();
    // The log grows while the build runs (it is named before the build starts): started empty, appended to.
    if (opts.logFile) writeFileSync(opts.logFile, '');
    try {
      const r = await dockerCall(
        // --force-rm: a failed step must not leave its container behind (the classic builder keeps it).
        ['build', '--force-rm', '--label', 'factory-bench.image=1', '-t', tag, opts.buildContext as string],
        {
          timeoutMs: opts.timeoutMs ?? DEFAULT_BUILD_TIMEOUT_MS,
          retries: 0,
          allowFailure: true,
          engine,
          ...(opts.logFile ? { logFile: opts.logFile } : {}),
        },
      );
      if (r.exitCode !== 0) {
        const missing = await missingBaseImages(opts.buildContext as string, engine);
        const where = engine.name === DEFAULT_ENGINE.name ? 'this machine' : `Docker engine ${engine.name}`;
        const why =
          missing.length > 0
            ? `base image ${missing.join(', ')} is not on ${where} and cannot be pulled; ${baseImageHint(missing)}`
            : explainBuildFailure(`${r.stdout}\n${r.stderr}`);
        throw new SandboxError(
          `building ${tag} from ${opts.buildContext} failed (exit ${r.exitCode}): ${why}${opts.logFile ? ` (log: ${opts.logFile})` : ''}`,
          'image_build',
        );
      }
      recordImageUse(tag, 'built', (Date.now() - started) / 1000);
      return tag;
    } catch (err) {
      if (err instanceof DockerCliError)
        throw new SandboxError(`building ${tag} failed: ${err.message}`, 'image_build');
      throw err;
    }
  });
  buildsInFlight.set(key, build);
  try {
    return await build;
  } finally {
    buildsInFlight.delete(key);
  }
}
