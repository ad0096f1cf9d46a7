/**
 * A Harbor task folder (Terminal-Bench 2 layout) is a task: a second loader maps task.toml,
 * instruction.md, environment/, solution/ and tests/ onto the same task model, refusing by name what
 * factory-bench cannot honour, and a run's snapshot re-grades it like any other.
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { planSandbox } from '../../src/orchestrator/sandbox.js';
import { loadSuite } from '../../src/suites/index.js';
import {
  DOCKER_DEFAULT_CAPABILITIES,
  discoverTaskDirs,
  inspectTask,
  loadTask,
  taskFromSnapshot,
} from '../../src/tasks/index.js';
import { runCli } from '../helpers/cli.js';
import { PLAN_WHERE, refusalOf } from '../helpers/tasks.js';
import { tempDir } from '../helpers/tmp.js';

const KV = path.resolve('examples/harbor/kv-server');
const root = tempDir('fb-harbor-');
let n = 0;

/** A copy of the kv-server example with task.toml replaced (and files added or removed). */
function harborCopy(toml: string | null, files: Record<string, string | null> = {}): string {
  const dir = path.join(root, `h${n++}`, 'task');
  cpSync(KV, dir, { recursive: true });
  if (toml !== null) writeFileSync(path.join(dir, 'task.toml'), toml);
  for (const [rel, text] of Object.entries(files)) {
    const file = path.join(dir, rel);
    if (text === null) rmSync(file, { recursive: true, force: true });
    else {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, text);
    }
  }
  return dir;
}

const problems = refusalOf;
const where = PLAN_WHERE;

describe('a Harbor task folder', () => {
  it('loads into the same task model, every field mapped', () => {
    const task = loadTask(KV);
    const m = task.manifest;
    expect(task.format).toBe('harbor');
    expect(task.manifestPath).toBe(path.join(KV, 'task.toml'));
    expect(m).toMatchObject({
      id: 'kv-server',
      title: 'factory-bench/kv-server',
      difficulty: 'easy',
      domain: 'software-engineering',
      workspace: null,
      tools: { style: 'native', enabled: ['bash'] },
      solution: 'solution',
      oracle: { user: 'root', env: {} },
    });
    expect(m.instructions).toBe(readFileSync(path.join(KV, 'instruction.md'), 'utf8').trim());
    expect(m.metadata).toMatchObject({
      author_name: 'factory-bench',
      tags: ['http', 'server', 'background-process'],
      expert_time_estimate_min: 10,
      harbor_name: 'factory-bench/kv-server',
      keywords: ['http', 'server', 'python'],
    });
    expect(m.environment).toMatchObject({
      dockerfile: 'environment',
      workdir: '/app',
      resources: { cpus: 1, memory_mb: 1024, storage_mb: 2048 },
      network: { allow: [], internet: false },
      capabilities: [...DOCKER_DEFAULT_CAPABILITIES],
      user: 'image',
      build_timeout_s: 600,
    });
    expect(m.budget.max_wall_seconds).toBe(600);
    expect(m.grader).toMatchObject({
      fixtures: 'tests',
      fixtures_at: '/tests',
      keep_processes: true,
      env: { KV_URL: 'http://127.0.0.1:8080' },
      user: 'image',
      pass_threshold: 1,
      checks: [
        {
          name: 'verifier',
          type: 'reward_file',
          command: 'bash /tests/test.sh',
          path: ['/logs/verifier/reward.txt', '/logs/verifier/reward.json'],
          timeout_s: 120,
        },
      ],
    });
    expect(task.paths).toEqual({
      workspace: null,
      solution: path.join(KV, 'solution'),
      buildContext: path.join(KV, 'environment'),
      fixtures: path.join(KV, 'tests'),
    });
    // Docker's default capabilities reach the sandbox; a setting narrows them.
    expect(planSandbox(task, where).capabilities).toEqual([...DOCKER_DEFAULT_CAPABILITIES]);
    expect(planSandbox(task, { ...where, maxCapabilities: ['CHOWN'] }).capabilities).toEqual(['CHOWN']);
    expect(planSandbox(task, { ...where, oracle: true }).user).toBe('root');
  });

  it('honours allow_internet as the task says, and keeps it off when the task is silent', () => {
    const base = readFileSync(path.join(KV, 'task.toml'), 'utf8');
    const open = loadTask(harborCopy(base.replace('allow_internet = false', 'allow_internet = true')));
    expect(open.manifest.environment.network).toEqual({ allow: [], internet: true });
    const silent = loadTask(harborCopy(base.replace('allow_internet = false\n', '')));
    expect(silent.manifest.environment.network.internet).toBe(false);
    const { mapping } = inspectTask(harborCopy(base.replace('allow_internet = false\n', '')));
    expect(mapping?.find((l) => l.from === 'environment.allow_internet')?.note).toMatch(/not given: off/);
    const listed = loadTask(
      harborCopy(base.replace('allow_internet = false', 'allowed_hosts = ["deb.debian.org"]')),
    );
    expect(listed.manifest.environment.network).toEqual({ allow: ['deb.debian.org'], internet: false });
  });

  it('takes the working directory from the Dockerfile, /app when it has none', () => {
    const dir = harborCopy(null, {
      'environment/Dockerfile': 'FROM debian:bookworm-slim\nWORKDIR /srv\nWORKDIR code\n',
    });
    expect(loadTask(dir).manifest.environment.workdir).toBe('/srv/code');
    const none = harborCopy(null, { 'environment/Dockerfile': 'FROM debian:bookworm-slim\n' });
    expect(loadTask(none).manifest.environment.workdir).toBe('/app');
    const system = harborCopy(null, {
      'environment/Dockerfile': 'FROM debian:bookworm-slim\nWORKDIR /etc\n',
    });
    expect(problems(system)).toMatch(/Dockerfile: WORKDIR: \/etc cannot be the workspace/);
  });

  it('refuses, by name and with the reason, what factory-bench cannot honour', () => {
    const base = readFileSync(path.join(KV, 'task.toml'), 'utf8');
    const env = (extra: string) => base.replace('[environment]\n', `[environment]\n${extra}\n`);
    expect(
      problems(harborCopy(env('mcp_servers = [{ name = "x", transport = "sse", url = "http://x" }]'))),
    ).toMatch(/task\.toml: environment\.mcp_servers: not supported yet/);
    expect(problems(harborCopy(env('gpus = 1')))).toMatch(/environment\.gpus: not supported: .* no GPU/);
    expect(problems(harborCopy(`artifacts = ["/app/out"]\n${base}`))).toMatch(/artifacts: not supported/);
    expect(problems(harborCopy(env('frobnicate = true')))).toMatch(/environment: unknown field `frobnicate`/);
    expect(
      problems(
        harborCopy(base.replace('[environment.env]\n', `[environment.env]\nTOKEN = "\${OPENAI_API_KEY}"\n`)),
      ),
    ).toMatch(/environment\.env\.TOKEN: templates \(`\$\{VAR\}`\) read the harness's environment/);
    expect(problems(harborCopy(base.replace('difficulty = "easy"', 'difficulty = "legendary"')))).toMatch(
      /metadata\.difficulty: expected one of "easy", "medium", "hard"/,
    );
    expect(problems(harborCopy(`${base}\n[agent\n`))).toMatch(
      /task\.toml: invalid TOML at line \d+, column \d+/,
    );
    expect(problems(harborCopy(null, { 'instruction.md': null }))).toMatch(/instruction\.md: missing/);
    expect(problems(harborCopy(null, { 'tests/test.sh': null }))).toMatch(/tests\/test\.sh \(the verifier\)/);
    expect(problems(harborCopy(null, { 'solution/solve.sh': null }))).toMatch(
      /solution: file "solution\/solve.sh" does not exist/,
    );
  });

  it('maps environment/docker-compose.yaml: main is the agent, the rest are sidecars for the Compose runner', () => {
    const compose = [
      'services:',
      '  main:',
      '    environment:',
      '      DB_HOST: db',
      '    depends_on: [db]',
      '  db:',
      '    image: postgres:16',
      '    environment: [POSTGRES_PASSWORD=pw]',
      '    healthcheck:',
      '      test: ["CMD", "pg_isready"]',
      '      interval: 2s',
      '      retries: 30',
      '',
    ].join('\n');
    const task = loadTask(harborCopy(null, { 'environment/docker-compose.yaml': compose }));
    expect(task.manifest.environment.env).toEqual({ DB_HOST: 'db' });
    expect(task.manifest.environment.services).toEqual({
      db: {
        image: 'postgres:16',
        env: { POSTGRES_PASSWORD: 'pw' },
        healthcheck: { test: ['CMD', 'pg_isready'], interval_s: 2, timeout_s: 5, retries: 30 },
      },
    });
    expect(planSandbox(task, where).kind).toBe('compose');
    const bad = compose.replace('    image: postgres:16', '    image: postgres:16\n    ports: ["5432:5432"]');
    expect(problems(harborCopy(null, { 'environment/docker-compose.yaml': bad }))).toMatch(
      /docker-compose\.yaml: services\.db\.ports: not supported by factory-bench/,
    );
  });

  it('re-grades from a run snapshot: the snapshot holds the mapped task, the folder its files', () => {
    const task = loadTask(KV);
    const runDir = path.join(root, 'run');
    mkdirSync(runDir, { recursive: true });
    writeFileSync(path.join(runDir, 'manifest.snapshot.yaml'), stringify(task.manifest));
    const again = taskFromSnapshot(runDir, KV);
    expect(again.format).toBe('harbor');
    expect(again.manifest).toEqual(task.manifest);
    expect(again.paths).toEqual(task.paths);
  });

  it('is found by folder discovery and suites, next to our own tasks', () => {
    const tasksDir = path.join(root, 'mixed', 'tasks');
    cpSync(KV, path.join(tasksDir, 'kv-server'), { recursive: true });
    cpSync(path.resolve('tasks/pandas_transform'), path.join(tasksDir, 'pandas_transform'), {
      recursive: true,
    });
    cpSync(path.resolve('images'), path.join(root, 'mixed', 'images'), { recursive: true });
    expect(discoverTaskDirs(tasksDir).map((d) => path.basename(d))).toEqual([
      'kv-server',
      'pandas_transform',
    ]);
    const suiteFile = path.join(root, 'mixed', 'suites', 'mixed.yaml');
    mkdirSync(path.dirname(suiteFile), { recursive: true });
    writeFileSync(suiteFile, 'id: mixed\ndefaults: { capabilities: [CHOWN] }\ntasks:\n  - tasks/*\n');
    const suite = loadSuite(suiteFile);
    expect(suite.tasks.map((t) => [t.id, t.task.format])).toEqual([
      ['kv-server', 'harbor'],
      ['pandas_transform', 'factory-bench'],
    ]);
    expect(suite.defaults.capabilities).toEqual(['CHOWN']);
  });

  it('`describe` shows the mapping, and the JSON carries it with the format', async () => {
    const text = await runCli(['describe', '--task', KV]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('(a Harbor task folder)');
    expect(text.stderr).toContain("Harbor's fields as factory-bench runs them:");
    expect(text.stderr).toMatch(/agent\.timeout_sec -> budget\.max_wall_seconds 600/);
    expect(text.stderr).toMatch(/tests\/ -> copied to \/tests after the agent stops/);
    expect(text.stderr).toMatch(/environment\.allow_internet -> environment\.network\.internet false/);
    const json = await runCli(['describe', '--task', KV, '--json']);
    const described = JSON.parse(json.stdout);
    expect(described.format).toBe('harbor');
    expect(described.mapping.length).toBeGreaterThan(10);
    expect(described.problems).toEqual([]);
  });
});
