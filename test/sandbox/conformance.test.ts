import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerRunner, SandboxError, type SandboxRunner } from '../../src/sandbox/index.js';
import { HAS_DOCKER, leftoversFor } from '../helpers/docker.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir('fb-conf-');
const IMAGE = 'debian:bookworm-slim';

async function refusedKind(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof SandboxError) return err.kind;
    throw err;
  }
  return 'accepted';
}

describe.runIf(HAS_DOCKER)('DockerRunner conformance', () => {
  const runId = `conf-docker-${process.pid}`;
  let sandbox: SandboxRunner;

  beforeAll(async () => {
    const ws = path.join(root, 'docker-ws');
    mkdirSync(ws);
    sandbox = new DockerRunner({
      runId,
      workspaceHost: ws,
      workdir: '/workspace',
      image: IMAGE,
      resources: { cpus: 1, memory_mb: 512, pids: 128 },
      env: {},
    });
    await sandbox.start();
  });
  afterAll(async () => {
    await sandbox?.stop();
    expect(leftoversFor(runId)).toEqual([]);
  });

  it('resolvePath maps workspace paths and follows symlinks inside the sandbox', async () => {
    const setup = await sandbox.exec({
      cmd: 'mkdir -p sub && ln -s sub in-link && ln -s /etc out-link && ln -s /etc/nope dangling && ln -s ../.. sub/up',
    });
    expect(setup.exitCode).toBe(0);
    expect(await sandbox.resolvePath('sub/new.txt')).toBe('/workspace/sub/new.txt');
    expect(await sandbox.resolvePath('/workspace/in-link/x')).toBe('/workspace/sub/x');
    expect(await sandbox.resolvePath('.')).toBe('/workspace');
  });

  it.each(['../etc/passwd', '/etc/passwd', 'out-link/passwd', 'dangling', 'sub/up/etc'])(
    'resolvePath refuses %j',
    async (p) => {
      expect(await refusedKind(sandbox.resolvePath(p))).toBe('path');
    },
  );
});
