import path from 'node:path';
import {
  chooseSandboxKind,
  createSandbox,
  type DockerEngine,
  ensureImage,
  type SandboxRunner,
  type SandboxSpec,
  sweepOrphansOnce,
} from '../sandbox/index.js';
import { type Capability, grantedCapabilities, type Task } from '../tasks/index.js';

/** A run's sandbox as planned from its task: everything but the agent's image, which may need a build. */
export type SandboxPlan = Omit<SandboxSpec, 'image' | 'logDir'> & { logDir: string };

/** Seconds a sandbox outlives its agent's wall budget and its grading timeouts, by default. */
export const DEFAULT_SANDBOX_GRACE_S = 300;

/**
 * How long a run's sandbox may live: the agent's wall budget, every grading
 * command's timeout, and a grace for setup, grading's own steps and a slow
 * machine (FACTORY_BENCH_SANDBOX_GRACE_S, default 300). Past it the sandbox's
 * containers end by themselves, so a harness killed with -9 leaves nothing
 * running even if no harness starts again. A re-grade has no agent: wall 0.
 */
export function sandboxLifetimeSeconds(
  task: Task,
  wallSeconds: number,
  env: NodeJS.ProcessEnv = process.env,
): number {
  const grading = task.manifest.grader.checks.reduce(
    (sum, c) => sum + ('timeout_s' in c && typeof c.timeout_s === 'number' ? c.timeout_s : 0),
    0,
  );
  const asked = Number(env.FACTORY_BENCH_SANDBOX_GRACE_S);
  const grace =
    env.FACTORY_BENCH_SANDBOX_GRACE_S && Number.isFinite(asked) && asked >= 0
      ? asked
      : DEFAULT_SANDBOX_GRACE_S;
  return Math.ceil(wallSeconds + grading + grace);
}

/**
 * Plans the sandbox of a run (or a re-grade) from its task: the one place
 * that turns a task's environment into a sandbox spec, and that decides the
 * sandbox's kind. Throws SandboxError for a bad FACTORY_BENCH_SANDBOX.
 */
export function planSandbox(
  task: Task,
  opts: {
    runId: string;
    workspaceHost: string;
    logDir: string;
    readOnlyCopies?: Record<string, string>;
    /** The agent's wall-time budget (0 for a re-grade): sets the sandbox's lifetime. */
    wallSeconds: number;
    env?: NodeJS.ProcessEnv;
    /** The Docker engine the sandbox runs on (default: the harness's own). */
    engine?: DockerEngine | undefined;
    /** The oracle's run: its user and environment are the task's `oracle` settings. */
    oracle?: boolean;
    /** At most these capabilities, whatever the task asks (a suite's or the CLI's setting). */
    maxCapabilities?: readonly Capability[] | null;
  },
): SandboxPlan {
  const { environment, oracle } = task.manifest;
  const user = (opts.oracle ? oracle.user : undefined) ?? environment.user;
  const capabilities = grantedCapabilities(environment.capabilities, opts.maxCapabilities);
  const services = Object.entries(environment.services).map(([name, service]) => ({
    name,
    image: service.image,
    buildContext: service.build ? path.resolve(task.dir, service.build) : null,
    env: service.env,
    command: service.command,
    healthcheck: service.healthcheck,
  }));
  const network = {
    allow: [...environment.network.allow],
    ...(environment.network.internet ? { internet: true } : {}),
  };
  return {
    kind: chooseSandboxKind({ services, network }, opts.env),
    ...(opts.engine ? { engine: opts.engine } : {}),
    runId: opts.runId,
    name: task.manifest.id,
    workspaceHost: opts.workspaceHost,
    workdir: environment.workdir,
    resources: environment.resources,
    env: opts.oracle ? { ...environment.env, ...oracle.env } : environment.env,
    ...(capabilities.length > 0 ? { capabilities } : {}),
    ...(user ? { user } : {}),
    readOnlyCopies: opts.readOnlyCopies ?? {},
    logDir: opts.logDir,
    services,
    network,
    lifetimeSeconds: sandboxLifetimeSeconds(task, opts.wallSeconds, opts.env),
  };
}

/** Builds (or reuses) a task's image and starts its planned sandbox; used by runs and re-grades. */
export async function openSandbox(
  task: Task,
  plan: SandboxPlan,
  opts: {
    /** Progress worth telling a person (an image build that may take minutes). */
    notice?: ((message: string) => void) | undefined;
    /** Turns the task's image into the one the sandbox runs (an agent folder installed into it). */
    deriveImage?: ((image: string) => Promise<string>) | undefined;
    /** Told when this run starts and stops building the task's image. */
    onImageBuild?: ((state: 'start' | 'end', tag: string) => void) | undefined;
  } = {},
): Promise<{ sandbox: SandboxRunner; image: string }> {
  const { manifest } = task;
  const logFile = path.join(plan.logDir, 'image-build.log');
  // Every harness clears what dead harnesses on this host left, before its first sandbox on each engine;
  // the image check (or build) does not depend on it and goes on meanwhile.
  const on = plan.engine && plan.engine.name !== 'default' ? ` on Docker engine ${plan.engine.name}` : '';
  const sweep = sweepOrphansOnce(process.env, plan.engine).then((removed) => {
    const runs = [...new Set(removed.map((r) => r.runId))];
    if (runs.length > 0)
      opts.notice?.(
        `removed ${removed.length} leftover container(s), network(s) and volume(s)${on} of ${runs.length} run(s) whose harness is gone: ${runs.join(', ')}`,
      );
  });
  let building: string | null = null;
  const taskImage = ensureImage({
    image: manifest.environment.image,
    buildContext: task.paths.buildContext,
    // Every task on a shared image gets the same tag: factory-bench/<shared name>:<context hash>.
    name: manifest.environment.shared_image ?? manifest.id,
    logFile,
    ...(manifest.environment.build_timeout_s
      ? { timeoutMs: manifest.environment.build_timeout_s * 1000 }
      : {}),
    onBuild: (tag) => {
      building = tag;
      opts.onImageBuild?.('start', tag);
      opts.notice?.(`building image ${tag}${on} (first use of this build context; log: ${logFile})`);
    },
    onLoad: (image, from) => opts.notice?.(`loading image ${image}${on} from Docker engine ${from}`),
    engine: plan.engine,
  }).finally(() => {
    if (building) opts.onImageBuild?.('end', building);
  });
  const [, built] = await Promise.allSettled([sweep, taskImage]);
  if (built.status === 'rejected') throw built.reason;
  const image = opts.deriveImage ? await opts.deriveImage(built.value) : built.value;
  const sandbox = createSandbox({ ...plan, image });
  // A runner that fails to start removes what it created before throwing.
  await sandbox.start();
  return { sandbox, image };
}
