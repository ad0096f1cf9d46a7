/** A task's environment becomes a sandbox spec in one place, which also decides the sandbox's kind. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planSandbox } from '../../src/orchestrator/sandbox.js';
import { SandboxError } from '../../src/sandbox/index.js';
import { type Task, taskManifestSchema } from '../../src/tasks/index.js';

function task(environment: Record<string, unknown>): Task {
  const manifest = taskManifestSchema.parse({
    id: 'plan_me',
    title: 'Plan me',
    difficulty: 'smoke',
    domain: 'test',
    instructions: 'none',
    environment: { image: 'debian:bookworm-slim', ...environment },
    grader: { checks: [{ name: 'noop', type: 'file_present', path: 'x' }] },
  });
  const dir = '/tasks/plan_me';
  return {
    dir,
    manifestPath: path.join(dir, 'task.yaml'),
    format: 'factory-bench',
    manifest,
    paths: { workspace: `${dir}/workspace`, solution: `${dir}/solution`, buildContext: null, fixtures: null },
  };
}

const where = {
  runId: 'r1',
  workspaceHost: '/runs/r1/workspace_final',
  logDir: '/runs/r1/logs',
  wallSeconds: 600,
  env: {},
};

describe('planSandbox', () => {
  it('gives the sandbox what it needs of the task, and no more', () => {
    const plan = planSandbox(
      task({
        workdir: '/work',
        env: { A: '1' },
        resources: { cpus: 2, memory_mb: 1024, pids: 300 },
        services: {
          db: { build: 'db', env: { X: 'y' }, healthcheck: { test: 'true' } },
          cache: { image: 'redis:7', command: ['redis-server'] },
        },
        network: { allow: ['pypi.org'] },
      }),
      { ...where, readOnlyCopies: { '/h/seed': '/opt/factory-bench/seed' } },
    );
    expect(plan).toEqual({
      kind: 'compose',
      runId: 'r1',
      name: 'plan_me',
      workspaceHost: '/runs/r1/workspace_final',
      workdir: '/work',
      resources: { cpus: 2, memory_mb: 1024, pids: 300 },
      env: { A: '1' },
      readOnlyCopies: { '/h/seed': '/opt/factory-bench/seed' },
      logDir: '/runs/r1/logs',
      services: [
        {
          name: 'db',
          image: undefined,
          buildContext: '/tasks/plan_me/db',
          env: { X: 'y' },
          command: undefined,
          healthcheck: { test: 'true', interval_s: 1, timeout_s: 5, retries: 60 },
        },
        {
          name: 'cache',
          image: 'redis:7',
          buildContext: null,
          env: {},
          command: ['redis-server'],
          healthcheck: undefined,
        },
      ],
      network: { allow: ['pypi.org'] },
      // The wall budget, the checks' timeouts (none here) and the default grace.
      lifetimeSeconds: 600 + 300,
    });
  });

  it("sets the sandbox's lifetime: wall budget + every grading timeout + the grace (FACTORY_BENCH_SANDBOX_GRACE_S)", () => {
    const t = task({});
    t.manifest.grader.checks.push(
      { name: 'a', type: 'command_exit_zero', command: 'true', timeout_s: 120, weight: 1, gating: false },
      { name: 'b', type: 'command_exit_zero', command: 'true', timeout_s: 30.5, weight: 1, gating: false },
    );
    expect(planSandbox(t, where).lifetimeSeconds).toBe(600 + 151 + 300);
    expect(planSandbox(t, { ...where, wallSeconds: 0 }).lifetimeSeconds).toBe(451);
    expect(planSandbox(t, { ...where, env: { FACTORY_BENCH_SANDBOX_GRACE_S: '5' } }).lifetimeSeconds).toBe(
      756,
    );
  });

  it('decides the kind once: Docker for a plain task, Compose when asked, an error for a bad request', () => {
    expect(planSandbox(task({}), where).kind).toBe('docker');
    expect(planSandbox(task({}), { ...where, env: { FACTORY_BENCH_SANDBOX: 'compose' } }).kind).toBe(
      'compose',
    );
    expect(() => planSandbox(task({}), { ...where, env: { FACTORY_BENCH_SANDBOX: 'local' } })).toThrow(
      SandboxError,
    );
    expect(() => planSandbox(task({}), { ...where, env: { MLE_EVAL_SANDBOX: 'vm' } })).toThrow(SandboxError);
  });
});
