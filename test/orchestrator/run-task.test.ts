import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatJsonAction } from '../../src/agents/text-actions.js';
import { runTask } from '../../src/orchestrator/index.js';
import { flushIndex } from '../../src/runs/index.js';
import { loadTask } from '../../src/tasks/index.js';
import { ScriptedModel, text, toolCalls, usage } from '../helpers/agent-fakes.js';
import { HAS_DOCKER, leftoversFor } from '../helpers/docker.js';
import { tempDir } from '../helpers/tmp.js';
import { apiError, completion, startFakeOpenAI } from '../models/openai-server.js';

const runsRoot = tempDir('fb-runtask-');
const TASK = path.resolve('tasks/hello_repo_fix');

/** Every file below a folder, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : e.isFile() ? [p] : [];
  });
}

const readEvents = (runDir: string) =>
  readFileSync(path.join(runDir, 'transcript.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

describe.runIf(HAS_DOCKER)('runTask with a real openai client against a local server', () => {
  // Not shaped like an OpenAI key on purpose: only its registration as a secret can keep it out.
  const KEY = `PLANTED-fb-test-key-${process.pid}-7f3a9c2e5b1d`;
  const saved = { key: process.env.OPENAI_API_KEY, url: process.env.OPENAI_BASE_URL };
  afterAll(() => {
    for (const [name, value] of [
      ['OPENAI_API_KEY', saved.key],
      ['OPENAI_BASE_URL', saved.url],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('solves hello_repo_fix through the text protocol, rolls up usage and cost, and leaks the key nowhere', async () => {
    const fix = "sed -i 's|// len(words)|/ len(words)|' textstats/stats.py";
    const server = await startFakeOpenAI([
      // The endpoint echoes the key in an error, as some do: the retry record must not carry it.
      apiError(500, `upstream failure for key ${KEY}`),
      completion(
        {
          content: `Look around first.\n${formatJsonAction('bash', { command: 'env; cat /proc/1/environ | tr "\\0" "\\n"' })}`,
        },
        { prompt: 1000, completion: 100 },
      ),
      completion(
        { content: formatJsonAction('bash', { command: fix }) },
        { prompt: 2000, completion: 50, cached: 1000 },
      ),
      completion(
        { content: formatJsonAction('submit', { answer: 'fixed the division' }) },
        { prompt: 3000, completion: 20 },
      ),
    ]);
    process.env.OPENAI_API_KEY = KEY;
    process.env.OPENAI_BASE_URL = server.baseURL;
    try {
      const { result, runDir } = await runTask({
        task: TASK,
        model: 'openai/gpt-4o-mini',
        runsRoot,
        modelConfig: { retry: { baseDelayMs: 5 } },
      });
      expect(result).toMatchObject({
        status: 'completed',
        passed: true,
        stop_reason: 'submit',
        kill_reason: null,
        turns: 3,
        tool_calls: 2,
        tokens: { input: 6000, cached_input: 1000, output: 170, total: 6170 },
      });
      const dollars = (5000 * 0.15 + 1000 * 0.075 + 170 * 0.6) / 1e6;
      expect(result.cost_usd).toBeCloseTo(dollars, 15);
      // The key used is the planted one, sent only to the endpoint.
      expect(server.received.every((r) => r.authorization === `Bearer ${KEY}`)).toBe(true);
      expect(server.received[1]?.body.tools).toBeUndefined();
      const events = readEvents(runDir);
      expect(events.filter((e) => e.type === 'model_retry')).toHaveLength(1);
      const envOutput = events.find((e) => e.type === 'tool_result')?.content as string;
      expect(envOutput).toMatch(/PATH=/);
      expect(envOutput).not.toMatch(/OPENAI/);
      // The run's row is saved with others a moment later; save it now to read the file.
      await flushIndex(path.join(runsRoot, 'runs.sqlite'));
      const files = [...filesUnder(runDir), path.join(runsRoot, 'runs.sqlite')];
      expect(files.length).toBeGreaterThan(10);
      for (const file of files) {
        if (statSync(file).size > 50_000_000) continue;
        expect(readFileSync(file).includes(KEY), `${file} contains the key`).toBe(false);
      }
      expect(leftoversFor(result.run_id)).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('a bad key ends the run with error:model_auth, still graded, never a crash', async () => {
    const server = await startFakeOpenAI([apiError(401, 'Incorrect API key provided', 'invalid_api_key')]);
    process.env.OPENAI_API_KEY = 'definitely-not-valid-key';
    process.env.OPENAI_BASE_URL = server.baseURL;
    try {
      const { result } = await runTask({ task: TASK, model: 'openai/gpt-4o-mini', runsRoot });
      expect(result).toMatchObject({
        status: 'completed',
        passed: false,
        stop_reason: 'error',
        kill_reason: 'error:model_auth',
        error: { kind: 'model_auth', message: expect.stringMatching(/authentication failed \(HTTP 401/) },
      });
      expect(result.checks.length).toBeGreaterThan(0);
      expect(server.received).toHaveLength(1);
    } finally {
      await server.close();
    }
  });
});

describe.runIf(HAS_DOCKER)('budgets end to end', () => {
  it('a run that sleeps forever ends within the wall-time budget plus a grace, graded, with result.json', async () => {
    const model = new ScriptedModel([
      text(formatJsonAction('bash', { command: 'sleep infinity' })),
      text('unreachable'),
    ]);
    const { result, runDir } = await runTask({
      task: TASK,
      model,
      runsRoot,
      budget: { max_wall_seconds: 3 },
    });
    expect(result).toMatchObject({
      status: 'completed',
      passed: false,
      stop_reason: 'budget_exceeded',
      kill_reason: 'budget_exceeded:wall_time',
      tool_calls: 1,
    });
    expect(result.checks.find((c) => c.name === 'tests_pass')?.status).toBe('failed');
    // Generous on purpose (a loaded 2-core machine): the point is "ends", not how fast.
    expect(result.timings.agent_s).toBeLessThan(3 + 15);
    const onDisk = JSON.parse(readFileSync(path.join(runDir, 'result.json'), 'utf8'));
    expect(onDisk.kill_reason).toBe('budget_exceeded:wall_time');
    expect(leftoversFor(result.run_id)).toEqual([]);
  });

  it('N tool calls are never exceeded by one, also in one native turn; an unpriced model costs null with a warning', async () => {
    const calls: Array<[string, string]> = [1, 2, 3, 4].map((i) => [
      'bash',
      JSON.stringify({ command: `echo ${i} >> calls.log` }),
    ]);
    const model = new ScriptedModel([toolCalls(calls, usage(10, 10))], 'acme/unpriced-model');
    const warnings: string[] = [];
    const manifestTask = loadTask(TASK);
    const task = {
      ...manifestTask,
      manifest: { ...manifestTask.manifest, tools: { style: 'native' as const, enabled: ['bash' as const] } },
    };
    const { result, runDir } = await runTask({
      task,
      model,
      runsRoot,
      budget: { max_tool_calls: 2 },
      warn: (m) => warnings.push(m),
    });
    expect(result).toMatchObject({
      kill_reason: 'budget_exceeded:tool_calls',
      tool_calls: 2,
      cost_usd: null,
    });
    expect(readFileSync(path.join(runDir, 'workspace_final/calls.log'), 'utf8')).toBe('1\n2\n');
    expect(warnings).toEqual([
      'no price for model acme/unpriced-model in the pricing table; its cost is reported as null',
    ]);
    const events = readEvents(runDir);
    expect(events.filter((e) => e.type === 'tool_result').map((e) => e.error?.kind ?? 'ok')).toEqual([
      'ok',
      'ok',
      'budget',
      'budget',
    ]);
    expect(events.find((e) => e.type === 'warning')?.message).toMatch(
      /no price for model acme\/unpriced-model/,
    );
  });
});
