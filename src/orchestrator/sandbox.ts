import path from 'node:path';
import { chooseSandboxKind, createSandbox, ensureImage, type SandboxRunner } from '../sandbox/index.js';
import type { Task } from '../tasks/index.js';

/** Builds (or reuses) a task's image and starts its sandbox on a host workspace; used by runs and re-grades. */
export async function openSandbox(opts: {
  task: Task;
  runId: string;
  workspaceHost: string;
  logDir: string;
  readOnlyMounts?: Record<string, string>;
  warn?: (message: string) => void;
  /** Progress worth telling a person (an image build that may take minutes). */
  notice?: (message: string) => void;
}): Promise<{ sandbox: SandboxRunner; image: string }> {
  const { manifest } = opts.task;
  // The local runner (development only) uses no image.
  const image =
    chooseSandboxKind(opts.task) === 'local'
      ? 'local'
      : await ensureImage({
          image: manifest.environment.image,
          buildContext: opts.task.paths.buildContext,
          // Every task on a shared image gets the same tag: factory-bench/<shared name>:<context hash>.
          name: manifest.environment.shared_image ?? manifest.id,
          logFile: path.join(opts.logDir, 'image-build.log'),
          onBuild: (tag) =>
            opts.notice?.(
              `building image ${tag} (first use of this build context; log: ${path.join(opts.logDir, 'image-build.log')})`,
            ),
        });
  // Docker, Compose (services or network.allow) or local (MLE_EVAL_SANDBOX=local).
  const sandbox = createSandbox(
    opts.task,
    {
      runId: opts.runId,
      workspaceHost: opts.workspaceHost,
      workdir: manifest.environment.workdir,
      image,
      resources: manifest.environment.resources,
      env: manifest.environment.env,
      readOnlyMounts: opts.readOnlyMounts ?? {},
      logDir: opts.logDir,
    },
    opts.warn ? { warn: opts.warn } : {},
  );
  // A runner that fails to start removes what it created before throwing.
  await sandbox.start();
  return { sandbox, image };
}
