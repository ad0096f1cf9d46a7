import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerRunner } from '../../src/sandbox/index.js';
import { HAS_DOCKER, leftoversFor } from '../helpers/docker.js';
import { tempDir } from '../helpers/tmp.js';
import { sandboxSpec } from './fixtures.js';

const root = tempDir('fb-abuse-');

describe.runIf(HAS_DOCKER)('abuse in a Docker sandbox', () => {
  const spec = sandboxSpec(root, 'abuse', { resources: { cpus: 1, memory_mb: 256, pids: 96 } });
  const runId = spec.runId;
  const sandbox = new DockerRunner(spec);

  beforeAll(() => sandbox.start());
  afterAll(async () => {
    await sandbox.stop();
    expect(leftoversFor(runId)).toEqual([]);
  });

  async function stillUsable(): Promise<void> {
    const r = await sandbox.exec({ cmd: 'echo ok', timeoutMs: 30_000 });
    expect(r).toMatchObject({ exitCode: 0, stdout: 'ok\n' });
  }

  it('a fork bomb hits the pid limit and is killed at its timeout', async () => {
    const r = await sandbox.exec({ cmd: 'bomb() { bomb | bomb & }; bomb; sleep 60', timeoutMs: 4_000 });
    expect(r.timedOut).toBe(true);
    expect(r.killReason).toBe('timeout');
    await stillUsable();
    // Nothing of the bomb is left: only init, sleep infinity, the shell, its watchdog and this command.
    const count = await sandbox.exec({ cmd: 'ls /proc | grep -c "^[0-9]"' });
    expect(Number(count.stdout.trim())).toBeLessThan(12);
  });

  it('a memory hog is killed by the kernel and the reason is said', async () => {
    const r = await sandbox.exec({
      cmd: 'x=$(head -c 2000000000 /dev/zero | tr "\\0" a); echo survived "$x" | wc -c',
      timeoutMs: 120_000,
    });
    expect(r.exitCode).not.toBe(0);
    expect(r.stdout).not.toContain('survived');
    expect(r.killReason).toBe('out_of_memory');
    expect(r.stderr).toMatch(/ran out of memory/);
    await stillUsable();
  });

  it('endless output is capped while it runs and ends at the timeout', async () => {
    const r = await sandbox.exec({ cmd: 'yes', timeoutMs: 3_000, maxOutputBytes: 4_096 });
    expect(r.timedOut).toBe(true);
    expect(r.stdout.length).toBeLessThan(5_000);
    expect(r.truncatedBytes.stdout).toBeGreaterThan(1_000_000);
    expect(r.stdout).toMatch(/bytes cut from the middle/);
    await stillUsable();
  });

  it('a command that never returns, even ignoring SIGTERM, is killed', async () => {
    const r = await sandbox.exec({ cmd: "trap '' TERM; while :; do sleep 1; done", timeoutMs: 2_000 });
    expect(r.timedOut).toBe(true);
    expect(r.killReason).toBe('timeout');
    await stillUsable();
  });

  it('a command that stops its own shell is abandoned and the shell replaced', async () => {
    const r = await sandbox.exec({ cmd: 'kill -STOP $$; sleep 30', timeoutMs: 1_000 });
    expect(r.killReason).toBe('shell_lost');
    await stillUsable();
  }, 60_000);
});
