import { ComposeRunner } from './compose-runner.js';
import { DockerRunner } from './docker-runner.js';
import type { SandboxKind, SandboxRunner, SandboxSpec } from './types.js';
import { SandboxError } from './types.js';

/** The variable that asks for a runner; MLE_EVAL_SANDBOX is its old name, still read. */
export const SANDBOX_ENV = 'FACTORY_BENCH_SANDBOX';
const OLD_SANDBOX_ENV = 'MLE_EVAL_SANDBOX';

/**
 * Why there is no `local` runner any more (it ran agent commands in a bare
 * host shell): tasks are written against their image, with the workspace at
 * /workspace, grader files under /opt/factory-bench, and the image's
 * packages, none of which a host shell has, so no oracle could pass; mapping
 * those paths needs a mount namespace (Linux only, where Docker is anyway),
 * and rewriting them in commands and files is guesswork.
 */
const NO_LOCAL =
  'the local (no isolation) sandbox was removed: tasks need their image (its /workspace, /opt/factory-bench ' +
  'paths and packages), which a host shell cannot give; use Docker, on this machine or a remote engine (DOCKER_HOST)';

/**
 * The one place that decides which runner a sandbox gets: Compose for
 * sidecars or outside hosts (or when asked for), else a single Docker
 * container. Whoever plans a sandbox calls it once and puts the answer in the spec.
 */
export function chooseSandboxKind(
  needs: Pick<SandboxSpec, 'services' | 'network'>,
  env: NodeJS.ProcessEnv = process.env,
): SandboxKind {
  const name = env[SANDBOX_ENV] !== undefined ? SANDBOX_ENV : OLD_SANDBOX_ENV;
  const requested = env[name]?.trim().toLowerCase();
  if (requested === 'local') throw new SandboxError(`${name}=local: ${NO_LOCAL}`, 'start');
  if (requested && requested !== 'docker' && requested !== 'compose' && requested !== 'auto')
    throw new SandboxError(`${name}=${requested} is not one of auto, docker, compose`, 'start');
  // The open internet too: a network of the run's own with a way out (Docker's default bridge may not exist).
  const needsCompose =
    (needs.services ?? []).length > 0 ||
    (needs.network?.allow ?? []).length > 0 ||
    needs.network?.internet === true;
  if (needsCompose || requested === 'compose') return 'compose';
  return 'docker';
}

/** The runner a spec names; call start() on it, and stop() in a finally. */
export function createSandbox(spec: SandboxSpec): SandboxRunner {
  switch (spec.kind) {
    case 'compose':
      return new ComposeRunner(spec);
    case 'docker':
      return new DockerRunner(spec);
  }
}
