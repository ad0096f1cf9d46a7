import { spawnSync } from 'node:child_process';
import { type DockerEngine, engineEnv } from './docker-cli.js';

/**
 * Every live sandbox of this process, so that nothing outlives the harness:
 * on exit (normal, process.exit, uncaught error) each one left is removed
 * synchronously, and a SIGINT/SIGTERM nobody else handles stops them first.
 * A `kill -9` skips all of this; `factory-bench sandbox cleanup` finds those
 * leftovers by label.
 */
export interface LiveSandbox {
  readonly runId: string;
  stop(): Promise<void>;
  /** Best-effort synchronous removal, for the process 'exit' hook. */
  stopSync(): void;
}

const live = new Set<LiveSandbox>();
let installed = false;

function onExit(): void {
  for (const sandbox of live) {
    try {
      sandbox.stopSync();
    } catch {
      // Keep going: the other sandboxes still need removing.
    }
  }
  live.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  // The CLI installs its own handlers that stop runs gracefully; only act when alone.
  if (process.listenerCount(signal) > 1) return;
  const code = signal === 'SIGINT' ? 130 : 143;
  Promise.allSettled([...live].map((s) => s.stop())).finally(() => process.exit(code));
}

export function registerSandbox(sandbox: LiveSandbox): void {
  if (!installed) {
    installed = true;
    process.on('exit', onExit);
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  live.add(sandbox);
}

export function unregisterSandbox(sandbox: LiveSandbox): void {
  live.delete(sandbox);
}

export function liveSandboxCount(): number {
  return live.size;
}

/** Runs a docker (or compose) command synchronously with the minimal environment for `engine`. */
export function dockerSync(
  bin: string[],
  args: string[],
  timeoutMs = 30_000,
  engine?: DockerEngine | undefined,
): number {
  const [file, ...prefix] = bin;
  const r = spawnSync(file ?? 'docker', [...prefix, ...args], {
    env: engineEnv(engine),
    stdio: 'ignore',
    timeout: timeoutMs,
  });
  return r.status ?? -1;
}
