import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockPath, withFileLock } from '../../src/sandbox/lock.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('fb-lock-');

describe('withFileLock', () => {
  it('serializes holders in one process', async () => {
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

  it('waits for a live holder in another process and takes over a dead one', async () => {
    const file = lockPath('b', dir);
    mkdirSync(path.dirname(file), { recursive: true });
    const holder = spawn('sleep', ['30']);
    writeFileSync(file, String(holder.pid));
    let waited = false;
    let ran = false;
    const pending = withFileLock(
      file,
      async () => {
        ran = true;
      },
      { pollMs: 20, onWait: () => (waited = true) },
    );
    await new Promise((r) => setTimeout(r, 200));
    expect(waited).toBe(true);
    expect(ran).toBe(false);
    holder.kill('SIGKILL');
    await pending;
    expect(ran).toBe(true);
  });
});
