import { execFileSync } from 'node:child_process';

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

/** Containers, networks and volumes still labelled with a run id. */
export function leftoversFor(runId: string): string[] {
  const out: string[] = [];
  for (const kind of ['ps -a', 'network ls', 'volume ls']) {
    const args = [...kind.split(' '), '-q', '--filter', `label=factory-bench.run=${runId}`];
    out.push(...execFileSync('docker', args, { encoding: 'utf8' }).split('\n').filter(Boolean));
  }
  return out;
}
