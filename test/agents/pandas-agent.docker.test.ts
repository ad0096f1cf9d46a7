import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { HAS_DOCKER } from '../helpers/docker.js';
import { tempDir } from '../helpers/tmp.js';
import { completion, startFakeOpenAI } from '../models/openai-server.js';

/**
 * `run --task tasks/pandas_transform --agent examples/agents/python-minimal
 * --model openai/gpt-4o-mini` against a scripted OpenAI-compatible server:
 * completed and graded, every model call in the transcript, and the cost the
 * sum of what the server reported.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const runsDir = tempDir('fb-pandas-agent-');
const SOLUTION = readFileSync(path.join(ROOT, 'tasks/pandas_transform/solution/solve.py'), 'utf8');
const REPORTED = [0.000731, 0.0012345, 0.0002];

function bash(command: string) {
  return { tool_calls: [{ name: 'bash', arguments: JSON.stringify({ command }) }] };
}

describe.runIf(HAS_DOCKER)('python-minimal on pandas_transform through the gateway', () => {
  const previousKey = process.env.OPENAI_API_KEY;
  beforeAll(() => {
    process.env.OPENAI_API_KEY = 'sk-test-pandas-0000000000';
  });
  afterAll(() => {
    if (previousKey === undefined) delete process.env.OPENAI_API_KEY;
    else process.env.OPENAI_API_KEY = previousKey;
  });

  it('completes, graded, every call in transcript.jsonl, the cost exactly what the server reported', async () => {
    const server = await startFakeOpenAI([
      completion(bash('head -5 data/sales_export.csv && wc -l data/sales_export.csv'), {
        prompt: 1800,
        completion: 40,
        cost: REPORTED[0],
      }),
      completion(bash(`cat > clean_sales.py <<'PYEOF'\n${SOLUTION}\nPYEOF\npython3 clean_sales.py`), {
        prompt: 2600,
        completion: 700,
        cached: 1500,
        cost: REPORTED[1],
      }),
      completion(
        { content: 'Wrote output/monthly_revenue.csv with the monthly net revenue per store.' },
        {
          prompt: 3500,
          completion: 20,
          cost: REPORTED[2],
        },
      ),
    ]);
    try {
      const r = await runCli([
        'run',
        '--task',
        path.join(ROOT, 'tasks/pandas_transform'),
        '--agent',
        path.join(ROOT, 'examples/agents/python-minimal'),
        '--model',
        'openai/gpt-4o-mini',
        '--base-url',
        server.baseURL,
        '--runs-dir',
        runsDir,
        '--json',
      ]);
      const result = JSON.parse(r.stdout);
      expect(result.error).toBeNull();
      expect(result).toMatchObject({
        status: 'completed',
        passed: true,
        score: 1,
        stop_reason: 'exited',
        turns: 3,
      });
      expect(r.code).toBe(0);
      expect(result.checks.map((c: { status: string }) => c.status)).toEqual(['passed', 'passed']);
      expect(result.agent).toMatchObject({ kind: 'external', name: 'python-minimal', runs_in: 'sandbox' });
      expect(result.tokens).toEqual({ input: 7900, cached_input: 1500, output: 760, total: 8660 });
      const events = readFileSync(path.join(runsDir, result.run_id, 'transcript.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      const calls = events.filter((e) => e.type === 'model_response');
      expect(calls).toHaveLength(server.received.length);
      expect(calls.map((e) => e.cost_usd)).toEqual(REPORTED);
      // The agent's tool results reached the model: they are the requests' new messages, in the transcript.
      expect(JSON.stringify(calls[2].request.new_messages)).toContain('downtown');
      // Rolled up in the order of the transcript, the total is their exact sum.
      expect(result.cost_usd).toBe(REPORTED.reduce((a, b) => a + b, 0));
    } finally {
      await server.close();
    }
  }, 600_000);
});
