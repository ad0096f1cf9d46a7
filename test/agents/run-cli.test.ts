import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatJsonAction } from '../../src/agents/text-actions.js';
import { runCli } from '../helpers/cli.js';
import { HAS_DOCKER } from '../helpers/docker.js';
import { tempDir } from '../helpers/tmp.js';
import { completion, startFakeOpenAI } from '../models/openai-server.js';

const runsDir = tempDir('fb-runcli-');
const saved = process.env.OPENAI_API_KEY;
beforeAll(() => {
  delete process.env.OPENAI_API_KEY;
});
afterAll(() => {
  if (saved !== undefined) process.env.OPENAI_API_KEY = saved;
  else delete process.env.OPENAI_API_KEY;
});

const run = (...args: string[]) =>
  runCli(['run', '--task', 'tasks/hello_repo_fix', '--runs-dir', runsDir, ...args]);

describe('run: model, pricing and budget flags', () => {
  it('documents the flags', async () => {
    const { code, stdout } = await runCli(['run', '--help']);
    expect(code).toBe(0);
    for (const flag of [
      '--base-url',
      '--pricing',
      '--tool-timeout',
      '--max-tokens',
      '--max-tool-calls',
      '--max-wall-seconds',
      '--max-cost-usd',
      '--max-turns',
    ])
      expect(stdout).toContain(flag);
    expect(stdout).toMatch(/\.env/);
  });

  it('refuses a model without a key before any sandbox work, in one line, exit 2', async () => {
    const { code, stderr } = await run('--model', 'openai/gpt-4o-mini');
    expect(code).toBe(2);
    expect(stderr.trim()).toBe(
      'factory-bench: model openai/gpt-4o-mini needs an API key: set OPENAI_API_KEY in the environment or in .env',
    );
  });

  it('rejects bad budget numbers and a missing pricing file with exit 2', async () => {
    const bad = await run('--model', 'oracle', '--max-tool-calls', '1.5');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--max-tool-calls.*positive whole number/);
    const zero = await run('--model', 'oracle', '--max-wall-seconds', '0');
    expect(zero.code).toBe(2);
    const pricing = await run('--model', 'oracle', '--pricing', '/nonexistent/prices.yaml');
    expect(pricing.code).toBe(2);
    expect(pricing.stderr).toMatch(/prices\.yaml/);
  });

  it.runIf(HAS_DOCKER)('passes --base-url and a budget override through to the run', async () => {
    const server = await startFakeOpenAI([
      completion(
        { content: formatJsonAction('bash', { command: 'echo one' }) },
        { prompt: 10, completion: 5 },
      ),
      completion(
        { content: formatJsonAction('bash', { command: 'echo two' }) },
        { prompt: 10, completion: 5 },
      ),
    ]);
    try {
      const { code, stdout } = await run(
        '--model',
        'vllm/qwen2.5-coder',
        '--base-url',
        server.baseURL,
        '--max-tool-calls',
        '1',
        '--json',
      );
      const result = JSON.parse(stdout);
      expect(result).toMatchObject({
        kill_reason: 'budget_exceeded:tool_calls',
        tool_calls: 1,
        status: 'completed',
        cost_usd: null,
      });
      expect(code).toBe(1);
      expect(server.received[0]?.body.model).toBe('qwen2.5-coder');
    } finally {
      await server.close();
    }
  });
});
