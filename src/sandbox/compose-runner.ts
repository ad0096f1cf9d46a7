import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { removeByLabel, removeByLabelSync } from './cleanup.js';
import {
  AGENT_SERVICE,
  composeFile,
  projectName,
  RESERVED_SERVICES,
  type ServicePlan,
} from './compose-file.js';
import { agentContainerConfig } from './container-config.js';
import { ContainerSandbox, containerShell } from './container-sandbox.js';
import { dockerCall, engineEnv } from './docker-cli.js';
import { EGRESS_SERVICE, egressImage } from './egress.js';
import {
  assertGatewayReachable,
  forwarderImage,
  GATEWAY_SERVICE,
  gatewayUrlInSandbox,
} from './gateway-link.js';
import { ensureImage } from './images.js';
import { PersistentShell } from './persistent-shell.js';
import { dockerSync } from './registry.js';
import { ShellPool } from './shell-pool.js';
import type { ShellSandbox } from './shell-sandbox.js';
import type { SandboxSpec } from './types.js';
import { SandboxError } from './types.js';

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
    /** How long sidecars get to become healthy. */
    private readonly healthTimeoutMs = 120_000,
  ) {
    super(spec);
    this.project = projectName(spec.runId);
  }

  get workdir(): string {
    return this.spec.workdir;
  }

  override get modelGatewayUrl(): string | null {
    return this.spec.modelGateway ? gatewayUrlInSandbox('compose') : null;
  }

  /** Service name -> container id, once started. */
  get serviceContainers(): ReadonlyMap<string, string> {
    return this.containers;
  }

  private composeArgs(...args: string[]): string[] {
    return ['-p', this.project, '-f', this.composeFilePath, ...args];
  }

  protected async up(): Promise<void> {
    const { spec } = this;
    for (const service of spec.services ?? [])
      if (RESERVED_SERVICES.has(service.name))
        throw new SandboxError(`service name ${service.name} is reserved by factory-bench`, 'start');
    const serviceNames = new Set((spec.services ?? []).map((s) => s.name));
    const outsideHosts = (spec.network?.allow ?? []).filter((h) => !serviceNames.has(h));
    if (spec.modelGateway) await assertGatewayReachable(this.engine);
    // Every image check (or build), the Compose probe and the user probe are independent: at once.
    const [compose, services, egressTag, gatewayTag, user] = await Promise.all([
      detectCompose(),
      Promise.all(
        (spec.services ?? []).map(
          async ({ image, buildContext, ...service }): Promise<ServicePlan> => ({
            ...service,
            image: await ensureImage({
              image,
              buildContext: buildContext ?? null,
              name: `${spec.name}-${service.name}`,
              engine: this.engine,
              ...(spec.logDir ? { logFile: path.join(spec.logDir, `image-build-${service.name}.log`) } : {}),
            }),
          }),
        ),
      ),
      outsideHosts.length > 0 ? egressImage(spec.logDir, this.engine) : null,
      spec.modelGateway ? forwarderImage(spec.logDir, this.engine) : null,
      this.chooseUser(),
    ]);
    this.compose = compose;
    const egress = egressTag ? { image: egressTag, hosts: outsideHosts } : null;
    const gateway =
      gatewayTag && spec.modelGateway
        ? {
            image: gatewayTag,
            socketDir: spec.modelGateway.socketDir,
            lifetimeSeconds: spec.lifetimeSeconds,
          }
        : null;
    const dir = spec.logDir ?? mkdtempSync(path.join(os.tmpdir(), 'fb-compose-'));
    if (!spec.logDir) this.scratchDir = dir;
    mkdirSync(dir, { recursive: true });
    this.composeFilePath = path.join(dir, 'compose.yaml');
    // JSON is YAML too, and leaves no room for YAML 1.1 surprises in v1 (`0:0` read as a number).
    writeFileSync(
      this.composeFilePath,
      JSON.stringify(
        composeFile({
          runId: spec.runId,
          agent: agentContainerConfig(spec, user),
          services,
          egress,
          gateway,
          internet: spec.network?.internet === true,
        }),
        null,
        2,
      ),
    );

    const r = await dockerCall(
      this.composeArgs('up', '-d', '--no-build'),
      {
        allowFailure: true,
        timeoutMs: 300_000,
        retries: 0,
        engine: this.engine,
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
      ...(gateway ? [GATEWAY_SERVICE] : []),
    ]);
  }

  private async states(): Promise<ServiceState[]> {
    const ids = await dockerCall(
      ['ps', '-aq', '--no-trunc', '--filter', `label=com.docker.compose.project=${this.project}`],
      { timeoutMs: 30_000, engine: this.engine },
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
      { timeoutMs: 30_000, allowFailure: true, engine: this.engine },
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
            engine: this.engine,
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
        return containerShell(() => this.containerOf(undefined), user, this.workdir, requested, this.engine);
      // Sidecars run commands as their image's own user unless told otherwise.
      const container = this.containerOf(service);
      const argv = ['docker', 'exec', '-i', ...(requested ? ['-u', requested] : []), container];
      return new PersistentShell(
        [...argv, 'bash', '--noprofile', '--norc'],
        { env: engineEnv(this.engine) },
        async (pid) => {
          await dockerCall(['exec', container, 'kill', '-KILL', String(pid)], {
            allowFailure: true,
            retries: 0,
            engine: this.engine,
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
            engine: this.engine,
          },
          this.compose,
        );
      // Whatever compose missed (a failed `up`, a v1 quirk) still carries the run label.
      await removeByLabel(this.spec.runId, this.engine);
    } finally {
      if (this.scratchDir) rmSync(this.scratchDir, { recursive: true, force: true });
    }
  }

  stopSync(): void {
    if (this.composeFilePath && this.compose.length > 0)
      dockerSync(
        this.compose,
        this.composeArgs('down', '-v', '--remove-orphans', '--timeout', '1'),
        60_000,
        this.engine,
      );
    removeByLabelSync(this.spec.runId, this.engine);
  }
}
