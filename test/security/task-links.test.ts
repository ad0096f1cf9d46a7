import { execFileSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { HAS_DOCKER } from '../helpers/docker.js';
import { writeTask } from '../helpers/tasks.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir('fb-task-links-');
let n = 0;

/** A folder outside every task, with one file, and a snapshot of it to compare with afterwards. */
function outsideFolder(): { dir: string; snapshot: () => string } {
  const dir = path.join(root, `outside_${n++}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'keep.txt'), 'untouched\n');
  const snapshot = () =>
    readdirSync(dir, { recursive: true })
      .map(String)
      .sort()
      .map(
        (f) => `${f}:${lstatSync(path.join(dir, f)).isFile() ? readFileSync(path.join(dir, f), 'utf8') : ''}`,
      )
      .join('|');
  return { dir, snapshot };
}

/** A valid task (oracle writes output/done.txt in the workspace), then changed by `edit`. */
function task(edit: (dir: string) => void): string {
  const dir = writeTask(root, `links_${n++}`);
  writeFileSync(path.join(dir, 'solution', 'solve.sh'), 'mkdir -p output && echo done > output/done.txt\n');
  edit(dir);
  return dir;
}

const run = (dir: string, model = 'oracle') =>
  runCli(['run', '--task', dir, '--model', model, '--runs-dir', path.join(root, 'runs')]);

function expectRefused(r: { code: number; stderr: string }, ...mentions: string[]) {
  expect(r.code).toBe(2);
  for (const m of mentions) expect(r.stderr).toContain(m);
  expect(r.stderr).toMatch(/resolves outside the task folder/);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('task folders whose material links outside are refused (exit 2, naming the link)', () => {
  it('a workspace that is a link to an outside folder; the folder is left unchanged', async () => {
    const outside = outsideFolder();
    const before = outside.snapshot();
    const dir = task((d) => {
      rmSync(path.join(d, 'workspace'), { recursive: true });
      symlinkSync(outside.dir, path.join(d, 'workspace'));
    });
    expectRefused(
      await run(dir),
      `${path.join(dir, 'task.yaml')}: workspace: link workspace -> ${outside.dir}`,
    );
    expect(outside.snapshot()).toBe(before);
    expect(existsSync(path.join(outside.dir, 'output'))).toBe(false);
  });

  it('solve.sh -> /etc/passwd', async () => {
    const dir = task((d) => {
      rmSync(path.join(d, 'solution', 'solve.sh'));
      symlinkSync('/etc/passwd', path.join(d, 'solution', 'solve.sh'));
    });
    expectRefused(await run(dir), 'solution: link solution/solve.sh -> /etc/passwd');
  });

  it('a file deep in the workspace, a relative link, and a dangling one', async () => {
    const outside = outsideFolder();
    const dir = task((d) => {
      mkdirSync(path.join(d, 'workspace', 'data', 'raw'), { recursive: true });
      symlinkSync(
        path.relative(path.join(d, 'workspace', 'data', 'raw'), path.join(outside.dir, 'keep.txt')),
        path.join(d, 'workspace', 'data', 'raw', 'train.csv'),
      );
      symlinkSync('/nonexistent/later', path.join(d, 'workspace', 'later'));
    });
    const r = await run(dir);
    expectRefused(
      r,
      'workspace: link workspace/data/raw/train.csv -> ../',
      'workspace: link workspace/later -> /nonexistent/later',
    );
  });

  it('grader fixtures and the environment folder', async () => {
    const outside = outsideFolder();
    const dir = task((d) => {
      mkdirSync(path.join(d, 'grader'));
      symlinkSync(path.join(outside.dir, 'keep.txt'), path.join(d, 'grader', 'expected.txt'));
      symlinkSync(outside.dir, path.join(d, 'env'));
      const yaml = readFileSync(path.join(d, 'task.yaml'), 'utf8')
        .replace('  image: debian:bookworm-slim\n', '  dockerfile: env\n')
        .replace('grader:\n', 'grader:\n  fixtures: grader\n');
      writeFileSync(path.join(d, 'task.yaml'), yaml);
    });
    const r = await runCli(['describe', '--task', dir]);
    expectRefused(r, 'grader.fixtures: link grader/expected.txt -> ', 'environment.dockerfile: link env -> ');
  });

  it('a FIFO in the workspace is refused too', async () => {
    const dir = task((d) => {
      execFileSync('mkfifo', [path.join(d, 'workspace', 'pipe')]);
    });
    const r = await runCli(['describe', '--task', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('workspace: workspace/pipe is not a regular file, folder or link');
  });
});

describe.runIf(HAS_DOCKER)('links that stay in the task folder', () => {
  it('are accepted and copied as links (target as written), never followed', async () => {
    const dir = task((d) => {
      mkdirSync(path.join(d, 'shared'));
      writeFileSync(path.join(d, 'shared', 'notes.txt'), 'shared notes\n');
      // Inside the workspace, and out of the workspace but inside the task.
      symlinkSync('README', path.join(d, 'workspace', 'readme-link'));
      symlinkSync('../shared/notes.txt', path.join(d, 'workspace', 'notes-link'));
    });
    const r = await run(dir);
    expect(r.stderr).not.toContain('refused');
    expect(r.code).toBe(0);
    const runDir = /run_dir: (.*)/.exec(r.stdout)?.[1] ?? '';
    for (const copy of ['workspace', 'workspace_final']) {
      expect(readlinkSync(path.join(runDir, copy, 'readme-link'))).toBe('README');
      expect(readlinkSync(path.join(runDir, copy, 'notes-link'))).toBe('../shared/notes.txt');
    }
    // The oracle's work landed in the run's copy, and the run's material copies are gone.
    expect(readFileSync(path.join(runDir, 'workspace_final', 'output', 'done.txt'), 'utf8')).toBe('done\n');
    expect(existsSync(path.join(dir, 'workspace', 'output'))).toBe(false);
    expect(existsSync(path.join(runDir, '.task'))).toBe(false);
  });
});
