/**
 * `run` against a Docker engine reached only through DOCKER_HOST, one that
 * cannot see the harness's disk: the second engine CI starts hides /tmp,
 * /work, /home, /root and the checkout from its containers, and is reached
 * over SSH. hello_repo_fix passes with the oracle, so its workspace, the
 * oracle's solution and the grader's files all went in by copy, and the
 * workspace came out the same way. The file has the process's DOCKER_HOST to
 * itself (vitest runs each file in its own worker).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ENGINE, ensureImage } from '../../src/sandbox/index.js';
import { runCli } from '../helpers/cli.js';
import { leftoversFor } from '../helpers/docker.js';
import { ENGINE2, HAS_ENGINE2, HAS_ENGINE2_SSH } from '../helpers/engines.js';
import { tempDir } from '../helpers/tmp.js';

const runsDir = tempDir('fb-remote-run-');
const remote = HAS_ENGINE2_SSH ? ENGINE2.ssh : ENGINE2.unix;

describe.runIf(HAS_ENGINE2)(`run with DOCKER_HOST=${remote}, an engine without the harness's disk`, () => {
  const saved = { host: process.env.DOCKER_HOST, context: process.env.DOCKER_CONTEXT };
  beforeAll(async () => {
    // The engine reaches no registry: its image comes from this machine's engine (built there first on a
    // clean machine), as --docker-host would load it.
    await ensureImage({ buildContext: path.resolve('images/ml-python'), name: 'ml-python' });
    await ensureImage({
      buildContext: path.resolve('images/ml-python'),
      name: 'ml-python',
      engine: { name: remote, host: remote, loadFrom: [DEFAULT_ENGINE] },
    });
    process.env.DOCKER_HOST = remote;
    delete process.env.DOCKER_CONTEXT;
  }, 1_800_000);
  afterAll(() => {
    if (saved.host === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = saved.host;
    if (saved.context !== undefined) process.env.DOCKER_CONTEXT = saved.context;
  });

  it('passes hello_repo_fix with the oracle and leaves nothing on the engine', async () => {
    const { code, stdout, stderr } = await runCli([
      'run',
      '--task',
      'tasks/hello_repo_fix',
      '--model',
      'oracle',
      '--runs-dir',
      runsDir,
      '--json',
    ]);
    const result = JSON.parse(stdout);
    expect(result, stderr).toMatchObject({
      status: 'completed',
      passed: true,
      score: 1,
      docker_host: 'default',
    });
    expect(code).toBe(0);
    const runDir = path.join(runsDir, result.run_id);
    // The fix came back out of the engine into workspace_final/, the seed is untouched.
    expect(readFileSync(path.join(runDir, 'workspace_final/textstats/stats.py'), 'utf8')).toContain(
      '/ len(words)',
    );
    expect(readFileSync(path.join(runDir, 'workspace/textstats/stats.py'), 'utf8')).toContain(
      '// len(words)',
    );
    expect(leftoversFor(result.run_id, remote)).toEqual([]);
  }, 600_000);
});
