import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { TaskValidation } from '../../src/orchestrator/index.js';
import { runCli } from '../helpers/cli.js';
import { HAS_DOCKER, leftoversFor } from '../helpers/docker.js';
import { copySharedImages } from '../helpers/tasks.js';
import { tempDir } from '../helpers/tmp.js';

const HELLO = path.resolve('tasks/hello_repo_fix');
const root = tempDir('fb-validate-');
const runsDir = path.join(root, 'runs');
copySharedImages(root);
let copies = 0;
/** A first run may build the task image from Debian's mirror. */
const DOCKER_TIMEOUT_MS = 600_000;

/** A copy of hello_repo_fix in its own tasks folder, changed by `edit` (manifest and files). */
// biome-ignore lint/suspicious/noExplicitAny: the tests edit arbitrary YAML shapes on purpose
function brokenCopy(edit: (manifest: Record<string, any>, dir: string) => void): string {
  const tasksDir = path.join(root, `tasks${copies++}`);
  const dir = path.join(tasksDir, 'hello_repo_fix');
  cpSync(HELLO, dir, { recursive: true });
  const manifest = parse(readFileSync(path.join(dir, 'task.yaml'), 'utf8'));
  edit(manifest, dir);
  writeFileSync(path.join(dir, 'task.yaml'), stringify(manifest));
  return dir;
}

async function validate(args: string[]) {
  const out = await runCli(['validate', ...args, '--runs-dir', runsDir]);
  return out;
}

describe('validate: bad input', () => {
  it('asks for --task or --all, and refuses both', async () => {
    const none = await validate([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--task DIR \(repeatable\) or --all/);
    const both = await validate(['--all', '--task', HELLO]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/either --task or --all, not both/);
  });

  it('stops on an invalid manifest before starting any sandbox, naming the file and field', async () => {
    const dir = brokenCopy((m) => delete m.title);
    const { code, stderr, stdout } = await validate(['--all', '--tasks-dir', path.dirname(dir)]);
    expect(code).toBe(2);
    expect(stderr).toContain(`${path.join(dir, 'task.yaml')}: title: required field is missing`);
    expect(stdout).toBe('');
  });

  it('reports an empty tasks folder', async () => {
    const { code, stderr } = await validate(['--all', '--tasks-dir', path.join(root, 'nothing-here')]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/no task folders/);
  });
});

describe.runIf(HAS_DOCKER)('validate with the Docker engine', () => {
  it(
    'a sound task: the oracle passes with 1.0, null fails, one line with both results and times',
    async () => {
      const { code, stdout, stderr } = await validate(['--task', HELLO]);
      expect(stderr).toMatch(/1 task\(s\) validated: all sound/);
      const line = stdout.trim().split('\n');
      expect(line).toHaveLength(1);
      expect(line[0]).toMatch(
        /^hello_repo_fix {2}sound {4}oracle passed 1\.00 \(\d+\.\ds\) {2}null failed 0\.00 \(\d+\.\ds\) {2}total \d+\.\ds$/,
      );
      expect(code).toBe(0);
    },
    DOCKER_TIMEOUT_MS,
  );

  it(
    'a solution that no longer passes: exit 1, and the message says the oracle half failed',
    async () => {
      const dir = brokenCopy((_m, d) => {
        // The "fix" now edits the wrong line: the bug stays.
        writeFileSync(
          path.join(d, 'solution/solve.sh'),
          '#!/usr/bin/env bash\ncd /workspace\necho "# touched" >> README.md\n',
        );
      });
      const { code, stdout } = await validate(['--task', dir, '--json']);
      const [v] = JSON.parse(stdout) as TaskValidation[];
      expect(v?.sound).toBe(false);
      expect(v?.oracle.passed).toBe(false);
      expect(v?.null.passed).toBe(false);
      expect(v?.problems).toHaveLength(1);
      expect(v?.problems[0]?.kind).toBe('oracle_failed');
      expect(v?.problems[0]?.message).toMatch(/^oracle did not pass: .*tests_pass failed/);
      expect(code).toBe(1);
      expect(leftoversFor(v?.oracle.run_id ?? '')).toEqual([]);
    },
    DOCKER_TIMEOUT_MS,
  );

  it(
    'a grader that passes an untouched workspace: exit 1, and the message says null was not rejected',
    async () => {
      const dir = brokenCopy((m) => {
        // Only checks that the package exists, which it always does.
        m.grader.checks = m.grader.checks.filter((c: { name: string }) => c.name === 'package_present');
        m.grader.checks[0].weight = 1;
      });
      const { code, stdout } = await validate(['--task', dir]);
      expect(stdout).toMatch(/^hello_repo_fix {2}UNSOUND {2}oracle passed 1\.00 .* null passed 1\.00 /);
      expect(stdout).toContain('hello_repo_fix: null was not rejected: an untouched workspace passes');
      expect(stdout).not.toContain('oracle did not pass');
      expect(code).toBe(1);
    },
    DOCKER_TIMEOUT_MS,
  );

  it(
    'an environment that cannot be built: exit 3, reported as an environment error for both halves',
    async () => {
      const dir = brokenCopy((m, d) => {
        delete m.environment.shared_image;
        m.environment.dockerfile = 'environment';
        mkdirSync(path.join(d, 'environment'));
        writeFileSync(path.join(d, 'environment/Dockerfile'), 'FROM debian:bookworm-slim\nRUN exit 7\n');
      });
      const { code, stdout } = await validate(['--task', dir, '--json']);
      const [v] = JSON.parse(stdout) as TaskValidation[];
      expect(v?.problems.map((p) => [p.kind, p.model])).toEqual([
        ['environment_error', 'oracle'],
        ['environment_error', 'null'],
      ]);
      expect(v?.problems[0]?.message).toMatch(
        /^environment error: the oracle run ended with environment_error/,
      );
      expect(code).toBe(3);
    },
    DOCKER_TIMEOUT_MS,
  );
});
