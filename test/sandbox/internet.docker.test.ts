/**
 * `allow_internet` as a task's explicit choice, against the real Docker engine: a Harbor folder that
 * does not say it gets no network at all (loopback only), one that asks gets an interface with a
 * way out (on the Compose runner), and the run's result says which (this machine is offline, so the interface is what is
 * checked, not a download).
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTask } from '../../src/orchestrator/index.js';
import { loadTask } from '../../src/tasks/index.js';
import { HAS_DOCKER } from '../helpers/docker.js';
import { ScriptedBashAgent } from '../helpers/judge-fakes.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir('fb-internet-');
const EXAMPLE = path.resolve('examples/harbor/sensor-calibration');

/** The example with its `allow_internet` line set as given (or removed). */
function harborTask(name: string, allowInternet: boolean | null): string {
  const dir = path.join(root, name);
  cpSync(EXAMPLE, dir, { recursive: true });
  const toml = path.join(dir, 'task.toml');
  const text = readFileSync(toml, 'utf8');
  expect(text).toContain('allow_internet = false');
  writeFileSync(
    toml,
    text.replace('allow_internet = false', allowInternet === null ? '' : `allow_internet = ${allowInternet}`),
  );
  return dir;
}

async function interfaces(
  dir: string,
): Promise<{ names: string[]; internet: boolean | undefined; sandbox: string }> {
  const { result, runDir } = await runTask({
    task: loadTask(dir),
    model: new ScriptedBashAgent(['ls /sys/class/net > /app/interfaces.txt']),
    runsRoot: path.join(root, 'runs'),
  });
  expect(result.status, JSON.stringify(result.error)).toBe('completed');
  const names = readFileSync(path.join(runDir, 'workspace_final', 'interfaces.txt'), 'utf8').split('\n');
  return {
    names: names.filter(Boolean).sort(),
    internet: result.isolation?.internet,
    sandbox: result.sandbox,
  };
}

describe.runIf(HAS_DOCKER)('allow_internet in the agent container', () => {
  it('off when the task is silent or says false: loopback only; on only when it says true', async () => {
    const silent = await interfaces(harborTask('silent', null));
    expect(silent).toEqual({ names: ['lo'], internet: false, sandbox: 'docker' });
    const closed = await interfaces(harborTask('closed', false));
    expect(closed).toEqual({ names: ['lo'], internet: false, sandbox: 'docker' });
    const open = await interfaces(harborTask('open', true));
    // On Compose: a network of the run's own with a way out (a host's default bridge may not exist).
    expect(open).toMatchObject({ internet: true, sandbox: 'compose' });
    expect(open.names).toContain('lo');
    expect(open.names.filter((n) => n !== 'lo').length).toBeGreaterThan(0);
  }, 600_000);
});
