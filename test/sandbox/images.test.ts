import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { explainBuildFailure } from '../../src/sandbox/build-errors.js';
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

describe('explainBuildFailure', () => {
  it("names apt's E: line and the step (legacy builder, colour codes and all), not the generic trailer", () => {
    const output = [
      'Step 3/3 : RUN apt-get install -y no-such-package',
      ' ---> Running in b2832b14ba7e',
      'Reading package lists...',
      '\u001b[91mE: \u001b[0m\u001b[91mUnable to locate package no-such-package',
      "\u001b[0mThe command '/bin/sh -c apt-get install -y no-such-package' returned a non-zero code: 100",
    ].join('\n');
    expect(explainBuildFailure(output)).toBe(
      'E: Unable to locate package no-such-package (in `apt-get install -y no-such-package`, exit code 100)',
    );
  });

  it('reads BuildKit output the same way, and takes the first error line when apt is not involved', () => {
    const output = [
      '#5 [2/2] RUN make',
      '#5 0.311 gcc -o app app.c',
      "#5 0.402 app.c:3:1: error: expected ';' before '}' token",
      '#5 0.403 make: *** [app] Error 1',
      '#5 ERROR: process "/bin/sh -c make" did not complete successfully: exit code: 2',
      'ERROR: failed to solve: process "/bin/sh -c make" did not complete successfully: exit code: 2',
    ].join('\n');
    expect(explainBuildFailure(output)).toBe(
      "app.c:3:1: error: expected ';' before '}' token (in `make`, exit code 2)",
    );
  });

  it('falls back to the builder summary, then to the last line', () => {
    expect(explainBuildFailure("x\nThe command '/bin/sh -c false' returned a non-zero code: 1\n")).toBe(
      "The command '/bin/sh -c false' returned a non-zero code: 1",
    );
    expect(explainBuildFailure('one\ntwo\n')).toBe('two');
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

  it('says the apt line that explains a failed build, once, with the log that has the rest', async () => {
    const broken = path.join(root, 'apt-broken');
    mkdirSync(broken);
    writeFileSync(
      path.join(broken, 'Dockerfile'),
      `FROM debian:bookworm-slim\nRUN echo ${randomBytes(4).toString('hex')} && apt-get install -y fb-no-such-package\n`,
    );
    const logFile = path.join(root, 'apt-broken.log');
    const err = await ensureImage({ buildContext: broken, name: 'images-test-apt', logFile }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SandboxError);
    const message = (err as SandboxError).message;
    expect(message).toContain('E: Unable to locate package fb-no-such-package');
    expect(message.split('Unable to locate package').length).toBe(2);
    expect(message).not.toContain('returned a non-zero code');
    expect(message).toContain(`log: ${logFile}`);
    expect(readFileSync(logFile, 'utf8')).toContain('Reading package lists');
  });

  it('writes the build log while the build runs, not only when it ends', async () => {
    const slow = path.join(root, 'slow');
    mkdirSync(slow);
    const marker = `fb-build-started-${randomBytes(4).toString('hex')}`;
    writeFileSync(
      path.join(slow, 'Dockerfile'),
      `FROM debian:bookworm-slim\nRUN echo ${marker} && sleep 4\n`,
    );
    const logFile = path.join(root, 'slow.log');
    let finished = false;
    const building = ensureImage({ buildContext: slow, name: 'images-test-slow', logFile }).then((tag) => {
      finished = true;
      tags.push(tag);
      return tag;
    });
    let seenWhileBuilding = false;
    for (let i = 0; i < 100 && !finished; i++) {
      if (existsSync(logFile) && readFileSync(logFile, 'utf8').includes(marker)) {
        seenWhileBuilding = !finished;
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    await building;
    expect(seenWhileBuilding).toBe(true);
    expect(readFileSync(logFile, 'utf8')).toContain(marker);
  });
});
