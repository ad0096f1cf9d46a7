/**
 * A suite spread over two real Docker engines (this machine's and the second
 * one CI starts, which cannot see the harness's disk): every run graded, the
 * runs on both engines, nothing left on either. A host that dies during the
 * suite (a socket proxy to the second engine, closed once a run is under way)
 * is reported and skipped, its run goes again on the other engine, and what
 * it left is removed by `sandbox cleanup --docker-host`. A sandbox agent on a
 * remote engine is refused at once with the reason. The same engine answers
 * over tcp:// with TLS (client certificates) and through a Docker context.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTask } from '../../src/orchestrator/index.js';
import { DEFAULT_ENGINE, type DockerEngine, ensureImage, sharingImages } from '../../src/sandbox/index.js';
import { runSuite, type SuiteEvent } from '../../src/suites/index.js';
import { runCli } from '../helpers/cli.js';
import { leftoversFor } from '../helpers/docker.js';
import {
  ENGINE2,
  HAS_ENGINE2,
  HAS_ENGINE2_CONTEXT,
  HAS_ENGINE2_SSH,
  HAS_ENGINE2_TLS,
} from '../helpers/engines.js';
import { tempDir } from '../helpers/tmp.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const scratch = tempDir('fb-two-engines-');

function suiteFile(name: string, epochs: number): string {
  const file = path.join(scratch, `${name}.yaml`);
  writeFileSync(
    file,
    `id: ${name}\ndefaults:\n  epochs: ${epochs}\ntasks:\n  - ${path.join(ROOT, 'tasks/hello_repo_fix')}\n`,
  );
  return file;
}

function resultOf(runsDir: string, runId: string): { docker_host: string; status: string; passed: boolean } {
  return JSON.parse(readFileSync(path.join(runsDir, runId, 'result.json'), 'utf8'));
}

describe.runIf(HAS_ENGINE2)('a suite over two Docker engines', () => {
  // The second engine reaches no registry and no mirror: it loads hello_repo_fix's image from this
  // machine's engine, which builds it first when a clean machine lacks it (as CI's first run does).
  beforeAll(async () => {
    await ensureImage({ buildContext: path.join(ROOT, 'images/ml-python'), name: 'ml-python' });
  }, 1_800_000);

  it('grades every run, uses both engines and leaves nothing on either', async () => {
    const runsDir = path.join(scratch, 'runs-two');
    const { code, stdout, stderr } = await runCli([
      'suite',
      'run',
      suiteFile('two_engines', 4),
      '--model',
      'oracle',
      '--docker-host',
      'default,concurrency=2',
      '--docker-host',
      `${ENGINE2.unix},concurrency=2`,
      '--runs-dir',
      runsDir,
      '--json',
    ]);
    const summary = JSON.parse(stdout);
    expect(code, stderr).toBe(0);
    const runs = summary.tasks.flatMap((t: { runs: Array<{ run_id: string }> }) => t.runs);
    expect(runs).toHaveLength(4);
    const results = runs.map((r: { run_id: string }) => resultOf(runsDir, r.run_id));
    for (const r of results) expect(r).toMatchObject({ status: 'completed', passed: true });
    expect(new Set(results.map((r: { docker_host: string }) => r.docker_host))).toEqual(
      new Set(['default', ENGINE2.unix]),
    );
    for (const r of runs) {
      expect(leftoversFor(r.run_id)).toEqual([]);
      expect(leftoversFor(r.run_id, ENGINE2.unix)).toEqual([]);
    }
  }, 900_000);

  describe('a host that fails during the suite', () => {
    const proxyPath = path.join(scratch, 'engine2-proxy.sock');
    const connections = new Set<net.Socket>();
    const proxy = net.createServer((client) => {
      const upstream = net.connect(ENGINE2.unix.replace('unix://', ''));
      for (const s of [client, upstream]) {
        connections.add(s);
        s.on('close', () => connections.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    const killProxy = () => {
      proxy.close();
      for (const s of connections) s.destroy();
    };
    afterAll(() => {
      killProxy();
      rmSync(proxyPath, { force: true });
    });

    it('is reported and skipped, its run goes again on the other engine, and cleanup --docker-host removes what it left', async () => {
      await new Promise<void>((resolve) => proxy.listen(proxyPath, resolve));
      const flaky: DockerEngine = { name: `unix://${proxyPath}`, host: `unix://${proxyPath}` };
      const runsDir = path.join(scratch, 'runs-flaky');
      const events: SuiteEvent[] = [];
      let killedDuring: string | null = null;
      const outcome = await runSuite({
        suite: suiteFile('flaky_host', 3),
        model: 'oracle',
        runsRoot: runsDir,
        dockerHosts: sharingImages([{ engine: flaky }, { engine: DEFAULT_ENGINE }]),
        onEvent: (e) => events.push(e),
        runTask: (o) =>
          runTask({
            ...o,
            onPhase: (phase, runId) => {
              // The engine goes away while the first run on it is under way.
              if (phase === 'agent' && o.engine?.name === flaky.name && !killedDuring) {
                killedDuring = runId;
                killProxy();
              }
              o.onPhase?.(phase, runId);
            },
          }),
      });
      expect(killedDuring).not.toBeNull();
      const warnings = events.flatMap((e) => (e.type === 'warning' ? [e.message] : []));
      expect(warnings.join('\n')).toContain(`Docker host ${flaky.name} failed`);
      // No run lost: every unit of the suite ended graded and passed (the one that broke ran again).
      expect(outcome.status).toBe('completed');
      const counted = outcome.summary.tasks.flatMap((t) => t.runs);
      expect(counted).toHaveLength(3);
      for (const r of counted)
        expect(resultOf(runsDir, r.run_id)).toMatchObject({ status: 'completed', passed: true });
      expect(counted.map((r) => r.run_id)).not.toContain(killedDuring);
      const broken = resultOf(runsDir, killedDuring as unknown as string);
      expect(broken.status).not.toBe('completed');
      expect(broken.docker_host).toBe(flaky.name);

      // The broken run could not remove its container through the dead proxy; cleanup on that engine can.
      const left = leftoversFor(killedDuring as unknown as string, ENGINE2.unix);
      const clean = await runCli([
        'sandbox',
        'cleanup',
        '--docker-host',
        ENGINE2.unix,
        '--run',
        killedDuring as unknown as string,
        '--json',
      ]);
      expect(clean.code, clean.stderr).toBe(0);
      expect(JSON.parse(clean.stdout).removed).toHaveLength(left.length);
      expect(leftoversFor(killedDuring as unknown as string, ENGINE2.unix)).toEqual([]);
      for (const r of counted) expect(leftoversFor(r.run_id)).toEqual([]);
    }, 900_000);
  });

  it.runIf(HAS_ENGINE2_TLS && HAS_ENGINE2_CONTEXT)(
    'runs hello_repo_fix on the engine reached over tcp:// with TLS and through a Docker context',
    async () => {
      const hosts = [`${ENGINE2.tcp},certs=${ENGINE2.certs}`, `context:${ENGINE2.context}`];
      const since = Math.floor(Date.now() / 1000) - 1;
      /** Containers of a run an engine created (its event log, not the harness's word). */
      const created = (runId: string, dockerHost?: string): number =>
        execFileSync(
          'docker',
          ['events', '--since', String(since), '--until', String(Math.ceil(Date.now() / 1000))]
            .concat(['--filter', 'type=container', '--filter', 'event=create'])
            .concat(['--filter', `label=factory-bench.run=${runId}`, '--format', '{{.ID}}']),
          {
            encoding: 'utf8',
            env: dockerHost ? { ...process.env, DOCKER_HOST: dockerHost, DOCKER_CONTEXT: '' } : process.env,
          },
        )
          .split('\n')
          .filter(Boolean).length;
      for (const host of hosts) {
        const runsDir = path.join(scratch, `runs-${host.startsWith('tcp') ? 'tls' : 'context'}`);
        const { code, stdout, stderr } = await runCli([
          'run',
          '--task',
          path.join(ROOT, 'tasks/hello_repo_fix'),
          '--model',
          'oracle',
          '--docker-host',
          host,
          '--runs-dir',
          runsDir,
          '--json',
        ]);
        const result = JSON.parse(stdout);
        expect(result, stderr).toMatchObject({ status: 'completed', passed: true, score: 1 });
        expect(code).toBe(0);
        expect(resultOf(runsDir, result.run_id).docker_host).toBe(host.split(',')[0]);
        expect(created(result.run_id, ENGINE2.unix)).toBeGreaterThan(0);
        expect(created(result.run_id)).toBe(0);
        expect(leftoversFor(result.run_id, ENGINE2.unix)).toEqual([]);
        expect(leftoversFor(result.run_id)).toEqual([]);
      }
      // Without the client certificate the TLS listener refuses the call: nothing ran by accident unverified.
      const refused = await runCli(['sandbox', 'cleanup', '--docker-host', ENGINE2.tcp, '--json']);
      expect(refused.code).toBe(3);
    },
    600_000,
  );

  it.runIf(HAS_ENGINE2_SSH)(
    'refuses an agent that runs in the sandbox on a remote engine at once, saying why',
    async () => {
      const started = Date.now();
      const { code, stdout } = await runCli([
        'run',
        '--task',
        'tasks/hello_repo_fix',
        '--model',
        'null',
        '--agent',
        path.join(ROOT, 'examples/agents/python-minimal'),
        '--docker-host',
        ENGINE2.ssh,
        '--runs-dir',
        path.join(scratch, 'runs-gateway'),
        '--json',
      ]);
      const result = JSON.parse(stdout);
      expect(code).toBe(3);
      expect(result.status).toBe('environment_error');
      expect(result.error.message).toMatch(
        /reach their model gateway through a Unix socket on this machine, which the remote Docker engine ssh:\/\/fb-docker2 cannot see/,
      );
      expect(Date.now() - started).toBeLessThan(60_000);
      expect(leftoversFor(result.run_id, ENGINE2.unix)).toEqual([]);
    },
    120_000,
  );
});
