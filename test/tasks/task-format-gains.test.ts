/**
 * What our own task format gained for tasks like Terminal-Bench's (issue #23): the instruction from a
 * file, a metadata map that takes anything, capabilities by name, the internet as an explicit choice,
 * processes kept for grading, a reward-file check, and a workspace that may start empty.
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { planSandbox } from '../../src/orchestrator/sandbox.js';
import { loadTask, taskWarnings } from '../../src/tasks/index.js';
import { copySharedImages, PLAN_WHERE, refusalOf } from '../helpers/tasks.js';
import { tempDir } from '../helpers/tmp.js';

const HELLO = path.resolve('tasks/hello_repo_fix');
const root = tempDir('fb-gains-');
copySharedImages(root);
let n = 0;

// biome-ignore lint/suspicious/noExplicitAny: the tests edit arbitrary YAML shapes on purpose
function copyWith(edit: (m: Record<string, any>, dir: string) => void): string {
  const dir = path.join(root, `task${n++}`);
  cpSync(HELLO, dir, { recursive: true });
  const manifest = parse(readFileSync(path.join(dir, 'task.yaml'), 'utf8'));
  edit(manifest, dir);
  writeFileSync(path.join(dir, 'task.yaml'), stringify(manifest));
  return dir;
}

const problems = refusalOf;
const where = PLAN_WHERE;

describe('our format gains', () => {
  it('reads the instructions from a file in the task folder', () => {
    const dir = copyWith((m, d) => {
      delete m.instructions;
      m.instructions_file = 'INSTRUCTIONS.md';
      writeFileSync(path.join(d, 'INSTRUCTIONS.md'), '  Fix the bug in greet.py.\n');
    });
    expect(loadTask(dir).manifest.instructions).toBe('Fix the bug in greet.py.');
    expect(problems(copyWith((m) => (m.instructions_file = 'x.md')))).toMatch(
      /instructions: give the instructions inline .* one of them/,
    );
    const missing = copyWith((m) => {
      delete m.instructions;
      m.instructions_file = 'nope.md';
    });
    expect(problems(missing)).toMatch(/instructions_file: file "nope.md" does not exist/);
    const outside = copyWith((m) => {
      delete m.instructions;
      m.instructions_file = '../../etc/passwd';
    });
    expect(problems(outside)).toMatch(/instructions_file: path "..\/..\/etc\/passwd" leaves the task folder/);
  });

  it('keeps any metadata as given', () => {
    const metadata = { author: 'a@b.c', tags: ['x', 'y'], expert_time_estimate_min: 15, nested: { gpus: 0 } };
    const dir = copyWith((m) => (m.metadata = metadata));
    expect(loadTask(dir).manifest.metadata).toEqual(metadata);
  });

  it('gives capabilities back by name from Docker default set only, narrowed by a setting', () => {
    const dir = copyWith((m) => (m.environment.capabilities = ['CHOWN', 'SETUID', 'SETGID']));
    const task = loadTask(dir);
    expect(planSandbox(task, where).capabilities).toEqual(['CHOWN', 'SETUID', 'SETGID']);
    expect(planSandbox(task, { ...where, maxCapabilities: ['SETUID'] }).capabilities).toEqual(['SETUID']);
    expect(planSandbox(task, { ...where, maxCapabilities: [] }).capabilities).toBeUndefined();
    expect(taskWarnings(task).join('\n')).toContain('gets back 3 capabilities: CHOWN, SETUID, SETGID');
    expect(planSandbox(loadTask(HELLO), where).capabilities).toBeUndefined();
    expect(problems(copyWith((m) => (m.environment.capabilities = ['SYS_ADMIN'])))).toMatch(
      /environment\.capabilities\.0: expected one of "AUDIT_WRITE", .*got "SYS_ADMIN"/,
    );
  });

  it('opens the internet only when the task says so, and never together with an allow list', () => {
    expect(planSandbox(loadTask(HELLO), where).network).toEqual({ allow: [] });
    const open = loadTask(copyWith((m) => (m.environment.network = { internet: true })));
    expect(planSandbox(open, where).network).toEqual({ allow: [], internet: true });
    expect(taskWarnings(open).join('\n')).toContain('reaches the open internet');
    expect(
      problems(copyWith((m) => (m.environment.network = { internet: true, allow: ['pypi.org'] }))),
    ).toMatch(/environment\.network: `internet: true` already reaches every host/);
  });

  it("runs the oracle as the task's oracle user with its environment; the agent as the environment's", () => {
    const task = loadTask(
      copyWith((m) => {
        m.environment.user = 'image';
        m.environment.env = { A: '1' };
        m.oracle = { user: 'root', env: { B: '2' } };
      }),
    );
    expect(planSandbox(task, where)).toMatchObject({ user: 'image', env: { A: '1' } });
    expect(planSandbox(task, { ...where, oracle: true })).toMatchObject({
      user: 'root',
      env: { A: '1', B: '2' },
    });
    expect(problems(copyWith((m) => (m.environment.user = 'not a user!')))).toMatch(
      /environment\.user: a user name, `uid\[:gid\]`, or `image`/,
    );
  });

  it('keeps processes for grading, reads reward files, and puts fixtures where the task says', () => {
    const task = loadTask(
      copyWith((m) => {
        m.grader.keep_processes = true;
        m.grader.fixtures_at = '/tests';
        m.grader.env = { LEVEL: 'strict' };
        m.grader.checks.push({
          name: 'reward',
          type: 'reward_file',
          command: 'bash /tests/test.sh',
          path: 'reward.txt',
        });
      }),
    );
    expect(task.manifest.grader).toMatchObject({
      keep_processes: true,
      fixtures_at: '/tests',
      env: { LEVEL: 'strict' },
    });
    expect(task.manifest.grader.checks.at(-1)).toMatchObject({
      type: 'reward_file',
      key: 'reward',
      timeout_s: 600,
    });
    expect(loadTask(HELLO).manifest.grader.keep_processes).toBe(false);
    expect(problems(copyWith((m) => (m.grader.fixtures_at = '/etc')))).toMatch(
      /grader\.fixtures_at: not a system folder/,
    );
  });

  it('starts an empty workspace when the task says `workspace: null`', () => {
    const dir = copyWith((m) => (m.workspace = null));
    rmSync(path.join(dir, 'workspace'), { recursive: true });
    expect(loadTask(dir).paths.workspace).toBeNull();
  });

  it('warns when the image writes into the workdir and the workspace is copied in over it; not when it starts empty', () => {
    const withImage = (m: Record<string, unknown>) => {
      m.environment = { dockerfile: 'env', workdir: '/app' };
    };
    const dockerfile = 'FROM debian:bookworm-slim\nWORKDIR /app\nRUN echo x > /app/f\nCOPY notes.txt /app/\n';
    const seeded = copyWith(withImage);
    mkdirSync(path.join(seeded, 'env'));
    writeFileSync(path.join(seeded, 'env', 'Dockerfile'), dockerfile);
    writeFileSync(path.join(seeded, 'env', 'notes.txt'), 'notes\n');
    const warned = taskWarnings(loadTask(seeded)).join('\n');
    expect(warned).toMatch(
      /the image puts files in \/app \(RUN echo x > \/app\/f; COPY notes\.txt \/app\/\)/,
    );
    expect(warned).toContain("a workspace file at the same path replaces the image's");

    const empty = copyWith((m) => {
      withImage(m);
      m.workspace = null;
    });
    rmSync(path.join(empty, 'workspace'), { recursive: true });
    mkdirSync(path.join(empty, 'env'));
    writeFileSync(path.join(empty, 'env', 'Dockerfile'), dockerfile);
    writeFileSync(path.join(empty, 'env', 'notes.txt'), 'notes\n');
    expect(taskWarnings(loadTask(empty)).join('\n')).not.toContain('the image puts files');
  });
});
