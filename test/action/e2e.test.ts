import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashAgentFolder } from '../../src/agents/index.js';
import { HAS_DOCKER } from '../helpers/docker.js';
import { tempDir } from '../helpers/tmp.js';
import { BOT, startGithubApi } from './fakes/github-api.js';
import { runtimeToken, startResultsService } from './fakes/results-service.js';
import { readZip } from './fakes/zip.js';

/**
 * Runs the built dist/index.js as GitHub would: a child process with INPUT_*
 * variables, an event file, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, against
 * a local GitHub REST API and a local Actions results service (artifacts, cache, blobs).
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const DIST = path.join(ROOT, 'dist/index.js');
const NODE = process.execPath;
const REPO = 'acme/widgets';
const PR = 7;
const MARKER = '<!-- factory-bench:suite=action_smoke -->';
const API_KEY = 'fbkey-Zq8w7x6v5u4t3s2r1p0';
const WRITE_TOKEN = 'ghs_writer0123456789abcdefABCDEF';
const READ_TOKEN = 'ghs_reader0123456789abcdefABCDEF';
const SECRETS = [API_KEY, WRITE_TOKEN, READ_TOKEN];

const scratch = tempDir('fb-action-e2e-');
let results: Awaited<ReturnType<typeof startResultsService>>;
let api: Awaited<ReturnType<typeof startGithubApi>>;
let runCounter = 100;
let jobCounter = 1;

interface Invocation {
  event: 'push' | 'pull_request';
  inputs: Record<string, string>;
  token?: string;
  fork?: boolean;
  /** Jobs of one workflow run share it (shards and their merge). */
  runId?: string;
  /** Changes the fresh checkout before the job runs (a pull request's version of a file). */
  prepare?: (workspace: string) => void;
}

interface Outcome {
  code: number;
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
  workspace: string;
}

/** A fresh workspace per job, as on a runner: only the cache carries history from one job to the next. */
function workspace(): string {
  const ws = mkdtempSync(path.join(scratch, 'ws-'));
  cpSync(path.join(ROOT, 'tasks/hello_repo_fix'), path.join(ws, 'tasks/hello_repo_fix'), { recursive: true });
  cpSync(path.join(ROOT, 'images'), path.join(ws, 'images'), { recursive: true });
  mkdirSync(path.join(ws, 'suites'));
  writeFileSync(
    path.join(ws, 'suites/smoke.yaml'),
    'id: action_smoke\ntasks:\n  - ../tasks/hello_repo_fix\n',
  );
  // A second task (the same one under another id) so that a suite can be split into two shards.
  const twin = path.join(ws, 'tasks/hello_repo_fix_b');
  cpSync(path.join(ws, 'tasks/hello_repo_fix'), twin, { recursive: true });
  const manifest = path.join(twin, 'task.yaml');
  writeFileSync(
    manifest,
    readFileSync(manifest, 'utf8').replace(/^id: hello_repo_fix$/m, 'id: hello_repo_fix_b'),
  );
  writeFileSync(
    path.join(ws, 'suites/pair.yaml'),
    'id: action_pair\ntasks:\n  - ../tasks/hello_repo_fix\n  - ../tasks/hello_repo_fix_b\n',
  );
  return ws;
}

function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /^([^\n<]+)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (const m of text.matchAll(re)) out[m[1] as string] = m[3] as string;
  return out;
}

async function runAction(inv: Invocation): Promise<Outcome> {
  const ws = workspace();
  inv.prepare?.(ws);
  const job = mkdtempSync(path.join(scratch, 'job-'));
  const runId = inv.runId ?? String(runCounter++);
  const repository = { full_name: REPO, default_branch: 'main' };
  const event =
    inv.event === 'push'
      ? { ref: 'refs/heads/main', repository }
      : {
          number: PR,
          repository,
          pull_request: {
            number: PR,
            base: { ref: 'main', repo: repository },
            head: {
              ref: 'feature',
              sha: 'f'.repeat(40),
              repo: { full_name: inv.fork ? 'mallory/widgets' : REPO },
            },
          },
        };
  writeFileSync(path.join(job, 'event.json'), JSON.stringify(event));
  writeFileSync(path.join(job, 'output'), '');
  writeFileSync(path.join(job, 'summary'), '');
  const scopes =
    inv.event === 'push'
      ? [{ Scope: 'refs/heads/main', Permission: 3 }]
      : [
          { Scope: `refs/pull/${PR}/merge`, Permission: 3 },
          { Scope: 'refs/heads/main', Permission: 1 },
        ];
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/root',
    ...(process.env.DOCKER_HOST ? { DOCKER_HOST: process.env.DOCKER_HOST } : {}),
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: inv.event,
    GITHUB_EVENT_PATH: path.join(job, 'event.json'),
    GITHUB_OUTPUT: path.join(job, 'output'),
    GITHUB_STEP_SUMMARY: path.join(job, 'summary'),
    GITHUB_REPOSITORY: REPO,
    GITHUB_REF: inv.event === 'push' ? 'refs/heads/main' : `refs/pull/${PR}/merge`,
    GITHUB_REF_NAME: inv.event === 'push' ? 'main' : `${PR}/merge`,
    GITHUB_HEAD_REF: inv.event === 'push' ? '' : 'feature',
    GITHUB_BASE_REF: inv.event === 'push' ? '' : 'main',
    GITHUB_SHA: 'a'.repeat(40),
    GITHUB_RUN_ID: runId,
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_WORKSPACE: ws,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: api.url,
    RUNNER_TEMP: job,
    ACTIONS_RESULTS_URL: `${results.url}/`,
    ACTIONS_RUNTIME_TOKEN: runtimeToken(`run-${runId}`, `job-${jobCounter++}`, scopes),
    ACTIONS_CACHE_SERVICE_V2: 'true',
  };
  const inputs: Record<string, string> = {
    suite: 'suites/smoke.yaml',
    'github-token': inv.token ?? WRITE_TOKEN,
    // Image caching has its own test below (these suites' shared image is large).
    'cache-images': 'false',
    ...inv.inputs,
  };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  const child = spawn(NODE, [DIST], { cwd: ws, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
  // Workflow commands escape newlines and percent signs; the runner shows them decoded.
  stdout = stdout.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
  return {
    code,
    stdout,
    outputs: parseOutputs(readFileSync(path.join(job, 'output'), 'utf8')),
    summary: readFileSync(path.join(job, 'summary'), 'utf8'),
    workspace: ws,
  };
}

function botComments() {
  return api.comments.filter((c) => c.issue === PR && c.user.login === BOT && c.body.includes(MARKER));
}

beforeAll(async () => {
  expect(existsSync(DIST)).toBe(true);
  results = await startResultsService();
  api = await startGithubApi({
    [WRITE_TOKEN]: { login: null, canWrite: true },
    [READ_TOKEN]: { login: null, canWrite: false },
  });
  // 130 comments by people (more than one page), one quoting the marker: never to be overwritten.
  for (let i = 0; i < 130; i++)
    api.comments.push({
      id: i + 1,
      issue: PR,
      body: i === 3 ? `quoting the bot: ${MARKER}` : `comment ${i}`,
      user: { login: i % 2 ? 'alice' : 'bob', type: 'User' },
    });
});

afterAll(async () => {
  await results?.close();
  await api?.close();
});

describe.runIf(HAS_DOCKER)('the action bundle against local GitHub stand-ins', () => {
  let baselineId = '';
  let firstCommentId = 0;

  it('a push to the default branch runs the suite, uploads the run directories and saves the history', async () => {
    const r = await runAction({
      event: 'push',
      inputs: { model: 'oracle', 'api-key': API_KEY, 'retention-days': '5' },
    });
    expect(r.stdout).toContain('::add-mask::');
    expect(r.code, r.stdout).toBe(0);
    expect(r.outputs.verdict).toBe('passed');
    expect(r.outputs['pass-rate']).toBe('1');
    expect(r.outputs['avg-score']).toBe('1');
    baselineId = r.outputs['suite-run-id'] ?? '';
    expect(baselineId).toMatch(/__suite__action_smoke__/);
    expect(existsSync(r.outputs['report-path'] ?? '')).toBe(true);

    const artifact = results.artifacts.find((a) => a.name === `factory-bench-runs-action_smoke-100-1`);
    expect(artifact?.finalized).toBe(true);
    expect(artifact?.expiresAt).toBeTruthy();
    const files = [...readZip(results.blobs.get(artifact?.blob ?? '') ?? Buffer.alloc(0)).keys()];
    expect(files).toContain(`${baselineId}/report.md`);
    expect(files).toContain(`${baselineId}/summary.json`);
    expect(files.some((f) => /__hello_repo_fix__oracle__\w+\/result\.json$/.test(f))).toBe(true);
    expect(files.some((f) => f.endsWith('/transcript.jsonl'))).toBe(true);
    expect(files.some((f) => f.endsWith('runs.sqlite'))).toBe(false);
    // report.html is in the zip, and on its own (uncompressed, named after the run artifact) for the browser.
    expect(files).toContain(`${baselineId}/report.html`);
    const page = results.artifacts.find(
      (a) => a.name === 'factory-bench-runs-action_smoke-100-1-report.html',
    );
    expect(page?.finalized).toBe(true);
    expect(page?.mimeType).toBe('text/html');
    const html = results.blobs.get(page?.blob ?? '')?.toString('utf8') ?? '';
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('"suite_id":"action_smoke"');

    expect(results.caches.map((c) => [c.key, c.scope, c.finalized])).toEqual([
      ['factory-bench-runs-action_smoke-100-1', 'refs/heads/main', true],
    ]);
    expect(api.comments.filter((c) => c.user.login === BOT)).toEqual([]);
    expect(r.summary).toContain('factory-bench: suite `action_smoke`');
  });

  it('a pull request under fail-under restores the base history, comments the deltas and fails the step', async () => {
    const r = await runAction({
      event: 'pull_request',
      inputs: { model: 'null', 'api-key': API_KEY, 'fail-under': '0.5' },
    });
    expect(r.code, r.stdout).toBe(1);
    expect(r.stdout).toContain('Cache hit for restore-key: factory-bench-runs-action_smoke-100-1');
    expect(r.stdout).toMatch(/::error::factory-bench: pass rate 0% is under fail-under 50%/);
    expect(r.outputs.verdict).toBe('failed');
    expect(r.outputs['pass-rate']).toBe('0');
    // Pull requests never publish history.
    expect(results.caches).toHaveLength(1);
    const mine = botComments();
    expect(mine).toHaveLength(1);
    firstCommentId = mine[0]?.id ?? 0;
    const body = mine[0]?.body ?? '';
    expect(body.startsWith(MARKER)).toBe(true);
    expect(body).toContain(baselineId);
    expect(body).toContain('| pass rate | 0/1 (0%) | 100% | −100 pts |');
    // The per-task table with base → head and the comparison's verdict (one sample: it cannot tell).
    expect(body).toMatch(
      /\| hello_repo_fix \| 1\/1 → 0\/1 \| 1\.00 → 0\.00 \| [^|]*100[^|]* \|.*cannot tell \|/,
    );
    expect(body).toContain('latest run on `main`: **cannot tell**');
    expect(body).toContain('pass rate 0% is under fail-under 50%');
    expect(body).toContain('https://github.com/acme/widgets/actions/runs/101/artifacts/');
    // The history chart GitHub draws (the base branch's run, then this one) and the link to report.html.
    expect(body).toMatch(
      /```mermaid\nxychart-beta\n[\s\S]*x-axis \["a{7}", "this run"\]\n[\s\S]*bar \[100, 0\]\n[\s\S]*```/,
    );
    const page = results.artifacts.find(
      (a) => a.name === 'factory-bench-runs-action_smoke-101-1-report.html',
    );
    expect(page?.finalized).toBe(true);
    expect(body).toContain(`(https://github.com/acme/widgets/actions/runs/101/artifacts/${page?.id})`);
    expect(body).toMatch(
      /\[\*\*report\.html\*\*[^\]]*\]\(https:\/\/github\.com\/acme\/widgets\/actions\/runs\/101\/artifacts\/\d+\)/,
    );
    expect(r.summary).toContain('Gate failed');
    // The person quoting the marker keeps their comment.
    expect(api.comments.find((c) => c.id === 4)?.body).toBe(`quoting the bot: ${MARKER}`);
  });

  it('a second pull request run updates the same comment instead of adding one', async () => {
    const r = await runAction({
      event: 'pull_request',
      inputs: { model: 'oracle', 'api-key': API_KEY, 'fail-under': '50%' },
    });
    expect(r.code, r.stdout).toBe(0);
    expect(r.outputs.verdict).toBe('passed');
    const mine = botComments();
    expect(mine.map((c) => c.id)).toEqual([firstCommentId]);
    expect(mine[0]?.body).toContain('| pass rate | 1/1 (100%) | 100% | ±0 pts |');
    expect(mine[0]?.body).toMatch(/\| hello_repo_fix \| 1\/1 → 1\/1 \| 1\.00 → 1\.00 \|/);
    expect(mine[0]?.body).not.toContain('0/1 (0%)');
    // The comment list was read past the first page (130 + 1 comments, 100 a page).
    expect(
      api.requests.filter((q) => q.method === 'GET' && q.path.includes('page=2')).length,
    ).toBeGreaterThan(0);
    expect(api.requests.filter((q) => q.method === 'PATCH')).toHaveLength(1);
  });

  it('a read-only token (403 on comment) gives a notice and the job summary, not a failed job', async () => {
    const before = api.comments.map((c) => c.body).join('\n');
    const r = await runAction({ event: 'pull_request', token: READ_TOKEN, inputs: { model: 'oracle' } });
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/::notice::factory-bench: the token cannot comment on #7 \(HTTP 403\)/);
    expect(r.summary).toContain('factory-bench: suite `action_smoke`');
    expect(api.comments.map((c) => c.body).join('\n')).toBe(before);
    expect(r.outputs.verdict).toBe('passed');
  });

  it('shards of a matrix run their share; the merge job reports them as one suite run with one comment', async () => {
    const shardInputs = (shard: string) => ({ suite: 'suites/pair.yaml', model: 'oracle', shard });
    const [one, two] = await Promise.all([
      runAction({ event: 'pull_request', runId: '500', inputs: shardInputs('1/2') }),
      runAction({ event: 'pull_request', runId: '500', inputs: shardInputs('2/2') }),
    ]);
    expect(one.code, one.stdout).toBe(0);
    expect(two.code, two.stdout).toBe(0);
    const shardFiles = (n: number) => {
      const a = results.artifacts.find(
        (x) => x.name === `factory-bench-runs-action_pair-500-1-shard-${n}of2`,
      );
      return [...readZip(results.blobs.get(a?.blob ?? '') ?? Buffer.alloc(0)).keys()];
    };
    expect(shardFiles(1).some((f) => /__hello_repo_fix__oracle__\w+\/result\.json$/.test(f))).toBe(true);
    expect(shardFiles(1).some((f) => f.includes('__hello_repo_fix_b__'))).toBe(false);
    expect(shardFiles(2).some((f) => /__hello_repo_fix_b__oracle__\w+\/result\.json$/.test(f))).toBe(true);
    const pairMarker = '<!-- factory-bench:suite=action_pair -->';
    expect(api.comments.filter((c) => c.body.includes(pairMarker))).toEqual([]);

    const merged = await runAction({
      event: 'pull_request',
      runId: '500',
      inputs: { suite: 'suites/pair.yaml', mode: 'merge' },
    });
    expect(merged.code, merged.stdout).toBe(0);
    expect(merged.outputs['pass-rate']).toBe('1');
    expect(merged.outputs['suite-run-id']).toMatch(/__suite__action_pair__/);
    const summary = JSON.parse(
      readFileSync(path.join(path.dirname(merged.outputs['report-path'] ?? ''), 'summary.json'), 'utf8'),
    );
    expect(summary.tasks.map((t: { task_id: string }) => t.task_id).sort()).toEqual([
      'hello_repo_fix',
      'hello_repo_fix_b',
    ]);
    expect(summary.totals.passed_runs).toBe(2);
    const comments = api.comments.filter((c) => c.body.includes(pairMarker));
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toContain('2/2 (100%)');
    expect(comments[0]?.body).toContain('No baseline yet');
    const mergedArtifact = results.artifacts.find((x) => x.name === 'factory-bench-runs-action_pair-500-1');
    expect(mergedArtifact?.finalized).toBe(true);
  });

  it('a pull request that changes the agent folder is compared with the base branch, and the comment says so', async () => {
    const agentMarker = '<!-- factory-bench:suite=action_agent -->';
    // The repository's own agent: python-minimal, edited by the pull request.
    const checkout = (edit: string) => (ws: string) => {
      cpSync(path.join(ROOT, 'examples/agents/python-minimal'), path.join(ws, 'agents/mine'), {
        recursive: true,
      });
      if (edit) appendFileSync(path.join(ws, 'agents/mine/agent.py'), edit);
      writeFileSync(
        path.join(ws, 'suites/agent.yaml'),
        'id: action_agent\ntasks:\n  - ../tasks/hello_repo_fix\n',
      );
    };
    const inputs = { suite: 'suites/agent.yaml', agent: 'agents/mine', model: 'oracle', 'api-key': API_KEY };
    const base = await runAction({ event: 'push', inputs, prepare: checkout('') });
    expect(base.code, base.stdout).toBe(0);
    const baseHash = hashAgentFolder(path.join(base.workspace, 'agents/mine')).slice(0, 12);
    expect(base.stdout).toContain(`and agent python-minimal (`);
    const pr = await runAction({ event: 'pull_request', inputs, prepare: checkout('# tried something\n') });
    expect(pr.code, pr.stdout).toBe(0);
    const headHash = hashAgentFolder(path.join(pr.workspace, 'agents/mine')).slice(0, 12);
    expect(headHash).not.toBe(baseHash);
    const comment =
      api.comments.find((c) => c.body.includes(agentMarker) && c.user.login === BOT)?.body ?? '';
    expect(comment).toContain(`with \`oracle\`, agent \`python-minimal (${headHash})\``);
    expect(comment).toContain(
      `**🔁 Agent changed:** \`python-minimal (${baseHash})\` → \`python-minimal (${headHash})\``,
    );
    expect(comment).toContain(
      `- 🔁 Agent changed: python-minimal (${baseHash}) → python-minimal (${headHash})`,
    );
    expect(pr.summary).toContain('Agent changed');
  });

  it("the suite's images travel through the cache: a second push restores them and builds none", async () => {
    // A task on its own small image (a nonce in it), so that this test alone creates and removes it.
    const nonce = randomBytes(5).toString('hex');
    const taskId = `image_cache_${nonce}`;
    const checkout = (ws: string) => {
      const dir = path.join(ws, 'tasks', taskId);
      for (const sub of ['workspace', 'solution', 'environment'])
        mkdirSync(path.join(dir, sub), { recursive: true });
      writeFileSync(path.join(dir, 'workspace', 'README'), 'write done.txt\n');
      writeFileSync(path.join(dir, 'solution', 'solve.sh'), 'echo done > done.txt\n');
      writeFileSync(
        path.join(dir, 'environment', 'Dockerfile'),
        `FROM debian:bookworm-slim\nRUN echo ${nonce} > /etc/fb-e2e-image\n`,
      );
      writeFileSync(
        path.join(dir, 'task.yaml'),
        `id: ${taskId}\ntitle: image cache\ndifficulty: smoke\ndomain: test\ninstructions: write done.txt\nenvironment:\n  dockerfile: environment\ngrader:\n  checks:\n    - name: done\n      type: file_present\n      path: done.txt\n`,
      );
      writeFileSync(
        path.join(ws, 'suites/images.yaml'),
        `id: action_images\ntasks:\n  - ../tasks/${taskId}\n`,
      );
    };
    const inputs = { suite: 'suites/images.yaml', model: 'oracle', 'cache-images': 'true' };
    const imagesOf = () =>
      execFileSync('docker', ['images', '--format', '{{.Repository}}:{{.Tag}}', `factory-bench/${taskId}`], {
        encoding: 'utf8',
      })
        .split('\n')
        .filter(Boolean);
    try {
      const first = await runAction({ event: 'push', inputs, prepare: checkout });
      expect(first.code, first.stdout).toBe(0);
      const built = imagesOf();
      expect(built).toHaveLength(1);
      expect(first.summary).toMatch(
        /\*\*Docker images:\*\* restored none: no archive in the cache yet · built 1 \(/,
      );
      expect(first.summary).toContain(`\`${built[0]}\``);
      const entry = results.caches.find((c) => c.key.startsWith('factory-bench-runs-images-action_images-'));
      expect(entry?.finalized).toBe(true);
      expect(entry?.scope).toBe('refs/heads/main');
      expect(first.summary).toMatch(
        new RegExp(`saved 1 to \`${entry?.key}\` \\(\\d+ MB before compression, [\\d.]+ s\\)\\.`),
      );

      // A fresh runner: the engine no longer has the image.
      execFileSync('docker', ['rmi', ...built], { stdio: 'pipe' });
      expect(imagesOf()).toEqual([]);
      const second = await runAction({ event: 'push', inputs, prepare: checkout });
      expect(second.code, second.stdout).toBe(0);
      expect(second.outputs['pass-rate']).toBe('1');
      expect(imagesOf()).toEqual(built);
      expect(second.stdout).toContain(
        `restored 1 image(s) from cache ${entry?.key} (1 loaded, 0 here already)`,
      );
      expect(second.summary).toMatch(
        new RegExp(
          `\\*\\*Docker images:\\*\\* restored 1 from the cache \\(\`${entry?.key}\`: 1 loaded, [\\d.]+ s\\) · built 0 · not saved: every image came from the cache\\.`,
        ),
      );
      expect(second.stdout).not.toMatch(/building image factory-bench\//);
      expect(results.caches.filter((c) => c.key.startsWith('factory-bench-runs-images-'))).toHaveLength(1);

      // A pull request restores them as well, and never saves.
      const pr = await runAction({ event: 'pull_request', inputs, prepare: checkout });
      expect(pr.code, pr.stdout).toBe(0);
      expect(pr.summary).toContain('built 0 · not saved: pull requests restore images but never save them.');
    } finally {
      const left = imagesOf();
      if (left.length > 0) execFileSync('docker', ['rmi', '-f', ...left], { stdio: 'pipe' });
    }
  }, 600_000);
  it('a push prunes the history before saving it: the cache entry is the pruned file, and the summary states its size', async () => {
    const r = await runAction({
      event: 'push',
      inputs: {
        model: 'oracle',
        'api-key': API_KEY,
        'history-keep-suite-runs': '1',
        'history-keep-days': '0',
      },
    });
    expect(r.code, r.stdout).toBe(0);
    const headId = r.outputs['suite-run-id'] ?? '';
    const entry = results.caches.find(
      (c) =>
        c.key.startsWith('factory-bench-runs-action_smoke-') &&
        c.key !== 'factory-bench-runs-action_smoke-100-1',
    );
    expect(entry?.finalized).toBe(true);
    // Unpack the saved entry as the next job would, and read the index in it.
    const unpacked = mkdtempSync(path.join(scratch, 'cache-'));
    const archive = path.join(unpacked, 'entry.tar');
    writeFileSync(archive, results.blobs.get(entry?.blob ?? '') ?? Buffer.alloc(0));
    execFileSync('tar', ['-xf', archive, '-C', unpacked]);
    const saved = path.join(unpacked, 'runs', 'runs.sqlite');
    const db = new DatabaseSync(saved, { readOnly: true });
    const suiteRuns = db
      .prepare(
        "SELECT suite_run_id, pruned_at FROM suite_runs WHERE suite_id = 'action_smoke' ORDER BY started_at",
      )
      .all() as Array<{ suite_run_id: string; pruned_at: string | null }>;
    const runs = db.prepare('SELECT suite_run_id FROM runs').all() as Array<{ suite_run_id: string }>;
    db.close();
    // The earlier push's suite run keeps its summary but not its runs; this one keeps everything.
    expect(suiteRuns.map((s) => [s.suite_run_id, s.pruned_at !== null])).toEqual([
      [baselineId, true],
      [headId, false],
    ]);
    expect(new Set(runs.map((x) => x.suite_run_id))).toEqual(new Set([headId]));
    const kb = Math.max(1, Math.round(statSync(saved).size / 1024));
    expect(r.summary).toContain(
      `**Run history:** \`runs.sqlite\` is ${kb} KB after pruning (2 suite runs, each with its summary; 1 with all their runs;`,
    );
    expect(r.summary).toContain(`saved to the cache as \`${entry?.key}\``);
  });

  it('no secret value reaches an uploaded file, a comment, a summary or an output', () => {
    const uploaded = [...results.blobs.entries()]
      .filter(([name]) => name.startsWith('/blob/artifact/'))
      .flatMap(([name, blob]) =>
        name.endsWith('.zip')
          ? [...readZip(blob).values()].map((b) => b.toString('latin1'))
          : [blob.toString('latin1')],
      );
    expect(uploaded.some((t) => t.startsWith('<!doctype html>'))).toBe(true);
    expect(uploaded.length).toBeGreaterThan(5);
    const texts = [...uploaded, ...api.comments.map((c) => c.body)];
    for (const secret of SECRETS) for (const t of texts) expect(t.includes(secret)).toBe(false);
  });
});

describe('the action bundle without secrets', () => {
  it('a fork pull request without an API key is skipped with a notice and a summary, and passes', async () => {
    const r = await runAction({
      event: 'pull_request',
      fork: true,
      token: READ_TOKEN,
      inputs: { model: 'openai/gpt-4o-mini' },
    });
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(
      /::notice::factory-bench: no API key for openai\/gpt-4o-mini \(this pull request comes from a fork/,
    );
    expect(r.summary).toContain('skipped');
    expect(r.outputs.verdict).toBe('skipped');
    for (const secret of SECRETS) expect(r.summary.includes(secret)).toBe(false);
  });

  it('bad inputs fail the step with one line per problem', async () => {
    const r = await runAction({
      event: 'push',
      inputs: { model: 'oracle', 'fail-under': '150%', shard: '0/2' },
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      'input fail-under: expected a rate from 0 to 1 or a percentage such as 80%, got "150%"',
    );
    expect(r.stdout).toContain('input shard: expected i/n');
    expect(r.stdout).not.toMatch(/\n\s+at /);
  });
});
