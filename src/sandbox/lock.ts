import { createHash, randomBytes } from 'node:crypto';
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A lock shared by every harness process on this machine (and, through a
 * shared folder, others): the lock is a folder in which a process that wants
 * it writes a claim naming itself (pid, host), then looks: if any other live
 * claim is there it withdraws and waits, else it holds the lock. Claims have
 * unique names and announcing comes before looking, so of two processes that
 * claim at once at least one sees the other: no takeover can remove a fresh
 * lock. The holder refreshes its claim; a claim whose process is dead on this
 * host is removed at once, and one not refreshed for the stale age (another
 * host, or a file nobody refreshes) after that age.
 */
export function lockPath(name: string, dir = path.join(os.tmpdir(), 'factory-bench', 'locks')): string {
  return path.join(dir, `${createHash('sha256').update(name).digest('hex').slice(0, 24)}.lock`);
}

/** Who holds (or held) a lock, as its claim records it. */
export interface LockHolder {
  pid: number;
  host: string;
  since: string;
}

export interface LockOptions {
  /** Give up after this long (never before the stale age has passed). Default one hour. */
  timeoutMs?: number;
  /** How often a waiter looks again. Default 250 ms (with jitter). */
  pollMs?: number;
  /** A claim not refreshed this long is stale, whoever made it. Default 60 s. */
  staleMs?: number;
  /** Told once when the lock is busy, with its holder when known. */
  onWait?: (holder: LockHolder | null) => void;
}

const DEFAULT_STALE_MS = 60_000;
/** A live process on this host is trusted this many stale ages without a refresh (its pid may be reused). */
const SAME_HOST_PATIENCE = 5;
const CLAIM = /^[0-9a-f]{32}\.claim$/;

interface Claim {
  name: string;
  holder: LockHolder | null;
  mtimeMs: number;
}

/** Whether a process with this pid is alive on this host (EPERM: alive, another user's). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parseHolder(text: string): LockHolder | null {
  // An older lock file holds a bare pid (of this host).
  if (/^\s*[1-9]\d*\s*$/.test(text)) return { pid: Number(text.trim()), host: os.hostname(), since: '' };
  try {
    const v = JSON.parse(text) as Partial<LockHolder> | null;
    if (v && Number.isInteger(v.pid) && typeof v.host === 'string')
      return { pid: v.pid as number, host: v.host, since: String(v.since ?? '') };
  } catch {}
  return null;
}

/** True when a claim (or an older single-file lock) no longer protects anything. */
function isStale(holder: LockHolder | null, mtimeMs: number, staleMs: number, now = Date.now()): boolean {
  const age = now - mtimeMs;
  if (holder && holder.host === os.hostname()) {
    if (!processAlive(holder.pid)) return true;
    return age > staleMs * SAME_HOST_PATIENCE;
  }
  return age > staleMs;
}

/** The claims in a lock folder (none when the folder was just removed by a holder releasing it). */
function readClaims(dir: string): Claim[] {
  const claims: Claim[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  for (const name of names) {
    if (!CLAIM.test(name)) continue;
    const file = path.join(dir, name);
    try {
      const mtimeMs = statSync(file).mtimeMs;
      claims.push({ name, holder: parseHolder(readFileSync(file, 'utf8')), mtimeMs });
    } catch (err) {
      // Withdrawn or released while we looked.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return claims;
}

function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {}
}

/**
 * Makes sure `dir` is a lock folder. A regular file in its place is a lock of
 * an older version (or `touch`ed by hand): it is removed once its holder is
 * dead or it is stale; until then the caller waits. Returns that file's
 * holder while it still stands, or undefined when the folder is ready.
 */
function ensureLockDir(dir: string, staleMs: number): LockHolder | null | undefined {
  mkdirSync(path.dirname(dir), { recursive: true });
  for (;;) {
    try {
      mkdirSync(dir);
      return undefined;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let stat: ReturnType<typeof statSync>;
    let text: string;
    try {
      stat = statSync(dir);
      if (stat.isDirectory()) return undefined;
      text = readFileSync(dir, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    const holder = parseHolder(text);
    if (!isStale(holder, stat.mtimeMs, staleMs)) return holder;
    // unlink never removes a folder: a waiter that loses this race cannot undo the winner's lock.
    removeQuietly(dir);
  }
}

/** A claim written whole (temp file, then rename) so nobody reads half of one. */
function writeClaim(dir: string, name: string, holder: LockHolder): void {
  const tmp = path.join(dir, `${name}.tmp`);
  writeFileSync(tmp, JSON.stringify(holder));
  renameSync(tmp, path.join(dir, name));
}

/** A held lock: refreshed while held; release() withdraws the claim (and the folder when it is empty). */
class HeldLock {
  private readonly timer: NodeJS.Timeout;
  constructor(
    private readonly dir: string,
    private readonly name: string,
    staleMs: number,
  ) {
    const file = path.join(dir, name);
    this.timer = setInterval(
      () => {
        try {
          const now = new Date();
          utimesSync(file, now, now);
        } catch {}
      },
      Math.max(50, Math.floor(staleMs / 4)),
    );
    this.timer.unref();
  }
  release(): void {
    clearInterval(this.timer);
    removeQuietly(path.join(this.dir, this.name));
    try {
      rmdirSync(this.dir);
    } catch {
      // Someone else is claiming it: theirs now.
    }
  }
}

/** One attempt: the lock when taken, else the holder that stands in the way (null: unknown). */
function tryAcquire(dir: string, staleMs: number): HeldLock | { busy: LockHolder | null } {
  const legacy = ensureLockDir(dir, staleMs);
  if (legacy !== undefined) return { busy: legacy };
  const live = (claims: Claim[]): Claim[] =>
    claims.filter((c) => {
      if (!isStale(c.holder, c.mtimeMs, staleMs)) return true;
      // A dead holder's claim: its name is never reused, so removing it cannot remove anyone else's.
      removeQuietly(path.join(dir, c.name));
      return false;
    });
  const before = live(readClaims(dir));
  if (before.length > 0) return { busy: before[0]?.holder ?? null };
  const name = `${randomBytes(16).toString('hex')}.claim`;
  const me: LockHolder = { pid: process.pid, host: os.hostname(), since: new Date().toISOString() };
  try {
    writeClaim(dir, name, me);
  } catch (err) {
    // The folder was removed by a holder releasing it: start over.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { busy: null };
    throw err;
  }
  const others = live(readClaims(dir)).filter((c) => c.name !== name);
  if (others.length === 0) return new HeldLock(dir, name, staleMs);
  removeQuietly(path.join(dir, name));
  return { busy: others[0]?.holder ?? null };
}

function describeHolder(h: LockHolder | null): string {
  return h ? `process ${h.pid} on ${h.host}${h.since ? ` since ${h.since}` : ''}` : 'an unknown process';
}

/** Waits for the lock (polling without blocking the event loop), runs `fn`, releases. */
export async function withFileLock<T>(
  file: string,
  fn: () => Promise<T> | T,
  opts: LockOptions = {},
): Promise<T> {
  const staleMs = opts.staleMs ?? DEFAULT_STALE_MS;
  const started = Date.now();
  // Never give up before a lock left by a dead process elsewhere has had time to go stale.
  const timeoutMs = Math.max(opts.timeoutMs ?? 3_600_000, staleMs * 2);
  const pollMs = opts.pollMs ?? 250;
  let told = false;
  let held: HeldLock;
  for (;;) {
    const attempt = tryAcquire(file, staleMs);
    if (attempt instanceof HeldLock) {
      held = attempt;
      break;
    }
    if (Date.now() - started > timeoutMs)
      throw new Error(
        `timed out after ${Math.round((Date.now() - started) / 1000)}s waiting for the lock ${file}, held by ${describeHolder(attempt.busy)}`,
      );
    if (!told) {
      told = true;
      opts.onWait?.(attempt.busy);
    }
    await new Promise((r) => setTimeout(r, pollMs * (0.5 + Math.random())));
  }
  try {
    return await fn();
  } finally {
    held.release();
  }
}

/** The live holders of a lock (for messages and tests). */
export function lockHolders(file: string, staleMs = DEFAULT_STALE_MS): LockHolder[] {
  try {
    if (!statSync(file).isDirectory()) {
      const stat = statSync(file);
      const holder = parseHolder(readFileSync(file, 'utf8'));
      return isStale(holder, stat.mtimeMs, staleMs) || !holder ? [] : [holder];
    }
    return readClaims(file)
      .filter((c) => !isStale(c.holder, c.mtimeMs, staleMs))
      .flatMap((c) => (c.holder ? [c.holder] : []));
  } catch {
    return [];
  }
}

/**
 * Takes the lock only if it is free right now, without waiting (for work at
 * process exit, when nothing can be awaited). Returns the release, or null.
 */
export function tryLockSync(file: string, opts: Pick<LockOptions, 'staleMs'> = {}): (() => void) | null {
  const attempt = tryAcquire(file, opts.staleMs ?? DEFAULT_STALE_MS);
  return attempt instanceof HeldLock ? () => attempt.release() : null;
}
