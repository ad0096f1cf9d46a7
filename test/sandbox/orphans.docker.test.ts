import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAS_DOCKER, whileNoOrphanSweep } from '../helpers/docker.js';
import { writeTask } from '../helpers/tasks.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * A harness killed with -9 cannot clean up. What heals it: the next harness
 * start removes the sandboxes of dead harnesses on this host (never a live
 * one's), and a sandbox ends by itself after its wall budget plus a grace.
 * The harnesses here are real CLI processes, killed for real.
 */
const root = tempDir('fb-orphans-');
const runsDir = path.join(root, 'runs');
const started: ChildProcess[] = [];

/** Containers labelled with a harness pid (running or not). */
function containersOf(pid: number): string[] {
  return execFileSync('docker', ['ps', '-aq', '--filter', `label=factory-bench.pid=${pid}`], {
    encoding: 'utf8',
  })
    .split('\n')
    .filter(Boolean);
}

/** A task whose oracle sleeps (so its sandbox stays up) with the given wall budget. */
function sleepyTask(id: string, maxWallSeconds = 120): string {
  const dir = writeTask(root, id, { maxWallSeconds });
  writeFileSync(path.join(dir, 'solution', 'solve.sh'), 'sleep 300\n');
  return dir;
}

/** Starts the CLI as its own process (the compiled one, rebuilt in beforeAll). */
function harness(args: string[], env: Record<string, string> = {}): ChildProcess & { output: () => string } {
  let output = '';
  const child = spawn(process.execPath, ['bin/factory-bench.js', ...args, '--runs-dir', runsDir], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  started.push(child);
  return Object.assign(child, { output: () => output });
}

async function until(what: string, check: () => boolean, timeoutMs: number): Promise<number> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return Date.now() - start;
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.on('exit', (code) => resolve(code));
  });
}

describe.runIf(HAS_DOCKER)('orphans of a SIGKILLed harness', () => {
  beforeAll(() => {
    // The CLI under test is the compiled one: build it from these sources.
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'pipe' });
  });
  afterAll(() => {
    for (const child of started) {
      if (child.pid && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      if (child.pid)
        for (const id of containersOf(child.pid))
          execFileSync('docker', ['rm', '-f', id], { stdio: 'ignore' });
    }
  });

  it(
    'the next harness start removes the killed one’s containers, and leaves a live one’s',
    () =>
      // Its sweep takes every dead harness's resources on this host, also those another test stages.
      whileNoOrphanSweep(async () => {
        const killed = harness(['run', '--task', sleepyTask('orphan_killed'), '--model', 'oracle']);
        const live = harness(['run', '--task', sleepyTask('orphan_live'), '--model', 'oracle']);
        const killedPid = killed.pid as number;
        const livePid = live.pid as number;
        await until(
          'both sandboxes',
          () => containersOf(killedPid).length > 0 && containersOf(livePid).length > 0,
          120_000,
        );
        killed.kill('SIGKILL');
        await exited(killed);
        // Nothing cleaned up after the kill: the container is still there.
        await new Promise((r) => setTimeout(r, 1000));
        expect(containersOf(killedPid).length).toBeGreaterThan(0);

        // The next start of any harness (a quick run here) sweeps before its first sandbox.
        const next = harness(['run', '--task', writeTask(root, 'orphan_next'), '--model', 'null'], {
          FACTORY_BENCH_SWEEP_ORPHANS: '1',
        });
        expect(await exited(next)).toBe(0);
        expect(next.output()).toMatch(
          /removed \d+ leftover container\(s\).* whose harness is gone: .*orphan_killed/,
        );
        expect(containersOf(killedPid)).toEqual([]);
        // The live harness's sandbox was not touched.
        expect(containersOf(livePid).length).toBeGreaterThan(0);
        live.kill('SIGTERM');
        await exited(live);
        expect(containersOf(livePid)).toEqual([]);
      }),
    300_000,
  );

  it('a sandbox whose harness is gone ends by itself after its budget plus the grace', async () => {
    // Lifetime: wall budget 4 s + no grading timeouts + grace 4 s.
    const gone = harness(['run', '--task', sleepyTask('orphan_lifetime', 4), '--model', 'oracle'], {
      FACTORY_BENCH_SANDBOX_GRACE_S: '4',
    });
    const pid = gone.pid as number;
    await until('the sandbox', () => containersOf(pid).length > 0, 120_000);
    const [container] = containersOf(pid);
    const [entrypoint, cmd] = execFileSync(
      'docker',
      ['inspect', '--format', '{{json .Config.Entrypoint}}\n{{json .Config.Cmd}}', container as string],
      { encoding: 'utf8' },
    )
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as string[] | null);
    expect([...(entrypoint ?? []), ...(cmd ?? [])]).toEqual(['sleep', '8']);
    gone.kill('SIGKILL');
    await exited(gone);
    const waited = await until(
      'the container to end by itself',
      () => containersOf(pid).length === 0,
      60_000,
    );
    console.info(`lifetime: the container ended ${waited} ms after its harness was killed`);
    // No harness started in between: it ended (and removed itself) about 8 s after it started.
    expect(waited).toBeLessThan(30_000);
  }, 300_000);
});
