import { createHash } from 'node:crypto';
import { cpSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTask } from '../../src/orchestrator/index.js';
import { discoverTaskDirs, loadTask, type Task } from '../../src/tasks/index.js';
import { HAS_DOCKER } from '../helpers/docker.js';
import { ScriptedBashAgent } from '../helpers/judge-fakes.js';
import { copySharedImages } from '../helpers/tasks.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * The grader's fixtures (held-out data, expected outputs, hidden tests), the
 * reference solution and the manifest must never be within the agent's reach
 * while it works: not in workspace/, and nowhere in its sandbox.
 */

const TASKS = discoverTaskDirs(path.resolve('tasks')).map((dir) => loadTask(dir));
const root = tempDir('fb-hidden-');
copySharedImages(root);

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === '__pycache__' ? [] : filesUnder(full);
    return e.isFile() ? [full] : [];
  });
}

const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Files the agent must not see: fixtures, the reference solution, the manifest. */
function secretFiles(task: Task): string[] {
  return [
    ...(task.paths.fixtures ? filesUnder(task.paths.fixtures) : []),
    ...filesUnder(task.paths.solution),
    task.manifestPath,
  ];
}

/** Up to two long lines per fixture file that appear in no workspace file: leaks of partial copies. */
function markers(task: Task): string[] {
  if (!task.paths.fixtures) return [];
  const seen = new Set(
    filesUnder(task.paths.workspace as string).flatMap((f) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .map((l) => l.trim()),
    ),
  );
  return filesUnder(task.paths.fixtures).flatMap((f) =>
    readFileSync(f, 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.length >= 20 && !seen.has(l) && !l.includes("'"))
      .sort((a, b) => b.length - a.length)
      .slice(0, 2),
  );
}

/** A shell script that reports every reachable exact copy (size + sha256) or marker line. */
function searchScript(task: Task): string {
  const secrets = secretFiles(task).map((f) => ({ size: statSync(f).size, hash: sha256(f) }));
  const sizes = [...new Set(secrets.map((s) => `-size ${s.size}c`))].join(' -o ');
  const hashes = secrets.map((s) => s.hash).join(' ');
  const greps = markers(task)
    .map((m) => `-e '${m}'`)
    .join(' ');
  return [
    `hashes=" ${hashes} "`,
    `find / \\( -path /proc -o -path /sys -o -path /dev \\) -prune -o -type f \\( ${sizes} \\) -print 2>/dev/null |`,
    '  while IFS= read -r f; do h=$(sha256sum "$f" 2>/dev/null | cut -c1-64);',
    '    case "$hashes" in *" $h "*) echo "LEAK copy $f";; esac; done',
    greps
      ? `grep -rlF --exclude-dir=proc --exclude-dir=sys --exclude-dir=dev --exclude-dir=usr ${greps} / 2>/dev/null | sed 's/^/LEAK marker /'`
      : 'true',
    'ls -d /opt/factory-bench/* 2>/dev/null | sed "s/^/LEAK harness folder /"',
    'echo SEARCH-DONE',
  ].join('\n');
}

/** Runs the search in `task`'s sandbox for the secrets of `secretsOf` (the same task unless a control). */
async function snoop(task: Task, secretsOf: Task = task): Promise<string> {
  // The search speaks native tool calls whatever protocol the task tests.
  // The search happens while the agent works; grading an untouched workspace afterwards proves nothing
  // here (validate does that) and costs minutes over the whole library, so one trivial check stands in.
  const native: Task = {
    ...task,
    manifest: {
      ...task.manifest,
      tools: { ...task.manifest.tools, style: 'native' },
      grader: {
        ...task.manifest.grader,
        checks: [{ name: 'searched', type: 'file_present', path: '/etc/hostname', weight: 1, gating: false }],
      },
    },
  };
  const model = new ScriptedBashAgent([searchScript(secretsOf)]);
  const { result, runDir } = await runTask({
    task: native,
    model,
    runsRoot: path.join(root, 'runs'),
    toolTimeoutMs: 240_000,
  });
  expect(
    result.status === 'completed' || result.status === 'grader_error',
    JSON.stringify(result.error),
  ).toBe(true);
  // What the search printed, as the agent saw it.
  return readFileSync(path.join(runDir, 'transcript.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { type: string; content?: string })
    .filter((e) => e.type === 'tool_result')
    .map((e) => e.content ?? '')
    .join('\n');
}

describe('held-out data and expected outputs stay out of the workspace', () => {
  it('finds the four built-in tasks, each with grader fixtures', () => {
    expect(TASKS.map((t) => t.manifest.id).sort()).toEqual(
      expect.arrayContaining([
        'hello_repo_fix',
        'pandas_transform',
        'postgres_migration',
        'sklearn_classifier',
      ]),
    );
    for (const task of TASKS) expect(task.paths.fixtures, task.manifest.id).not.toBeNull();
  });

  it.each(TASKS.map((t) => [t.manifest.id, t] as const))(
    '%s: no fixture or solution file, nor a marker line of one, is in workspace/',
    (_id, task) => {
      const fixtures = task.paths.fixtures as string;
      expect(path.relative(task.paths.workspace as string, fixtures).startsWith('..')).toBe(true);
      const secret = new Set(secretFiles(task).map(sha256));
      const workspaceFiles = filesUnder(task.paths.workspace as string);
      expect(workspaceFiles.filter((f) => secret.has(sha256(f)))).toEqual([]);
      const text = workspaceFiles.map((f) => readFileSync(f, 'utf8')).join('\n');
      const found = markers(task).filter((m) => text.includes(m));
      expect(found).toEqual([]);
      expect(markers(task).length).toBeGreaterThan(0);
    },
  );
});

describe.runIf(HAS_DOCKER)('held-out data is unreachable from the sandbox during the agent run', () => {
  it.each(TASKS.map((t) => [t.manifest.id, t] as const))(
    '%s: a scripted agent searching the whole filesystem finds nothing',
    async (_id, task) => {
      const report = await snoop(task);
      expect(report).toContain('SEARCH-DONE');
      expect(report).not.toContain('LEAK');
    },
    600_000,
  );

  it('the search does find a fixture that leaked into the workspace (control)', async () => {
    const hello = TASKS.find((t) => t.manifest.id === 'hello_repo_fix') as Task;
    const dir = path.join(root, 'leaky');
    cpSync(hello.dir, dir, { recursive: true });
    cpSync(path.join(dir, 'grader/tests/test_stats.py'), path.join(dir, 'workspace/tests/test_hidden.py'));
    // Markers come from the untouched task: with the copy in the workspace they would exclude themselves.
    const report = await snoop(loadTask(dir), hello);
    expect(report).toMatch(/LEAK copy \/workspace\/tests\/test_hidden\.py/);
    expect(report).toMatch(/LEAK marker \/workspace\/tests\/test_hidden\.py/);
  }, 600_000);
});
