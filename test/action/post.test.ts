/**
 * The action's post step after a cancelled job: the main step (dist/index.js)
 * starts a suite run and is killed while its sandbox runs, as the runner
 * kills a cancelled job's step that outlives its signals; the post step
 * (dist/post/index.js), given the state the main step saved, removes that
 * job's sandboxes and nothing of any other harness.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAS_DOCKER, whileNoOrphanSweep } from '../helpers/docker.js';
import { tempDir } from '../helpers/tmp.js';
import { startGithubApi } from './fakes/github-api.js';
import { runtimeToken, startResultsService } from './fakes/results-service.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const MAIN = path.join(ROOT, 'dist/index.js');
const POST = path.join(ROOT, 'dist/post/index.js');
const scratch = tempDir('fb-action-post-');
let results: Awaited<ReturnType<typeof startResultsService>>;
let api: Awaited<ReturnType<typeof startGithubApi>>;

const baseEnv = (): Record<string, string> => ({
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? '/root',
  ...(process.env.DOCKER_HOST ? { DOCKER_HOST: process.env.DOCKER_HOST } : {}),
});

/** Resources labelled as created by the harness process `pid`. */
function labelledBy(pid: number): string[] {
  const out: string[] = [];
  for (const kind of ['ps -a', 'network ls', 'volume ls']) {
    const args = [...kind.split(' '), '-q', '--filter', `label=factory-bench.pid=${pid}`];
    out.push(...execFileSync('docker', args, { encoding: 'utf8' }).split('\n').filter(Boolean));
  }
  return out;
}

/** What `core.saveState` wrote (the runner hands it to the post step as STATE_<name>). */
function readState(file: string): Record<string, string> {
  const state: Record<string, string> = {};
  for (const m of readFileSync(file, 'utf8').matchAll(/^([^\n<]+)<<(\S+)\n([\s\S]*?)\n\2$/gm))
    state[m[1] as string] = m[3] as string;
  return state;
}

function runPost(state: Record<string, string>): { code: number | null; out: string } {
  const env = baseEnv();
  for (const [name, value] of Object.entries(state)) env[`STATE_${name}`] = value;
  const r = spawnSync(process.execPath, [POST], { env, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

beforeAll(async () => {
  results = await startResultsService();
  api = await startGithubApi({});
});
afterAll(async () => {
  await results?.close();
  await api?.close();
});

describe('the post step', () => {
  it('has nothing to do in a job that started no sandboxes', () => {
    expect(existsSync(POST)).toBe(true);
    expect(runPost({})).toEqual({ code: 0, out: expect.stringContaining('started no sandboxes') });
  });

  it.runIf(HAS_DOCKER)(
    "removes the sandboxes of a killed main step, and leaves another harness's leftovers alone",
    () =>
      // Its staged leftovers of dead harnesses must outlive the orphan-sweep test's sweep.
      whileNoOrphanSweep(async () => {
        // A workspace whose one task keeps its sandbox busy long enough to be caught running.
        const ws = path.join(scratch, 'ws');
        cpSync(path.join(ROOT, 'tasks/hello_repo_fix'), path.join(ws, 'tasks/post_slow'), {
          recursive: true,
        });
        cpSync(path.join(ROOT, 'images'), path.join(ws, 'images'), { recursive: true });
        const manifest = path.join(ws, 'tasks/post_slow/task.yaml');
        writeFileSync(
          manifest,
          readFileSync(manifest, 'utf8').replace(/^id: hello_repo_fix$/m, 'id: post_slow'),
        );
        appendFileSync(path.join(ws, 'tasks/post_slow/solution/solve.sh'), '\nsleep 300\n');
        mkdirSync(path.join(ws, 'suites'));
        writeFileSync(path.join(ws, 'suites/slow.yaml'), 'id: post_slow\ntasks:\n  - ../tasks/post_slow\n');
        const job = path.join(scratch, 'job');
        mkdirSync(job);
        writeFileSync(path.join(job, 'event.json'), JSON.stringify({ ref: 'refs/heads/main' }));
        for (const f of ['output', 'summary', 'state']) writeFileSync(path.join(job, f), '');

        // Another harness's leftover on this host: its process is gone, but it is not this job's.
        const deadPid = spawnSync('true').pid;
        const decoy = execFileSync(
          'docker',
          [
            'run',
            '-d',
            '--label',
            `factory-bench.run=post-decoy-${process.pid}`,
            '--label',
            'factory-bench=1',
            '--label',
            `factory-bench.pid=${deadPid}`,
            '--label',
            `factory-bench.host=${os.hostname()}`,
            'debian:bookworm-slim',
            'sleep',
            'infinity',
          ],
          { encoding: 'utf8' },
        ).trim();

        try {
          const env: Record<string, string> = {
            ...baseEnv(),
            CI: 'true',
            GITHUB_ACTIONS: 'true',
            GITHUB_EVENT_NAME: 'push',
            GITHUB_EVENT_PATH: path.join(job, 'event.json'),
            GITHUB_OUTPUT: path.join(job, 'output'),
            GITHUB_STEP_SUMMARY: path.join(job, 'summary'),
            GITHUB_STATE: path.join(job, 'state'),
            GITHUB_REPOSITORY: 'acme/widgets',
            GITHUB_REF: 'refs/heads/main',
            GITHUB_REF_NAME: 'main',
            GITHUB_SHA: 'a'.repeat(40),
            GITHUB_RUN_ID: '900',
            GITHUB_RUN_ATTEMPT: '1',
            GITHUB_WORKSPACE: ws,
            GITHUB_SERVER_URL: 'https://github.com',
            GITHUB_API_URL: api.url,
            RUNNER_TEMP: job,
            ACTIONS_RESULTS_URL: `${results.url}/`,
            ACTIONS_RUNTIME_TOKEN: runtimeToken('run-900', 'job-1', [
              { Scope: 'refs/heads/main', Permission: 3 },
            ]),
            ACTIONS_CACHE_SERVICE_V2: 'true',
            INPUT_SUITE: 'suites/slow.yaml',
            INPUT_MODEL: 'oracle',
            INPUT_COMMENT: 'false',
            // The decoy is a dead harness's leftover on this host: the main step's own sweep would take it.
            FACTORY_BENCH_SWEEP_ORPHANS: '0',
          };
          const main = spawn(process.execPath, [MAIN], { cwd: ws, env, stdio: ['ignore', 'pipe', 'pipe'] });
          let log = '';
          main.stdout.on('data', (c: Buffer) => {
            log += c.toString();
          });
          main.stderr.on('data', (c: Buffer) => {
            log += c.toString();
          });
          const exited = new Promise<void>((resolve) => main.once('exit', () => resolve()));
          const pid = main.pid as number;

          // Kill the main step once its run's sandbox exists: none of its own cleanup gets a chance.
          const runSandboxes = () =>
            execFileSync(
              'docker',
              [
                'ps',
                '-a',
                '--filter',
                `label=factory-bench.pid=${pid}`,
                '--format',
                '{{.Label "factory-bench.run"}}',
              ],
              { encoding: 'utf8' },
            );
          const deadline = Date.now() + 240_000;
          while (!runSandboxes().includes('__post_slow__oracle__')) {
            if (main.exitCode !== null)
              throw new Error(`the main step ended before its sandbox started:\n${log}`);
            if (Date.now() > deadline) throw new Error(`no sandbox of the main step appeared:\n${log}`);
            await new Promise((r) => setTimeout(r, 200));
          }
          main.kill('SIGKILL');
          await exited;
          expect(labelledBy(pid).length).toBeGreaterThan(0);

          const state = readState(path.join(job, 'state'));
          expect(JSON.parse(state.sandboxOwner ?? '{}')).toEqual({ pid, host: os.hostname() });

          const post = runPost(state);
          expect(post.code, post.out).toBe(0);
          expect(post.out).toMatch(/removed \d+ leftover sandbox resources of this job \(\d+ containers?/);
          expect(post.out).toContain('__post_slow__oracle__');
          expect(labelledBy(pid)).toEqual([]);
          expect(labelledBy(deadPid)).toEqual([decoy.slice(0, 12)]);

          // Run again (a re-run post step): nothing left, nothing else touched.
          expect(runPost(state).out).toContain('the job left no sandboxes behind');
          expect(labelledBy(deadPid)).toEqual([decoy.slice(0, 12)]);
        } finally {
          execFileSync('docker', ['rm', '-f', decoy], { stdio: 'ignore' });
        }
      }),
    300_000,
  );

  it('leaves the sandboxes of a main step that still runs', () => {
    const r = runPost({ sandboxOwner: JSON.stringify({ pid: process.pid, host: os.hostname() }) });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/the harness of this job \(pid \d+\) still runs; its sandboxes are left to it/);
  });

  it('warns, and never fails the job, on a state it cannot read', () => {
    const r = runPost({ sandboxOwner: 'not json' });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/::warning::factory-bench: unreadable sandboxOwner state/);
  });
});
