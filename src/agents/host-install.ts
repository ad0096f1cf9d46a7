import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { lockPath, withFileLock } from '../sandbox/index.js';
import { hostAgentEnv, startHostProcess } from './host-process.js';
import type { AgentSpec } from './spec.js';

/** Where the marks of finished host installs are kept (one per agent folder and hash). */
const MARKS_DIR = path.join(os.tmpdir(), 'factory-bench', 'agent-installs');

/** Thrown when an agent's install step fails: an environment error, not the agent's score. */
export class AgentInstallError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AgentInstallError';
  }
}

/**
 * Runs a host agent's `install` once per (folder, hash) on this machine, in
 * its folder, under a lock shared by every harness process; later runs of
 * the same version reuse it. The log goes to `logFile`.
 */
export async function ensureHostInstall(
  agent: Extract<AgentSpec, { kind: 'external' }>,
  opts: { logFile?: string; notice?: (message: string) => void } = {},
): Promise<void> {
  const install = agent.manifest.install;
  if (!install) return;
  const key = `${agent.dir}\0${agent.hash}`;
  const mark = path.join(MARKS_DIR, `${Buffer.from(key).toString('base64url').slice(-80)}-${agent.hash}`);
  if (existsSync(mark)) return;
  await withFileLock(lockPath(`agent-install:${key}`), async () => {
    if (existsSync(mark)) return;
    opts.notice?.(`installing agent ${agent.manifest.name} on this machine: ${install}`);
    const proc = startHostProcess({
      command: install,
      cwd: agent.dir,
      env: hostAgentEnv({}),
      stdin: '',
      maxOutputBytes: 1024 * 1024,
    });
    const limitMs = agent.manifest.timeouts.install_seconds * 1000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), limitMs);
    });
    const end = await Promise.race([proc.ended, timedOut]);
    clearTimeout(timer);
    if (end === 'timeout') {
      await proc.stop(2000);
      throw new AgentInstallError(
        `installing agent ${agent.manifest.name} took longer than ${agent.manifest.timeouts.install_seconds}s`,
      );
    }
    if (opts.logFile) writeFileSync(opts.logFile, `$ ${install}\n${end.stdout}${end.stderr}`);
    if (end.exitCode !== 0) {
      const last = `${end.stderr}${end.stdout}`.trim().split('\n').pop() ?? '';
      throw new AgentInstallError(
        `installing agent ${agent.manifest.name} failed (exit ${end.exitCode ?? end.signal}): ${last}`,
      );
    }
    mkdirSync(MARKS_DIR, { recursive: true });
    writeFileSync(mark, `${new Date().toISOString()} ${agent.dir}\n`);
  });
}
