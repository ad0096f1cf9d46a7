import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll } from 'vitest';
import type { SandboxSpec, ServiceSpec } from '../../src/sandbox/index.js';
import { type Task, taskManifestSchema } from '../../src/tasks/index.js';

export const FIXTURES = path.resolve(import.meta.dirname, 'fixtures');

/** A sandbox spec with a fresh workspace under `root`, on the local Debian image. */
export function sandboxSpec(root: string, runId: string, overrides: Partial<SandboxSpec> = {}): SandboxSpec {
  const ws = path.join(root, runId);
  mkdirSync(ws, { recursive: true });
  return {
    kind: 'docker',
    runId: `${runId}-${process.pid}`,
    name: runId,
    workspaceHost: ws,
    workdir: '/workspace',
    image: 'debian:bookworm-slim',
    resources: { cpus: 1, memory_mb: 512, pids: 256 },
    env: {},
    ...overrides,
  };
}

/** A sidecar built from a folder of test/sandbox/fixtures, with the schema's health-check defaults. */
export function fixtureService(
  name: string,
  folder: string,
  healthcheck?: Partial<NonNullable<ServiceSpec['healthcheck']>> & { test: string },
): ServiceSpec {
  return {
    name,
    buildContext: path.join(FIXTURES, folder),
    env: {},
    ...(healthcheck ? { healthcheck: { interval_s: 1, timeout_s: 5, retries: 60, ...healthcheck } } : {}),
  };
}

/** A task whose environment is given inline; service builds are relative to test/sandbox/fixtures. */
export function taskWith(id: string, environment: Record<string, unknown>, scratch: string): Task {
  const image = environment.dockerfile ? {} : { image: 'debian:bookworm-slim' };
  const manifest = taskManifestSchema.parse({
    id,
    title: id,
    difficulty: 'smoke',
    domain: 'test',
    instructions: 'none',
    environment: { ...image, ...environment },
    grader: { checks: [{ name: 'noop', type: 'file_present', path: 'x' }] },
  });
  const workspace = path.join(scratch, `${id}-seed`);
  mkdirSync(workspace, { recursive: true });
  return {
    dir: FIXTURES,
    manifestPath: path.join(FIXTURES, 'task.yaml'),
    format: 'factory-bench',
    manifest,
    paths: {
      workspace,
      solution: path.join(scratch, 'solution'),
      buildContext: manifest.environment.dockerfile
        ? path.join(FIXTURES, manifest.environment.dockerfile)
        : null,
      fixtures: null,
    },
  };
}

const REPO = path.resolve(import.meta.dirname, '../..');

/**
 * Compiles the project into a folder inside the repository (so that node_modules
 * resolves) for tests that need a separate harness process. Call at file level:
 * the build is removed after the file's tests.
 */
export function compileForChildProcess(): () => string {
  const out = path.join(REPO, `.test-build-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  let built = false;
  afterAll(() => rmSync(out, { recursive: true, force: true }));
  return () => {
    if (built) return out;
    built = true;
    execFileSync(path.join(REPO, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.build.json', '--outDir', out], {
      cwd: REPO,
      stdio: 'pipe',
    });
    return out;
  };
}
