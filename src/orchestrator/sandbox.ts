import path from 'node:path';
import { DockerRunner, ensureImage, type SandboxRunner } from '../sandbox/index.js';
import type { Task } from '../tasks/index.js';

/** Builds (or reuses) a task's image and starts its sandbox on a host workspace; used by runs and re-grades. */
export async function openSandbox(opts: {
  task: Task;
  runId: string;
  workspaceHost: string;
  logDir: string;
  readOnlyMounts?: Record<string, string>;
}): Promise<{ sandbox: SandboxRunner; image: string }> {
  const { manifest } = opts.task;
  const image = await ensureImage({
    image: manifest.environment.image,
    buildContext: opts.task.paths.buildContext,
    name: manifest.id,
    logFile: path.join(opts.logDir, 'image-build.log'),
  });
  const sandbox = new DockerRunner({
    runId: opts.runId,
    workspaceHost: opts.workspaceHost,
    workdir: manifest.environment.workdir,
    image,
    resources: manifest.environment.resources,
    env: manifest.environment.env,
    readOnlyMounts: opts.readOnlyMounts ?? {},
    logDir: opts.logDir,
  });
  await sandbox.start();
  return { sandbox, image };
}
