import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NativeToolAgent } from '../../src/agents/index.js';
import { loadPricing } from '../../src/cost/index.js';
import { OpenAIChatModel, type OpenAIModelOptions } from '../../src/models/index.js';
import { agentContext, readTranscript } from '../helpers/agent-fakes.js';
import { tempDir } from '../helpers/tmp.js';
import { apiError, completion, type Reply, startFakeOpenAI } from './openai-server.js';

const root = tempDir('fb-openai-');
const KEY = 'sk-test-openai-client-0123456789abcdef';
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()?.();
});

async function setup(script: Reply[], opts: Partial<OpenAIModelOptions> = {}, budget = {}) {
  const server = await startFakeOpenAI(script);
  closers.push(server.close);
  const model = new OpenAIChatModel({
    name: 'openai/gpt-4o-mini',
    apiKey: KEY,
    baseURL: server.baseURL,
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
    ...opts,
  });
  // The shipped prices: gpt-4o-mini is $0.15 in, $0.075 cached in, $0.60 out per 1M tokens.
  const ctx = agentContext(mkdtempSync(path.join(root, 'r-')), model, { budget, pricing: loadPricing(null) });
  return { server, model, ctx };
}

describe('OpenAIChatModel against a local OpenAI-compatible server', () => {
  it('drives native tool calls over several turns and rolls up usage and cost exactly', async () => {
    const { server, ctx } = await setup([
      completion(
        {
          tool_calls: [
            { name: 'bash', arguments: JSON.stringify({ command: 'echo 41 > n' }) },
            { name: 'bash', arguments: JSON.stringify({ command: 'echo $(( $(cat n) + 1 ))' }) },
          ],
        },
        { prompt: 1000, completion: 50 },
      ),
      completion(
        { tool_calls: [{ name: 'bash', arguments: '{"command": "ls",' }] },
        { prompt: 2000, completion: 20, cached: 1000 },
      ),
      completion({ content: 'The answer is 42.' }, { prompt: 3000, completion: 10, cached: 2000 }),
    ]);
    const outcome = await new NativeToolAgent().run(ctx);
    expect(outcome).toMatchObject({
      stopReason: 'final_answer',
      finalAnswer: 'The answer is 42.',
      toolCalls: 3,
    });

    expect(server.received).toHaveLength(3);
    const first = server.received[0];
    expect(first?.url).toBe('/v1/chat/completions');
    expect(first?.authorization).toBe(`Bearer ${KEY}`);
    // The provider prefix is stripped for the API; tools are declared as functions with JSON Schemas.
    expect(first?.body.model).toBe('gpt-4o-mini');
    // Plenty of token budget left: the reply is not capped.
    expect(first?.body.max_completion_tokens).toBeUndefined();
    expect(first?.body.tools?.map((t) => t.function.name)).toEqual(['bash', 'submit']);
    expect(first?.body.tools?.[0]?.function.parameters).toMatchObject({
      type: 'object',
      properties: { command: { type: 'string' } },
      required: ['command'],
    });
    const toolMsgs = (i: number) => server.received[i]?.body.messages.filter((m) => m.role === 'tool') ?? [];
    expect(toolMsgs(1).map((m) => m.content)).toEqual([
      expect.stringContaining('[exit code 0]'),
      expect.stringMatching(/^42\n/),
    ]);
    expect(toolMsgs(1)[0]?.tool_call_id).toMatch(/^call_/);
    // The malformed arguments came back to the model as a tool error, not a crash.
    expect(toolMsgs(2).at(-1)?.content).toMatch(/^ERROR \(invalid_arguments\): arguments are not valid JSON/);

    expect(ctx.cost.usage).toEqual({ input_tokens: 6000, cached_input_tokens: 3000, output_tokens: 80 });
    const expected = [
      (1000 * 0.15 + 50 * 0.6) / 1e6,
      (1000 * 0.15 + 1000 * 0.075 + 20 * 0.6) / 1e6,
      (1000 * 0.15 + 2000 * 0.075 + 10 * 0.6) / 1e6,
    ];
    const perCall = readTranscript(ctx.transcriptPath)
      .filter((e) => e.type === 'model_response')
      .map((e) => e.cost_usd as number);
    perCall.forEach((c, i) => {
      expect(c).toBeCloseTo(expected[i] as number, 15);
    });
    expect(ctx.cost.totalUsd).toBeCloseTo(
      expected.reduce((a, b) => a + b),
      15,
    );
    expect(ctx.budget.tokens).toBe(6080);
  });

  it('caps each reply at what is left of a nearly spent token budget', async () => {
    const { server, ctx } = await setup(
      [
        completion(
          { tool_calls: [{ name: 'bash', arguments: JSON.stringify({ command: 'true' }) }] },
          { prompt: 3000, completion: 500 },
        ),
        completion({ content: 'done' }, { prompt: 3600, completion: 20 }),
      ],
      {},
      { max_tokens: 10_000 },
    );
    const outcome = await new NativeToolAgent().run(ctx);
    expect(outcome.stopReason).toBe('final_answer');
    expect(server.received.map((r) => r.body.max_completion_tokens)).toEqual([10_000, 6_500]);
  });

  it('caps each reply at the output tokens a nearly spent dollar budget can still pay for', async () => {
    // gpt-4o-mini output is $0.60 per 1M tokens: $0.005 pays for 8,333 of them.
    const { server, ctx } = await setup(
      [
        completion(
          { tool_calls: [{ name: 'bash', arguments: JSON.stringify({ command: 'true' }) }] },
          { prompt: 3000, completion: 500 },
        ),
        completion({ content: 'done' }, { prompt: 3600, completion: 20 }),
      ],
      {},
      { max_cost_usd: 0.005 },
    );
    await new NativeToolAgent().run(ctx);
    // After the first call ($0.00045 in + $0.0003 out), $0.00425 is left: 7,083 output tokens.
    expect(server.received.map((r) => r.body.max_completion_tokens)).toEqual([8_333, 7_083]);
  });

  it('retries a 429 honouring Retry-After, a 500, a dropped connection and a timeout, recording each', async () => {
    const { server, ctx } = await setup(
      [
        apiError(429, 'Rate limit reached', 'rate_limit_exceeded', { 'retry-after': '1' }),
        apiError(500, 'The server had an error'),
        { drop: true },
        { hang: true },
        completion({ content: 'finally' }, { prompt: 10, completion: 2 }),
      ],
      { requestTimeoutMs: 500 },
    );
    const outcome = await new NativeToolAgent().run(ctx);
    expect(outcome).toMatchObject({ stopReason: 'final_answer', finalAnswer: 'finally' });
    expect(server.received).toHaveLength(5);
    const events = readTranscript(ctx.transcriptPath);
    const retries = events.filter((e) => e.type === 'model_retry');
    expect(retries.map((e) => e.reason)).toEqual(['http_429', 'http_500', 'connection', 'timeout']);
    expect(retries[0]).toMatchObject({ attempt: 1, delay_ms: 1000, retry_after: true });
    expect(retries.slice(1).every((e) => e.retry_after === false && (e.delay_ms as number) <= 20)).toBe(true);
    expect(events.find((e) => e.type === 'model_response')?.retries).toBe(4);
  });

  it.each([
    [
      apiError(401, 'Incorrect API key provided: sk-test-****cdef', 'invalid_api_key'),
      'auth',
      /authentication failed/,
    ],
    [
      apiError(404, 'The model `gpt-9` does not exist', 'model_not_found'),
      'not_found',
      /model or endpoint not found/,
    ],
    [
      apiError(400, "This model's maximum context length is 128000 tokens", 'context_length_exceeded'),
      'context_length',
      /context too long/,
    ],
    [apiError(429, 'You exceeded your current quota', 'insufficient_quota'), 'quota', /quota/],
    [apiError(400, 'Invalid value for temperature'), 'bad_request', /temperature/],
  ])('ends the run on a final error without retrying (%#: %s)', async (reply, kind, message) => {
    const { server, ctx } = await setup([
      reply,
      completion({ content: 'unreachable' }, { prompt: 1, completion: 1 }),
    ]);
    const outcome = await new NativeToolAgent().run(ctx);
    expect(outcome).toMatchObject({
      stopReason: 'error',
      killReason: `error:model_${kind}`,
      error: { kind: `model_${kind}`, message: expect.stringMatching(message) },
    });
    expect(server.received).toHaveLength(1);
  });

  it('gives up rather than wait past the wall-time budget for a Retry-After', async () => {
    const { server, ctx } = await setup(
      [apiError(429, 'Rate limit reached', null, { 'retry-after': '120' })],
      {},
      { max_wall_seconds: 5 },
    );
    const outcome = await new NativeToolAgent().run(ctx);
    expect(outcome.killReason).toBe('error:model_unavailable');
    expect(outcome.error?.message).toMatch(/would pass the run's wall-time budget/);
    expect(server.received).toHaveLength(1);
  });

  it('stops retrying after maxRetries', async () => {
    const { server, ctx } = await setup([apiError(503, 'overloaded')], {
      retry: { maxRetries: 2, baseDelayMs: 1 },
    });
    const outcome = await new NativeToolAgent().run(ctx);
    expect(outcome.error?.message).toMatch(/^gave up after 2 retries: HTTP 503/);
    expect(server.received).toHaveLength(3);
  });

  it('keeps the key out of the transcript even when the endpoint echoes it', async () => {
    const { ctx } = await setup([apiError(401, `Incorrect API key provided: ${KEY}`)]);
    await new NativeToolAgent().run(ctx);
    const dir = path.dirname(ctx.transcriptPath);
    const files = readdirSync(dir).filter((f) => f.endsWith('.jsonl'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(readFileSync(path.join(dir, f), 'utf8')).not.toContain(KEY);
    expect(readFileSync(ctx.transcriptPath, 'utf8')).toContain('[REDACTED]');
  });
});

describe('the openai module is loaded lazily', () => {
  it('is imported at run time only, so oracle and null runs never load it', () => {
    const srcRoot = path.resolve('src');
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (/^import (?!type)[^;]*from 'openai/m.test(readFileSync(p, 'utf8'))) offenders.push(p);
      }
    };
    walk(srcRoot);
    expect(offenders).toEqual([]);
    expect(readFileSync('src/models/openai.ts', 'utf8')).toContain("import('openai')");
  });
});
