import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, realpathSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { extract as extractTar, create as packTar } from 'tar';
import { dockerStream } from './docker-cli.js';
import { SandboxError } from './types.js';

/**
 * Files into and out of a container as tar streams through `docker cp`, never
 * as bind mounts: the engine may be on another machine (`DOCKER_HOST=ssh://…`),
 * where the harness's disk does not exist. `docker cp` needs nothing in the
 * image (no tar, no shell) and works on running containers.
 */

/** Who owns what a copy creates inside the container (the daemon honours the tar headers). */
export interface Owner {
  uid: number;
  gid: number;
}

const COPY_TIMEOUT_MS = 600_000;

/**
 * Copies the contents of host folder `hostDir` to the folder `sandboxDir`
 * (absolute) inside `container`, merged over whatever the image has there
 * (files the image bakes into its working directory survive), every entry
 * owned by `owner`, `sandboxDir` itself included. Missing parents of
 * `sandboxDir` are made by the daemon, owned by root; existing ones are left
 * as they are. Symlinks are copied as links; nothing they point to is read.
 */
export async function copyTreeIn(
  container: string,
  hostDir: string,
  sandboxDir: string,
  owner: Owner,
  docker: DockerStreamer = dockerStream,
): Promise<void> {
  // Entries are named from the root (`workspace/...`) and copied to `/`, so no parent needs to exist.
  const prefix = path.posix.normalize(sandboxDir).replace(/^\/+|\/+$/g, '');
  if (!prefix) throw new SandboxError(`cannot copy a folder over the sandbox's root`, 'path');
  const pack = packTar(
    {
      cwd: hostDir,
      // The folder's own entry becomes `<prefix>/`, so the folder itself gets the owner too.
      prefix,
      portable: false,
      // The harness's uid means nothing inside the container: every entry is the owner's.
      onWriteEntry: (entry) => {
        if (entry.stat) {
          entry.stat.uid = owner.uid;
          entry.stat.gid = owner.gid;
        }
      },
    },
    ['.'],
  );
  const r = await docker(['cp', '-', `${container}:/`], {
    timeoutMs: COPY_TIMEOUT_MS,
    input: (stdin) => {
      pack.on('error', (err) => stdin.destroy(err as Error));
      pack.pipe(stdin);
    },
  });
  if (r.exitCode !== 0)
    throw new SandboxError(
      `cannot copy ${hostDir} into the sandbox at ${sandboxDir}: ${r.error ?? r.stderr.trim()}`,
      'start',
    );
}

/**
 * Replaces the contents of host folder `hostDir` with the folder `sandboxDir`
 * of `container`. What comes out belongs to the harness's user whatever it
 * was inside, and every folder is the user's to write and delete (an agent's
 * `chmod 500` does not make the run folder undeletable). Symlinks come out
 * verbatim, absolute ones included; those leading out of the folder are made
 * last, so nothing is ever written through them, and paths that would leave
 * `hostDir` are refused by the extractor. The old contents are swapped out
 * only once the copy is complete. Entries that could not be copied (a FIFO
 * the agent made, say) are returned.
 */
export async function copyTreeOut(
  container: string,
  sandboxDir: string,
  hostDir: string,
  docker: DockerStreamer = dockerStream,
): Promise<{ skipped: string[] }> {
  mkdirSync(hostDir, { recursive: true });
  // Inside the folder itself: its parent need not be writable.
  const incoming = path.join(hostDir, `.fb-incoming-${randomBytes(6).toString('hex')}`);
  mkdirSync(incoming);
  const skipped: string[] = [];
  const outwardLinks: Array<{ at: string; target: string }> = [];
  try {
    const r = await docker(['cp', `${container}:${sandboxDir}`, '-'], {
      timeoutMs: COPY_TIMEOUT_MS,
      output: (stdout) =>
        new Promise<void>((resolve, reject) => {
          const unpack = extractTar({
            cwd: incoming,
            // docker cp names every entry after the folder: `workspace/...`.
            strip: 1,
            preserveOwner: false,
            filter: (entryPath, entry) => {
              if (!('type' in entry) || entry.type !== 'SymbolicLink' || !entry.linkpath) return true;
              const at = entryPath.split('/').slice(1).join('/');
              if (!leadsOut(at, entry.linkpath)) return true;
              outwardLinks.push({ at, target: entry.linkpath });
              return false;
            },
            onwarn: (code, message) => {
              if (code !== 'TAR_ENTRY_INFO') skipped.push(`${code}: ${String(message)}`);
            },
          });
          unpack.on('error', reject);
          unpack.on('close', () => resolve());
          stdout.on('error', reject);
          stdout.pipe(unpack);
        }),
    });
    if (r.exitCode !== 0)
      throw new SandboxError(
        `cannot copy ${sandboxDir} out of the sandbox: ${r.error ?? r.stderr.trim()}`,
        'docker',
      );
    const root = realpathSync(incoming);
    for (const link of outwardLinks) {
      const at = path.join(root, ...link.at.split('/'));
      // Its folder must be a real folder inside (a link on the way would put the new link elsewhere).
      try {
        if (!at.startsWith(`${root}${path.sep}`) || realpathSync(path.dirname(at)) !== path.dirname(at))
          throw new Error('its folder leads outside');
        symlinkSync(link.target, at);
      } catch (err) {
        skipped.push(`link ${link.at} -> ${link.target}: ${(err as Error).message}`);
      }
    }
    for (const name of readdirSync(hostDir))
      if (path.join(hostDir, name) !== incoming)
        rmSync(path.join(hostDir, name), { recursive: true, force: true });
    for (const name of readdirSync(incoming)) renameSync(path.join(incoming, name), path.join(hostDir, name));
  } finally {
    rmSync(incoming, { recursive: true, force: true });
  }
  return { skipped };
}

/** Whether a symlink at `at` (relative to the copied folder) points outside the folder. */
function leadsOut(at: string, target: string): boolean {
  if (path.posix.isAbsolute(target)) return true;
  const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(at), target));
  return resolved === '..' || resolved.startsWith('../');
}

/** The streaming docker call the copies use (tests pass their own). */
export type DockerStreamer = (
  args: string[],
  opts: {
    timeoutMs: number;
    input?: (stdin: Writable) => void;
    output?: (stdout: Readable) => Promise<void>;
  },
) => Promise<{ exitCode: number; stderr: string; error?: string }>;
