import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Task } from '../tasks/index.js';
import { removeByLabel, removeByLabelSync, runLabels } from './cleanup.js';
import { ContainerSandbox, containerShell } from './container-sandbox.js';
import { dockerCall, minimalEnv } from './docker-cli.js';
import { ensureImage } from './images.js';
import { PersistentShell } from './persistent-shell.js';
import { dockerSync } from './registry.js';
import { ShellPool } from './shell-pool.js';
import type { ShellSandbox } from './shell-sandbox.js';
import type { SandboxSpec } from './types.js';
import { SandboxError } from './types.js';
import type { SandboxUser } from './users.js';

/** The agent's service name inside a Compose project. */
export const AGENT_SERVICE = 'agent';
export const EGRESS_SERVICE = 'egress';
const EGRESS_PORT = 8888;

let composeBinary: Promise<string[]> | null = null;

/**
 * `docker compose` (v2, GitHub runners) or `docker-compose` (v1, Debian);
 * FACTORY_BENCH_COMPOSE overrides (e.g. "docker-compose").
 */
export function detectCompose(): Promise<string[]> {
  composeBinary ??= (async () => {
    const override = process.env.FACTORY_BENCH_COMPOSE?.trim();
    if (override) return override.split(/\s+/);
    const v2 = await dockerCall(['compose', 'version'], {
      allowFailure: true,
      timeoutMs: 20_000,
      retries: 0,
    });
    if (v2.exitCode === 0) return ['docker', 'compose'];
    const v1 = await dockerCall(['version'], { allowFailure: true, timeoutMs: 20_000, retries: 0 }, [
      'docker-compose',
    ]).catch(() => null);
    if (v1?.exitCode === 0) return ['docker-compose'];
    throw new SandboxError(
      'this task needs Docker Compose, but neither `docker compose` (v2) nor `docker-compose` (v1) works here',
      'start',
    );
  })();
  return composeBinary;
}

/** A Compose project name: lowercase, unique per run, within Docker's limits. */
export function projectName(runId: string): string {
  const slug = runId
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '');
  const hash = createHash('sha256').update(runId).digest('hex').slice(0, 8);
  return `fb-${slug.slice(0, 40)}-${hash}`;
}

/** A tinyproxy filter line (extended regex) that admits a host and its subdomains. */
export function hostFilter(host: string): string {
  const escaped = host.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return `(^|\\.)${escaped}$`;
}

const EGRESS_DOCKERFILE = `FROM debian:bookworm-slim
RUN apt-get update \\
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends tinyproxy \\
 && rm -rf /var/lib/apt/lists/*
COPY entrypoint.sh /usr/local/bin/fb-egress
USER tinyproxy
ENTRYPOINT ["/bin/bash", "/usr/local/bin/fb-egress"]
`;

// Deny by default: only hosts in FB_ALLOW_FILTERS (one regex per line) pass, by domain.
const EGRESS_ENTRYPOINT = `set -eu
printf '%s\\n' "$FB_ALLOW_FILTERS" > /tmp/filter
cat > /tmp/tinyproxy.conf <<EOF
Port ${EGRESS_PORT}
Listen 0.0.0.0
Timeout 60
MaxClients 64
LogLevel Connect
FilterDefaultDeny Yes
FilterType ere
FilterURLs Off
Filter "/tmp/filter"
ConnectPort 443
ConnectPort 80
EOF
exec tinyproxy -d -c /tmp/tinyproxy.conf
`;

async function egressImage(logDir: string | undefined): Promise<string> {
  const dir = path.join(os.tmpdir(), 'factory-bench', 'egress-context');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'Dockerfile'), EGRESS_DOCKERFILE);
  writeFileSync(path.join(dir, 'entrypoint.sh'), EGRESS_ENTRYPOINT);
  return ensureImage({
    buildContext: dir,
    name: 'egress-proxy',
    ...(logDir ? { logFile: path.join(logDir, 'image-build-egress.log') } : {}),
  });
}

/** Compose interpolates `$VAR` from the harness's environment; every literal `$` must be doubled. */
export function noInterpolation<T>(value: T): T {
  if (typeof value === 'string') return value.replaceAll('$', '$$$$') as T;
  if (Array.isArray(value)) return value.map(noInterpolation) as T;
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, noInterpolation(v)])) as T;
  return value;
}

interface ServicePlan {
  name: string;
  image: string;
  env: Record<string, string>;
  command?: string | string[] | undefined;
  healthcheck?:
    | { test: string | string[]; interval_s: number; timeout_s: number; retries: number }
    | undefined;
}

/** The Compose file for a run: isolation first (internal network, no caps, init, fast stop, labels). */
export function composeFile(opts: {
  spec: SandboxSpec;
  user: SandboxUser;
  services: ServicePlan[];
  egress: { image: string; hosts: string[] } | null;
}): Record<string, unknown> {
  const { spec } = opts;
  const labels = runLabels(spec.runId);
  const common = { init: true, stop_grace_period: '1s', labels };
  const agentEnv: Record<string, string> = { ...spec.env };
  if (opts.egress) {
    const proxy = `http://${EGRESS_SERVICE}:${EGRESS_PORT}`;
    const noProxy = ['localhost', '127.0.0.1', ...opts.services.map((s) => s.name)].join(',');
    Object.assign(agentEnv, {
      HTTP_PROXY: proxy,
      HTTPS_PROXY: proxy,
      http_proxy: proxy,
      https_proxy: proxy,
      NO_PROXY: noProxy,
      no_proxy: noProxy,
    });
  }
  const volumes = [`${spec.workspaceHost}:${spec.workdir}`];
  for (const [hostPath, inSandbox] of Object.entries(spec.readOnlyMounts ?? {}))
    volumes.push(`${hostPath}:${inSandbox}:ro`);
  const services: Record<string, unknown> = {
    [AGENT_SERVICE]: {
      ...common,
      image: spec.image,
      command: ['sleep', 'infinity'],
      user: opts.user.spec,
      working_dir: spec.workdir,
      environment: agentEnv,
      volumes,
      cap_drop: ['ALL'],
      security_opt: ['no-new-privileges:true'],
      mem_limit: `${spec.resources.memory_mb}m`,
      memswap_limit: `${spec.resources.memory_mb}m`,
      cpus: spec.resources.cpus,
      pids_limit: spec.resources.pids,
      networks: ['internal'],
    },
  };
  for (const s of opts.services) {
    services[s.name] = {
      ...common,
      image: s.image,
      environment: s.env,
      ...(s.command !== undefined ? { command: s.command } : {}),
      ...(s.healthcheck
        ? {
            healthcheck: {
              test:
                typeof s.healthcheck.test === 'string'
                  ? ['CMD-SHELL', s.healthcheck.test]
                  : s.healthcheck.test,
              interval: `${s.healthcheck.interval_s}s`,
              timeout: `${s.healthcheck.timeout_s}s`,
              retries: s.healthcheck.retries,
            },
          }
        : {}),
      // Entry points that drop to a service user need these; nothing more.
      cap_drop: ['ALL'],
      cap_add: ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'SETGID', 'SETUID'],
      security_opt: ['no-new-privileges:true'],
      pids_limit: 512,
      networks: ['internal'],
    };
  }
  const networks: Record<string, unknown> = { internal: { internal: true, labels } };
  if (opts.egress) {
    services[EGRESS_SERVICE] = {
      ...common,
      image: opts.egress.image,
      environment: { FB_ALLOW_FILTERS: opts.egress.hosts.map(hostFilter).join('\n') },
      cap_drop: ['ALL'],
      security_opt: ['no-new-privileges:true'],
      pids_limit: 128,
      mem_limit: '128m',
      healthcheck: {
        test: ['CMD', 'bash', '-c', `exec 3<>/dev/tcp/127.0.0.1/${EGRESS_PORT}`],
        interval: '1s',
        timeout: '3s',
        retries: 30,
      },
      networks: ['internal', 'outside'],
    };
    networks.outside = { labels };
  }
  return noInterpolation({ version: '2.4', services, networks });
}

interface ServiceState {
  service: string;
  id: string;
  status: string;
  health: string;
}

/**
 * A Compose project per run: the agent's container plus the task's sidecars
 * (and an egress proxy when `network.allow` names outside hosts), all on an
 * internal network where services are reachable by name and nothing else is.
 */
export class ComposeRunner extends ContainerSandbox {
  readonly kind = 'compose' as const;
  readonly project: string;
  private composeFilePath = '';
  private compose: string[] = [];
  private readonly containers = new Map<string, string>();
  /** A folder made for the Compose file when the spec has no log folder; removed at stop. */
  private scratchDir: string | null = null;

  constructor(
    spec: SandboxSpec,
    private readonly task: Task,
    /** How long sidecars get to become healthy. */
    private readonly healthTimeoutMs = 120_000,
  ) {
    super(spec);
    this.project = projectName(spec.runId);
  }

  get workdir(): string {
    return this.spec.workdir;
  }

  /** Service name -> container id, once started. */
  get serviceContainers(): ReadonlyMap<string, string> {
    return this.containers;
  }

  private composeArgs(...args: string[]): string[] {
    return ['-p', this.project, '-f', this.composeFilePath, ...args];
  }

  protected async up(): Promise<void> {
    const { spec, task } = this;
    const environment = task.manifest.environment;
    this.compose = await detectCompose();
    const services: ServicePlan[] = [];
    for (const [name, service] of Object.entries(environment.services)) {
      if (name === AGENT_SERVICE || name === EGRESS_SERVICE)
        throw new SandboxError(`service name ${name} is reserved by factory-bench`, 'start');
      const image = await ensureImage({
        image: service.image,
        buildContext: service.build ? path.resolve(task.dir, service.build) : null,
        name: `${task.manifest.id}-${name}`,
        ...(spec.logDir ? { logFile: path.join(spec.logDir, `image-build-${name}.log`) } : {}),
      });
      services.push({
        name,
        image,
        env: service.env,
        command: service.command,
        healthcheck: service.healthcheck,
      });
    }
    const serviceNames = new Set(services.map((s) => s.name));
    const outsideHosts = environment.network.allow.filter((h) => !serviceNames.has(h));
    const egress =
      outsideHosts.length > 0 ? { image: await egressImage(spec.logDir), hosts: outsideHosts } : null;

    const user = await this.chooseUser();
    const dir = spec.logDir ?? mkdtempSync(path.join(os.tmpdir(), 'fb-compose-'));
    if (!spec.logDir) this.scratchDir = dir;
    mkdirSync(dir, { recursive: true });
    this.composeFilePath = path.join(dir, 'compose.yaml');
    // JSON is YAML too, and leaves no room for YAML 1.1 surprises in v1 (`0:0` read as a number).
    writeFileSync(
      this.composeFilePath,
      JSON.stringify(composeFile({ spec, user, services, egress }), null, 2),
    );

    const r = await dockerCall(
      this.composeArgs('up', '-d', '--no-build'),
      {
        allowFailure: true,
        timeoutMs: 300_000,
        retries: 0,
      },
      this.compose,
    );
    if (r.exitCode !== 0) {
      const tail = r.stderr.trim().split('\n').slice(-3).join(' | ');
      throw new SandboxError(`docker compose up failed for project ${this.project}: ${tail}`, 'start');
    }
    // `up` exit codes are not to be trusted: check every service is running and healthy.
    await this.waitHealthy([
      AGENT_SERVICE,
      ...services.map((s) => s.name),
      ...(egress ? [EGRESS_SERVICE] : []),
    ]);
  }

  private async states(): Promise<ServiceState[]> {
    const ids = await dockerCall(
      ['ps', '-aq', '--no-trunc', '--filter', `label=com.docker.compose.project=${this.project}`],
      { timeoutMs: 30_000 },
    );
    const list = ids.stdout.split('\n').filter(Boolean);
    if (list.length === 0) return [];
    const r = await dockerCall(
      [
        'inspect',
        '--format',
        '{{index .Config.Labels "com.docker.compose.service"}} {{.Id}} {{.State.Status}} {{with index .State "Health"}}{{.Status}}{{else}}none{{end}}',
        ...list,
      ],
      { timeoutMs: 30_000, allowFailure: true },
    );
    return r.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [service = '', id = '', status = '', health = ''] = line.split(' ');
        return { service, id, status, health };
      });
  }

  private async waitHealthy(expected: string[]): Promise<void> {
    const deadline = Date.now() + this.healthTimeoutMs;
    let pending = expected;
    for (;;) {
      const states = await this.states();
      for (const s of states) this.containers.set(s.service, s.id);
      pending = [];
      for (const service of expected) {
        const s = states.find((x) => x.service === service);
        if (s && (s.status === 'exited' || s.status === 'dead' || s.health === 'unhealthy')) {
          const logs = await dockerCall(['logs', '--tail', '5', s.id], {
            allowFailure: true,
            timeoutMs: 15_000,
          });
          const last = `${logs.stdout}${logs.stderr}`.trim().split('\n').slice(-3).join(' | ');
          throw new SandboxError(
            `service ${service} ${s.health === 'unhealthy' ? 'is unhealthy' : `stopped (${s.status})`}: ${last}`,
            'service_unhealthy',
          );
        }
        if (s?.status !== 'running' || (s.health !== 'none' && s.health !== 'healthy')) pending.push(service);
      }
      if (pending.length === 0) return;
      if (Date.now() > deadline)
        throw new SandboxError(
          `service ${pending.join(', ')} did not become healthy within ${Math.round(this.healthTimeoutMs / 1000)}s`,
          'service_unhealthy',
        );
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  private containerOf(service: string | undefined): string {
    const name = service ?? AGENT_SERVICE;
    const id = this.containers.get(name);
    if (!id) throw new SandboxError(`no service named ${name} in this sandbox`, 'start');
    return id;
  }

  protected createPool(): ShellPool {
    const user = this.requireUser();
    return new ShellPool((requested, service) => {
      if (!service || service === AGENT_SERVICE)
        return containerShell(() => this.containerOf(undefined), user, this.workdir, requested);
      // Sidecars run commands as their image's own user unless told otherwise.
      const container = this.containerOf(service);
      const argv = ['docker', 'exec', '-i', ...(requested ? ['-u', requested] : []), container];
      return new PersistentShell(
        [...argv, 'bash', '--noprofile', '--norc'],
        { env: minimalEnv() },
        async (pid) => {
          await dockerCall(['exec', container, 'kill', '-KILL', String(pid)], {
            allowFailure: true,
            retries: 0,
          });
        },
      );
    });
  }

  protected override hasService(name: string): boolean {
    return this.containers.has(name);
  }

  override exec(req: Parameters<ShellSandbox['exec']>[0]) {
    // A sidecar's working directory is its own; only the agent's defaults to the workspace.
    if (req.service && req.service !== AGENT_SERVICE && !req.cwd) return super.exec({ ...req, cwd: '/' });
    return super.exec(req);
  }

  protected agentContainer(): string {
    return this.containerOf(undefined);
  }

  protected async down(): Promise<void> {
    try {
      if (this.composeFilePath && this.compose.length > 0)
        await dockerCall(
          this.composeArgs('down', '-v', '--remove-orphans', '--timeout', '1'),
          {
            allowFailure: true,
            timeoutMs: 120_000,
          },
          this.compose,
        );
      // Whatever compose missed (a failed `up`, a v1 quirk) still carries the run label.
      await removeByLabel(this.spec.runId);
    } finally {
      this.giveBack();
      if (this.scratchDir) rmSync(this.scratchDir, { recursive: true, force: true });
    }
  }

  stopSync(): void {
    if (this.composeFilePath && this.compose.length > 0)
      dockerSync(this.compose, this.composeArgs('down', '-v', '--remove-orphans', '--timeout', '1'), 60_000);
    removeByLabelSync(this.spec.runId);
    this.giveBack();
  }
}
