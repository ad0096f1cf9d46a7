/** Which runner a sandbox gets: decided once, from what the spec needs, and carried by the spec. */
import { describe, expect, it } from 'vitest';
import {
  ComposeRunner,
  chooseSandboxKind,
  createSandbox,
  DockerRunner,
  LocalSubprocessRunner,
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

  it('follows MLE_EVAL_SANDBOX, which cannot take a sidecar task off Compose except to local', () => {
    expect(chooseSandboxKind({}, { MLE_EVAL_SANDBOX: ' Compose ' })).toBe('compose');
    expect(chooseSandboxKind({}, { MLE_EVAL_SANDBOX: 'auto' })).toBe('docker');
    expect(chooseSandboxKind({ services: [web] }, { MLE_EVAL_SANDBOX: 'docker' })).toBe('compose');
    expect(chooseSandboxKind({ services: [web] }, { MLE_EVAL_SANDBOX: 'local' })).toBe('local');
  });

  it('names a bad MLE_EVAL_SANDBOX', () => {
    expect(() => chooseSandboxKind({}, { MLE_EVAL_SANDBOX: 'podman' })).toThrow(
      /MLE_EVAL_SANDBOX=podman is not one of auto, docker, compose, local/,
    );
  });
});

describe('createSandbox', () => {
  it('makes the runner the spec names', () => {
    expect(createSandbox(spec({ kind: 'docker' }))).toBeInstanceOf(DockerRunner);
    expect(createSandbox(spec({ kind: 'compose' }))).toBeInstanceOf(ComposeRunner);
    const warnings: string[] = [];
    const local = createSandbox(spec({ kind: 'local' }), { warn: (m) => warnings.push(m) });
    expect(local).toBeInstanceOf(LocalSubprocessRunner);
    expect(warnings.join('\n')).toMatch(/NO isolation/);
  });

  it('a runner refuses to start on a spec of another kind, before it creates anything', async () => {
    const err = await new DockerRunner(spec({ kind: 'compose' })).start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SandboxError);
    expect((err as SandboxError).message).toBe('a compose sandbox spec cannot start a docker runner');
  });
});
