import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { prepareGrading } from '../../src/judges/index.js';
import { DockerRunner, ensureImage, SANDBOX_PATHS } from '../../src/sandbox/index.js';
import { HAS_DOCKER, leftoversFor } from '../helpers/docker.js';
import { makeTask } from '../helpers/tasks.js';
import { tempDir } from '../helpers/tmp.js';

/** Writes 0 over the answer once grader files appear; ignores SIGTERM. */
const TAMPERER = `setsid sh -c 'trap "" TERM; while true; do if [ -d ${SANDBOX_PATHS.grader} ]; then echo 0 > /tmp/t && mv /tmp/t /workspace/answer.txt; fi; sleep 0.1; done' >/dev/null 2>&1 </dev/null &`;
/** Respawns short-lived children forever, so a one-pass kill would miss some. */
const RESPAWNER = `(nohup sh -c 'while true; do sh -c "sleep 1" & sleep 0.05; done' >/dev/null 2>&1 </dev/null &)`;
/** Counts processes whose command line mentions the answer file (the pattern does not match itself). */
const COUNT_TAMPERERS = `for f in /proc/[0-9]*/cmdline; do tr '\\0' ' ' < "$f" 2>/dev/null; echo; done | grep -c 'answer[.]txt\\|sleep[ ]1' || true`;

describe.runIf(HAS_DOCKER)('grading preparation in a real container', () => {
  const started: DockerRunner[] = [];
  afterAll(async () => {
    for (const r of started) await r.stop();
  });

  async function sandboxWithTamperer(): Promise<{ runner: DockerRunner; runId: string }> {
    const runId = `judges-prep-${randomBytes(3).toString('hex')}`;
    const runner = new DockerRunner({
      kind: 'docker',
      runId,
      name: runId,
      workspaceHost: tempDir('fb-prep-ws-'),
      workdir: '/workspace',
      image: 'debian:bookworm-slim',
      resources: { cpus: 1, memory_mb: 256, pids: 128 },
      env: {},
    });
    started.push(runner);
    await runner.start();
    const r = await runner.exec({
      cmd: `echo 42 > answer.txt; ${TAMPERER} ${RESPAWNER}; echo started`,
      timeoutMs: 10_000,
    });
    expect(r.stdout).toContain('started');
    return { runner, runId };
  }

  function taskWithFixtures() {
    const task = makeTask(
      { fixtures: 'grader', checks: [{ name: 'x', type: 'file_present', path: 'answer.txt' }] },
      {
        'grader/labels.csv': 'id,label\n1,cat\n',
        'grader/deep/eval.sh': 'echo eval\n',
        'solution/solve.sh': 'echo 42 > answer.txt\n',
      },
    );
    task.paths.fixtures = path.join(task.dir, 'grader');
    return task;
  }

  it('without the kill, a background process tampers with the answer once the grader files appear', async () => {
    const { runner } = await sandboxWithTamperer();
    await prepareGrading(runner, taskWithFixtures(), { killLeftovers: false });
    const r = await runner.exec({ cmd: 'sleep 1; cat answer.txt', timeoutMs: 10_000 });
    expect(`${r.stdout.trim()}${r.stderr}`).toBe('0');
  });

  it('kills the leftovers, keeps the container alive, and installs read-only grader files outside the workspace', async () => {
    const { runner, runId } = await sandboxWithTamperer();
    expect(Number((await runner.exec({ cmd: COUNT_TAMPERERS })).stdout.trim())).toBeGreaterThan(0);
    // One tar through the open shell, not a `docker cp` per entry.
    const copies = vi.spyOn(runner, 'copyIn');
    const prepared = await prepareGrading(runner, taskWithFixtures(), { killLeftovers: true });
    expect(copies).not.toHaveBeenCalled();
    expect(prepared.killedProcesses).toBeGreaterThanOrEqual(2);
    expect(prepared.leftProcesses).toBe(0);
    const after = await runner.exec({ cmd: 'sleep 1; cat answer.txt', timeoutMs: 10_000 });
    expect(after.stdout.trim()).toBe('42');
    expect((await runner.exec({ cmd: COUNT_TAMPERERS })).stdout.trim()).toBe('0');
    const files = await runner.exec({
      cmd: `cat ${SANDBOX_PATHS.grader}/labels.csv ${SANDBOX_PATHS.grader}/deep/eval.sh ${SANDBOX_PATHS.solution}/solve.sh; stat -c '%U %A' ${SANDBOX_PATHS.grader}/labels.csv`,
    });
    expect(files.stdout).toBe('id,label\n1,cat\necho eval\necho 42 > answer.txt\nroot -r--r--r--\n');
    const write = await runner.exec({ cmd: `echo hacked > ${SANDBOX_PATHS.grader}/labels.csv` });
    expect(write.exitCode).not.toBe(0);
    expect(write.stderr).toMatch(/Permission denied/);
    await runner.stop();
    expect(leftoversFor(runId)).toEqual([]);
  });

  it('in an image without tar, copies with `docker cp` instead, to the same effect', async () => {
    const nonce = randomBytes(4).toString('hex');
    const context = tempDir('fb-prep-notar-');
    writeFileSync(
      path.join(context, 'Dockerfile'),
      `FROM debian:bookworm-slim\nRUN rm -f /usr/bin/tar /bin/tar && echo ${nonce} > /etc/no-tar\n`,
    );
    const image = await ensureImage({ buildContext: context, name: `prep-no-tar-${nonce}` });
    try {
      const runId = `judges-prep-notar-${nonce}`;
      const runner = new DockerRunner({
        kind: 'docker',
        runId,
        name: runId,
        workspaceHost: tempDir('fb-prep-ws-'),
        workdir: '/workspace',
        image,
        resources: { cpus: 1, memory_mb: 256, pids: 128 },
        env: {},
      });
      started.push(runner);
      await runner.start();
      const copies = vi.spyOn(runner, 'copyIn');
      await prepareGrading(runner, taskWithFixtures(), { killLeftovers: true });
      expect(copies).toHaveBeenCalled();
      const files = await runner.exec({
        cmd: `command -v tar; cat ${SANDBOX_PATHS.grader}/deep/eval.sh ${SANDBOX_PATHS.solution}/solve.sh; stat -c '%U %A' ${SANDBOX_PATHS.grader}/labels.csv`,
      });
      expect(files.stdout).toBe('echo eval\necho 42 > answer.txt\nroot -r--r--r--\n');
      await runner.stop();
    } finally {
      execFileSync('docker', ['rmi', '-f', image], { stdio: 'ignore' });
    }
  });

  it('copies an expected-output file that lives outside the fixtures folder', async () => {
    const { runner } = await sandboxWithTamperer();
    const task = taskWithFixtures();
    mkdirSync(path.join(task.dir, 'expected'), { recursive: true });
    writeFileSync(path.join(task.dir, 'expected/out.txt'), 'forty-two\n');
    task.manifest.grader.checks.push({
      name: 'ref',
      type: 'reference_output',
      command: 'cat answer.txt',
      expected: 'expected/out.txt',
      weight: 1,
      gating: false,
      abs_tolerance: 0,
      rel_tolerance: 0,
      ignore_whitespace: true,
      ignore_row_order: false,
      timeout_s: 10,
    });
    await prepareGrading(runner, task, { killLeftovers: true });
    const r = await runner.exec({ cmd: `cat ${SANDBOX_PATHS.grader}/expected/out.txt` });
    expect(r.stdout).toBe('forty-two\n');
  });
});
