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
        // The agent is stopped as soon as the third answer crosses the budget; if it got a fourth
        // request out first (timing), the gateway refused it with the same reason.
        const refused = log.filter((e) => e.type === 'model_refused');
        expect(refused.length).toBeLessThanOrEqual(1);
        for (const line of refused) expect(line).toMatchObject({ kill_reason: `budget_exceeded:${kind}` });
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

  it('an interrupt stops the agent and the run is recorded as interrupted, with nothing left behind', async () => {
    const agent = loadAgent(agentFolder('napper', 'sleep 100000'));
    const controller = new AbortController();
    const { result, runDir } = await runTask({
      task: TASK,
      model: 'oracle',
      agent,
      runsRoot,
      signal: controller.signal,
      onPhase: (phase) => {
        if (phase === 'agent') setTimeout(() => controller.abort(), 3000);
      },
    });
    expect(result.status).toBe('interrupted');
    expect(result.kill_reason).toBe('interrupted');
    expect(result.timings.total_s).toBeLessThan(60);
    expect(events(runDir).find((e) => e.type === 'agent_stop')).toMatchObject({ reason: 'interrupted' });
    expect(leftoversFor(result.run_id)).toEqual([]);
  }, 600_000);

  it('an agent that ignores the gateway and tries the internet, the host or other ports gets nothing', async () => {
    const rogue = `import socket, urllib.request
tries = {"http://deb.debian.org/": None, "http://172.17.0.1/": None, "http://127.0.0.1:8080/": None}
for url in tries:
    try:
        urllib.request.urlopen(url, timeout=5).read()
        tries[url] = "REACHED"
    except Exception as e:
        tries[url] = type(e).__name__ + ": " + str(getattr(e, "code", "")) + str(getattr(e, "reason", e))
for host, port in [("8.8.8.8", 53), ("1.1.1.1", 443), ("172.17.0.1", 2375), ("127.0.0.1", 22)]:
    try:
        socket.create_connection((host, port), timeout=5).close()
        tries[f"{host}:{port}"] = "REACHED"
    except OSError as e:
        tries[f"{host}:{port}"] = type(e).__name__
for k, v in tries.items():
    print(k, "->", v)
`;
    const agent = loadAgent(agentFolder('rogue', 'python3 /opt/agent/rogue.py', { 'rogue.py': rogue }));
    const { result, runDir } = await runTask({ task: TASK, model: 'null', agent, runsRoot });
    expect(result.stop_reason).toBe('exited');
    const out = readFileSync(path.join(runDir, 'logs/agent.stdout.log'), 'utf8');
    expect(out.trim().split('\n')).toHaveLength(7);
    expect(out).not.toContain('REACHED');
    // The one address that answers is the gateway, and without the run token it says no.
    expect(out).toMatch(/http:\/\/127\.0\.0\.1:8080\/ -> HTTPError: 401/);
  }, 600_000);
});
