import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAgent } from '../../src/agents/index.js';
import { loadSuite, runSuite } from '../../src/suites/index.js';
import { ManifestError } from '../../src/tasks/index.js';
import { fakeRunner } from '../helpers/fake-runner.js';
import { writeSuite, writeTask } from '../helpers/tasks.js';
import { tempDir } from '../helpers/tmp.js';

/** A suite's agent: from defaults.agent or the caller, recorded, and fixed for the life of a suite run. */

const root = tempDir('fb-suite-agent-');

function agentFolder(name: string): string {
  const dir = path.join(root, 'agents', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'agent.yaml'), `name: ${name}\ncommand: python3 /opt/agent/run.py\n`);
  writeFileSync(path.join(dir, 'run.py'), 'print("hi")\n');
  return dir;
}

describe('the agent of a suite', () => {
  it('defaults.agent resolves against the suite folder, then the repository root', () => {
    agentFolder('mine');
    writeTask(path.join(root, 'tasks'), 't1');
    writeFileSync(path.join(root, 'package.json'), '{}');
    const file = writeSuite(
      path.join(root, 'suites', 'with-agent.yaml'),
      'id: with_agent\ndefaults:\n  agent: agents/mine\ntasks:\n  - tasks/t1\n',
    );
    const suite = loadSuite(file);
    expect(suite.defaults.agent).toMatchObject({ kind: 'external', dir: path.join(root, 'agents/mine') });
    const bad = writeSuite(
      path.join(root, 'suites', 'bad-agent.yaml'),
      'id: bad_agent\ndefaults:\n  agent: agents/none\ntasks:\n  - tasks/t1\n',
    );
    try {
      loadSuite(bad);
      throw new Error('expected a ManifestError');
    } catch (err) {
      expect(err).toBeInstanceOf(ManifestError);
      expect((err as Error).message).toMatch(new RegExp(`^${bad}: defaults.agent: no such agent folder`));
    }
  });

  it('a resumed suite run keeps its agent: a different or changed agent is refused', async () => {
    const dir = path.join(root, 'resume');
    for (const id of ['t1', 't2', 't3']) writeTask(path.join(dir, 'tasks'), id);
    const file = writeSuite(path.join(dir, 'suites', 'r.yaml'), 'id: r\ntasks:\n  - tasks/*\n');
    const runsRoot = path.join(dir, 'runs');
    const a = agentFolder('agent-a');
    const controller = new AbortController();
    const first = fakeRunner(() => 'pass', { delayMs: 20, onStart: () => controller.abort() });
    const out = await runSuite({
      suite: file,
      model: 'm',
      agent: loadAgent(a),
      runsRoot,
      runTask: first.run,
      signal: controller.signal,
    });
    expect(out.status).toBe('interrupted');
    const hashA = out.summary.agent?.hash;
    expect(out.summary.agent).toMatchObject({ kind: 'external', name: 'agent-a', runs_in: 'sandbox' });

    await expect(
      runSuite({
        resume: out.suiteRunId,
        agent: loadAgent(agentFolder('agent-b')),
        runsRoot,
        runTask: first.run,
      }),
    ).rejects.toThrow(`was run with agent agent-a (${hashA?.slice(0, 12)}), not agent-b`);
    await expect(
      runSuite({ resume: out.suiteRunId, agent: loadAgent('builtin'), runsRoot, runTask: first.run }),
    ).rejects.toThrow(/not builtin; start a new suite run/);
    // Without --agent the recorded folder is used again, as long as it has not changed since.
    appendFileSync(path.join(a, 'run.py'), '# edited\n');
    await expect(runSuite({ resume: out.suiteRunId, runsRoot, runTask: first.run })).rejects.toThrow(
      /was run with agent agent-a/,
    );
    writeFileSync(path.join(a, 'run.py'), 'print("hi")\n');
    const second = fakeRunner(() => 'pass');
    const resumed = await runSuite({ resume: out.suiteRunId, runsRoot, runTask: second.run });
    expect(resumed.status).toBe('completed');
    expect(resumed.summary.agent?.hash).toBe(hashA);
    expect(resumed.summary.tasks.flatMap((t) => t.runs).every((r) => r.status === 'completed')).toBe(true);
  });
});
