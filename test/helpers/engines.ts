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
};

function answers(host: string): boolean {
  try {
    execFileSync('docker', ['version', '--format', '{{.Server.Version}}'], {
      stdio: 'pipe',
      timeout: 30_000,
      env: { ...process.env, DOCKER_HOST: host, DOCKER_CONTEXT: '' },
    });
    return true;
  } catch {
    return false;
  }
}

export const HAS_ENGINE2 = HAS_DOCKER && answers(ENGINE2.unix);
export const HAS_ENGINE2_SSH = HAS_ENGINE2 && answers(ENGINE2.ssh);
if (HAS_DOCKER && !HAS_ENGINE2_SSH) {
  const missing = HAS_ENGINE2
    ? `${ENGINE2.ssh} does not answer`
    : `no second Docker engine at ${ENGINE2.unix}`;
  if (process.env.CI)
    throw new Error(`CI=true but ${missing}: run scripts/start-second-engine.sh (setup-docker.sh does)`);
  console.warn(
    `${missing}: skipping the tests on two engines (sudo bash scripts/start-second-engine.sh starts it)`,
  );
}
