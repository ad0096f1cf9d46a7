import { lstatSync, readlinkSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { SandboxError } from './types.js';

/**
 * Path confinement for agent tools. An agent names a path relative to the
 * workspace or absolute under it; anything that leaves the workspace, before or
 * after symlinks are followed, is refused with a SandboxError of kind 'path'.
 */

function refuse(p: string, why: string): never {
  throw new SandboxError(`path ${JSON.stringify(p)} is refused: ${why}`, 'path');
}

function isInside(root: string, candidate: string): boolean {
  return candidate === root || candidate.startsWith(root.endsWith('/') ? root : `${root}/`);
}

/**
 * The lexical half of confinement: `p` joined to `workdir` and normalized, or a
 * refusal when it names something outside `workdir`. `a/../b` is fine; `../x`
 * and `/etc/passwd` are not. Symlinks are not looked at here.
 */
export function confineLexically(workdir: string, p: string): string {
  if (typeof p !== 'string' || p.trim() === '') refuse(String(p), 'the path is empty');
  if (p.includes('\0')) refuse(p, 'the path contains a NUL byte');
  const root = path.posix.normalize(workdir);
  const joined = path.posix.isAbsolute(p) ? path.posix.normalize(p) : path.posix.join(root, p);
  const normalized = joined.length > 1 && joined.endsWith('/') ? joined.slice(0, -1) : joined;
  if (!isInside(root, normalized)) refuse(p, `it is outside the workspace ${root}`);
  return normalized;
}

/**
 * Checks a canonical (symlink-free) path produced by `realpath` inside the
 * sandbox against the canonical workspace root.
 */
export function assertCanonicalInside(requested: string, canonical: string, canonicalRoot: string): string {
  if (!isInside(canonicalRoot, canonical))
    refuse(requested, `it resolves through a symlink to ${canonical}, outside the workspace`);
  return canonical;
}

/**
 * The host-side equivalent of SandboxRunner.resolvePath: maps an agent path
 * (relative, or absolute under `workdir` as the agent sees it) to a file under
 * `hostRoot`, following symlinks on the host and refusing any that lead out.
 * Missing trailing components are allowed (a file about to be created).
 */
export function resolveHostPath(hostRoot: string, workdir: string, p: string): string {
  const inSandbox = confineLexically(workdir, p);
  const rel = path.posix.relative(path.posix.normalize(workdir), inSandbox);
  const root = realpathSync(hostRoot);
  const target = rel === '' ? root : path.join(root, ...rel.split('/'));
  const canonical = realpathAllowMissing(target);
  if (!isInside(root, canonical))
    refuse(p, `it resolves through a symlink to ${canonical}, outside the workspace`);
  return canonical;
}

/**
 * Like `realpath -m`: follows every symlink, dangling ones included (a write
 * through a dangling link would create its target), and keeps missing
 * components as they are.
 */
function realpathAllowMissing(target: string): string {
  const pending = target.split(path.sep).filter(Boolean);
  let resolved: string = path.sep;
  let hops = 0;
  while (pending.length > 0) {
    const name = pending.shift() as string;
    if (name === '.') continue;
    if (name === '..') {
      resolved = path.dirname(resolved);
      continue;
    }
    const next = path.join(resolved, name);
    let stat: ReturnType<typeof lstatSync> | undefined;
    try {
      stat = lstatSync(next);
    } catch {
      stat = undefined;
    }
    if (stat?.isSymbolicLink()) {
      if (++hops > 40) throw new SandboxError(`too many levels of symbolic links at ${next}`, 'path');
      const link = readlinkSync(next);
      if (path.isAbsolute(link)) resolved = path.sep;
      pending.unshift(...link.split(path.sep).filter(Boolean));
      continue;
    }
    resolved = next;
  }
  return resolved;
}

/**
 * SandboxRunner.resolvePath for runners whose files live inside a container:
 * confines lexically, then canonicalizes with `realpath -m` inside the sandbox
 * (so symlinks are judged as the sandbox sees them) and checks again.
 */
export async function resolveInSandbox(
  exec: (argv: string[]) => Promise<{ exitCode: number; stdout: string; stderr: string }>,
  workdir: string,
  p: string,
): Promise<string> {
  const lexical = confineLexically(workdir, p);
  const r = await exec(['realpath', '-m', '-z', '--', workdir, lexical]);
  const [root, canonical] = r.stdout.split('\0');
  if (r.exitCode !== 0 || !root || !canonical)
    throw new SandboxError(
      `cannot resolve ${JSON.stringify(p)} in the sandbox: ${r.stderr.trim() || `exit ${r.exitCode}`}`,
      'path',
    );
  return assertCanonicalInside(p, canonical, root);
}
