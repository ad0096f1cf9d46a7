/**
 * Files the agent creates in the bind-mounted workspace belong to the host user
 * running the harness: a non-root harness (uid 1001, as on GitHub runners) maps
 * the agent to its own uid; a root harness runs the agent as the image's
 * regular user and takes the workspace back at stop.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DockerRunner, ensureImage } from '../../src/sandbox/index.js';
import { HAS_DOCKER, leftoversFor } from '../helpers/docker.js';
import { tempDir } from '../helpers/tmp.js';
import { compileForChildProcess, FIXTURES } from './fixtures.js';

const scratch = tempDir('fb-owner-');
chmodSync(scratch, 0o755);
const build = compileForChildProcess();
const IS_ROOT = process.getuid?.() === 0;
const HAS_SETPRIV = spawnSync('setpriv', ['--version']).status === 0;
const HARNESS_UID = 1001;

function dockerGid(): number {
  return statSync('/var/run/docker.sock').gid;
}

describe.runIf(HAS_DOCKER)('workspace ownership', () => {
  it.runIf(IS_ROOT)('a root harness runs the agent as the image user and takes the files back', async () => {
    const image = await ensureImage({ buildContext: path.join(FIXTURES, 'users'), name: 'test-users' });
    const ws = path.join(scratch, 'root-harness');
    mkdirSync(ws);
    writeFileSync(path.join(ws, 'seeded.txt'), 'seed');
    const runId = `owner-root-${process.pid}`;
    const runner = new DockerRunner({
      kind: 'docker',
      runId,
      name: runId,
      workspaceHost: ws,
      workdir: '/workspace',
      image,
      resources: { cpus: 1, memory_mb: 256, pids: 64 },
      env: {},
    });
    await runner.start();
    try {
      const r = await runner.exec({
        cmd: 'id -un; echo more >> seeded.txt && mkdir -p d && echo x > d/made.txt',
      });
      expect(r).toMatchObject({ exitCode: 0, stdout: 'agent\n' });
      expect(statSync(path.join(ws, 'd/made.txt')).uid).toBe(1000);
    } finally {
      await runner.stop();
    }
    for (const f of ['.', 'seeded.txt', 'd', 'd/made.txt']) expect(statSync(path.join(ws, f)).uid).toBe(0);
    expect(leftoversFor(runId)).toEqual([]);
  });

  it.runIf(IS_ROOT && HAS_SETPRIV)(`a harness running as uid ${HARNESS_UID} gets files it owns`, () => {
    const dir = build();
    const home = path.join(scratch, 'home');
    const ws = path.join(scratch, 'user-harness');
    for (const d of [home, ws]) {
      mkdirSync(d);
      chownSync(d, HARNESS_UID, HARNESS_UID);
    }
    const runId = `owner-user-${process.pid}`;
    const script = path.join(scratch, 'harness.mjs');
    writeFileSync(
      script,
      `import { DockerRunner } from ${JSON.stringify(path.join(dir, 'src/sandbox/index.js'))};
const runner = new DockerRunner({ kind: 'docker', runId: ${JSON.stringify(runId)}, name: 'owner', workspaceHost: ${JSON.stringify(ws)},
  workdir: '/workspace', image: 'debian:bookworm-slim', resources: { cpus: 1, memory_mb: 256, pids: 64 }, env: {} });
await runner.start();
try {
  const r = await runner.exec({ cmd: 'id -u; id -g; mkdir -p d && echo x > d/made.txt && echo ok' });
  process.stdout.write(JSON.stringify(r));
} finally {
  await runner.stop();
}
`,
    );
    chmodSync(script, 0o644);
    const out = execFileSync(
      'setpriv',
      [
        `--reuid=${HARNESS_UID}`,
        `--regid=${HARNESS_UID}`,
        `--groups=${dockerGid()}`,
        '--reset-env',
        process.execPath,
        script,
      ],
      { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, TMPDIR: home }, encoding: 'utf8' },
    );
    const r = JSON.parse(out);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(`${HARNESS_UID}\n${HARNESS_UID}\nok\n`);
    expect(existsSync(path.join(ws, 'd/made.txt'))).toBe(true);
    for (const f of ['d', 'd/made.txt']) {
      expect(statSync(path.join(ws, f)).uid).toBe(HARNESS_UID);
      expect(statSync(path.join(ws, f)).gid).toBe(HARNESS_UID);
    }
    expect(leftoversFor(runId)).toEqual([]);
  });
});
