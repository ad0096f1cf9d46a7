import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { inspectTask, loadTask, ManifestError, taskFromSnapshot } from '../../src/tasks/index.js';
import { runCli } from '../helpers/cli.js';
import { copySharedImages } from '../helpers/tasks.js';
import { tempDir } from '../helpers/tmp.js';

const HELLO = path.resolve('tasks/hello_repo_fix');
const root = tempDir();
copySharedImages(root);
let n = 0;

/** A copy of hello_repo_fix with its manifest changed by `edit`. */
// biome-ignore lint/suspicious/noExplicitAny: the tests edit arbitrary YAML shapes on purpose
function brokenCopy(edit: (m: Record<string, any>) => void): string {
  const dir = path.join(root, `task${n++}`);
  cpSync(HELLO, dir, { recursive: true });
  const manifest = parse(readFileSync(path.join(dir, 'task.yaml'), 'utf8'));
  edit(manifest);
  writeFileSync(path.join(dir, 'task.yaml'), stringify(manifest));
  return dir;
}

function problemsOf(dir: string): string[] {
  try {
    loadTask(dir);
  } catch (err) {
    expect(err).toBeInstanceOf(ManifestError);
    return (err as Error).message.split('\n');
  }
  throw new Error('expected the manifest to be rejected');
}

describe('task manifests', () => {
  it('loads the built-in task with defaults resolved and paths absolute', () => {
    const task = loadTask(HELLO);
    expect(task.manifest.id).toBe('hello_repo_fix');
    expect(task.manifest.environment.workdir).toBe('/workspace');
    expect(task.manifest.environment.network.allow).toEqual([]);
    expect(task.paths.workspace).toBe(path.join(HELLO, 'workspace'));
    expect(task.paths.buildContext).toBe(path.resolve('images/ml-python'));
  });

  it('names the file and the field of a missing field', () => {
    const dir = brokenCopy((m) => delete m.title);
    expect(problemsOf(dir)).toEqual([
      `${path.join(dir, 'task.yaml')}: title: required field is missing (expected string)`,
    ]);
  });

  it('names the field and both types for a wrong type', () => {
    const dir = brokenCopy((m) => (m.budget.max_tool_calls = 'many'));
    expect(problemsOf(dir)[0]).toMatch(/task\.yaml: budget\.max_tool_calls: expected number, got string$/);
  });

  it('rejects an unknown check type with the field path', () => {
    const dir = brokenCopy((m) => (m.grader.checks[1].type = 'vibes_check'));
    expect(problemsOf(dir)[0]).toMatch(/task\.yaml: grader\.checks\.1\.type: .*"vibes_check"/);
  });

  it('rejects an unknown field', () => {
    const dir = brokenCopy((m) => (m.enviroment = {}));
    expect(problemsOf(dir)[0]).toMatch(/unknown field `enviroment`/);
  });

  it('reports a path that does not exist or leaves the task folder', () => {
    const missing = brokenCopy((m) => {
      delete m.environment.shared_image;
      m.environment.dockerfile = 'no_such_dir';
    });
    expect(problemsOf(missing)[0]).toMatch(/environment\.dockerfile: folder "no_such_dir" does not exist/);
    const escaping = brokenCopy((m) => (m.solution = '../../etc'));
    expect(problemsOf(escaping).join('\n')).toMatch(/solution: path "..\/..\/etc" leaves the task folder/);
  });

  it('reports an unreadable task.yaml and invalid YAML', () => {
    const empty = path.join(root, 'empty');
    mkdirSync(empty);
    expect(problemsOf(empty)[0]).toMatch(/task\.yaml: cannot read file \(ENOENT\)/);
    expect(problemsOf(path.join(root, 'no_such_task'))).toEqual([
      `${path.join(root, 'no_such_task')}: no such task folder or task.yaml`,
    ]);
    const bad = brokenCopy(() => {});
    writeFileSync(path.join(bad, 'task.yaml'), 'id: [unclosed\n');
    expect(problemsOf(bad)[0]).toMatch(/invalid YAML at line/);
  });

  it('inspectTask returns every problem at once', () => {
    const dir = brokenCopy((m) => {
      delete m.title;
      m.difficulty = 'trivial';
    });
    const { problems } = inspectTask(dir);
    expect(problems.map((p) => p.field).sort()).toEqual(['difficulty', 'title']);
  });

  it('the CLI prints one line per problem and exits 2 with no stack trace', async () => {
    const dir = brokenCopy((m) => delete m.grader);
    const { code, stderr } = await runCli([
      'run',
      '--task',
      dir,
      '--model',
      'null',
      '--runs-dir',
      path.join(root, 'runs'),
    ]);
    expect(code).toBe(2);
    expect(stderr.trim()).toBe(
      `factory-bench: ${path.join(dir, 'task.yaml')}: grader: required field is missing (expected object)`,
    );
    expect(stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it('describe lists problems and exits 2; list-tasks lists the built-in task', async () => {
    const dir = brokenCopy((m) => (m.difficulty = 'trivial'));
    const described = await runCli(['describe', '--task', dir, '--json']);
    expect(described.code).toBe(2);
    expect(JSON.parse(described.stdout).problems[0].field).toBe('difficulty');
    const listed = await runCli(['list-tasks', '--json']);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout).map((t: { id: string }) => t.id)).toContain('hello_repo_fix');
  });
});

describe('shared images', () => {
  it('resolve to images/<name>/ in the nearest folder above the task, and describe says which', async () => {
    const dir = brokenCopy(() => {});
    expect(loadTask(dir).paths.buildContext).toBe(path.join(root, 'images/ml-python'));
    // A nearer images/ folder wins over one further up.
    const nested = path.join(root, 'nested');
    mkdirSync(path.join(nested, 'images/ml-python'), { recursive: true });
    writeFileSync(path.join(nested, 'images/ml-python/Dockerfile'), 'FROM debian:bookworm-slim\n');
    const inner = path.join(nested, 'tasks/hello');
    cpSync(dir, inner, { recursive: true });
    expect(loadTask(inner).paths.buildContext).toBe(path.join(nested, 'images/ml-python'));

    const described = await runCli(['describe', '--task', dir, '--json']);
    expect(described.code).toBe(0);
    expect(JSON.parse(described.stdout).image).toEqual({
      kind: 'shared',
      name: 'ml-python',
      build_context: path.join(root, 'images/ml-python'),
    });
    const text = await runCli(['describe', '--task', dir]);
    expect(text.stderr).toContain(
      `image: shared image ml-python (factory-bench/ml-python:<hash>, built from ${path.join(root, 'images/ml-python')})`,
    );
  });

  it('every built-in task on a shared image resolves it in the repository', () => {
    for (const id of ['hello_repo_fix', 'pandas_transform', 'sklearn_classifier']) {
      const task = loadTask(path.resolve('tasks', id));
      expect(task.manifest.environment.shared_image, id).toBe('ml-python');
      expect(task.paths.buildContext, id).toBe(path.resolve('images/ml-python'));
    }
  });

  it('a missing shared image is a manifest error naming the field', () => {
    const dir = brokenCopy((m) => (m.environment.shared_image = 'no-such-image'));
    expect(problemsOf(dir)).toEqual([
      `${path.join(dir, 'task.yaml')}: environment.shared_image: no shared image "no-such-image": no images/no-such-image/Dockerfile in any folder above ${dir}`,
    ]);
  });

  it('refuses a name outside the strict pattern, so a manifest cannot name a host path', () => {
    for (const name of ['../../etc', 'ML-Python', '/images/x', 'a b', '']) {
      const dir = brokenCopy((m) => (m.environment.shared_image = name));
      expect(problemsOf(dir)[0], name).toMatch(/environment\.shared_image: /);
    }
  });

  it('refuses a shared image together with a dockerfile or an image', () => {
    const dir = brokenCopy((m) => (m.environment.image = 'debian:bookworm-slim'));
    expect(problemsOf(dir)[0]).toMatch(
      /environment: the environment needs exactly one of `image`, `dockerfile` or `shared_image`/,
    );
  });

  it('refuses a context or Dockerfile that is a symlink leading out of images/', () => {
    const outside = tempDir('fb-outside-');
    writeFileSync(path.join(outside, 'Dockerfile'), 'FROM debian:bookworm-slim\n');
    const repo = path.join(root, 'symlinked');
    mkdirSync(path.join(repo, 'images/inner'), { recursive: true });
    symlinkSync(outside, path.join(repo, 'images/escape'));
    symlinkSync(path.join(outside, 'Dockerfile'), path.join(repo, 'images/inner/Dockerfile'));
    for (const [name, why] of [
      ['escape', /is a symlink leading out of/],
      ['inner', /is not a regular file inside/],
    ] as const) {
      const dir = path.join(repo, 'tasks', name);
      cpSync(
        brokenCopy((m) => (m.environment.shared_image = name)),
        dir,
        { recursive: true },
      );
      expect(problemsOf(dir)[0], name).toMatch(why);
    }
  });
});

describe('shared images when re-grading', () => {
  it('a run snapshot resolves its shared image from the task folder, or says which field is wrong', () => {
    const runDir = path.join(root, 'run-snapshot');
    mkdirSync(runDir);
    cpSync(path.join(HELLO, 'task.yaml'), path.join(runDir, 'manifest.snapshot.yaml'));
    expect(taskFromSnapshot(runDir, HELLO).paths.buildContext).toBe(path.resolve('images/ml-python'));
    const stray = path.join(tempDir('fb-stray-'), 'hello_repo_fix');
    cpSync(HELLO, stray, { recursive: true });
    expect(() => taskFromSnapshot(runDir, stray)).toThrow(ManifestError);
    expect(() => taskFromSnapshot(runDir, stray)).toThrow(
      /manifest\.snapshot\.yaml: environment\.shared_image: no shared image "ml-python"/,
    );
  });
});
