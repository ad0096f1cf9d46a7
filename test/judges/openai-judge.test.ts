import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveModel } from '../../src/agents/index.js';
import { CostTracker } from '../../src/cost/index.js';
import { grade, judgeForRun } from '../../src/judges/index.js';
import { ExchangeStore } from '../../src/models/index.js';
import { SANDBOX_PATHS } from '../../src/sandbox/index.js';
import { FakeSandbox } from '../helpers/judge-fakes.js';
import { makeTask } from '../helpers/tasks.js';
import { tempDir } from '../helpers/tmp.js';
import { completion, startFakeOpenAI } from '../models/openai-server.js';

describe('an LLM rubric judged through the real openai client', () => {
  const closers: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const close of closers) await close();
  });

  it('retries a malformed answer over HTTP, scores the second, and prices every call', async () => {
    const server = await startFakeOpenAI([
      completion({ content: 'I would give this an 8 out of 10.' }, { prompt: 1200, completion: 20 }),
      completion(
        { content: '{"score": 8, "reasoning": "Correct and tidy."}' },
        { prompt: 1300, completion: 15 },
      ),
    ]);
    closers.push(server.close);
    const pricing = {
      currency: 'USD' as const,
      models: { 'openai/judge-mini': { input: 0.5, output: 2, as_of: '2026-01-01', source: 'test' } },
    };
    const cost = new CostTracker(pricing);
    const task = makeTask(
      {
        checks: [
          {
            name: 'quality',
            type: 'llm_rubric',
            rubric: 'rubric.md',
            judge_model: 'openai/judge-mini',
            pass_at: 7,
          },
        ],
      },
      { 'rubric.md': 'Score correctness and tidiness.' },
    );
    const events: Array<Record<string, unknown>> = [];
    const exchanges = new ExchangeStore({ mode: 'record', dir: path.join(tempDir('fb-judge-rec-'), 'rec') });
    const work = tempDir('fb-judge-work-');
    const judgeWith = (store: ExchangeStore, tracker: CostTracker) =>
      judgeForRun({
        task,
        resolve: (name) =>
          resolveModel(name, {
            baseUrl: server.baseURL,
            env: { OPENAI_API_KEY: 'sk-test-judge-key-0000000' },
          }),
        cacheDir: null,
        cost: tracker,
        transcriptPath: path.join(work, 'transcript.jsonl'),
        seedWorkspace: work,
        finalWorkspace: work,
        transcript: { write: (e) => events.push(e) },
        exchanges: store,
      });
    const gradeWith = (store: ExchangeStore, tracker: CostTracker) =>
      grade({
        task,
        sandbox: new FakeSandbox(),
        outputsDir: tempDir('fb-openai-judge-'),
        graderDir: SANDBOX_PATHS.grader,
        judge: judgeWith(store, tracker),
      });
    const r = await gradeWith(exchanges, cost);
    expect(r.checks[0]?.status).toBe('passed');
    expect(r.checks[0]?.score).toBeCloseTo(0.8);
    expect(server.received).toHaveLength(2);
    expect(server.received[0]?.body.model).toBe('judge-mini');
    const retry = server.received[1]?.body.messages.at(-1) as { content: string };
    expect(retry.content).toMatch(/could not be used: the reply is not a JSON object/);
    // (1200 + 1300) input tokens at $0.5/M and (20 + 15) output tokens at $2/M.
    expect(cost.totalUsd).toBeCloseTo((2500 * 0.5 + 35 * 2) / 1e6, 12);
    // Each judge call is a transcript line of its own, marked as the judge's.
    const lines = events.filter((e) => e.type === 'model_response');
    expect(lines).toHaveLength(2);
    expect(lines.every((e) => e.source === 'judge' && e.model === 'openai/judge-mini')).toBe(true);

    // The recorded judge answers the same grading again with the server stopped.
    await server.close();
    const again = new CostTracker(pricing);
    const replayed = await gradeWith(new ExchangeStore({ mode: 'replay', dir: exchanges.dir }), again);
    expect(replayed.checks[0]).toMatchObject({ status: 'passed', score: r.checks[0]?.score });
    expect(again.totalUsd).toBe(cost.totalUsd);
    expect(server.received).toHaveLength(2);
  });
});
