import { ComposeRunner } from './compose-runner.js';
import { DockerRunner } from './docker-runner.js';
import { LocalSubprocessRunner } from './local-runner.js';
import type { SandboxKind, SandboxRunner, SandboxSpec } from './types.js';
import { SandboxError } from './types.js';

/**
 * The one place that decides which runner a sandbox gets: local when
 * MLE_EVAL_SANDBOX=local asks for it, Compose for sidecars or outside hosts
 * (or when asked for), else a single Docker container. Whoever plans a
 * sandbox calls it once and puts the answer in the spec.
 */
export function chooseSandboxKind(
  needs: Pick<SandboxSpec, 'services' | 'network'>,
  env: NodeJS.ProcessEnv = process.env,
): SandboxKind {
  const requested = env.MLE_EVAL_SANDBOX?.trim().toLowerCase();
  if (requested === 'local') return 'local';
  if (requested && requested !== 'docker' && requested !== 'compose' && requested !== 'auto')
    throw new SandboxError(
      `MLE_EVAL_SANDBOX=${requested} is not one of auto, docker, compose, local`,
      'start',
    );
  const needsCompose = (needs.services ?? []).length > 0 || (needs.network?.allow ?? []).length > 0;
  if (needsCompose || requested === 'compose') return 'compose';
  return 'docker';
}

export interface CreateSandboxOptions {
  warn?: (message: string) => void;
}

/** The runner a spec names; call start() on it, and stop() in a finally. */
export function createSandbox(spec: SandboxSpec, opts: CreateSandboxOptions = {}): SandboxRunner {
  switch (spec.kind) {
    case 'local':
      return new LocalSubprocessRunner(spec, opts.warn);
    case 'compose':
      return new ComposeRunner(spec);
    case 'docker':
      return new DockerRunner(spec);
  }
}
