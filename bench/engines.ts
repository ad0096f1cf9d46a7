/**
 * Docker engines past this machine's own: the time from start to the first
 * tool call on this machine's engine, on the second engine CI starts
 * (scripts/start-second-engine.sh) through its Unix socket, and on the same
 * engine over SSH; a tool call's cost through the persistent shell over SSH;
 * and copying an image to the second engine (docker save piped into docker load).
 * Without a second engine the section says so instead of a number.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  copyImage,
  DEFAULT_ENGINE,
  type DockerEngine,
  DockerRunner,
  engineEnv,
  probeEngine,
} from '../src/sandbox/index.js';
import { withIqr, withRange } from './stats.js';
import type { BenchRow } from './table.js';

const STARTS = 5;
const CALLS = 100;
const IMAGE = 'debian:bookworm-slim';
const SOCKET = process.env.FB_ENGINE2_SOCKET ?? '/run/fb-docker2.sock';
const UNIX: DockerEngine = { name: `unix://${SOCKET}`, host: `unix://${SOCKET}` };
const SSH: DockerEngine = { name: 'ssh://fb-docker2', host: 'ssh://fb-docker2' };

function ms(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function runner(scratch: string, engine: DockerEngine, i: number): DockerRunner {
  const ws = path.join(scratch, `ws-${i}`);
  mkdirSync(path.join(ws, 'src'), { recursive: true });
  writeFileSync(path.join(ws, 'src', 'main.py'), 'print("hello")\n');
  return new DockerRunner({
    kind: 'docker',
    engine,
    runId: `bench-engines-${i}-${process.pid}`,
    name: 'bench_engines',
    workspaceHost: ws,
    workdir: '/workspace',
    image: IMAGE,
    resources: { cpus: 1, memory_mb: 512, pids: 256 },
    env: {},
  });
}

/** Seconds from start to the first tool call's answer, STARTS times (one warm-up first). */
async function starts(scratch: string, engine: DockerEngine, offset: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i <= STARTS; i++) {
    const t = process.hrtime.bigint();
    const sandbox = runner(scratch, engine, offset + i);
    await sandbox.start();
    await sandbox.exec({ cmd: 'true' });
    if (i > 0) times.push(ms(t) / 1000);
    await sandbox.stop();
  }
  return times;
}

async function callsOverSsh(scratch: string): Promise<number[]> {
  const sandbox = runner(scratch, SSH, 900);
  await sandbox.start();
  try {
    for (let i = 0; i < 10; i++) await sandbox.exec({ cmd: 'true' });
    const times: number[] = [];
    for (let i = 0; i < CALLS; i++) {
      const t = process.hrtime.bigint();
      await sandbox.exec({ cmd: 'true' });
      times.push(ms(t));
    }
    return times;
  } finally {
    await sandbox.stop();
  }
}

/** Copies the base image under a bench-only tag to the second engine, and removes the tag on both. */
async function imageCopy(): Promise<number> {
  const tag = `factory-bench/bench-copy:${process.pid}`;
  const docker = (engine: DockerEngine, args: string[]) =>
    execFileSync('docker', args, { env: engineEnv(engine), stdio: 'pipe' });
  docker(DEFAULT_ENGINE, ['tag', IMAGE, tag]);
  try {
    const t = process.hrtime.bigint();
    await copyImage(tag, DEFAULT_ENGINE, UNIX);
    return ms(t) / 1000;
  } finally {
    for (const engine of [DEFAULT_ENGINE, UNIX]) {
      try {
        docker(engine, ['rmi', tag]);
      } catch {
        // Not there (the copy failed): nothing to remove.
      }
    }
  }
}

export async function benchEngines(): Promise<BenchRow[]> {
  const missing = await probeEngine(UNIX, 10_000);
  if (missing)
    return [
      {
        metric: 'engines: a second Docker engine',
        value: `not running (${missing}); sudo bash scripts/start-second-engine.sh starts it`,
        target: '',
        ok: null,
      },
    ];
  const ssh = (await probeEngine(SSH, 20_000)) === null;
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'fb-bench-engines-'));
  try {
    const rows: BenchRow[] = [];
    const row = (where: string, times: number[]): BenchRow => ({
      metric: `engines: start to first tool call, ${IMAGE}, ${where} (median of ${STARTS})`,
      value: withRange(times, 2, 's'),
      target: '',
      ok: null,
    });
    rows.push(row("this machine's engine", await starts(scratch, DEFAULT_ENGINE, 0)));
    rows.push(row('second engine through its Unix socket', await starts(scratch, UNIX, 100)));
    if (ssh) {
      const overSsh = await starts(scratch, SSH, 200);
      rows.push(row('the same engine over ssh://fb-docker2', overSsh));
      const calls = await callsOverSsh(scratch);
      rows.push({
        metric: `engines: tool call overhead over SSH, persistent shell (median of ${CALLS})`,
        value: withIqr(calls, 2, 'ms'),
        target: '',
        ok: null,
      });
    } else
      rows.push({
        metric: 'engines: over SSH',
        value: 'ssh://fb-docker2 does not answer',
        target: '',
        ok: null,
      });
    const copied = await imageCopy();
    rows.push({
      metric: `engines: copying ${IMAGE} (about 150 MB) to the second engine (docker save piped into docker load)`,
      value: `${copied.toFixed(1)} s`,
      target: '',
      ok: null,
    });
    return rows;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
