import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentInfo, hashAgentFolder, loadAgent } from '../../src/agents/index.js';
import { ManifestError } from '../../src/tasks/index.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const PYTHON_MINIMAL = path.join(ROOT, 'examples/agents/python-minimal');
const scratch = tempDir('fb-agent-spec-');
let n = 0;

function agentFolder(yaml: string, files: Record<string, string> = {}): string {
  const dir = path.join(scratch, `agent-${++n}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'agent.yaml'), yaml);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

function problemsOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ManifestError) return err.message;
    throw err;
  }
  throw new Error('expected a ManifestError');
}

describe('agent folders', () => {
  it('builtin is the default agent and is recorded without a hash', () => {
    expect(loadAgent('builtin')).toEqual({ kind: 'builtin' });
    expect(agentInfo(loadAgent('builtin'))).toEqual({
      kind: 'builtin',
      name: 'builtin',
      hash: null,
      runs_in: null,
    });
  });

  it('loads the python-minimal example with its defaults, from the folder or its agent.yaml', () => {
    const agent = loadAgent(PYTHON_MINIMAL);
    if (agent.kind !== 'external') throw new Error('expected an agent folder');
    expect(agent.manifest).toMatchObject({
      name: 'python-minimal',
      runs_in: 'sandbox',
      command: expect.any(String),
    });
    expect(agent.manifest.env.AGENT_MAX_TURNS).toBe('40');
    expect(agent.manifest.timeouts).toEqual({ install_seconds: 1800, stop_grace_seconds: 5 });
    expect(agent.hash).toMatch(/^[0-9a-f]{16}$/);
    const viaFile = loadAgent(path.join(PYTHON_MINIMAL, 'agent.yaml'));
    expect(viaFile.kind === 'external' && viaFile.hash).toBe(agent.hash);
    expect(agentInfo(agent)).toEqual({
      kind: 'external',
      name: 'python-minimal',
      hash: agent.hash,
      runs_in: 'sandbox',
    });
  });

  it('resolves a relative folder against the base folders in order', () => {
    const agent = loadAgent('agents/python-minimal', [
      path.join(ROOT, 'nowhere'),
      path.join(ROOT, 'examples'),
    ]);
    expect(agent.kind === 'external' && agent.dir).toBe(PYTHON_MINIMAL);
  });

  it('hashes content: stable, changed by any edit, blind to install outputs and caches', () => {
    const dir = path.join(scratch, 'hashed');
    cpSync(PYTHON_MINIMAL, dir, { recursive: true });
    const before = hashAgentFolder(dir);
    expect(hashAgentFolder(dir)).toBe(before);
    expect(before).toBe(hashAgentFolder(PYTHON_MINIMAL));
    mkdirSync(path.join(dir, 'node_modules/x'), { recursive: true });
    writeFileSync(path.join(dir, 'node_modules/x/index.js'), 'x');
    mkdirSync(path.join(dir, '__pycache__'));
    writeFileSync(path.join(dir, '__pycache__/agent.pyc'), 'x');
    expect(hashAgentFolder(dir)).toBe(before);
    writeFileSync(path.join(dir, 'agent.py'), '# changed\n', { flag: 'a' });
    expect(hashAgentFolder(dir)).not.toBe(before);
  });

  it('names the file and the field of every problem', () => {
    const bad = agentFolder(
      'name: x\ncommand: run\nruns_in: cloud\nenv:\n  OPENAI_API_KEY: sk-nope\nextra: 1\n',
    );
    const message = problemsOf(() => loadAgent(bad));
    const file = path.join(bad, 'agent.yaml');
    expect(message).toContain(`${file}: runs_in: expected one of "sandbox", "host", got "cloud"`);
    expect(message).toContain(
      `${file}: env: OPENAI_BASE_URL, OPENAI_API_KEY, FB_INSTRUCTIONS and FB_* are set by the harness`,
    );
    expect(message).toContain(`${file}: unknown field \`extra\``);
    expect(problemsOf(() => loadAgent(agentFolder('name: x\n')))).toContain(
      'command: required field is missing',
    );
  });

  it('says what is missing: the folder, or agent.yaml in it', () => {
    expect(problemsOf(() => loadAgent(path.join(scratch, 'absent')))).toContain(
      'no such agent folder; expected "builtin" or a folder holding agent.yaml',
    );
    const empty = path.join(scratch, 'empty');
    mkdirSync(empty);
    expect(problemsOf(() => loadAgent(empty))).toContain(
      `${empty}/agent.yaml: no agent.yaml in the agent folder`,
    );
  });

  it('a bad --agent is a one-line error and exit 2 before anything runs', async () => {
    const bad = agentFolder('name: bad agent\ncommand: x\n');
    for (const args of [
      ['run', '--task', path.join(ROOT, 'tasks/hello_repo_fix'), '--model', 'null', '--agent', bad],
      ['validate', '--task', path.join(ROOT, 'tasks/hello_repo_fix'), '--agent', bad],
    ]) {
      const r = await runCli([...args, '--runs-dir', path.join(scratch, 'runs')]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toEqual([
        `factory-bench: ${path.join(bad, 'agent.yaml')}: name: letters, digits, ".", "_" or "-" (at most 64 characters)`,
      ]);
    }
  });
});
