import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureImage,
  IMAGE_ARCHIVE_MANIFEST,
  ImageArchiveError,
  imageActivity,
  loadImageArchive,
  readImageArchiveManifest,
  resetImageActivity,
  saveImageArchive,
} from '../../src/sandbox/index.js';
import { runCli } from '../helpers/cli.js';
import { HAS_DOCKER } from '../helpers/docker.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * Images carried between CI jobs: one archive for several images (shared
 * layers once), loaded back only when the engine lacks them; and the CLI
 * around it. Every image here is this file's own (a fresh nonce in it).
 */

const root = tempDir('fb-image-archive-');
const nonce = randomBytes(6).toString('hex');
const docker = (args: string[]): string => execFileSync('docker', args, { encoding: 'utf8' }).trim();
const imageId = (tag: string): string => docker(['image', 'inspect', '--format', '{{.Id}}', tag]);
const hasImage = (tag: string): boolean => {
  try {
    execFileSync('docker', ['image', 'inspect', tag], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
};

/** A task folder whose own build context makes a small image unique to this file. */
function writeTask(name: string): string {
  const dir = path.join(root, 'tasks', name);
  for (const sub of ['workspace', 'solution', 'environment'])
    mkdirSync(path.join(dir, sub), { recursive: true });
  writeFileSync(path.join(dir, 'workspace', 'README'), 'x\n');
  writeFileSync(path.join(dir, 'solution', 'solve.sh'), 'true\n');
  writeFileSync(
    path.join(dir, 'environment', 'Dockerfile'),
    `FROM debian:bookworm-slim\nRUN echo ${name} > /which-image\n`,
  );
  writeFileSync(
    path.join(dir, 'task.yaml'),
    [
      `id: ${name}`,
      `title: ${name}`,
      'difficulty: smoke',
      'domain: test',
      'instructions: none',
      'environment:',
      '  dockerfile: environment',
      'grader:',
      '  checks:',
      '    - name: present',
      '      type: file_present',
      '      path: README',
      '',
    ].join('\n'),
  );
  return dir;
}

describe.runIf(HAS_DOCKER)('image archives', () => {
  const taskA = writeTask(`archive_a_${nonce}`);
  const taskB = writeTask(`archive_b_${nonce}`);
  let a = '';
  let b = '';
  beforeAll(async () => {
    resetImageActivity();
    a = await ensureImage({ buildContext: path.join(taskA, 'environment'), name: `archive_a_${nonce}` });
    b = await ensureImage({ buildContext: path.join(taskB, 'environment'), name: `archive_b_${nonce}` });
  }, 300_000);
  afterAll(() => {
    execFileSync('docker', ['rmi', '-f', a, b].filter(Boolean), { stdio: 'ignore' });
  });

  it('the images used are recorded, with the builds and their time', () => {
    const mine = imageActivity().filter((u) => u.tag === a || u.tag === b);
    expect(mine.map((u) => [u.tag, u.origin])).toEqual([
      [a, 'built'],
      [b, 'built'],
    ]);
    expect(mine.every((u) => u.buildSeconds > 0)).toBe(true);
  });

  it('saves two images on one base as one archive, their shared layers once', async () => {
    const dir = path.join(root, 'plain');
    const saved = await saveImageArchive(dir, [b, a, a], { compression: 'none' });
    expect(saved.manifest.images).toEqual([a, b].sort().map((tag) => ({ tag, id: imageId(tag) })));
    expect(saved.manifest.file).toBe('images.tar');
    const sizes = [a, b].map((t) => Number(docker(['image', 'inspect', '--format', '{{.Size}}', t])));
    // Each image is mostly the Debian base: saved together, that is stored once.
    expect(saved.manifest.bytes).toBeLessThan(0.75 * (sizes[0] as number) + 0.75 * (sizes[1] as number));
    expect(readImageArchiveManifest(dir)).toEqual(saved.manifest);
  }, 300_000);

  it('loads only what the engine lacks, with the same image ids', async () => {
    const dir = path.join(root, 'packed');
    const saved = await saveImageArchive(dir, [a, b], { compression: 'gzip' });
    expect(saved.manifest.file).toBe('images.tar.gz');
    const idA = imageId(a);
    docker(['rmi', a]);
    expect(hasImage(a)).toBe(false);
    const loaded = await loadImageArchive(dir);
    expect(loaded.loaded).toEqual([a]);
    expect(loaded.present).toEqual([b]);
    expect(imageId(a)).toBe(idA);
    const again = await loadImageArchive(dir);
    expect(again.loaded).toEqual([]);
    expect(again.present.sort()).toEqual([a, b].sort());
  }, 300_000);

  it('refuses what it cannot do, saying why', async () => {
    await expect(
      saveImageArchive(path.join(root, 'none'), [`factory-bench/missing-${nonce}:x`]),
    ).rejects.toThrow(/not on this Docker engine, cannot be saved: factory-bench\/missing-/);
    const empty = path.join(root, 'empty');
    mkdirSync(empty);
    await expect(loadImageArchive(empty)).rejects.toThrow(/holds no image archive \(no images\.json/);
    writeFileSync(path.join(empty, IMAGE_ARCHIVE_MANIFEST), '{"format": 2}');
    await expect(loadImageArchive(empty)).rejects.toBeInstanceOf(ImageArchiveError);
    await expect(loadImageArchive(empty)).rejects.toThrow(/not an image archive manifest/);
  });

  it('the CLI lists a task set, saves its built images and loads them back', async () => {
    const list = await runCli(['images', 'list', '--task', taskA, '--task', taskB, '--json']);
    expect(list.code, list.stderr).toBe(0);
    const plan = JSON.parse(list.stdout);
    expect(
      plan.images.map((i: { tag: string; role: string; present: boolean }) => [i.tag, i.role, i.present]),
    ).toEqual([
      [a, 'task', true],
      [b, 'task', true],
    ]);

    const dir = path.join(root, 'cli');
    const saved = await runCli(['images', 'save', dir, '--task', taskA, '--compression', 'gzip', '--json']);
    expect(saved.code, saved.stderr).toBe(0);
    expect(JSON.parse(saved.stdout).images.map((i: { tag: string }) => i.tag)).toEqual([a]);
    expect(existsSync(path.join(dir, 'images.tar.gz'))).toBe(true);

    docker(['rmi', a]);
    const loaded = await runCli(['images', 'load', dir]);
    expect(loaded.code, loaded.stderr).toBe(0);
    expect(loaded.stderr).toContain('loaded 1 image(s)');
    expect(hasImage(a)).toBe(true);
    const again = await runCli(['images', 'load', dir]);
    expect(again.stderr).toContain('are here already: nothing loaded');
  }, 300_000);

  it('the CLI says what is wrong in one line, exit 2', async () => {
    const bad = await runCli(['images', 'save', path.join(root, 'x'), a, '--compression', 'lzma']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--compression: expected zstd, gzip or none, got "lzma"');
    const nothing = await runCli(['images', 'save', path.join(root, 'y')]);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain('nothing to save');
    const noArchive = await runCli(['images', 'load', root]);
    expect(noArchive.code).toBe(2);
    expect(noArchive.stderr).toMatch(/holds no image archive/);
    expect(noArchive.stderr).not.toMatch(/\n\s+at /);
  });
});
