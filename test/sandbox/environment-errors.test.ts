import { execFileSync } from 'node:child_process';
/**
 * A broken environment is the environment's fault, not the agent's: a failed
 * image build or a sidecar that never gets healthy ends the run with status
 * environment_error, the reason in result.json, and nothing left running.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTask } from '../../src/orchestrator/index.js';
import { HAS_DOCKER, leftoversFor } from '../helpers/docker.js';
import { tempDir } from '../helpers/tmp.js';
import { FIXTURES, taskWith } from './fixtures.js';

const scratch = tempDir('fb-enverr-');
const runsRoot = path.join(scratch, 'runs');

describe.runIf(HAS_DOCKER)('environment errors in result.json', () => {
  it('a failed image build, with its log in the run directory', async () => {
    // Its own build context with a fresh nonce in the failing step: the step container it must not
    // leave is told apart from those of anyone else building the same fixture on this engine.
    const nonce = randomBytes(8).toString('hex');
    const context = path.join(scratch, 'broken-context');
    mkdirSync(context, { recursive: true });
    writeFileSync(
      path.join(context, 'Dockerfile'),
      readFileSync(path.join(FIXTURES, 'broken', 'Dockerfile'), 'utf8').replace(
        'this build fails on purpose',
        `this build fails on purpose ${nonce}`,
      ),
    );
    const fixture = taskWith('env_broken_build', { dockerfile: 'broken' }, scratch);
    const task = { ...fixture, paths: { ...fixture.paths, buildContext: context } };
    const { result, runDir } = await runTask({ task, model: 'null', runsRoot });
    expect(result.status).toBe('environment_error');
    expect(result.error?.kind).toBe('environment:image_build');
    expect(result.error?.message).toMatch(/building factory-bench\/env_broken_build:\w+ .*failed/);
    const onDisk = JSON.parse(readFileSync(path.join(runDir, 'result.json'), 'utf8'));
    expect(onDisk.status).toBe('environment_error');
    const log = path.join(runDir, 'logs/image-build.log');
    expect(existsSync(log)).toBe(true);
    expect(readFileSync(log, 'utf8')).toContain(`this build fails on purpose ${nonce}`);
    expect(leftoversFor(result.run_id)).toEqual([]);
    // Nor the failed build step's container (only this build's own step carries the nonce).
    const stepContainers = execFileSync('docker', ['ps', '-a', '--no-trunc', '--format', '{{.Command}}'], {
      encoding: 'utf8',
    });
    expect(stepContainers).not.toContain(nonce);
  });

  it('a sidecar that never becomes healthy, named in the error', async () => {
    const task = taskWith(
      'env_sick_sidecar',
      { services: { cache: { build: 'web', healthcheck: { test: 'exit 1', interval_s: 0.5, retries: 2 } } } },
      scratch,
    );
    const { result } = await runTask({ task, model: 'null', runsRoot });
    expect(result.status).toBe('environment_error');
    expect(result.error?.kind).toBe('environment:service_unhealthy');
    expect(result.error?.message).toMatch(/service cache/);
    expect(result.sandbox).toBe('compose');
    expect(leftoversFor(result.run_id)).toEqual([]);
  });
});
