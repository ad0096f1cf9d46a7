import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAgent } from '../../src/agents/index.js';
import { runTask } from '../../src/orchestrator/index.js';
import { registerSecret } from '../../src/runs/index.js';
import { HAS_DOCKER, leftoversFor } from '../helpers/docker.js';
import { tempDir } from '../helpers/tmp.js';
import { completion, startFakeOpenAI } from '../models/openai-server.js';

/**
 * The host-mcp example agent: on the host, the model through the gateway on
 * loopback, the sandbox only through the run's MCP endpoint.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const TASK = path.join(ROOT, 'tasks/hello_repo_fix');
const HOST_MCP = loadAgent(path.join(ROOT, 'examples/agents/host-mcp'));
const scratch = tempDir('fb-ext-host-');
const runsRoot = path.join(scratch, 'runs');
const PLANTED = 'sk-planted-host-9k8j7h6g5f4d3s2a1';

function bash(command: string) {
  return { tool_calls: [{ name: 'bash', arguments: JSON.stringify({ command }) }] };
}

function events(runDir: string): Array<Record<string, unknown>> {
  return readFileSync(path.join(runDir, 'transcript.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}

describe.runIf(HAS_DOCKER)('an agent folder that runs on the host', () => {
  const previousKey = process.env.OPENAI_API_KEY;
  beforeAll(() => {
    process.env.OPENAI_API_KEY = PLANTED;
    registerSecret(PLANTED);
  });
  afterAll(() => {
    if (previousKey === undefined) delete process.env.OPENAI_API_KEY;
    else process.env.OPENAI_API_KEY = previousKey;
  });

  it('host-mcp fixes hello_repo_fix with the harness tools over MCP and the model through the gateway', async () => {
    const server = await startFakeOpenAI([
      completion(bash('cat textstats/stats.py'), { prompt: 200, completion: 20 }),
      completion(
        bash("sed -i 's|// len(words)|/ len(words)|' textstats/stats.py && python3 -m pytest -q tests"),
        {
          prompt: 300,
          completion: 30,
        },
      ),
      completion({ content: 'Fixed the integer division.' }, { prompt: 400, completion: 8 }),
    ]);
    try {
      const { result, runDir } = await runTask({
        task: TASK,
        model: 'openai/gpt-4o-mini',
        modelConfig: { baseUrl: server.baseURL },
        agent: HOST_MCP,
        runsRoot,
      });
      expect(result.error).toBeNull();
      expect(result).toMatchObject({
        status: 'completed',
        passed: true,
        score: 1,
        stop_reason: 'exited',
        turns: 3,
      });
      expect(result.agent).toMatchObject({ kind: 'external', name: 'host-mcp', runs_in: 'host' });
      // Every tool call went through the harness's tool path: counted, confined, in the transcript.
      expect(result.tool_calls).toBe(2);
      const log = events(runDir);
      expect(log.filter((e) => e.type === 'tool_call').map((e) => e.name)).toEqual(['bash', 'bash']);
      expect(String(log.filter((e) => e.type === 'tool_result')[0]?.content)).toContain(
        'def mean_word_length',
      );
      expect(log.find((e) => e.type === 'agent_start')).toMatchObject({
        runs_in: 'host',
        mcp: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/),
      });
      for (const r of server.received) expect(r.authorization).toBe(`Bearer ${PLANTED}`);
      expect(readFileSync(path.join(runDir, 'logs/agent.stdout.log'), 'utf8')).toContain(
        'Fixed the integer division.',
      );
      expect(leftoversFor(result.run_id)).toEqual([]);
    } finally {
      await server.close();
    }
  }, 600_000);

  it('a host agent gets an explicit environment: the run token, never the real key', async () => {
    const dump = path.join(scratch, 'env-dump.txt');
    const dir = path.join(scratch, 'env-agent');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      path.join(dir, 'agent.yaml'),
      `name: env-agent\nruns_in: host\ncommand: 'env > ${dump}; tr "\\\\0" " " < /proc/$$/cmdline >> ${dump}'\n`,
    );
    const { result } = await runTask({ task: TASK, model: 'null', agent: loadAgent(dir), runsRoot });
    expect(result.stop_reason).toBe('exited');
    const env = readFileSync(dump, 'utf8');
    expect(env).not.toContain(PLANTED);
    expect(env).toMatch(/^OPENAI_API_KEY=fbgw-/m);
    expect(env).toMatch(/^OPENAI_BASE_URL=http:\/\/127\.0\.0\.1:\d+\/v1$/m);
    expect(env).toMatch(/^FB_MCP_TOKEN=fbmcp-/m);
    expect(env).toContain('FB_INSTRUCTIONS=The repository in /workspace');
  }, 600_000);

  it('the tool-call budget binds a host agent: budget_exceeded:tool_calls', async () => {
    const server = await startFakeOpenAI([completion(bash('echo busy'), { prompt: 10, completion: 5 })]);
    try {
      const { result, runDir } = await runTask({
        task: TASK,
        model: 'openai/gpt-4o-mini',
        modelConfig: { baseUrl: server.baseURL },
        agent: HOST_MCP,
        runsRoot,
        budget: { max_tool_calls: 3 },
      });
      expect(result.kill_reason).toBe('budget_exceeded:tool_calls');
      expect(result.tool_calls).toBe(3);
      expect(result.status).toBe('completed');
      expect(result.checks).toHaveLength(2);
      expect(events(runDir).find((e) => e.type === 'agent_stop')).toMatchObject({
        reason: 'budget_exceeded:tool_calls',
      });
    } finally {
      await server.close();
    }
  }, 600_000);
});
