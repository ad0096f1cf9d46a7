import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { writeSuite, writeTask } from '../helpers/tasks.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir('fb-limits-');
let n = 0;

/** A minimal valid task whose task.yaml is then rewritten by `edit` (text in, text out). */
function taskWith(edit: (yaml: string) => string): { dir: string; file: string } {
  const dir = writeTask(root, `limits_${n++}`);
  const file = path.join(dir, 'task.yaml');
  writeFileSync(file, edit(readFileSync(file, 'utf8')));
  return { dir, file };
}

/** `run --model null` on a task: bad input must stop it before any sandbox work. */
async function run(dir: string, ...extra: string[]) {
  return runCli(['run', '--task', dir, '--model', 'null', '--runs-dir', path.join(root, 'runs'), ...extra]);
}

/** Exit 2, one line naming the file (and field), no stack trace, no RangeError. */
function expectBadInput(r: { code: number; stdout: string; stderr: string }, ...mentions: string[]) {
  expect(r.code).toBe(2);
  for (const m of mentions) expect(r.stderr).toContain(m);
  expect(r.stderr).not.toMatch(/\n\s+at |RangeError|TimeoutOverflow/);
  // One line (commander adds its usage hint after a bad flag).
  expect(
    r.stderr
      .trim()
      .split('\n')
      .filter((l) => l !== '(add --help for usage)'),
  ).toHaveLength(1);
}

describe('durations have a maximum, named in the error', () => {
  it('max_wall_seconds: 3000000', async () => {
    const { dir, file } = taskWith((y) => y.replace(/max_wall_seconds: \d+/, 'max_wall_seconds: 3000000'));
    const r = await run(dir);
    expectBadInput(r, `${file}: budget.max_wall_seconds: at most 86400 seconds (a day), got 3000000`);
  });

  it('max_wall_seconds: 1e10 (no RangeError)', async () => {
    const { dir, file } = taskWith((y) => y.replace(/max_wall_seconds: \d+/, 'max_wall_seconds: 1e10'));
    expectBadInput(await run(dir), `${file}: budget.max_wall_seconds: at most 86400 seconds`);
  });

  it("a check's timeout_s: 3000000", async () => {
    const { dir, file } = taskWith((y) =>
      y.replace(
        '      path: README\n',
        '      path: README\n    - name: slow\n      type: command_exit_zero\n      command: "true"\n      timeout_s: 3000000\n',
      ),
    );
    expectBadInput(await run(dir), `${file}: grader.checks.1.timeout_s: at most 86400 seconds`);
  });

  it("a service healthcheck's interval_s: 1e9", async () => {
    const { dir, file } = taskWith((y) =>
      y.replace(
        'environment:\n  image: debian:bookworm-slim\n',
        'environment:\n  image: debian:bookworm-slim\n  services:\n    db:\n      image: debian:bookworm-slim\n      healthcheck: { test: "true", interval_s: 1e9 }\n',
      ),
    );
    expectBadInput(await run(dir), `${file}: environment.services.db.healthcheck.interval_s: at most 86400`);
  });

  it('run --max-wall-seconds 3000000', async () => {
    const { dir } = taskWith((y) => y);
    const r = await run(dir, '--max-wall-seconds', '3000000');
    expectBadInput(r, '--max-wall-seconds', 'at most 86400 seconds');
  });

  it("a suite's budget.max_wall_seconds: 3000000", async () => {
    const { dir } = taskWith((y) => y);
    const suite = writeSuite(
      path.join(root, 'suites', 'too_long.yaml'),
      `id: too_long\ndefaults:\n  budget: { max_wall_seconds: 3000000 }\ntasks:\n  - ${dir}\n`,
    );
    const r = await runCli(['suite', 'run', suite, '--model', 'null', '--runs-dir', path.join(root, 'runs')]);
    expectBadInput(r, `${suite}: defaults.budget.max_wall_seconds: at most 86400 seconds`);
  });
});

describe('manifest errors say where', () => {
  it('a YAML syntax error on line 7 says line 7 and its column', async () => {
    const { dir, file } = taskWith((y) => {
      const lines = y.split('\n');
      lines[6] = `${lines[6]}: [unclosed`;
      return lines.join('\n');
    });
    expect(readFileSync(file, 'utf8').split('\n')[6]).toMatch(/\[unclosed$/);
    const r = await run(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`${file}: invalid YAML at line 7, column \\d+: `));
    expect(r.stderr).not.toContain('line 0');
    // The first error only (the parser's later ones follow from it), in one line.
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('an alias bomb exits 2 naming the file', async () => {
    const bomb = [
      'x1: &a1 [l, l, l, l, l, l, l, l, l, l]',
      ...Array.from(
        { length: 8 },
        (_, i) =>
          `x${i + 2}: &a${i + 2} [${Array(10)
            .fill(`*a${i + 1}`)
            .join(', ')}]`,
      ),
    ].join('\n');
    const { dir, file } = taskWith((y) => `${bomb}\n${y}`);
    expectBadInput(await run(dir), `${file}: invalid YAML: `, 'aliases');
  });

  it('an unknown YAML tag is refused with its line', async () => {
    const { dir, file } = taskWith((y) => y.replace('title: Task', 'title: !!python/object:os.system Task'));
    expectBadInput(await run(dir), `${file}: invalid YAML at line 2, column 8: `, 'tags are not allowed');
  });

  it('workdir: / is refused', async () => {
    const { dir, file } = taskWith((y) =>
      y.replace('  image: debian:bookworm-slim\n', '  image: debian:bookworm-slim\n  workdir: /\n'),
    );
    expectBadInput(
      await run(dir),
      `${file}: environment.workdir: the workspace cannot be mounted over the root`,
    );
  });

  it('workdir over a system folder or under /proc is refused; /usr/src/app is fine', async () => {
    for (const bad of ['/etc', '/proc/self', '/opt/factory-bench/grader', '/work/../etc', '/work/']) {
      const { dir } = taskWith((y) =>
        y.replace('  image: debian:bookworm-slim\n', `  image: debian:bookworm-slim\n  workdir: ${bad}\n`),
      );
      expectBadInput(await runCli(['describe', '--task', dir]), 'environment.workdir: ');
    }
    const { dir } = taskWith((y) =>
      y.replace(
        '  image: debian:bookworm-slim\n',
        '  image: debian:bookworm-slim\n  workdir: /usr/src/app\n',
      ),
    );
    expect((await runCli(['describe', '--task', dir])).code).toBe(0);
  });

  it("a suite's bad task entry names the suite file and the entry", async () => {
    const { dir, file } = taskWith((y) => y.replace(/difficulty: \w+/, 'difficulty: trivial'));
    const suite = writeSuite(
      path.join(root, 'suites', 'bad_entry.yaml'),
      `id: bad_entry\ntasks:\n  - ${writeTask(root, 'fine_task')}\n  - ${dir}\n`,
    );
    const r = await runCli(['suite', 'run', suite, '--model', 'null', '--runs-dir', path.join(root, 'runs')]);
    expectBadInput(r, `${suite}: tasks.1: ${JSON.stringify(dir)}: ${file}: difficulty: expected one of`);
  });
});
