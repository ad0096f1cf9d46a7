import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DockerEngine } from './docker-cli.js';
import { builtImageTag, ensureImage } from './images.js';

/**
 * The egress proxy of a Compose sandbox whose task allows outside hosts: a
 * tinyproxy sidecar on both the project's internal network and an outside
 * one, denying every host but the allowed ones (and their subdomains). The
 * agent has no route out; only its proxy environment points the way.
 */

export const EGRESS_SERVICE = 'egress';
export const EGRESS_PORT = 8888;

/** A tinyproxy filter line (extended regex) that admits a host and its subdomains. */
export function hostFilter(host: string): string {
  const escaped = host.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return `(^|\\.)${escaped}$`;
}

/** The proxy variables for the agent; the sidecars (and loopback) are reached directly. */
export function proxyEnv(serviceNames: string[]): Record<string, string> {
  const proxy = `http://${EGRESS_SERVICE}:${EGRESS_PORT}`;
  const noProxy = ['localhost', '127.0.0.1', ...serviceNames].join(',');
  return {
    HTTP_PROXY: proxy,
    HTTPS_PROXY: proxy,
    http_proxy: proxy,
    https_proxy: proxy,
    NO_PROXY: noProxy,
    no_proxy: noProxy,
  };
}

/** The proxy's Compose service (before `$` escaping). */
export function egressService(
  image: string,
  hosts: string[],
  labels: Record<string, string>,
  networks: { inside: string; outside: string },
): Record<string, unknown> {
  return {
    init: true,
    stop_grace_period: '1s',
    labels,
    image,
    environment: { FB_ALLOW_FILTERS: hosts.map(hostFilter).join('\n') },
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
    networks: [networks.inside, networks.outside],
  };
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

const EGRESS_IMAGE_NAME = 'egress-proxy';

/** The proxy's build context, written out. */
function egressContext(): string {
  const dir = path.join(os.tmpdir(), 'factory-bench', 'egress-context');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'Dockerfile'), EGRESS_DOCKERFILE);
  writeFileSync(path.join(dir, 'entrypoint.sh'), EGRESS_ENTRYPOINT);
  return dir;
}

/** The tag the proxy's image has (or will have once built). */
export function egressImageTag(): string {
  return builtImageTag(EGRESS_IMAGE_NAME, egressContext());
}

/** The proxy's image, built once from Debian's tinyproxy. */
export async function egressImage(
  logDir: string | undefined,
  engine?: DockerEngine | undefined,
): Promise<string> {
  return ensureImage({
    buildContext: egressContext(),
    name: EGRESS_IMAGE_NAME,
    engine,
    ...(logDir ? { logFile: path.join(logDir, 'image-build-egress.log') } : {}),
  });
}
