import { createHash } from 'node:crypto';
import { runLabels } from './cleanup.js';
import { type AgentContainerConfig, composeAgentService } from './container-config.js';
import { EGRESS_SERVICE, egressService, proxyEnv } from './egress.js';
import { forwarderService, GATEWAY_SERVICE } from './gateway-link.js';
import type { ServiceSpec } from './types.js';

/** The agent's service name inside a Compose project. */
export const AGENT_SERVICE = 'agent';
/** Service names a task cannot use: factory-bench's own. */
export const RESERVED_SERVICES: ReadonlySet<string> = new Set([
  AGENT_SERVICE,
  EGRESS_SERVICE,
  GATEWAY_SERVICE,
]);

/** A Compose project name: lowercase, unique per run, within Docker's limits. */
export function projectName(runId: string): string {
  const slug = runId
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '');
  const hash = createHash('sha256').update(runId).digest('hex').slice(0, 8);
  return `fb-${slug.slice(0, 40)}-${hash}`;
}

/** Compose interpolates `$VAR` from the harness's environment; every literal `$` must be doubled. */
export function noInterpolation<T>(value: T): T {
  if (typeof value === 'string') return value.replaceAll('$', '$$$$') as T;
  if (Array.isArray(value)) return value.map(noInterpolation) as T;
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, noInterpolation(v)])) as T;
  return value;
}

/** A sidecar whose image is ready. */
export type ServicePlan = Omit<ServiceSpec, 'image' | 'buildContext'> & { image: string };

/**
 * The Compose file of a run: isolation first. Everything on an internal
 * network (no route out), every capability dropped (sidecars get back the few
 * an entry point needs to drop to its own user), an init process, a fast stop,
 * the run's labels, and no fixed container names. Only the egress proxy, when
 * there is one, also joins a network with a way out (and the agent's
 * container, when the task asks for the open internet).
 */
export function composeFile(opts: {
  runId: string;
  agent: AgentContainerConfig;
  services: ServicePlan[];
  egress: { image: string; hosts: string[] } | null;
  /** The model gateway's forwarder: one more service the agent reaches by name (see gateway-link.ts). */
  gateway?: { image: string; socketDir: string; lifetimeSeconds?: number | undefined } | null;
  /** The agent's container reaches the internet (SandboxSpec.network.internet). */
  internet?: boolean;
}): Record<string, unknown> {
  const labels = runLabels(opts.runId);
  const agent: AgentContainerConfig = opts.egress
    ? {
        ...opts.agent,
        env: {
          ...opts.agent.env,
          ...proxyEnv([...opts.services.map((s) => s.name), ...(opts.gateway ? [GATEWAY_SERVICE] : [])]),
        },
      }
    : opts.agent;
  // The open internet, when the task asks for it: the agent's container also joins a network with a way out.
  const internet = opts.internet === true;
  const services: Record<string, unknown> = {
    [AGENT_SERVICE]: composeAgentService(agent, internet ? ['internal', 'outside'] : ['internal']),
  };
  for (const s of opts.services) {
    services[s.name] = {
      init: true,
      stop_grace_period: '1s',
      labels,
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
  if (opts.gateway)
    services[GATEWAY_SERVICE] = forwarderService({
      image: opts.gateway.image,
      socketDir: opts.gateway.socketDir,
      labels,
      lifetimeSeconds: opts.gateway.lifetimeSeconds,
    });
  const networks: Record<string, unknown> = { internal: { internal: true, labels } };
  if (opts.egress)
    services[EGRESS_SERVICE] = egressService(opts.egress.image, opts.egress.hosts, labels, {
      inside: 'internal',
      outside: 'outside',
    });
  if (opts.egress || internet) networks.outside = { labels };
  return noInterpolation({ version: '2.4', services, networks });
}
