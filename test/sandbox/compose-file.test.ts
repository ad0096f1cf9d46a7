/**
 * The pure half of the container runners, checked without Docker: the agent's
 * container as `docker run` arguments and as a Compose service, the Compose
 * file around it, and the egress proxy's host filter.
 */
import { describe, expect, it } from 'vitest';
import {
  composeFile,
  noInterpolation,
  projectName,
  RESERVED_SERVICES,
} from '../../src/sandbox/compose-file.js';
import {
  agentContainerConfig,
  composeAgentService,
  dockerRunArgs,
} from '../../src/sandbox/container-config.js';
import { EGRESS_SERVICE, hostFilter } from '../../src/sandbox/egress.js';
import { forwarderCommand } from '../../src/sandbox/gateway-link.js';
import { RUN_LABEL, type SandboxSpec } from '../../src/sandbox/index.js';

const spec: SandboxSpec = {
  kind: 'compose',
  runId: 'unit-run',
  name: 'unit',
  workspaceHost: '/host/runs/x/workspace_final',
  workdir: '/workspace',
  image: 'factory-bench/unit:abc',
  resources: { cpus: 1.5, memory_mb: 768, pids: 200 },
  env: { GREETING: 'price in $USD', PATH_HINT: '$HOME/bin' },
  readOnlyCopies: { '/host/solution': '/opt/factory-bench/solution' },
};
const user = { spec: '1001:1001', uid: 1001, gid: 1001, home: '/tmp' };
const agent = agentContainerConfig(spec, user);
const db = {
  name: 'db',
  image: 'factory-bench/unit-db:def',
  env: { POSTGRES_PASSWORD: 'pa$$' },
  healthcheck: { test: 'pg_isready -q', interval_s: 0.5, timeout_s: 5, retries: 10 },
};

type Service = Record<string, unknown> & { environment: Record<string, string>; networks: string[] };
const servicesOf = (file: Record<string, unknown>) => file.services as Record<string, Service>;

describe('the agent container', () => {
  it('runs under docker run with no network, no capabilities, limits, labels and its user', () => {
    const args = dockerRunArgs(agent, 'fb-unit-run');
    const pairs = (flag: string) => args.flatMap((a, i) => (a === flag ? [args[i + 1]] : []));
    // --rm: a container whose first process ended (its lifetime is over) removes itself.
    expect(args.slice(0, 5)).toEqual(['run', '-d', '--rm', '--name', 'fb-unit-run']);
    expect(pairs('--network')).toEqual(['none']);
    expect(pairs('--cap-drop')).toEqual(['ALL']);
    expect(pairs('--cap-add')).toEqual([]);
    expect(pairs('--security-opt')).toEqual(['no-new-privileges']);
    expect(args).toContain('--init');
    expect(pairs('--memory')).toEqual(['768m']);
    expect(pairs('--memory-swap')).toEqual(['768m']);
    expect(pairs('--cpus')).toEqual(['1.5']);
    expect(pairs('--pids-limit')).toEqual(['200']);
    expect(pairs('--user')).toEqual(['1001:1001']);
    // Nothing of the harness's disk: the workspace and the solution are copied in (the engine may be remote).
    expect(pairs('-v')).toEqual([]);
    expect(pairs('--mount')).toEqual([]);
    expect(args.join(' ')).not.toContain('/host/');
    expect(pairs('-w')).toEqual(['/workspace']);
    expect(pairs('-e')).toEqual(['GREETING=price in $USD', 'PATH_HINT=$HOME/bin']);
    expect(pairs('--label')).toContain(`${RUN_LABEL}=unit-run`);
    // The keep-alive replaces the image's entrypoint and CMD (an image may have neither, or a wrapper).
    expect(pairs('--entrypoint')).toEqual(['sleep']);
    expect(args.slice(-2)).toEqual(['factory-bench/unit:abc', 'infinity']);
  });

  it("holds the container up for the sandbox's lifetime, then ends (Docker and Compose alike)", () => {
    const timed = agentContainerConfig({ ...spec, lifetimeSeconds: 900.2 }, user);
    const args = dockerRunArgs(timed, 'fb-unit-run');
    expect([args[args.indexOf('--entrypoint') + 1], ...args.slice(-1)]).toEqual(['sleep', '901']);
    expect(composeAgentService(timed, ['internal']).entrypoint).toEqual(['sleep', '901']);
    expect(composeAgentService(timed, ['internal']).command).toBeUndefined();
    expect(forwarderCommand('any', 900)).toEqual(['timeout', '900', ...forwarderCommand('any')]);
  });
});

describe('composeFile', () => {
  const plain = composeFile({ runId: spec.runId, agent, services: [db], egress: null });
  const withEgress = composeFile({
    runId: spec.runId,
    agent,
    services: [db],
    egress: { image: 'factory-bench/egress-proxy:1', hosts: ['pypi.org', 'deb.debian.org'] },
  });

  it('puts the agent in the same lockdown as docker run, on the internal network only', () => {
    const a = servicesOf(plain).agent as Service;
    expect(a).toMatchObject({
      image: 'factory-bench/unit:abc',
      user: '1001:1001',
      working_dir: '/workspace',
      init: true,
      cap_drop: ['ALL'],
      security_opt: ['no-new-privileges:true'],
      mem_limit: '768m',
      memswap_limit: '768m',
      cpus: 1.5,
      pids_limit: 200,
      networks: ['internal'],
    });
    // Nothing of the harness's disk is mounted: the engine may be on another machine.
    expect(a).not.toHaveProperty('volumes');
    expect(JSON.stringify(plain)).not.toContain('/host/');
    expect(a).not.toHaveProperty('cap_add');
    expect(a).not.toHaveProperty('container_name');
  });

  it('gives sidecars their health check, the few capabilities an entry point needs, and the internal network', () => {
    const s = servicesOf(plain).db as Service;
    expect(s).toMatchObject({
      image: 'factory-bench/unit-db:def',
      healthcheck: { test: ['CMD-SHELL', 'pg_isready -q'], interval: '0.5s', timeout: '5s', retries: 10 },
      cap_drop: ['ALL'],
      cap_add: ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'SETGID', 'SETUID'],
      networks: ['internal'],
    });
    expect(s).not.toHaveProperty('container_name');
  });

  it('has one internal network, labelled, and no way out without an egress proxy', () => {
    expect(plain.networks).toEqual({
      internal: { internal: true, labels: expect.objectContaining({ [RUN_LABEL]: 'unit-run' }) },
    });
    expect(Object.keys(servicesOf(plain))).toEqual(['agent', 'db']);
    expect(servicesOf(plain).agent?.environment).not.toHaveProperty('HTTP_PROXY');
    for (const s of Object.values(servicesOf(plain)))
      expect(s.labels).toMatchObject({ [RUN_LABEL]: 'unit-run' });
  });

  it('adds the egress proxy as the only service with a way out, and points the agent at it', () => {
    const services = servicesOf(withEgress);
    expect(services[EGRESS_SERVICE]?.networks).toEqual(['internal', 'outside']);
    expect(services[EGRESS_SERVICE]?.environment.FB_ALLOW_FILTERS).toBe(
      // Compose reads `$$` as one `$`: the filters' end anchors survive.
      `${hostFilter('pypi.org')}\n${hostFilter('deb.debian.org')}`.replaceAll('$', () => '$$'),
    );
    expect(services.agent?.networks).toEqual(['internal']);
    expect(services.db?.networks).toEqual(['internal']);
    expect(services.agent?.environment).toMatchObject({
      HTTP_PROXY: 'http://egress:8888',
      https_proxy: 'http://egress:8888',
      NO_PROXY: 'localhost,127.0.0.1,db',
    });
    expect(Object.keys(withEgress.networks as object)).toEqual(['internal', 'outside']);
  });

  it('escapes every $ so that Compose interpolates nothing from the harness environment', () => {
    const env = servicesOf(plain).agent?.environment;
    expect(env).toMatchObject({ GREETING: 'price in $$USD', PATH_HINT: '$$HOME/bin' });
    expect(servicesOf(plain).db?.environment.POSTGRES_PASSWORD).toBe('pa$$$$');
    expect(noInterpolation({ a: ['$x', 1, null], b: { c: '$$' } })).toEqual({
      a: ['$$x', 1, null],
      b: { c: '$$$$' },
    });
  });

  it('reserves the service names factory-bench uses itself', () => {
    expect([...RESERVED_SERVICES].sort()).toEqual(['agent', 'egress', 'fb-gateway']);
  });
});

describe('projectName', () => {
  it('is lowercase, starts with a letter or digit, and differs between run ids that slug alike', () => {
    const a = projectName('2026-05-13T20-40-21Z__Task__openai/gpt-4o__a3f0');
    const b = projectName('2026-05-13T20-40-21Z__Task__openai:gpt-4o__a3f0');
    expect(a).toMatch(/^fb-[a-z0-9][a-z0-9_-]*-[0-9a-f]{8}$/);
    expect(a).not.toBe(b);
    expect(projectName('x'.repeat(300)).length).toBeLessThanOrEqual(3 + 40 + 1 + 8);
  });
});

describe('hostFilter', () => {
  // tinyproxy's ERE filter and JavaScript agree on this subset: anchors, groups, alternation, escapes.
  const admits = (allowed: string, host: string) => new RegExp(hostFilter(allowed)).test(host);

  it('admits the host and its subdomains', () => {
    expect(admits('pypi.org', 'pypi.org')).toBe(true);
    expect(admits('pypi.org', 'files.pypi.org')).toBe(true);
    expect(admits('Deb.Debian.org', 'deb.debian.org')).toBe(true);
  });

  it('refuses look-alikes: other suffixes, other prefixes, dots taken literally', () => {
    expect(admits('pypi.org', 'evilpypi.org')).toBe(false);
    expect(admits('pypi.org', 'pypi.org.evil.com')).toBe(false);
    expect(admits('pypi.org', 'pypixorg')).toBe(false);
    expect(admits('a+b.example', 'aab.example')).toBe(false);
    expect(admits('a+b.example', 'a+b.example')).toBe(true);
  });
});
