/** Which runner a sandbox gets: decided once, from what the spec needs, and carried by the spec. */
import { describe, expect, it } from 'vitest';
import {
  ComposeRunner,
  chooseSandboxKind,
  createSandbox,
  DockerRunner,
  SandboxError,
  type SandboxSpec,
} from '../../src/sandbox/index.js';
import { tempDir } from '../helpers/tmp.js';

const spec = (over: Partial<SandboxSpec> = {}): SandboxSpec => ({
  kind: 'docker',
  runId: `factory-${process.pid}`,
  name: 'factory',
  workspaceHost: tempDir('fb-factory-'),
  workdir: '/workspace',
  image: 'debian:bookworm-slim',
  resources: { cpus: 1, memory_mb: 256, pids: 64 },
  env: {},
  ...over,
});

describe('chooseSandboxKind', () => {
  const web = { name: 'web', image: 'x', env: {} };
  it('is Docker by default, Compose for sidecars or outside hosts', () => {
    expect(chooseSandboxKind({}, {})).toBe('docker');
    expect(chooseSandboxKind({ services: [], network: { allow: [] } }, {})).toBe('docker');
    expect(chooseSandboxKind({ services: [web] }, {})).toBe('compose');
    expect(chooseSandboxKind({ network: { allow: ['pypi.org'] } }, {})).toBe('compose');
  });

  it('follows FACTORY_BENCH_SANDBOX (or its old name MLE_EVAL_SANDBOX), which cannot take a sidecar task off Compose', () => {
    expect(chooseSandboxKind({}, { FACTORY_BENCH_SANDBOX: ' Compose ' })).toBe('compose');
    expect(chooseSandboxKind({}, { MLE_EVAL_SANDBOX: ' Compose ' })).toBe('compose');
    expect(chooseSandboxKind({}, { FACTORY_BENCH_SANDBOX: 'auto', MLE_EVAL_SANDBOX: 'compose' })).toBe(
      'docker',
    );
    expect(chooseSandboxKind({ services: [web] }, { FACTORY_BENCH_SANDBOX: 'docker' })).toBe('compose');
  });

  it('names a bad value, and says why there is no local sandbox', () => {
    expect(() => chooseSandboxKind({}, { FACTORY_BENCH_SANDBOX: 'podman' })).toThrow(
      /^FACTORY_BENCH_SANDBOX=podman is not one of auto, docker, compose$/,
    );
    for (const env of [{ FACTORY_BENCH_SANDBOX: 'local' }, { MLE_EVAL_SANDBOX: 'local' }])
      expect(() => chooseSandboxKind({}, env)).toThrow(
        new RegExp(
          `^${Object.keys(env)[0]}=local: the local \\(no isolation\\) sandbox was removed: tasks need their image`,
        ),
      );
  });
});

describe('createSandbox', () => {
  it('makes the runner the spec names', () => {
    expect(createSandbox(spec({ kind: 'docker' }))).toBeInstanceOf(DockerRunner);
    expect(createSandbox(spec({ kind: 'compose' }))).toBeInstanceOf(ComposeRunner);
  });

  it('a runner refuses to start on a spec of another kind, before it creates anything', async () => {
    const err = await new DockerRunner(spec({ kind: 'compose' })).start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SandboxError);
    expect((err as SandboxError).message).toBe('a compose sandbox spec cannot start a docker runner');
  });
});
