/**
 * The tar streams behind copy-in and copy-out, without Docker: what goes in
 * carries the agent's ownership and the folder's own entry, what comes out
 * replaces the host folder, keeps links verbatim and never writes outside it,
 * whatever the stream holds.
 */
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { Parser } from 'tar';
import { describe, expect, it } from 'vitest';
import { copyTreeIn, copyTreeOut, type DockerStreamer } from '../../src/sandbox/transfer.js';
import { tempDir } from '../helpers/tmp.js';

const scratch = tempDir('fb-transfer-');

/** A docker stand-in that records the arguments and collects what copy-in sends. */
function receiving(): {
  docker: DockerStreamer;
  args: string[][];
  entries: () => Promise<Array<Record<string, unknown>>>;
} {
  const args: string[][] = [];
  const chunks: Buffer[] = [];
  const docker: DockerStreamer = async (a, opts) => {
    args.push(a);
    await new Promise<void>((resolve) => {
      const sink = new Writable({
        write(chunk, _enc, cb) {
          chunks.push(Buffer.from(chunk));
          cb();
        },
      });
      sink.on('finish', () => resolve());
      opts.input?.(sink);
    });
    return { exitCode: 0, stderr: '' };
  };
  const entries = () =>
    new Promise<Array<Record<string, unknown>>>((resolve) => {
      const out: Array<Record<string, unknown>> = [];
      const parser = new Parser({
        onReadEntry: (e) => {
          out.push({ path: e.path, type: e.type, uid: e.uid, gid: e.gid, linkpath: e.linkpath });
          e.resume();
        },
      });
      parser.on('end', () => resolve(out));
      parser.end(Buffer.concat(chunks));
    });
  return { docker, args, entries };
}

/** A docker stand-in whose `cp ... -` prints the given tar. */
function sending(tar: Buffer): DockerStreamer {
  return async (_args, opts) => {
    await opts.output?.(Readable.from([tar]));
    return { exitCode: 0, stderr: '' };
  };
}

/** A tar built by GNU tar from `dir`, its entries named `workspace/...` as docker cp names them. */
function tarOf(dir: string, ...extra: string[]): Buffer {
  return execFileSync('tar', [
    '-c',
    '-b',
    '1',
    '-C',
    dir,
    '--transform',
    's,^\\.,workspace,S',
    ...extra,
    '.',
  ]);
}

describe('copy-in', () => {
  it("names every entry from the root and gives each, the folder's own included, the agent's uid and gid", async () => {
    const src = path.join(scratch, 'in');
    mkdirSync(path.join(src, 'sub'), { recursive: true });
    writeFileSync(path.join(src, 'a.txt'), 'a');
    writeFileSync(path.join(src, 'sub/b.txt'), 'b');
    symlinkSync('/etc/passwd', path.join(src, 'pw'));
    const { docker, args, entries } = receiving();
    await copyTreeIn('c1', src, '/home/agent/work', { uid: 1234, gid: 99 }, docker);
    expect(args).toEqual([['cp', '-', 'c1:/']]);
    const got = await entries();
    expect(got.map((e) => e.path).sort()).toEqual([
      'home/agent/work/',
      'home/agent/work/a.txt',
      'home/agent/work/pw',
      'home/agent/work/sub/',
      'home/agent/work/sub/b.txt',
    ]);
    // No entry for the parents: the daemon leaves existing ones as the image has them.
    for (const e of got) expect(e).toMatchObject({ uid: 1234, gid: 99 });
    // A link goes in as a link, never as what it points to on the harness's machine.
    expect(got.find((e) => e.path === 'home/agent/work/pw')).toMatchObject({
      type: 'SymbolicLink',
      linkpath: '/etc/passwd',
    });
  });

  it('refuses to copy over the root', async () => {
    await expect(copyTreeIn('c1', scratch, '/', { uid: 0, gid: 0 }, receiving().docker)).rejects.toThrow(
      /root/,
    );
  });
});

describe('copy-out', () => {
  it('replaces the folder, keeps links verbatim (outward ones too) and leaves nothing behind', async () => {
    const inside = path.join(scratch, 'inside');
    mkdirSync(path.join(inside, 'd'), { recursive: true });
    writeFileSync(path.join(inside, 'd/new.txt'), 'new');
    symlinkSync('/etc/passwd', path.join(inside, 'abs'));
    symlinkSync('../../outside', path.join(inside, 'd/up'));
    symlinkSync('new.txt', path.join(inside, 'd/near'));
    const host = path.join(scratch, 'host');
    mkdirSync(host);
    writeFileSync(path.join(host, 'stale.txt'), 'deleted by the agent');
    const r = await copyTreeOut('c1', '/workspace', host, sending(tarOf(inside)));
    expect(r).toEqual({ skipped: [] });
    expect(readdirSync(host).sort()).toEqual(['abs', 'd']);
    expect(readFileSync(path.join(host, 'd/new.txt'), 'utf8')).toBe('new');
    expect(readlinkSync(path.join(host, 'abs'))).toBe('/etc/passwd');
    expect(readlinkSync(path.join(host, 'd/up'))).toBe('../../outside');
    expect(readlinkSync(path.join(host, 'd/near'))).toBe('new.txt');
  });

  it('never writes through a link or outside the folder, whatever the stream holds', async () => {
    const outside = path.join(scratch, 'outside-target');
    mkdirSync(outside);
    // A link out, then a file "under" it, then a path with `..`: one stream a daemon would never print.
    const a = path.join(scratch, 'evil-a');
    mkdirSync(a);
    symlinkSync(outside, path.join(a, 'x'));
    const b = path.join(scratch, 'evil-b');
    mkdirSync(path.join(b, 'x'), { recursive: true });
    writeFileSync(path.join(b, 'x/planted.txt'), 'planted');
    writeFileSync(path.join(b, 'escape.txt'), 'escape');
    const tar = Buffer.concat([
      tarOf(a).subarray(0, -1024),
      execFileSync('tar', ['-c', '-b', '1', '-C', b, '--transform', 's,^\\.,workspace,S', './x']).subarray(
        0,
        -1024,
      ),
      execFileSync('tar', ['-c', '-b', '1', '-C', b, '--transform', 's,^,workspace/../../,', 'escape.txt']),
    ]);
    const host = path.join(scratch, 'host-evil');
    const r = await copyTreeOut('c1', '/workspace', host, sending(tar));
    expect(readdirSync(outside)).toEqual([]);
    expect(existsSync(path.join(scratch, 'escape.txt'))).toBe(false);
    expect(existsSync(path.join(host, '..', 'escape.txt'))).toBe(false);
    // The planted file stays inside (as a real folder), and the link that would have covered it is reported.
    expect(lstatSync(path.join(host, 'x')).isDirectory()).toBe(true);
    expect(r.skipped.join('\n')).toMatch(/link x ->/);
    expect(r.skipped.join('\n')).toMatch(/\.\./);
  });

  it('keeps the old contents when the copy fails', async () => {
    const host = path.join(scratch, 'host-kept');
    mkdirSync(host);
    writeFileSync(path.join(host, 'kept.txt'), 'kept');
    const failing: DockerStreamer = async () => ({ exitCode: 1, stderr: 'Error: No such container: c1' });
    await expect(copyTreeOut('c1', '/workspace', host, failing)).rejects.toThrow(/No such container/);
    expect(readdirSync(host)).toEqual(['kept.txt']);
  });
});
