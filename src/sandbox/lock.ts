import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A lock shared by every harness process on this machine (a file created with
 * O_EXCL holding the owner's pid). A lock whose owner is gone is stale and is
 * taken over, so a harness killed mid-build never blocks the next one.
 */
export function lockPath(name: string, dir = path.join(os.tmpdir(), 'factory-bench', 'locks')): string {
  return path.join(dir, `${createHash('sha256').update(name).digest('hex').slice(0, 24)}.lock`);
}

function ownerAlive(file: string): boolean {
  let pid = Number.NaN;
  try {
    pid = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
  } catch {
    return false;
  }
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Waits for the lock (polling), runs `fn`, releases. */
export async function withFileLock<T>(
  file: string,
  fn: () => Promise<T>,
  opts: { timeoutMs?: number; pollMs?: number; onWait?: () => void } = {},
): Promise<T> {
  mkdirSync(path.dirname(file), { recursive: true });
  const deadline = Date.now() + (opts.timeoutMs ?? 3_600_000);
  let told = false;
  for (;;) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (!ownerAlive(file)) {
        rmSync(file, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for the lock ${file}`);
      if (!told) {
        told = true;
        opts.onWait?.();
      }
      await new Promise((r) => setTimeout(r, opts.pollMs ?? 250));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(file, { force: true });
  }
}
