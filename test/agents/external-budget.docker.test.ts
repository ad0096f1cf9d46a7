import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAgent } from '../../src/agents/index.js';
import { runTask } from '../../src/orchestrator/index.js';
import { HAS_DOCKER, leftoversFor } from '../helpers/docker.js';
import { tempDir } from '../helpers/tmp.js';
import { completion, startFakeOpenAI } from '../models/openai-server.js';

/**
 * Budgets bind agents from agent folders: a breach at the gateway, or the
 * wall clock, stops the agent's whole process tree, and the run is graded.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const TASK = path.join(ROOT, 'tasks/hello_repo_fix');
const scratch = tempDir('fb-ext-budget-');
const runsRoot = path.join(scratch, 'runs');

/** An agent that calls the model forever, ignoring every error, with a child process beside it. */
const LOOPER = `import json, os, subprocess, time, urllib.request
subprocess.Popen(["sleep", "100000"])
body = json.dumps({"model": "x", "messages": [{"role": "user", "content": "again"}]}).encode()
while True:
    req = urllib.request.Request(os.environ["OPENAI_BASE_URL"] + "/chat/completions", data=body,
        headers={"Authorization": "Bearer " + os.environ["OPENAI_API_KEY"], "Content-Type": "application/json"})
    try:
        urllib.request.urlopen(req, timeout=30).read()
        print("answered", flush=True)
    except Exception as e:
        print("refused:", e, flush=True)
    time.sleep(0.1)
`;

function agentFolder(name: string, command: string, files: Record<string, string> = {}): string {
  const dir = path.join(scratch, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'agent.yaml'),
    `name: ${name}\ncommand: ${command}\ntimeouts:\n  stop_grace_seconds: 2\n`,
  );
  for (const [file, text] of Object.entries(files)) writeFileSync(path.join(dir, file), text);
  return dir;
}

function events(runDir: string): Array<Record<string, unknown>> {
  return readFileSync(path.join(runDir, 'transcript.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}

describe.runIf(HAS_DOCKER)('budgets bind an agent folder', () => {
  const previousKey = process.env.OPENAI_API_KEY;
  beforeAll(() => {
    process.env.OPENAI_API_KEY = 'sk-test-budget-0000';
  });
  afterAll(() => {
    if (previousKey === undefined) delete process.env.OPENAI_API_KEY;
    else process.env.OPENAI_API_KEY = previousKey;
  });

  for (const kind of ['tokens', 'cost'] as const) {
    it(`an agent looping on model calls ends with budget_exceeded:${kind}, its process tree stopped, and is graded`, async () => {
      // hello_repo_fix allows 60k tokens; each answer here reports 25k tokens and $0.004.
      const server = await startFakeOpenAI([
        completion({ content: 'again?' }, { prompt: 25_000, completion: 5, cost: 0.004 }),
      ]);
      try {
        const agent = loadAgent(
          agentFolder(`looper-${kind}`, 'python3 /opt/agent/loop.py', { 'loop.py': LOOPER }),
        );
        const { result, runDir } = await runTask({
          task: TASK,
          model: 'openai/gpt-4o-mini',
          modelConfig: { baseUrl: server.baseURL },
          agent,
          runsRoot,
          budget: kind === 'cost' ? { max_cost_usd: 0.01, max_tokens: 10_000_000 } : {},
        });
        expect(result.kill_reason).toBe(`budget_exceeded:${kind}`);
        expect(result.stop_reason).toBe('budget_exceeded');
        // Graded all the same: the workspace was left as it was, so the tests fail.
        expect(result.status).toBe('completed');
        expect(result.checks.map((c) => c.name)).toEqual(['package_present', 'tests_pass']);
        expect(result.passed).toBe(false);
        // Three answers cross either budget; after that the gateway refuses and the agent is stopped.
        expect(server.received).toHaveLength(3);
        expect(result.turns).toBe(3);
        expect(result.timings.agent_s).toBeLessThan(60);
        const log = events(runDir);
        expect(log.find((e) => e.type === 'agent_stop')).toMatchObject({ reason: `budget_exceeded:${kind}` });
        expect(log.find((e) => e.type === 'model_refused')).toMatchObject({
          kill_reason: `budget_exceeded:${kind}`,
        });
        // The agent's child (sleep) went with its process group: grading found nothing left to kill.
        expect(log.find((e) => e.type === 'grading_start')).toMatchObject({ killed_processes: 0 });
        expect(leftoversFor(result.run_id)).toEqual([]);
      } finally {
        await server.close();
      }
    }, 600_000);
  }

  it('an agent that never ends is stopped at the wall-time budget', async () => {
    const agent = loadAgent(agentFolder('sleeper', 'sleep 100000 & sleep 100000'));
    const { result, runDir } = await runTask({
      task: TASK,
      model: 'oracle',
      agent,
      runsRoot,
      budget: { max_wall_seconds: 6 },
    });
    expect(result.kill_reason).toBe('budget_exceeded:wall_time');
    expect(result.status).toBe('completed');
    expect(result.checks).toHaveLength(2);
    expect(result.timings.agent_s).toBeGreaterThanOrEqual(5.5);
    expect(result.timings.agent_s).toBeLessThan(20);
    const log = events(runDir);
    expect(log.find((e) => e.type === 'agent_stop')).toMatchObject({ reason: 'budget_exceeded:wall_time' });
    expect(log.find((e) => e.type === 'grading_start')).toMatchObject({ killed_processes: 0 });
  }, 600_000);
});
