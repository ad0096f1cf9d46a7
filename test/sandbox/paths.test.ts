import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { confineLexically, resolveHostPath, SandboxError } from '../../src/sandbox/index.js';
import { tempDir } from '../helpers/tmp.js';

function refusal(fn: () => unknown): SandboxError {
  try {
    fn();
  } catch (err) {
    if (err instanceof SandboxError) return err;
    throw err;
  }
  throw new Error('expected a SandboxError');
}

describe('confineLexically', () => {
  it('maps relative and absolute workspace paths to normalized absolute ones', () => {
    expect(confineLexically('/workspace', 'a/b.txt')).toBe('/workspace/a/b.txt');
    expect(confineLexically('/workspace', '/workspace/a/./b.txt')).toBe('/workspace/a/b.txt');
    expect(confineLexically('/workspace', 'a/../b')).toBe('/workspace/b');
    expect(confineLexically('/workspace', '.')).toBe('/workspace');
    expect(confineLexically('/workspace', '/workspace/')).toBe('/workspace');
  });

  it.each(['../etc/passwd', 'a/../../x', '/etc/passwd', '/workspace2/x', '/workspace/../root', '', 'a\0b'])(
    'refuses %j with kind path',
    (p) => {
      const err = refusal(() => confineLexically('/workspace', p));
      expect(err.kind).toBe('path');
      expect(err.message).toMatch(/refused/);
    },
  );
});

describe('resolveHostPath', () => {
  const root = tempDir('fb-paths-');
  const ws = path.join(root, 'ws');
  const outside = path.join(root, 'outside');
  mkdirSync(path.join(ws, 'sub'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(path.join(outside, 'secret'), 'x');
  symlinkSync(outside, path.join(ws, 'out-dir'));
  symlinkSync(path.join(outside, 'not-yet'), path.join(ws, 'dangling-out'));
  symlinkSync('sub', path.join(ws, 'in-dir'));
  symlinkSync('../..', path.join(ws, 'sub', 'up'));

  it('maps agent paths onto the host workspace, following inner symlinks', () => {
    expect(resolveHostPath(ws, '/workspace', 'sub/f.txt')).toBe(path.join(ws, 'sub/f.txt'));
    expect(resolveHostPath(ws, '/workspace', '/workspace/in-dir/new/f.txt')).toBe(
      path.join(ws, 'sub/new/f.txt'),
    );
    expect(resolveHostPath(ws, '/workspace', '/workspace')).toBe(ws);
  });

  it.each(['out-dir/secret', 'dangling-out', 'sub/up/outside/secret', '../outside/secret'])(
    'refuses %j',
    (p) => {
      expect(refusal(() => resolveHostPath(ws, '/workspace', p)).kind).toBe('path');
    },
  );
});
