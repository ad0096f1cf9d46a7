import type { Task } from '../tasks/index.js';
import { ComposeRunner } from './compose.js';
import { DockerRunner } from './docker-runner.js';
import { LocalSubprocessRunner } from './local-runner.js';
import type { SandboxRunner, SandboxSpec } from './types.js';
import { SandboxError } from './types.js';

export type SandboxKind = SandboxRunner['kind'];

/** Which runner a task gets: local when asked for, Compose for services or network access, else Docker. */
export function chooseSandboxKind(task: Task, env: NodeJS.ProcessEnv = process.env): SandboxKind {
  const requested = env.MLE_EVAL_SANDBOX?.trim().toLowerCase();
  if (requested === 'local') return 'local';
  if (requested && requested !== 'docker' && requested !== 'compose' && requested !== 'auto')
    throw new SandboxError(
      `MLE_EVAL_SANDBOX=${requested} is not one of auto, docker, compose, local`,
      'start',
    );
  const environment = task.manifest.environment;
  const needsCompose = Object.keys(environment.services).length > 0 || environment.network.allow.length > 0;
  if (needsCompose || requested === 'compose') return 'compose';
  return 'docker';
}

export interface CreateSandboxOptions {
  env?: NodeJS.ProcessEnv;
  warn?: (message: string) => void;
}

/** The sandbox runner for a task; call start() on it, and stop() in a finally. */
export function createSandbox(task: Task, spec: SandboxSpec, opts: CreateSandboxOptions = {}): SandboxRunner {
  const kind = chooseSandboxKind(task, opts.env);
  switch (kind) {
    case 'local':
      return new LocalSubprocessRunner(spec, opts.warn);
    case 'compose':
      return new ComposeRunner(spec, task);
    case 'docker':
      return new DockerRunner(spec);
  }
}
