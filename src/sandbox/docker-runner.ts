import { agentContainerConfig, dockerRunArgs } from './container-config.js';
import { ContainerSandbox, containerShell } from './container-sandbox.js';
import { dockerCall } from './docker-cli.js';
import {
  assertGatewayReachable,
  forwarderContainerName,
  gatewayUrlInSandbox,
  startForwarder,
} from './gateway-link.js';
import { dockerSync } from './registry.js';
import { ShellPool } from './shell-pool.js';
import type { SandboxSpec } from './types.js';
import { SandboxError } from './types.js';

/** One container per run, the workspace copied in and out; locked down by default (see container-config.ts). */
export class DockerRunner extends ContainerSandbox {
  readonly kind = 'docker' as const;
  readonly container: string;

  constructor(spec: SandboxSpec) {
    super(spec);
    this.container = `fb-${spec.runId}`.replace(/[^a-zA-Z0-9_.-]/g, '-').slice(0, 120);
  }

  get workdir(): string {
    return this.spec.workdir;
  }

  override get modelGatewayUrl(): string | null {
    return this.spec.modelGateway ? gatewayUrlInSandbox('docker') : null;
  }

  protected agentContainer(): string {
    return this.container;
  }

  protected async up(): Promise<void> {
    const { spec } = this;
    if (spec.modelGateway) await assertGatewayReachable(this.engine);
    // The user probe and the forwarder do not depend on each other.
    const [user, network] = await Promise.all([
      this.chooseUser(),
      // No network (a task asking for the internet runs on Compose). With a model gateway the agent
      // joins its forwarder's network namespace: loopback only.
      spec.modelGateway
        ? startForwarder({
            runId: spec.runId,
            name: forwarderContainerName(this.container),
            socketDir: spec.modelGateway.socketDir,
            logDir: spec.logDir,
            lifetimeSeconds: spec.lifetimeSeconds,
            engine: this.engine,
          })
        : 'none',
    ]);
    const r = await dockerCall(dockerRunArgs(agentContainerConfig(spec, user), this.container, network), {
      allowFailure: true,
      timeoutMs: 60_000,
      engine: this.engine,
    });
    if (r.exitCode !== 0)
      throw new SandboxError(`could not start a container from ${spec.image}: ${r.stderr.trim()}`, 'start');
  }

  protected createPool(): ShellPool {
    const user = this.requireUser();
    return new ShellPool((requested) =>
      containerShell(() => this.container, user, this.workdir, requested, this.engine),
    );
  }

  protected async down(): Promise<void> {
    await dockerCall(['rm', '-f', '-v', this.container, ...this.forwarder()], {
      allowFailure: true,
      timeoutMs: 60_000,
      engine: this.engine,
    });
  }

  private forwarder(): string[] {
    return this.spec.modelGateway ? [forwarderContainerName(this.container)] : [];
  }

  stopSync(): void {
    dockerSync(['docker'], ['rm', '-f', '-v', this.container, ...this.forwarder()], 30_000, this.engine);
  }
}
