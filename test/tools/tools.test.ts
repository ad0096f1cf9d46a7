import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerRunner, ensureImage, SANDBOX_PATHS } from '../../src/sandbox/index.js';
import { Toolbox, type ToolContext } from '../../src/tools/index.js';
import { HAS_DOCKER, leftoversFor } from '../helpers/docker.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir('fb-tools-');

describe('Toolbox schemas', () => {
  const box = new Toolbox(['bash', 'python', 'text_editor', 'git_diff']);

  it('gives every tool a top-level object JSON Schema generated from its zod schema', () => {
    const specs = box.specs();
    expect(specs.map((s) => s.name)).toEqual(['bash', 'python', 'text_editor', 'git_diff']);
    for (const s of specs) {
      expect(s.parameters.type).toBe('object');
      expect(s.parameters.additionalProperties).toBe(false);
      expect(s.parameters).not.toHaveProperty('$schema');
      expect(s.description.length).toBeGreaterThan(20);
    }
    const editor = specs.find((s) => s.name === 'text_editor')?.parameters as {
      properties: Record<string, { enum?: string[] }>;
      required: string[];
    };
    expect(editor.properties.command?.enum).toEqual(['view', 'create', 'str_replace', 'insert', 'undo_edit']);
    expect(editor.required).toEqual(['command', 'path']);
  });

  it('validates with the same schema, per command, before touching the sandbox', async () => {
    const ctx = { sandbox: null, timeoutMs: 1000, maxOutputBytes: 1000 } as unknown as ToolContext;
    const r = await box.call('text_editor', { command: 'create', path: 'x' }, ctx);
    expect(r.error).toEqual({ kind: 'invalid_arguments', message: 'file_text: required for command create' });
    const extra = await box.call('python', { code: 'print(1)', shell: true }, ctx);
    expect(extra.error?.kind).toBe('invalid_arguments');
    expect(extra.error?.message).toMatch(/shell/);
  });
});

describe.runIf(HAS_DOCKER)('tools in a Docker sandbox', () => {
  const runId = `tools-${process.pid}`;
  const seed = path.join(root, 'seed');
  const workspace = path.join(root, 'workspace');
  let sandbox: DockerRunner;
  let box: Toolbox;
  let ctx: ToolContext;
  const call = async (name: string, args: Record<string, unknown>, over: Partial<ToolContext> = {}) =>
    box.call(name, args, { ...ctx, ...over });

  beforeAll(async () => {
    mkdirSync(path.join(seed, 'pkg'), { recursive: true });
    writeFileSync(path.join(seed, 'pkg/mod.py'), 'def f():\n    return 1\n\n\ndef g():\n    return 1\n');
    writeFileSync(path.join(seed, 'gone.txt'), 'to be deleted\n');
    cpSync(seed, workspace, { recursive: true });
    // The image hello_repo_fix runs on (python3 and git).
    const image = await ensureImage({ name: 'ml-python', buildContext: path.resolve('images/ml-python') });
    sandbox = new DockerRunner({
      kind: 'docker',
      runId,
      name: runId,
      workspaceHost: workspace,
      workdir: '/workspace',
      image,
      resources: { cpus: 1, memory_mb: 512, pids: 128 },
      env: {},
      readOnlyCopies: { [seed]: SANDBOX_PATHS.seed },
    });
    await sandbox.start();
    box = new Toolbox(['bash', 'python', 'text_editor', 'git_diff']);
    ctx = { sandbox, timeoutMs: 20_000, maxOutputBytes: 16 * 1024 };
  });
  afterAll(async () => {
    await sandbox?.stop();
    expect(leftoversFor(runId)).toEqual([]);
  });

  it('bash says how much output was cut and reports a timeout as a typed error', async () => {
    const long = await call('bash', { command: 'seq 1 20000' }, { maxOutputBytes: 200 });
    expect(long.error).toBeUndefined();
    expect(long.output).toMatch(/^1\n2\n/);
    expect(long.output).toMatch(/bytes cut from the middle of this output/);
    expect(long.output).toMatch(/\[output truncated: \d+ bytes not shown\]/);
    const slow = await call('bash', { command: 'sleep 30; echo never' }, { timeoutMs: 1000 });
    expect(slow.error).toEqual({ kind: 'timeout', message: 'command timed out after 1s and was killed' });
    expect(slow.output).not.toContain('never');
  });

  it('python runs code from stdin and reports failures with the exit code', async () => {
    const ok = await call('python', { code: 'import os\nprint(os.getcwd(), 6 * 7)' });
    expect(ok.output).toBe('/workspace 42\n[exit code 0]');
    const bad = await call('python', { code: 'raise SystemExit("nope")' });
    expect(bad.output).toMatch(/nope\n\[exit code 1\]$/);
    const slow = await call('python', { code: 'import time\ntime.sleep(30)' }, { timeoutMs: 1000 });
    expect(slow.error?.kind).toBe('timeout');
  });

  it('text_editor views with line numbers and ranges, and lists folders', async () => {
    const all = await call('text_editor', { command: 'view', path: 'pkg/mod.py' });
    expect(all.output).toBe(
      '     1\tdef f():\n     2\t    return 1\n     3\t\n     4\t\n     5\tdef g():\n     6\t    return 1',
    );
    const part = await call('text_editor', {
      command: 'view',
      path: '/workspace/pkg/mod.py',
      view_range: [5, -1],
    });
    expect(part.output).toBe('     5\tdef g():\n     6\t    return 1');
    const outside = await call('text_editor', { command: 'view', path: 'pkg/mod.py', view_range: [3, 99] });
    expect(outside.error?.message).toMatch(/outside the file's lines 1\.\.6/);
    const folder = await call('text_editor', { command: 'view', path: '.' });
    expect(folder.output).toContain('/workspace/pkg/mod.py');
    const missing = await call('text_editor', { command: 'view', path: 'nope.py' });
    expect(missing.error).toEqual({ kind: 'not_found', message: 'nope.py does not exist' });
  });

  it('text_editor str_replace needs exactly one match; insert and undo_edit work level by level', async () => {
    const twice = await call('text_editor', {
      command: 'str_replace',
      path: 'pkg/mod.py',
      old_str: 'return 1',
      new_str: 'return 2',
    });
    expect(twice.error?.message).toBe(
      'old_str occurs 2 times (lines 2, 6); include more surrounding text so that it is unique',
    );
    const none = await call('text_editor', {
      command: 'str_replace',
      path: 'pkg/mod.py',
      old_str: 'xyz',
      new_str: '',
    });
    expect(none.error?.message).toMatch(/does not occur/);
    const once = await call('text_editor', {
      command: 'str_replace',
      path: 'pkg/mod.py',
      old_str: 'def g():\n    return 1',
      new_str: 'def g():\n    return 2',
    });
    expect(once.error).toBeUndefined();
    expect(once.output).toContain('     6\t    return 2');
    const inserted = await call('text_editor', {
      command: 'insert',
      path: 'pkg/mod.py',
      insert_line: 0,
      new_str: '"""Module."""',
    });
    expect(inserted.output).toContain('     1\t"""Module."""');
    const read = async () => (await sandbox.readFile('/workspace/pkg/mod.py')).toString();
    expect(await read()).toBe('"""Module."""\ndef f():\n    return 1\n\n\ndef g():\n    return 2\n');
    await call('text_editor', { command: 'undo_edit', path: 'pkg/mod.py' });
    expect(await read()).toBe('def f():\n    return 1\n\n\ndef g():\n    return 2\n');
    await call('text_editor', { command: 'undo_edit', path: 'pkg/mod.py' });
    expect(await read()).toBe('def f():\n    return 1\n\n\ndef g():\n    return 1\n');
    const nothing = await call('text_editor', { command: 'undo_edit', path: 'pkg/mod.py' });
    expect(nothing.error?.message).toMatch(/no edit of \/workspace\/pkg\/mod.py to undo/);
  });

  it('text_editor creates files (undo removes them) and refuses paths outside the workspace', async () => {
    const created = await call('text_editor', {
      command: 'create',
      path: 'new/dir/a.txt',
      file_text: 'hello\n',
    });
    expect(created.output).toBe('Created /workspace/new/dir/a.txt (1 lines).');
    expect((await sandbox.readFile('/workspace/new/dir/a.txt')).toString()).toBe('hello\n');
    await call('text_editor', { command: 'undo_edit', path: 'new/dir/a.txt' });
    const gone = await call('text_editor', { command: 'view', path: 'new/dir/a.txt' });
    expect(gone.error?.kind).toBe('not_found');
    await call('bash', { command: 'ln -sf /etc escape' });
    for (const p of ['../etc/passwd', '/etc/passwd', 'escape/passwd']) {
      const r = await call('text_editor', { command: 'create', path: p, file_text: 'x' });
      expect(r.error?.kind).toBe('permission');
    }
    const viewOut = await call('text_editor', { command: 'view', path: 'escape/hostname' });
    expect(viewOut.error?.kind).toBe('permission');
    await call('bash', { command: 'rm escape' });
  });

  it('git_diff shows every change against the seed, hidden files included, with workspace-relative paths', async () => {
    const clean = await call('git_diff', {});
    expect(clean.output).toBe('No changes since the task started.');
    await call('bash', {
      command:
        "sed -i 's/return 1/return 3/' pkg/mod.py && rm gone.txt && echo new > added.txt && mkdir -p .git && echo hid > .git/x && echo '*' > .gitignore",
    });
    const diff = await call('git_diff', {});
    expect(diff.error).toBeUndefined();
    expect(diff.output).toContain('diff --git a/pkg/mod.py b/pkg/mod.py');
    expect(diff.output).toContain('+    return 3');
    expect(diff.output).toContain('+++ b/added.txt');
    expect(diff.output).toContain('--- a/gone.txt');
    expect(diff.output).toContain('+++ b/.git/x');
    expect(diff.output).toContain('+++ b/.gitignore');
    expect(diff.output).not.toMatch(/opt\/factory-bench|b\/workspace\//);
    const one = await call('git_diff', { path: 'pkg' });
    expect(one.output).toContain('pkg/mod.py');
    expect(one.output).not.toContain('added.txt');
    const stat = await call('git_diff', { stat: true });
    expect(stat.output.split('\n').sort()).toEqual(
      [
        ' .git/x | +1 -0',
        ' .gitignore | +1 -0',
        ' added.txt | +1 -0',
        ' gone.txt | +0 -1',
        ' pkg/mod.py | +2 -2',
        ' 5 files changed, +5 -3 lines',
      ].sort(),
    );
    const out = await call('git_diff', { path: '../etc' });
    expect(out.error?.kind).toBe('permission');
  });
});
