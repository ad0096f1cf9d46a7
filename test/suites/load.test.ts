import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSuite, resolveTaskPattern } from '../../src/suites/load.js';
import { ManifestError } from '../../src/tasks/index.js';
import { writeSuite, writeTask } from '../helpers/tasks.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir('fb-suite-load-');
for (const id of ['a_one', 'a_two', 'b_one']) writeTask(path.join(root, 'tasks'), id);
writeTask(path.join(root, 'suites', 'local'), 'near');
writeTask(path.join(root, 'tasks', 'nested', 'deep'), 'deep_task');

function problems(file: string): string[] {
  try {
    loadSuite(file);
  } catch (err) {
    if (err instanceof ManifestError) return err.message.split('\n');
    throw err;
  }
  return [];
}

describe('loadSuite', () => {
  it('resolves paths and globs against the suite folder, then the repository, with overrides', () => {
    const file = writeSuite(
      path.join(root, 'suites', 'mixed.yaml'),
      [
        'id: mixed',
        'title: Mixed',
        'defaults:',
        '  model: oracle',
        '  concurrency: 3',
        '  epochs: 2',
        '  budget: { max_wall_seconds: 100, max_tokens: 5000 }',
        'tasks:',
        '  - local/near',
        '  - tasks/a_*',
        '  - path: tasks/b_one/task.yaml',
        '    epochs: 5',
        '    budget: { max_wall_seconds: 900 }',
        '  - tasks/**/deep_task',
        '',
      ].join('\n'),
    );
    const s = loadSuite(file);
    expect(s.tasks.map((t) => t.id)).toEqual(['near', 'a_one', 'a_two', 'b_one', 'deep_task']);
    expect(s.defaults).toEqual({
      model: 'oracle',
      agent: { kind: 'builtin' },
      capabilities: null,
      concurrency: 3,
      epochs: 2,
    });
    const b = s.tasks.find((t) => t.id === 'b_one');
    expect(b?.epochs).toBe(5);
    expect(b?.budget).toEqual({ max_wall_seconds: 900, max_tokens: 5000 });
    expect(s.tasks[0]?.budget).toEqual({ max_wall_seconds: 100, max_tokens: 5000 });
    expect(s.tasks[0]?.task.dir).toBe(path.join(root, 'suites', 'local', 'near'));
  });

  it('reports every problem with file and field: unknown fields, no match, duplicates, bad tasks', () => {
    mkdirSync(path.join(root, 'tasks', 'broken_task'), { recursive: true });
    writeFileSync(path.join(root, 'tasks', 'broken_task', 'task.yaml'), 'id: broken_task\n');
    const file = writeSuite(
      path.join(root, 'suites', 'bad.yaml'),
      'id: bad\ntasks:\n  - tasks/missing\n  - tasks/a_one\n  - tasks/a_*\n  - tasks/broken_task\n  - path: tasks/b_one\n    epochs: 0\n',
    );
    const lines = problems(file);
    expect(lines).toContain(`${file}: tasks.4.epochs: Too small: expected number to be >0, got 0`);
    const second = writeSuite(
      path.join(root, 'suites', 'bad2.yaml'),
      'id: bad2\ntasks:\n  - tasks/missing\n  - tasks/a_one\n  - tasks/a_*\n  - tasks/broken_task\n',
    );
    const more = problems(second);
    expect(more[0]).toMatch(
      /bad2\.yaml: tasks\.0: no task folder \(with a task\.yaml or task\.toml\) matches "tasks\/missing"/,
    );
    expect(more).toContain(`${second}: tasks.2: task "a_one" is already in the suite (from tasks.1)`);
    // A broken task is named from the suite's side too: the suite file, the entry, then the task's own problem.
    const brokenManifest = path.join(root, 'tasks', 'broken_task', 'task.yaml');
    expect(
      more.some((l) => l.startsWith(`${second}: tasks.3: "tasks/broken_task": ${brokenManifest}: `)),
    ).toBe(true);
    expect(
      problems(writeSuite(path.join(root, 'suites', 'bad3.yaml'), 'id: x\ntasks: []\nfoo: 1\n')),
    ).toEqual([
      `${path.join(root, 'suites', 'bad3.yaml')}: tasks: Too small: expected array to have >=1 items, got []`,
      `${path.join(root, 'suites', 'bad3.yaml')}: unknown field \`foo\``,
    ]);
    expect(problems(path.join(root, 'suites', 'none.yaml'))[0]).toMatch(
      /none\.yaml: cannot read file \(ENOENT\)/,
    );
  });

  it('matches globs by path segments, with classes and braces (picomatch)', () => {
    const names = (pattern: string) =>
      resolveTaskPattern(pattern, [root]).map((d) => path.relative(root, d).split(path.sep).join('/'));
    expect(names('tasks/*_o*')).toEqual(['tasks/a_one', 'tasks/b_one']);
    expect(names('./tasks/a_*')).toEqual(['tasks/a_one', 'tasks/a_two']);
    expect(names('tasks/**/deep_task')).toEqual(['tasks/nested/deep/deep_task']);
    expect(names('tasks/?_one')).toEqual(['tasks/a_one', 'tasks/b_one']);
    // A class and braces (before: `[` was a wildcard to one check and a literal to the matcher; braces were literal).
    expect(names('tasks/[ab]_one')).toEqual(['tasks/a_one', 'tasks/b_one']);
    expect(names('tasks/{a_two,b_one}')).toEqual(['tasks/a_two', 'tasks/b_one']);
    expect(names('tasks/{a_two,b_one}/task.yaml')).toEqual(['tasks/a_two', 'tasks/b_one']);
  });

  it('keeps globs under the suite folder: absolute, ".." and negated globs are refused, naming the entry', () => {
    const file = writeSuite(
      path.join(root, 'suites', 'outside.yaml'),
      'id: outside\ntasks:\n  - /**/deep_task\n  - ../*/a_one\n  - path: tasks/*/../../**/b_one\n  - "!tasks/a_one"\n  - tasks/a_one\n',
    );
    const where =
      'a glob must stay under the suite\'s folder (or its repository): give it relative to them, without ".."';
    expect(problems(file)).toEqual([
      `${file}: tasks.0: "/**/deep_task": ${where}`,
      `${file}: tasks.1: "../*/a_one": ${where}`,
      `${file}: tasks.2.path: "tasks/*/../../**/b_one": ${where}`,
      `${file}: tasks.3: "!tasks/a_one": a negated glob names no task folder`,
    ]);
    // Walked or not, nothing outside the bases is ever matched.
    expect(resolveTaskPattern('/**/deep_task', [root])).toEqual([]);
  });

  it('loads the shipped suites', () => {
    const smoke = loadSuite('suites/smoke.yaml');
    expect(smoke.tasks.map((t) => t.id)).toEqual(['hello_repo_fix']);
  });
});
