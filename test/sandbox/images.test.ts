import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { baseImagesOf, ensureImage, hashBuildContext, SandboxError } from '../../src/sandbox/index.js';
import { HAS_DOCKER } from '../helpers/docker.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir('fb-images-');

describe('baseImagesOf', () => {
  it('names the images of FROM lines, not earlier build stages or scratch', () => {
    const dockerfile = [
      'FROM --platform=linux/amd64 debian:bookworm-slim AS build',
      'RUN make',
      'from python:3.12-slim',
      'FROM build AS test',
      'FROM scratch',
    ].join('\n');
    expect(baseImagesOf(dockerfile)).toEqual(['debian:bookworm-slim', 'python:3.12-slim']);
  });
});

describe.runIf(HAS_DOCKER)('ensureImage', () => {
  const context = path.join(root, 'ctx');
  mkdirSync(context);
  // A context no other test has built, so the first call really builds.
  writeFileSync(
    path.join(context, 'Dockerfile'),
    `FROM debian:bookworm-slim\nRUN echo ${randomBytes(8).toString('hex')}\n`,
  );
  const tags: string[] = [];
  afterAll(() => {
    if (tags.length) execFileSync('docker', ['rmi', '-f', ...new Set(tags)], { stdio: 'ignore' });
  });

  it('builds once, tagged by the context hash, says so before building, and reuses silently', async () => {
    const builds: string[] = [];
    const first = await ensureImage({
      buildContext: context,
      name: 'images-test',
      onBuild: (t) => builds.push(t),
    });
    tags.push(first);
    expect(first).toBe(`factory-bench/images-test:${hashBuildContext(context)}`);
    expect(builds).toEqual([first]);
    const again = await ensureImage({
      buildContext: context,
      name: 'images-test',
      onBuild: (t) => builds.push(t),
    });
    expect(again).toBe(first);
    expect(builds).toEqual([first]);
  });

  it('names a base image that is missing and cannot be pulled', async () => {
    const noBase = path.join(root, 'no-base');
    mkdirSync(noBase);
    writeFileSync(path.join(noBase, 'Dockerfile'), 'FROM factory-bench-test/no-such-base:1\nRUN true\n');
    const err = await ensureImage({ buildContext: noBase, name: 'images-test-nobase' }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SandboxError);
    expect((err as SandboxError).message).toMatch(
      /base image factory-bench-test\/no-such-base:1 is not on this machine and cannot be pulled/,
    );
  });
});
