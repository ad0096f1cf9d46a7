import { appendFileSync, cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashAgentFolder } from '../../src/agents/index.js';
import { queryAll, readIndex } from '../../src/runs/index.js';
import { runCli } from '../helpers/cli.js';
import { HAS_DOCKER } from '../helpers/docker.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * A pull request that changes the agent: a suite run with agent A, one with
 * agent B (the same folder, edited), and `compare` says the agent changed.
 * The built-in `oracle` model answers through each agent (one native bash
 * call to the reference solution), so no key and no model server are needed.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const scratch = tempDir('fb-agent-suite-');
const runs = path.join(scratch, 'runs');
const agentA = path.join(scratch, 'agent-a');
const agentB = path.join(scratch, 'agent-b');
cpSync(path.join(ROOT, 'examples/agents/python-minimal'), agentA, { recursive: true });
cpSync(agentA, agentB, { recursive: true });
appendFileSync(path.join(agentB, 'agent.py'), '# a change in the pull request\n');
const suiteFile = path.join(scratch, 'suite.yaml');
writeFileSync(suiteFile, `id: agent_ab\ntasks:\n  - ${path.join(ROOT, 'tasks/hello_repo_fix')}\n`);
const [hashA, hashB] = [hashAgentFolder(agentA), hashAgentFolder(agentB)];

describe.runIf(HAS_DOCKER)('suite runs of two versions of an agent', () => {
  let idA = '';
  let idB = '';

  it('validate proves the task sound through the agent (the oracle carried out, null rejected)', async () => {
    const r = await runCli([
      'validate',
      '--task',
      path.join(ROOT, 'tasks/hello_repo_fix'),
      '--agent',
      agentA,
      '--runs-dir',
      runs,
      '--json',
    ]);
    const [v] = JSON.parse(r.stdout);
    expect(v.problems).toEqual([]);
    expect(v).toMatchObject({ sound: true, oracle: { passed: true, score: 1 }, null: { passed: false } });
    expect(r.code).toBe(0);
  }, 600_000);

  it('records the agent with every run and the suite run', async () => {
    for (const [agent, label] of [
      [agentA, 'a'],
      [agentB, 'b'],
    ] as const) {
      const r = await runCli([
        'suite',
        'run',
        suiteFile,
        '--model',
        'oracle',
        '--agent',
        agent,
        '--label',
        label,
        '--runs-dir',
        runs,
        '--json',
      ]);
      expect(r.code).toBe(0);
      const summary = JSON.parse(r.stdout);
      expect(summary.agent).toEqual({
        kind: 'external',
        name: 'python-minimal',
        hash: label === 'a' ? hashA : hashB,
        runs_in: 'sandbox',
      });
      expect(summary.totals.passed_runs).toBe(1);
      const report = readFileSync(path.join(runs, summary.suite_run_id, 'report.md'), 'utf8');
      expect(report).toContain(
        `- Agent: \`python-minimal (${(label === 'a' ? hashA : hashB).slice(0, 12)})\``,
      );
      if (label === 'a') idA = summary.suite_run_id;
      else idB = summary.suite_run_id;
    }
    const rows = await readIndex(path.join(runs, 'runs.sqlite'), (db) => ({
      runs: queryAll(
        db,
        'SELECT suite_run_id, agent, agent_name, agent_hash FROM runs WHERE suite_run_id IS NOT NULL ORDER BY started_at',
      ),
      suites: queryAll(db, 'SELECT suite_run_id, agent, agent_hash FROM suite_runs ORDER BY started_at'),
    }));
    expect(rows.runs).toEqual([
      {
        suite_run_id: idA,
        agent: `python-minimal (${hashA.slice(0, 12)})`,
        agent_name: 'python-minimal',
        agent_hash: hashA,
      },
      {
        suite_run_id: idB,
        agent: `python-minimal (${hashB.slice(0, 12)})`,
        agent_name: 'python-minimal',
        agent_hash: hashB,
      },
    ]);
    expect(rows.suites.map((r) => r.agent_hash)).toEqual([hashA, hashB]);
  }, 900_000);

  it('compare names the agent change, in markdown and in --json', async () => {
    const md = await runCli(['compare', idA, idB, '--runs-dir', runs]);
    expect(md.code).toBe(0);
    expect(md.stdout).toContain(
      `- 🔁 Agent changed: python-minimal (${hashA.slice(0, 12)}) → python-minimal (${hashB.slice(0, 12)})`,
    );
    const json = JSON.parse((await runCli(['compare', idA, idB, '--runs-dir', runs, '--json'])).stdout);
    expect(json.agent_change).toMatchObject({
      base: { name: 'python-minimal', hash: hashA },
      head: { name: 'python-minimal', hash: hashB },
      statement: `agent changed: python-minimal (${hashA.slice(0, 12)}) → python-minimal (${hashB.slice(0, 12)})`,
    });
    // runs list filters by agent name or hash prefix, and shows the agent.
    const byHash = JSON.parse(
      (await runCli(['runs', 'list', '--agent', hashB.slice(0, 8), '--runs-dir', runs, '--json'])).stdout,
    );
    expect(byHash.map((r: { suite_run_id: string }) => r.suite_run_id)).toEqual([idB]);
    const byName = JSON.parse(
      (await runCli(['runs', 'list', '--agent', 'python-minimal', '--runs-dir', runs, '--json'])).stdout,
    );
    expect(byName.length).toBe(4);
    expect((await runCli(['runs', 'list', '--agent', 'builtin', '--runs-dir', runs])).stderr).toContain(
      'no runs match',
    );
    expect((await runCli(['runs', 'list', '--runs-dir', runs])).stdout).toContain(
      `python-minimal (${hashA.slice(0, 12)})`,
    );
    // The same agent on both sides: no agent change.
    const same = JSON.parse((await runCli(['compare', idA, idA, '--runs-dir', runs, '--json'])).stdout);
    expect(same.agent_change).toBeNull();
  });
});
