/**
 * `factory-bench sandbox cleanup` removes what a `kill -9`'d harness left: a
 * real harness process (the compiled runners) starts a Docker and a Compose
 * sandbox, is killed with SIGKILL so that none of its cleanup runs, and the
 * command then finds and removes every container, network and volume by label.
 */
import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { HAS_DOCKER, leftoversFor } from '../helpers/docker.js';
import { tempDir } from '../helpers/tmp.js';
import { compileForChildProcess, FIXTURES } from './fixtures.js';

const scratch = tempDir('fb-cleanup-');
const build = compileForChildProcess();
let buildDir = '';

function harnessScript(runId: string): string {
  const sandbox = path.join(buildDir, 'src/sandbox/index.js');
  return `
import { mkdirSync } from 'node:fs';
import { ComposeRunner, DockerRunner } from ${JSON.stringify(sandbox)};
const scratch = ${JSON.stringify(scratch)};
const spec = (suffix, kind) => {
  const ws = scratch + '/' + suffix;
  mkdirSync(ws, { recursive: true });
  return { kind, runId: ${JSON.stringify(runId)} + suffix, name: 'killed', workspaceHost: ws, workdir: '/workspace',
    image: 'debian:bookworm-slim', resources: { cpus: 1, memory_mb: 256, pids: 64 }, env: {} };
};
const web = { name: 'web', buildContext: ${JSON.stringify(path.join(FIXTURES, 'web'))}, env: {} };
await new DockerRunner(spec('-docker', 'docker')).start();
await new ComposeRunner({ ...spec('-compose', 'compose'), services: [web] }).start();
process.stdout.write('READY\\n');
setInterval(() => {}, 1000);
`;
}

/** A harness that starts a Docker sandbox, says READY, then does what `then` says. */
function simpleHarness(runId: string, then: string): string {
  return `
import { mkdirSync } from 'node:fs';
import { DockerRunner } from ${JSON.stringify(path.join(buildDir, 'src/sandbox/index.js'))};
const ws = ${JSON.stringify(scratch)} + '/' + ${JSON.stringify(runId)};
mkdirSync(ws, { recursive: true });
await new DockerRunner({ kind: 'docker', runId: ${JSON.stringify(runId)}, name: 'simple', workspaceHost: ws, workdir: '/workspace',
  image: 'debian:bookworm-slim', resources: { cpus: 1, memory_mb: 256, pids: 64 }, env: {} }).start();
process.stdout.write('READY\\n');
${then}
`;
}

async function startHarness(
  source: string,
): Promise<{ exit: Promise<number | null>; child: ReturnType<typeof spawn> }> {
  const script = path.join(scratch, `harness-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(script, source);
  const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => d.toString().includes('READY') && resolve());
    exit.then((code) => reject(new Error(`harness exited early (${code}): ${err}`)));
  });
  return { exit, child };
}

describe.runIf(HAS_DOCKER)('a dying harness removes its sandboxes', () => {
  it('on SIGTERM and SIGINT', async () => {
    buildDir = build();
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const runId = `signal-${signal}-${process.pid}`;
      const h = await startHarness(simpleHarness(runId, 'setInterval(() => {}, 1000);'));
      expect(leftoversFor(runId).length).toBe(1);
      h.child.kill(signal);
      expect(await h.exit).toBe(signal === 'SIGTERM' ? 143 : 130);
      expect(leftoversFor(runId)).toEqual([]);
    }
  }, 120_000);

  it('on an uncaught error', async () => {
    buildDir = build();
    const runId = `uncaught-${process.pid}`;
    const h = await startHarness(simpleHarness(runId, "setTimeout(() => { throw new Error('boom'); }, 10);"));
    expect(await h.exit).toBe(1);
    expect(leftoversFor(runId)).toEqual([]);
  }, 120_000);
});

describe.runIf(HAS_DOCKER)('sandbox cleanup', () => {
  it('removes everything a kill -9 harness left, and only that', async () => {
    buildDir = build();
    const runId = `killed-${process.pid}`;
    const script = path.join(scratch, 'harness.mjs');
    writeFileSync(script, harnessScript(runId));
    const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('READY') && resolve());
      child.on('exit', (code) => reject(new Error(`harness exited early (${code}): ${err}`)));
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));

    const docker = `${runId}-docker`;
    const compose = `${runId}-compose`;
    expect(leftoversFor(docker).length).toBe(1);
    // The agent and web containers and the internal network.
    expect(leftoversFor(compose).length).toBeGreaterThanOrEqual(3);

    const dry = await runCli(['sandbox', 'cleanup', '--dry-run', '--json']);
    expect(dry.code).toBe(0);
    const found = JSON.parse(dry.stdout).found.map((r: { run_id: string }) => r.run_id);
    expect(found).toEqual(expect.arrayContaining([docker, compose]));
    expect(leftoversFor(docker).length).toBe(1);

    const real = await runCli(['sandbox', 'cleanup', '--json']);
    expect(real.code).toBe(0);
    const report = JSON.parse(real.stdout);
    expect(report.failed).toEqual([]);
    expect(report.removed.map((r: { kind: string }) => r.kind)).toEqual(
      expect.arrayContaining(['container', 'network']),
    );
    expect(leftoversFor(docker)).toEqual([]);
    expect(leftoversFor(compose)).toEqual([]);
  }, 300_000);

  it('leaves the sandboxes of a live harness alone', async () => {
    const { DockerRunner } = await import('../../src/sandbox/index.js');
    const ws = path.join(scratch, 'live');
    execFileSync('mkdir', ['-p', ws]);
    const runId = `live-${process.pid}`;
    const runner = new DockerRunner({
      kind: 'docker',
      runId,
      name: runId,
      workspaceHost: ws,
      workdir: '/workspace',
      image: 'debian:bookworm-slim',
      resources: { cpus: 1, memory_mb: 256, pids: 64 },
      env: {},
    });
    await runner.start();
    try {
      const r = await runCli(['sandbox', 'cleanup', '--json']);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).skipped_live).toBeGreaterThanOrEqual(1);
      expect(leftoversFor(runId).length).toBe(1);
      expect((await runner.exec({ cmd: 'echo still here' })).stdout).toBe('still here\n');
    } finally {
      await runner.stop();
    }
    expect(leftoversFor(runId)).toEqual([]);
  });
});
