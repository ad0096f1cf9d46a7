import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { processAlive } from '../../src/sandbox/index.js';

/**
 * Whether a Docker engine answers. In CI (CI=true) a missing engine is an
 * error, never a silent skip; locally the Docker tests are skipped with a note.
 */
export function dockerAvailable(): boolean {
  let ok = false;
  try {
    execFileSync('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'pipe', timeout: 20_000 });
    ok = true;
  } catch {
    ok = false;
  }
  if (!ok && process.env.CI)
    throw new Error('CI=true but no Docker engine answers: the sandbox tests must run against a real engine');
  if (!ok) console.warn('Docker engine not available: skipping Docker-backed tests (they always run in CI)');
  return ok;
}

export const HAS_DOCKER = dockerAvailable();

/** Containers, networks and volumes still labelled with a run id (on another engine: its DOCKER_HOST). */
export function leftoversFor(runId: string, dockerHost?: string): string[] {
  const out: string[] = [];
  const env = dockerHost ? { ...process.env, DOCKER_HOST: dockerHost, DOCKER_CONTEXT: '' } : process.env;
  for (const kind of ['ps -a', 'network ls', 'volume ls']) {
    const args = [...kind.split(' '), '-q', '--filter', `label=factory-bench.run=${runId}`];
    out.push(...execFileSync('docker', args, { encoding: 'utf8', env }).split('\n').filter(Boolean));
  }
  return out;
}

/** `--label k=v` arguments for `docker run`. */
export function labelArgs(labels: Record<string, string>): string[] {
  return Object.entries(labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]);
}

const DEAD_OWNER_LOCK = path.join(os.tmpdir(), 'factory-bench-tests-dead-owner.lock');

/**
 * Runs `fn` while no other test file (vitest runs files in parallel workers)
 * holds the same lock. The one test that lets a harness sweep orphans removes
 * every dead harness's resources on this host, so it must not overlap a test
 * that stages such resources on purpose. A holder that died is taken over.
 */
export async function whileNoOrphanSweep<T>(fn: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      mkdirSync(DEAD_OWNER_LOCK);
      writeFileSync(path.join(DEAD_OWNER_LOCK, 'pid'), String(process.pid));
      break;
    } catch {
      let holder = Number.NaN;
      try {
        holder = Number(readFileSync(path.join(DEAD_OWNER_LOCK, 'pid'), 'utf8'));
      } catch {
        // Being created right now: wait.
      }
      if (Number.isInteger(holder) && !processAlive(holder))
        rmSync(DEAD_OWNER_LOCK, { recursive: true, force: true });
      else await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(DEAD_OWNER_LOCK, { recursive: true, force: true });
  }
}
