import { execFileSync } from 'node:child_process';
import { HAS_DOCKER } from './docker.js';

/**
 * The second Docker engine CI starts (scripts/start-second-engine.sh): its Unix
 * socket, and the same engine over SSH when sshd runs. In CI a missing engine
 * is an error, never a silent skip.
 */
export const ENGINE2 = {
  unix: `unix://${process.env.FB_ENGINE2_SOCKET ?? '/run/fb-docker2.sock'}`,
  ssh: 'ssh://fb-docker2',
  /** Its TLS listener, and the folder with the client's ca.pem, cert.pem and key.pem. */
  tcp: 'tcp://127.0.0.1:2376',
  certs: '/etc/fb-docker2/client',
  /** The Docker context naming its socket. */
  context: 'fb-docker2',
};

function answers(host: string, extra: Record<string, string> = {}): boolean {
  const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_HOST: host, DOCKER_CONTEXT: '', ...extra };
  if (env.DOCKER_HOST === '') delete env.DOCKER_HOST;
  if (env.DOCKER_CONTEXT === '') delete env.DOCKER_CONTEXT;
  try {
    execFileSync('docker', ['version', '--format', '{{.Server.Version}}'], {
      stdio: 'pipe',
      timeout: 30_000,
      env,
    });
    return true;
  } catch {
    return false;
  }
}

export const HAS_ENGINE2 = HAS_DOCKER && answers(ENGINE2.unix);
export const HAS_ENGINE2_SSH = HAS_ENGINE2 && answers(ENGINE2.ssh);
export const HAS_ENGINE2_TLS =
  HAS_ENGINE2 && answers(ENGINE2.tcp, { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: ENGINE2.certs });
export const HAS_ENGINE2_CONTEXT = HAS_ENGINE2 && answers('', { DOCKER_CONTEXT: ENGINE2.context });
if (HAS_DOCKER && !(HAS_ENGINE2_SSH && HAS_ENGINE2_TLS && HAS_ENGINE2_CONTEXT)) {
  const missing = !HAS_ENGINE2
    ? `no second Docker engine at ${ENGINE2.unix}`
    : [
        ...(HAS_ENGINE2_SSH ? [] : [`${ENGINE2.ssh} does not answer`]),
        ...(HAS_ENGINE2_TLS ? [] : [`${ENGINE2.tcp} (TLS) does not answer`]),
        ...(HAS_ENGINE2_CONTEXT ? [] : [`Docker context ${ENGINE2.context} does not answer`]),
      ].join('; ');
  if (process.env.CI)
    throw new Error(`CI=true but ${missing}: run scripts/start-second-engine.sh (setup-docker.sh does)`);
  console.warn(
    `${missing}: skipping the tests on two engines (sudo bash scripts/start-second-engine.sh starts it)`,
  );
}
