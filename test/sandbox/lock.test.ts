import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { lockHolders, lockPath, withFileLock } from '../../src/sandbox/lock.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('fb-lock-');
const bundle = path.join(dir, 'lock.mjs');
const worker = path.join(dir, 'worker.mjs');

/**
 * A process that takes the lock `rounds` times; inside, it creates `inside`
 * exclusively (EEXIST means someone else holds the lock too), waits a moment
 * and removes it. It prints how many times it got the lock and how many
 * times it found someone else inside.
 */
const WORKER = `
import { openSync, closeSync, unlinkSync, writeFileSync, existsSync } from 'node:fs';
import { withFileLock } from './lock.mjs';
const [lock, inside, rounds, go, staleMs] = process.argv.slice(2);
while (!existsSync(go)) await new Promise((r) => setTimeout(r, 5));
let got = 0, overlaps = 0;
for (let i = 0; i < Number(rounds); i++) {
  await withFileLock(lock, async () => {
    got++;
    try { closeSync(openSync(inside, 'wx')); } catch { overlaps++; return; }
    await new Promise((r) => setTimeout(r, 1));
    unlinkSync(inside);
  }, { pollMs: 2, staleMs: Number(staleMs) });
}
writeFileSync(1, JSON.stringify({ got, overlaps }) + '\\n');
`;

beforeAll(() => {
  buildSync({
    entryPoints: [path.resolve(import.meta.dirname, '../../src/sandbox/lock.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: bundle,
    logLevel: 'silent',
  });
  writeFileSync(worker, WORKER);
});

function startWorker(lock: string, inside: string, rounds: number, go: string, staleMs = 60_000) {
  let out = '';
  const child: ChildProcess = spawn(
    process.execPath,
    [worker, lock, inside, String(rounds), go, String(staleMs)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  child.stdout?.on('data', (d) => {
    out += d;
  });
  return new Promise<{ got: number; overlaps: number }>((resolve, reject) =>
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`worker exited ${code}: ${out}`)),
    ),
  );
}

/** A pid that belonged to a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(r.stdout);
}

describe('withFileLock', () => {
  it('serializes holders in one process and leaves nothing behind', async () => {
    const file = lockPath('a', dir);
    const order: string[] = [];
    const hold = (name: string) =>
      withFileLock(
        file,
        async () => {
          order.push(`${name}+`);
          await new Promise((r) => setTimeout(r, 50));
          order.push(`${name}-`);
        },
        { pollMs: 10 },
      );
    await Promise.all([hold('x'), hold('y')]);
    expect([order.slice(0, 2), order.slice(2)]).toEqual(
      order[0] === 'x+'
        ? [
            ['x+', 'x-'],
            ['y+', 'y-'],
          ]
        : [
            ['y+', 'y-'],
            ['x+', 'x-'],
          ],
    );
    expect(existsSync(file)).toBe(false);
  });

  it('records its holder (pid and host) while held', async () => {
    const file = lockPath('holder', dir);
    const seen = await withFileLock(file, () => lockHolders(file));
    expect(seen).toEqual([{ pid: process.pid, host: os.hostname(), since: expect.any(String) }]);
    expect(lockHolders(file)).toEqual([]);
  });

  it('waits for a live holder in another process and takes over a dead one at once', async () => {
    const file = lockPath('b', dir);
    mkdirSync(path.dirname(file), { recursive: true });
    const holder = spawn('sleep', ['30']);
    // The older single-file lock: a bare pid.
    writeFileSync(file, String(holder.pid));
    let waitedFor: unknown = 'nobody';
    let ran = false;
    const pending = withFileLock(
      file,
      async () => {
        ran = true;
      },
      { pollMs: 20, onWait: (h) => (waitedFor = h) },
    );
    await new Promise((r) => setTimeout(r, 200));
    expect(waitedFor).toMatchObject({ pid: holder.pid, host: os.hostname() });
    expect(ran).toBe(false);
    const killedAt = Date.now();
    holder.kill('SIGKILL');
    await pending;
    expect(ran).toBe(true);
    // Taken over as soon as the holder is gone, not after the stale age (60 s).
    expect(Date.now() - killedAt).toBeLessThan(5_000);
  });

  it('takes over a lock nobody holds (a touched file) after the stale age, and never gives up before it', async () => {
    const file = path.join(dir, 'touched.lock');
    writeFileSync(file, '');
    const started = Date.now();
    // The timeout is shorter than the stale age: the waiter still waits for the lock to go stale.
    await withFileLock(file, () => undefined, { staleMs: 600, timeoutMs: 50, pollMs: 20 });
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(550);
    expect(waited).toBeLessThan(5_000);
  });

  it('a lock another host keeps fresh is waited for until the timeout, then named in the error', async () => {
    const file = path.join(dir, 'other-host.lock');
    mkdirSync(file);
    const claim = path.join(file, `${'ab'.repeat(16)}.claim`);
    writeFileSync(claim, JSON.stringify({ pid: 1, host: 'build-box-7', since: '2026-01-01T00:00:00Z' }));
    const refresh = setInterval(() => {
      const now = new Date();
      utimesSync(claim, now, now);
    }, 30);
    try {
      await expect(
        withFileLock(file, () => undefined, { staleMs: 200, timeoutMs: 1, pollMs: 20 }),
      ).rejects.toThrow(
        /timed out after \d+s waiting for the lock .*other-host\.lock, held by process 1 on build-box-7/,
      );
    } finally {
      clearInterval(refresh);
    }
  });
});

describe('withFileLock across processes', () => {
  it('never lets two processes hold it at once under contention', async () => {
    const file = path.join(dir, 'contended.lock');
    const inside = path.join(dir, 'contended.inside');
    const go = path.join(dir, 'contended.go');
    const workers = [0, 1, 2, 3].map(() => startWorker(file, inside, 150, go));
    await new Promise((r) => setTimeout(r, 300));
    writeFileSync(go, '');
    const results = await Promise.all(workers);
    expect(results.map((r) => r.got)).toEqual([150, 150, 150, 150]);
    expect(results.reduce((s, r) => s + r.overlaps, 0)).toBe(0);
  }, 120_000);

  it('waiters that all find a dead owner take it over one at a time', async () => {
    // Several rounds: each starts from a lock left by a dead process, with six waiters released together.
    let overlaps = 0;
    for (let round = 0; round < 5; round++) {
      const file = path.join(dir, `dead-${round}.lock`);
      const inside = path.join(dir, `dead-${round}.inside`);
      const go = path.join(dir, `dead-${round}.go`);
      if (round % 2 === 0) writeFileSync(file, String(deadPid()));
      else {
        mkdirSync(file);
        writeFileSync(
          path.join(file, `${'cd'.repeat(16)}.claim`),
          JSON.stringify({ pid: deadPid(), host: os.hostname(), since: '' }),
        );
      }
      const workers = [0, 1, 2, 3, 4, 5].map(() => startWorker(file, inside, 3, go));
      await new Promise((r) => setTimeout(r, 300));
      writeFileSync(go, '');
      const results = await Promise.all(workers);
      expect(results.map((r) => r.got)).toEqual([3, 3, 3, 3, 3, 3]);
      overlaps += results.reduce((s, r) => s + r.overlaps, 0);
    }
    expect(overlaps).toBe(0);
  }, 120_000);

  it('a stale claim of another host (not refreshed for the stale age) is taken over', async () => {
    const file = path.join(dir, 'stale-host.lock');
    mkdirSync(file);
    const claim = path.join(file, `${'ef'.repeat(16)}.claim`);
    writeFileSync(claim, JSON.stringify({ pid: 4242, host: 'gone-runner', since: '' }));
    const old = new Date(Date.now() - 10_000);
    utimesSync(claim, old, old);
    const claimStillThere = await withFileLock(file, () => existsSync(claim), { staleMs: 5_000 });
    expect(claimStillThere).toBe(false);
  });
});
