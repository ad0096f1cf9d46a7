/**
 * What only the Compose runner does: sidecars reachable by name inside the
 * project and nowhere else, an unhealthy sidecar named in an environment
 * error, a Postgres sidecar, and outside hosts through the egress proxy only.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ComposeRunner, runLabels, SandboxError, type SandboxSpec } from '../../src/sandbox/index.js';
import { HAS_DOCKER, labelArgs, leftoversFor } from '../helpers/docker.js';
import { tempDir } from '../helpers/tmp.js';
import { fixtureService, sandboxSpec } from './fixtures.js';

const root = tempDir('fb-compose-');

function spec(name: string, overrides: Partial<SandboxSpec> = {}): SandboxSpec {
  return sandboxSpec(root, `compose-${name}`, { kind: 'compose', ...overrides });
}

const HTTP_GET = (host: string, port: number) =>
  `timeout 10 bash -c 'exec 3<>/dev/tcp/${host}/${port}; printf "GET / HTTP/1.0\\r\\nHost: ${host}\\r\\n\\r\\n" >&3; cat <&3' 2>&1 || echo "failed $?"`;

describe.runIf(HAS_DOCKER)('ComposeRunner', () => {
  describe('a web sidecar', () => {
    const s = spec('web', { services: [fixtureService('web', 'web')] });
    const runner = new ComposeRunner(s);
    beforeAll(() => runner.start());
    afterAll(async () => {
      await runner.stop();
      expect(leftoversFor(s.runId)).toEqual([]);
    });

    it('is reachable by its service name from the agent', async () => {
      const r = await runner.exec({ cmd: HTTP_GET('web', 8000) });
      expect(r.stdout).toMatch(/^HTTP\/1\.[01] 200/);
      expect(r.stdout).toContain('hello from web');
    });

    it('is not reachable from outside its project, by name or by address', async () => {
      const web = runner.serviceContainers.get('web') as string;
      const ip = execFileSync('docker', [
        'inspect',
        '--format',
        '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}',
        web,
      ])
        .toString()
        .trim();
      expect(ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      const probeArgs = [
        'run',
        '--rm',
        // Labelled as this live process's, so no other test's orphan sweep removes it mid-probe.
        ...labelArgs(runLabels(`${s.runId}-probe`)),
        'debian:bookworm-slim',
        'bash',
        '-c',
        `getent hosts web >/dev/null && echo name-resolves || echo no-name; ${HTTP_GET(ip, 8000)}`,
      ];
      // The daemon itself fails `docker run` now and then under load (exit 125): one retry, and say why.
      let probe = spawnSync('docker', probeArgs, { encoding: 'utf8' });
      if (probe.status === 125) probe = spawnSync('docker', probeArgs, { encoding: 'utf8' });
      expect(probe.status, `probe container failed: ${probe.stderr}`).toBe(0);
      const outside = probe.stdout;
      expect(outside).toContain('no-name');
      expect(outside).not.toContain('hello from web');
    });

    it('runs commands in the sidecar itself', async () => {
      const r = await runner.exec({ service: 'web', cmd: 'cat /srv/index.html; id -un' });
      expect(r).toMatchObject({ exitCode: 0, stdout: 'hello from web\nnobody\n' });
    });
  });

  it('names the sidecar that never becomes healthy, and leaves nothing behind', async () => {
    const s = spec('sick', {
      services: [
        fixtureService('web', 'web'),
        fixtureService('sick', 'web', { test: 'exit 1', interval_s: 0.5, retries: 2 }),
      ],
    });
    const runner = new ComposeRunner(s, 60_000);
    const err = await runner.start().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SandboxError);
    expect((err as SandboxError).kind).toBe('service_unhealthy');
    expect((err as SandboxError).message).toMatch(/service sick/);
    expect(leftoversFor(s.runId)).toEqual([]);
  });

  it('a Postgres sidecar from Debian becomes healthy and answers queries', async () => {
    const s = spec('pg', {
      services: [fixtureService('db', 'postgres', { test: 'pg_isready -q', interval_s: 0.5, retries: 120 })],
    });
    const runner = new ComposeRunner(s);
    try {
      await runner.start();
      const r = await runner.exec({
        service: 'db',
        cmd: [
          'psql',
          '-X',
          '-q',
          '-t',
          '-A',
          '-c',
          'CREATE TABLE t(x int); INSERT INTO t VALUES (41); SELECT x + 1 FROM t',
        ],
      });
      expect(r).toMatchObject({ exitCode: 0, stdout: '42\n' });
    } finally {
      await runner.stop();
    }
    expect(leftoversFor(s.runId)).toEqual([]);
  });

  it('reaches allowed outside hosts through the egress proxy only', async () => {
    const s = spec('egress', { network: { allow: ['deb.debian.org'] } });
    const runner = new ComposeRunner(s);
    try {
      await runner.start();
      const viaProxy = (host: string) =>
        `timeout 20 bash -c 'exec 3<>/dev/tcp/egress/8888; printf "GET http://${host}/ HTTP/1.1\\r\\nHost: ${host}\\r\\nConnection: close\\r\\n\\r\\n" >&3; head -1 <&3'`;
      const env = await runner.exec({ cmd: 'echo $HTTP_PROXY' });
      expect(env.stdout.trim()).toBe('http://egress:8888');
      const allowed = await runner.exec({ cmd: viaProxy('deb.debian.org'), timeoutMs: 30_000 });
      expect(allowed.stdout).toMatch(/^HTTP\/1\.[01] [23]\d\d/);
      const denied = await runner.exec({ cmd: viaProxy('registry.npmjs.org'), timeoutMs: 30_000 });
      expect(denied.stdout).toMatch(/^HTTP\/1\.[01] 403/);
      const direct = await runner.exec({
        cmd: "timeout 5 bash -c 'exec 3<>/dev/tcp/deb.debian.org/80' 2>/dev/null && echo reached || echo unreachable",
        timeoutMs: 30_000,
      });
      expect(direct.stdout.trim()).toBe('unreachable');
    } finally {
      await runner.stop();
    }
    expect(leftoversFor(s.runId)).toEqual([]);
  }, 600_000);
});
