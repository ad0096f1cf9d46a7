/**
 * Nothing of the harness's disk is mounted: the workspace is copied in, owned
 * by the agent's user, over what the image has at its working directory, and
 * copied out by saveWorkspace(), owned by the harness's user. A non-root
 * harness (uid 1001, as on GitHub runners) runs the agent as its own uid; a
 * root harness runs it as the image's regular user. Either way what comes out
 * is the harness's to read, change and delete.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
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
  it.runIf(IS_ROOT)(
    'a root harness: the agent (the image user) owns the workspace inside, the harness what comes out',
    async () => {
      const image = await ensureImage({ buildContext: path.join(FIXTURES, 'users'), name: 'test-users' });
      const ws = path.join(scratch, 'root-harness');
      mkdirSync(path.join(ws, 'data'), { recursive: true });
      writeFileSync(path.join(ws, 'seeded.txt'), 'seed\n');
      writeFileSync(path.join(ws, 'data/from-task.txt'), 'task\n');
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
        const inside = await runner.exec({
          cmd: 'id -un; stat -c "%U %n" . seeded.txt data data/from-task.txt; cat baked.txt data/from-image.txt seeded.txt',
        });
        // The workspace went in over the image's files: its own win, the image's others stay.
        expect(inside).toMatchObject({
          exitCode: 0,
          stdout:
            'agent\nagent .\nagent seeded.txt\nagent data\nagent data/from-task.txt\nbaked\nimage\nseed\n',
        });
        const r = await runner.exec({
          cmd: 'echo more >> seeded.txt && mkdir -p d/locked && echo x > d/made.txt && chmod 500 d/locked && ln -s /etc/passwd pw && rm data/from-task.txt',
        });
        expect(r.exitCode).toBe(0);
        // The harness's folder is not the sandbox's: nothing changes on the host until the workspace is saved.
        expect(readFileSync(path.join(ws, 'seeded.txt'), 'utf8')).toBe('seed\n');
        expect(existsSync(path.join(ws, 'd'))).toBe(false);
        expect(await runner.saveWorkspace()).toEqual({ skipped: [] });
      } finally {
        await runner.stop();
      }
      expect(readFileSync(path.join(ws, 'seeded.txt'), 'utf8')).toBe('seed\nmore\n');
      expect(readFileSync(path.join(ws, 'd/made.txt'), 'utf8')).toBe('x\n');
      expect(readFileSync(path.join(ws, 'baked.txt'), 'utf8')).toBe('baked\n');
      expect(existsSync(path.join(ws, 'data/from-task.txt'))).toBe(false);
      // A link comes out as a link, never as what it points to.
      expect(lstatSync(path.join(ws, 'pw')).isSymbolicLink()).toBe(true);
      expect(readlinkSync(path.join(ws, 'pw'))).toBe('/etc/passwd');
      for (const f of ['.', 'seeded.txt', 'd', 'd/made.txt', 'd/locked']) {
        expect(statSync(path.join(ws, f)).uid).toBe(0);
        expect(statSync(path.join(ws, f)).gid).toBe(0);
      }
      expect(leftoversFor(runId)).toEqual([]);
    },
  );

  it.runIf(IS_ROOT && HAS_SETPRIV)(
    `a harness running as uid ${HARNESS_UID} runs the agent as itself and gets files it owns and can delete`,
    () => {
      const dir = build();
      const home = path.join(scratch, 'home');
      const ws = path.join(scratch, 'user-harness');
      for (const d of [home, ws]) {
        mkdirSync(d);
        chownSync(d, HARNESS_UID, HARNESS_UID);
      }
      writeFileSync(path.join(ws, 'seeded.txt'), 'seed\n');
      chownSync(path.join(ws, 'seeded.txt'), HARNESS_UID, HARNESS_UID);
      const runId = `owner-user-${process.pid}`;
      const script = path.join(scratch, 'harness.mjs');
      writeFileSync(
        script,
        `import { DockerRunner } from ${JSON.stringify(path.join(dir, 'src/sandbox/index.js'))};
const runner = new DockerRunner({ kind: 'docker', runId: ${JSON.stringify(runId)}, name: 'owner', workspaceHost: ${JSON.stringify(ws)},
  workdir: '/workspace', image: 'debian:bookworm-slim', resources: { cpus: 1, memory_mb: 256, pids: 64 }, env: {} });
await runner.start();
try {
  const r = await runner.exec({ cmd: 'id -u; id -g; stat -c %u . seeded.txt; mkdir -p d/locked && echo x > d/made.txt && chmod 500 d/locked && chmod 000 d/made.txt && echo ok' });
  await runner.saveWorkspace();
  process.stdout.write(JSON.stringify(r));
} finally {
  await runner.stop();
}
`,
      );
      chmodSync(script, 0o644);
      const asHarness = (file: string, args: string[]) =>
        execFileSync(
          'setpriv',
          [
            `--reuid=${HARNESS_UID}`,
            `--regid=${HARNESS_UID}`,
            `--groups=${dockerGid()}`,
            '--reset-env',
            file,
            ...args,
          ],
          { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, TMPDIR: home }, encoding: 'utf8' },
        );
      const r = JSON.parse(asHarness(process.execPath, [script]));
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toBe(`${HARNESS_UID}\n${HARNESS_UID}\n${HARNESS_UID}\n${HARNESS_UID}\nok\n`);
      expect(existsSync(path.join(ws, 'd/made.txt'))).toBe(true);
      for (const f of ['.', 'seeded.txt', 'd', 'd/locked', 'd/made.txt']) {
        expect(statSync(path.join(ws, f)).uid).toBe(HARNESS_UID);
        expect(statSync(path.join(ws, f)).gid).toBe(HARNESS_UID);
      }
      // The harness (not root) can delete all of it, the agent's read-only folder included.
      asHarness('rm', ['-rf', path.join(ws, 'd')]);
      expect(existsSync(path.join(ws, 'd'))).toBe(false);
      rmSync(ws, { recursive: true, force: true });
      expect(leftoversFor(runId)).toEqual([]);
    },
  );
});
