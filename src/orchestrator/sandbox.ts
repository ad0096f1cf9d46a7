import path from 'node:path';
import {
  chooseSandboxKind,
  createSandbox,
  ensureImage,
  type SandboxRunner,
  type SandboxSpec,
} from '../sandbox/index.js';
import type { Task } from '../tasks/index.js';

/** A run's sandbox as planned from its task: everything but the agent's image, which may need a build. */
export type SandboxPlan = Omit<SandboxSpec, 'image' | 'logDir'> & { logDir: string };

/**
 * Plans the sandbox of a run (or a re-grade) from its task: the one place
 * that turns a task's environment into a sandbox spec, and that decides the
 * sandbox's kind. Throws SandboxError for a bad MLE_EVAL_SANDBOX.
 */
export function planSandbox(
  task: Task,
  opts: {
    runId: string;
    workspaceHost: string;
    logDir: string;
    readOnlyMounts?: Record<string, string>;
    env?: NodeJS.ProcessEnv;
  },
): SandboxPlan {
  const { environment } = task.manifest;
  const services = Object.entries(environment.services).map(([name, service]) => ({
    name,
    image: service.image,
    buildContext: service.build ? path.resolve(task.dir, service.build) : null,
    env: service.env,
    command: service.command,
    healthcheck: service.healthcheck,
  }));
  const network = { allow: [...environment.network.allow] };
  return {
    kind: chooseSandboxKind({ services, network }, opts.env),
    runId: opts.runId,
    name: task.manifest.id,
    workspaceHost: opts.workspaceHost,
    workdir: environment.workdir,
    resources: environment.resources,
    env: environment.env,
    readOnlyMounts: opts.readOnlyMounts ?? {},
    logDir: opts.logDir,
    services,
    network,
  };
}

/** Builds (or reuses) a task's image and starts its planned sandbox; used by runs and re-grades. */
export async function openSandbox(
  task: Task,
  plan: SandboxPlan,
  opts: {
    warn?: ((message: string) => void) | undefined;
    /** Progress worth telling a person (an image build that may take minutes). */
    notice?: ((message: string) => void) | undefined;
    /** Turns the task's image into the one the sandbox runs (an agent folder installed into it). */
    deriveImage?: ((image: string) => Promise<string>) | undefined;
  } = {},
): Promise<{ sandbox: SandboxRunner; image: string }> {
  const { manifest } = task;
  const logFile = path.join(plan.logDir, 'image-build.log');
  // The local runner (development only) uses no image.
  const taskImage =
    plan.kind === 'local'
      ? 'local'
      : await ensureImage({
          image: manifest.environment.image,
          buildContext: task.paths.buildContext,
          // Every task on a shared image gets the same tag: factory-bench/<shared name>:<context hash>.
          name: manifest.environment.shared_image ?? manifest.id,
          logFile,
          onBuild: (tag) =>
            opts.notice?.(`building image ${tag} (first use of this build context; log: ${logFile})`),
        });
  const image = opts.deriveImage && taskImage !== 'local' ? await opts.deriveImage(taskImage) : taskImage;
  const sandbox = createSandbox({ ...plan, image }, opts.warn ? { warn: opts.warn } : {});
  // A runner that fails to start removes what it created before throwing.
  await sandbox.start();
  return { sandbox, image };
}
