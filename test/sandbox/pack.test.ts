import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { packForSandbox } from '../../src/sandbox/index.js';
import { tempDir } from '../helpers/tmp.js';

/** What GNU tar (as in the sandbox: `tar -x -i`) lists: type, owner and name of each entry. */
function entriesOf(tar: Buffer): string[] {
  return execFileSync('tar', ['-t', '-v', '-i', '--numeric-owner', '-f', '-'], {
    input: tar,
    encoding: 'utf8',
  })
    .trim()
    .split('\n')
    .map((line) => {
      const f = line.split(/\s+/);
      return `${f[0]?.[0]} ${f[1]} ${f[5]}`;
    })
    .sort();
}

describe('packForSandbox', () => {
  const root = tempDir('fb-pack-');
  const grader = path.join(root, 'grader');
  mkdirSync(path.join(grader, 'tests'), { recursive: true });
  writeFileSync(path.join(grader, 'tests', 'test_a.py'), 'assert True\n');
  symlinkSync('tests/test_a.py', path.join(grader, 'link.py'));
  writeFileSync(path.join(root, 'out.txt'), 'forty-two\n');

  it('names entries from the sandbox root, owned by the owner, links kept as links', async () => {
    const tar = await packForSandbox(
      [
        { host: grader, sandbox: '/opt/fb/grader' },
        { host: path.join(root, 'out.txt'), sandbox: '/opt/fb/grader/expected/out.txt' },
      ],
      { uid: 0, gid: 0 },
      1 << 20,
    );
    expect(entriesOf(tar as Buffer)).toEqual([
      '- 0/0 opt/fb/grader/expected/out.txt',
      '- 0/0 opt/fb/grader/tests/test_a.py',
      'd 0/0 opt/fb/grader/',
      'd 0/0 opt/fb/grader/tests/',
      'l 0/0 opt/fb/grader/link.py',
    ]);
  });

  it('declines material over the limit, and a file renamed on the way (docker cp does those)', async () => {
    expect(
      await packForSandbox([{ host: grader, sandbox: '/opt/fb/grader' }], { uid: 0, gid: 0 }, 100),
    ).toBeNull();
    expect(
      await packForSandbox(
        [{ host: path.join(root, 'out.txt'), sandbox: '/x/other.txt' }],
        { uid: 0, gid: 0 },
        1 << 20,
      ),
    ).toBeNull();
  });
});
