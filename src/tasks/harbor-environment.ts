import path from 'node:path';

/**
 * What a Harbor task's `environment/` folder says beyond its Dockerfile:
 * the working directory its image sets, and the sidecars of its
 * `docker-compose.yaml` (whose `main` service is the agent's container).
 */

/** The WORKDIR in effect at the end of a Dockerfile's last stage, or why it cannot be read. */
export function dockerfileWorkdir(text: string): { workdir: string | null; unresolved?: string } {
  let workdir: string | null = null;
  let unresolved: string | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (/^FROM\s/i.test(line)) {
      workdir = null;
      unresolved = undefined;
      continue;
    }
    const m = /^WORKDIR\s+(.+)$/i.exec(line);
    if (!m?.[1]) continue;
    const value = m[1].trim().replace(/^["']|["']$/g, '');
    if (value.includes('$')) {
      unresolved = value;
      continue;
    }
    workdir = path.posix.resolve(workdir ?? '/', value);
    unresolved = undefined;
  }
  return unresolved ? { workdir: null, unresolved } : { workdir };
}

/** A sidecar in factory-bench's terms (environment.services.<name>). */
export interface SidecarInput {
  image?: string;
  build?: string;
  env: Record<string, string>;
  command?: string | string[];
  healthcheck?: { test: string | string[]; interval_s?: number; timeout_s?: number; retries?: number };
}

export interface ComposeMapping {
  services: Record<string, SidecarInput>;
  /** Environment the file gives the `main` service: the agent's container. */
  mainEnv: Record<string, string>;
  problems: Array<{ field: string; message: string }>;
  notes: string[];
}

const MAIN_KEYS = new Set(['build', 'image', 'environment', 'depends_on', 'command', 'networks']);
const SIDECAR_KEYS = new Set(['image', 'build', 'environment', 'command', 'healthcheck', 'depends_on']);

/** `5s`, `1m30s`, `500ms` (Compose durations) in seconds; null if unreadable. */
export function composeSeconds(value: unknown): number | null {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string' || !/^(?:\d+(?:\.\d+)?(?:h|m|s|ms|us))+$/.test(value)) return null;
  const factor: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 1e-3, us: 1e-6 };
  let total = 0;
  for (const [, n, unit] of value.matchAll(/(\d+(?:\.\d+)?)(h|ms|us|m|s)/g))
    total += Number(n) * (factor[unit ?? 's'] ?? 1);
  return total;
}

function envOf(value: unknown): Record<string, string> | string {
  if (value === undefined || value === null) return {};
  if (Array.isArray(value)) {
    const out: Record<string, string> = {};
    for (const item of value) {
      const [key, ...rest] = String(item).split('=');
      if (!key) return `an entry ${JSON.stringify(item)} is not KEY=VALUE`;
      out[key] = rest.join('=');
    }
    return out;
  }
  if (typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, v === null ? '' : String(v)]));
  return 'expected a map or a list of KEY=VALUE';
}

/** Compose interpolation reads the harness's environment: refused, so no secret of the harness leaks in. */
function interpolates(value: unknown): boolean {
  return JSON.stringify(value ?? null).includes('${');
}

/**
 * Maps a Harbor `environment/docker-compose.yaml` (already parsed) onto
 * factory-bench's sidecars. The `main` service is the agent's container:
 * only its environment is taken (Harbor builds and starts it itself).
 * Everything else a sidecar may say is refused by name, never dropped.
 */
export function mapCompose(doc: unknown, envDir: string): ComposeMapping {
  const out: ComposeMapping = { services: {}, mainEnv: {}, problems: [], notes: [] };
  const problem = (field: string, message: string) => out.problems.push({ field, message });
  if (!doc || typeof doc !== 'object') {
    problem('', 'expected a Compose file with `services`');
    return out;
  }
  const { services, ...top } = doc as Record<string, unknown>;
  for (const key of Object.keys(top))
    if (key !== 'version') problem(key, 'not supported (only `services` is read)');
  if (!services || typeof services !== 'object') {
    problem('services', 'expected a map of services');
    return out;
  }
  for (const [name, raw] of Object.entries(services as Record<string, unknown>)) {
    const field = `services.${name}`;
    const spec = (raw ?? {}) as Record<string, unknown>;
    if (interpolates(spec)) {
      problem(
        field,
        `Compose interpolation (\`\${VAR}\`) reads the harness's environment; write the values out`,
      );
      continue;
    }
    const allowed = name === 'main' ? MAIN_KEYS : SIDECAR_KEYS;
    for (const key of Object.keys(spec))
      if (!allowed.has(key)) problem(`${field}.${key}`, 'not supported by factory-bench');
    const env = envOf(spec.environment);
    if (typeof env === 'string') {
      problem(`${field}.environment`, env);
      continue;
    }
    if (name === 'main') {
      out.mainEnv = env;
      if (spec.networks !== undefined)
        out.notes.push('services.main.networks: ignored; the sandbox puts the agent on its own network');
      continue;
    }
    if (!/^[a-z0-9][a-z0-9_-]*$/.test(name)) {
      problem(field, 'a service name of lowercase letters, digits, _ and -');
      continue;
    }
    const sidecar: SidecarInput = { env };
    if (typeof spec.image === 'string') sidecar.image = spec.image;
    const build = spec.build;
    const context =
      typeof build === 'string'
        ? build
        : build && typeof build === 'object'
          ? (build as Record<string, unknown>).context
          : undefined;
    if (build !== undefined) {
      const extra =
        build && typeof build === 'object' ? Object.keys(build).filter((k) => k !== 'context') : [];
      if (typeof context !== 'string' || extra.length > 0)
        problem(`${field}.build`, 'only a build context folder (with its Dockerfile) is supported');
      else sidecar.build = path.posix.join(envDir, context);
    }
    if (sidecar.image && sidecar.build) delete sidecar.image;
    if (typeof spec.command === 'string' || Array.isArray(spec.command))
      sidecar.command = spec.command as string | string[];
    if (spec.healthcheck && typeof spec.healthcheck === 'object') {
      const h = spec.healthcheck as Record<string, unknown>;
      const test = h.test;
      if (typeof test !== 'string' && !Array.isArray(test)) problem(`${field}.healthcheck.test`, 'required');
      else {
        const interval = h.interval === undefined ? undefined : composeSeconds(h.interval);
        const timeout = h.timeout === undefined ? undefined : composeSeconds(h.timeout);
        if (interval === null || timeout === null)
          problem(`${field}.healthcheck`, 'interval and timeout must be durations such as 5s');
        sidecar.healthcheck = {
          test: test as string | string[],
          ...(interval ? { interval_s: interval } : {}),
          ...(timeout ? { timeout_s: timeout } : {}),
          ...(typeof h.retries === 'number' ? { retries: h.retries } : {}),
        };
        if (h.start_period !== undefined)
          out.notes.push(`${field}.healthcheck.start_period: not used; retries cover a slow start`);
      }
    }
    if (spec.depends_on !== undefined)
      out.notes.push(`${field}.depends_on: every sidecar is started and healthy before the agent starts`);
    out.services[name] = sidecar;
  }
  return out;
}
