import { execFileSync } from 'node:child_process';
/**
 * A broken environment is the environment's fault, not the agent's: a failed
 * image build or a sidecar that never gets healthy ends the run with status
 * environment_error, the reason in result.json, and nothing left running.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTask } from '../../src/orchestrator/index.js';
import { HAS_DOCKER, leftoversFor } from '../helpers/docker.js';
import { tempDir } from '../helpers/tmp.js';
import { taskWith } from './fixtures.js';

const scratch = tempDir('fb-enverr-');
const runsRoot = path.join(scratch, 'runs');

describe.runIf(HAS_DOCKER)('environment errors in result.json', () => {
  it('a failed image build, with its log in the run directory', async () => {
    const task = taskWith('env_broken_build', { dockerfile: 'broken' }, scratch);
    const { result, runDir } = await runTask({ task, model: 'null', runsRoot });
    expect(result.status).toBe('environment_error');
    expect(result.error?.kind).toBe('environment:image_build');
    expect(result.error?.message).toMatch(/building factory-bench\/env_broken_build:\w+ .*failed/);
    const onDisk = JSON.parse(readFileSync(path.join(runDir, 'result.json'), 'utf8'));
    expect(onDisk.status).toBe('environment_error');
    const log = path.join(runDir, 'logs/image-build.log');
    expect(existsSync(log)).toBe(true);
    expect(readFileSync(log, 'utf8')).toContain('this build fails on purpose');
    expect(leftoversFor(result.run_id)).toEqual([]);
    // Nor the failed build step's container.
    const stepContainers = execFileSync('docker', ['ps', '-a', '--no-trunc', '--format', '{{.Command}}'], {
      encoding: 'utf8',
    });
    expect(stepContainers).not.toContain('this build fails on purpose');
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
