import { spawn } from 'node:child_process';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import type { Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { minimalEnv } from './docker-cli.js';

/**
 * Images carried from one CI job to the next (or to another Docker host): one
 * `docker save` of all of them, so layers they share (a task image and the
 * agent image derived from it, two tasks on the same base) are stored once,
 * optionally compressed, with a manifest naming each tag and its image id.
 * Loading skips `docker load` when every image is already there.
 */

export type ArchiveCompression = 'zstd' | 'gzip' | 'none';

export const IMAGE_ARCHIVE_MANIFEST = 'images.json';
const ARCHIVE_PREFIX = 'images.tar';

export interface ImageArchiveManifest {
  format: 1;
  created_at: string;
  /** The archive's file name in the folder. */
  file: string;
  compression: ArchiveCompression;
  bytes: number;
  images: Array<{ tag: string; id: string }>;
}

/** Which Docker engine: this one (DOCKER_HOST as set), or another (`ssh://host`, `tcp://…`, `unix://…`). */
export interface DockerTarget {
  dockerHost?: string | undefined;
}

export class ImageArchiveError extends Error {
  constructor(
    message: string,
    /** `input`: the folder or the tags asked for are wrong; `docker`: the engine failed. */
    readonly kind: 'input' | 'docker',
  ) {
    super(message);
    this.name = 'ImageArchiveError';
  }
}

/** zstd when this Node has it (22.15+, 23.8+), else gzip. */
export function defaultCompression(): ArchiveCompression {
  return typeof (zlib as { createZstdCompress?: unknown }).createZstdCompress === 'function'
    ? 'zstd'
    : 'gzip';
}

const EXTENSION: Record<ArchiveCompression, string> = { zstd: '.zst', gzip: '.gz', none: '' };

function compressor(c: ArchiveCompression): Transform | null {
  if (c === 'gzip') return zlib.createGzip({ level: 3 });
  if (c === 'zstd') {
    const make = (zlib as unknown as { createZstdCompress?: () => Transform }).createZstdCompress;
    if (!make) throw new ImageArchiveError('this Node.js has no zstd; use --compression gzip', 'input');
    return make();
  }
  return null;
}

function decompressor(c: ArchiveCompression): Transform | null {
  if (c === 'gzip') return zlib.createGunzip();
  if (c === 'zstd') {
    const make = (zlib as unknown as { createZstdDecompress?: () => Transform }).createZstdDecompress;
    if (!make)
      throw new ImageArchiveError(
        'the archive is zstd-compressed and this Node.js cannot read zstd (use Node 22.15+)',
        'input',
      );
    return make();
  }
  return null;
}

function dockerEnv(target: DockerTarget): Record<string, string> {
  return minimalEnv(target.dockerHost ? { DOCKER_HOST: target.dockerHost } : {});
}

/** Runs docker with its stdout (or stdin) streamed; resolves with stdout text unless streamed, rejects on failure. */
function streamDocker(
  args: string[],
  target: DockerTarget,
  io: { from?: Readable[]; to?: Writable[]; timeoutMs: number },
): Promise<string> {
  const child = spawn('docker', args, {
    env: dockerEnv(target),
    stdio: [io.from ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString('utf8')).slice(-4000);
  });
  if (!io.to)
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString('utf8');
    });
  const timer = setTimeout(() => child.kill('SIGKILL'), io.timeoutMs);
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
  const streams: Array<Promise<void>> = [];
  if (io.from && child.stdin) streams.push(pipeline([...io.from, child.stdin] as [Readable, Writable]));
  if (io.to && child.stdout) streams.push(pipeline([child.stdout, ...io.to] as [Readable, Writable]));
  return Promise.all([exited, ...streams])
    .then(([code]) => {
      if (code !== 0)
        throw new ImageArchiveError(
          `docker ${args[0]} failed (${code === null ? 'killed after its timeout' : `exit ${code}`}): ${stderr.trim().split('\n').slice(-2).join(' | ')}`,
          'docker',
        );
      return stdout;
    })
    .catch((err: Error) => {
      child.kill('SIGKILL');
      if (err instanceof ImageArchiveError) throw err;
      throw new ImageArchiveError(
        `docker ${args[0]} failed: ${err.message}${stderr ? ` (${stderr.trim().split('\n').pop()})` : ''}`,
        'docker',
      );
    })
    .finally(() => clearTimeout(timer));
}

/** Tag -> image id of every tagged image on the engine, in one call. */
export async function localImageIds(target: DockerTarget = {}): Promise<Map<string, string>> {
  const out = await streamDocker(
    ['images', '--no-trunc', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}'],
    target,
    { timeoutMs: 60_000 },
  );
  const ids = new Map<string, string>();
  for (const line of out.split('\n')) {
    const [tag, id] = line.trim().split(' ');
    if (tag && id && !tag.includes('<none>')) ids.set(tag, id);
  }
  return ids;
}

export function readImageArchiveManifest(dir: string): ImageArchiveManifest | null {
  const file = path.join(dir, IMAGE_ARCHIVE_MANIFEST);
  if (!existsSync(file)) return null;
  let m: ImageArchiveManifest;
  try {
    m = JSON.parse(readFileSync(file, 'utf8')) as ImageArchiveManifest;
  } catch (err) {
    throw new ImageArchiveError(`${file}: not JSON (${(err as Error).message})`, 'input');
  }
  const ok =
    m?.format === 1 &&
    typeof m.file === 'string' &&
    m.file.startsWith(ARCHIVE_PREFIX) &&
    !m.file.includes('/') &&
    ['zstd', 'gzip', 'none'].includes(m.compression) &&
    Array.isArray(m.images) &&
    m.images.every((i) => typeof i?.tag === 'string' && typeof i.id === 'string');
  if (!ok)
    throw new ImageArchiveError(
      `${file}: not an image archive manifest (expected format 1 with file, compression and images)`,
      'input',
    );
  return m;
}

export interface SavedArchive {
  manifest: ImageArchiveManifest;
  seconds: number;
}

/**
 * Saves the given images (all present on the engine) into `dir` as one
 * archive and its manifest, replacing an archive already there.
 */
export async function saveImageArchive(
  dir: string,
  tags: readonly string[],
  opts: DockerTarget & { compression?: ArchiveCompression; timeoutMs?: number } = {},
): Promise<SavedArchive> {
  const started = Date.now();
  const wanted = [...new Set(tags)].sort();
  if (wanted.length === 0) throw new ImageArchiveError('no images to save', 'input');
  const ids = await localImageIds(opts);
  const missing = wanted.filter((t) => !ids.has(t));
  if (missing.length > 0)
    throw new ImageArchiveError(`not on this Docker engine, cannot be saved: ${missing.join(', ')}`, 'input');
  const compression = opts.compression ?? defaultCompression();
  const file = ARCHIVE_PREFIX + EXTENSION[compression];
  mkdirSync(dir, { recursive: true });
  for (const old of readdirSync(dir))
    if (old.startsWith(ARCHIVE_PREFIX) || old === IMAGE_ARCHIVE_MANIFEST)
      rmSync(path.join(dir, old), { force: true });
  const partial = path.join(dir, `${file}.partial`);
  const pack = compressor(compression);
  try {
    await streamDocker(['save', ...wanted], opts, {
      to: [...(pack ? [pack] : []), createWriteStream(partial)],
      timeoutMs: opts.timeoutMs ?? 3_600_000,
    });
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  }
  renameSync(partial, path.join(dir, file));
  const manifest: ImageArchiveManifest = {
    format: 1,
    created_at: new Date().toISOString(),
    file,
    compression,
    bytes: statSync(path.join(dir, file)).size,
    images: wanted.map((tag) => ({ tag, id: ids.get(tag) as string })),
  };
  writeFileSync(path.join(dir, IMAGE_ARCHIVE_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return { manifest, seconds: (Date.now() - started) / 1000 };
}

export interface LoadedArchive {
  manifest: ImageArchiveManifest;
  /** Tags the engine did not have (with that id) before. */
  loaded: string[];
  /** Tags it had already; when that is every tag, nothing was loaded. */
  present: string[];
  seconds: number;
}

/** Loads the archive in `dir` into the engine, unless it has every image already. */
export async function loadImageArchive(
  dir: string,
  opts: DockerTarget & { timeoutMs?: number } = {},
): Promise<LoadedArchive> {
  const started = Date.now();
  const manifest = readImageArchiveManifest(dir);
  if (!manifest)
    throw new ImageArchiveError(
      `${dir} holds no image archive (no ${IMAGE_ARCHIVE_MANIFEST}; make one with \`factory-bench images save\`)`,
      'input',
    );
  const archive = path.join(dir, manifest.file);
  if (!existsSync(archive)) throw new ImageArchiveError(`${archive} is missing`, 'input');
  const before = await localImageIds(opts);
  const present = manifest.images.filter((i) => before.get(i.tag) === i.id).map((i) => i.tag);
  const loaded = manifest.images.map((i) => i.tag).filter((t) => !present.includes(t));
  if (loaded.length > 0) {
    const unpack = decompressor(manifest.compression);
    await streamDocker(['load', '--quiet'], opts, {
      from: [createReadStream(archive), ...(unpack ? [unpack] : [])],
      timeoutMs: opts.timeoutMs ?? 3_600_000,
    });
  }
  return { manifest, loaded, present, seconds: (Date.now() - started) / 1000 };
}
