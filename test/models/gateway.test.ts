import { mkdtempSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OracleModel } from '../../src/agents/index.js';
import { BudgetEnforcer, BudgetExceeded } from '../../src/budgets/index.js';
import { CostTracker, loadPricing } from '../../src/cost/index.js';
import {
  type BudgetBreach,
  type ChatRequest,
  type ExchangeConfig,
  type GatewayResponse,
  ModelError,
  ModelGateway,
  OpenAIChatModel,
} from '../../src/models/index.js';
import { TranscriptWriter } from '../../src/runs/index.js';
import type { Budget } from '../../src/tasks/index.js';
import { readTranscript } from '../helpers/agent-fakes.js';
import { tempDir } from '../helpers/tmp.js';
import { apiError, completion, type Reply, startFakeOpenAI } from './openai-server.js';

const root = tempDir('fb-gateway-');
const KEY = 'sk-test-gateway-0123456789abcdef';
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()?.();
});

const BIG: Budget = { max_tokens: 1_000_000, max_tool_calls: 100, max_wall_seconds: 600, max_cost_usd: 100 };
const ASK: ChatRequest = { messages: [{ role: 'user', content: 'Say hi.' }] };

async function setup(
  script: Reply[],
  opts: { budget?: Partial<Budget>; exchanges?: ExchangeConfig; requestTimeoutMs?: number } = {},
) {
  const server = await startFakeOpenAI(script);
  closers.push(server.close);
  const dir = mkdtempSync(path.join(root, 'g-'));
  const transcriptPath = path.join(dir, 'transcript.jsonl');
  const model = new OpenAIChatModel({
    name: 'openai/gpt-4o-mini',
    apiKey: KEY,
    baseURL: server.baseURL,
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
    ...(opts.requestTimeoutMs ? { requestTimeoutMs: opts.requestTimeoutMs } : {}),
  });
  const budget = new BudgetEnforcer({ ...BIG, ...opts.budget });
  // The shipped prices: gpt-4o-mini is $0.15 in, $0.075 cached in, $0.60 out per 1M tokens.
  const cost = new CostTracker(loadPricing(null));
  const breaches: BudgetBreach[] = [];
  const gateway = new ModelGateway({
    model,
    cost,
    budget,
    transcript: new TranscriptWriter(transcriptPath),
    exchanges: opts.exchanges ?? null,
    onBreach: (b) => breaches.push(b),
  });
  return { server, gateway, cost, budget, breaches, transcript: () => readTranscript(transcriptPath) };
}

describe('ModelGateway budgets', () => {
  it('refuses the call after the one that spent the tokens, and reports the breach once', async () => {
    const { server, gateway, breaches, transcript } = await setup(
      [completion({ content: 'hi' }, { prompt: 900, completion: 200 })],
      { budget: { max_tokens: 1000 } },
    );
    const first = await gateway.complete(ASK);
    expect(first.message.content).toBe('hi');
    expect(breaches).toEqual([{ kind: 'tokens', killReason: 'budget_exceeded:tokens' }]);
    await expect(gateway.complete(ASK)).rejects.toBeInstanceOf(BudgetExceeded);
    await expect(gateway.complete(ASK)).rejects.toMatchObject({ kind: 'tokens' });
    expect(server.received).toHaveLength(1);
    expect(breaches).toHaveLength(1);
    const late: BudgetBreach[] = [];
    gateway.onBreach((b) => late.push(b));
    expect(late).toEqual([{ kind: 'tokens', killReason: 'budget_exceeded:tokens' }]);
    expect(transcript().map((e) => e.type)).toEqual(['model_response', 'model_refused', 'model_refused']);
  }, 15_000);

  it('refuses on dollars', async () => {
    const { server, gateway, breaches } = await setup(
      [completion({ content: 'hi' }, { prompt: 40_000, completion: 0 })],
      { budget: { max_cost_usd: 0.01 } },
    );
    await gateway.complete(ASK);
    await gateway.complete(ASK);
    // 2 x 40k input tokens at $0.15/M = $0.012 > $0.01.
    await expect(gateway.complete(ASK)).rejects.toMatchObject({ kind: 'cost' });
    expect(server.received).toHaveLength(2);
    expect(breaches.map((b) => b.killReason)).toEqual(['budget_exceeded:cost']);
  }, 15_000);

  it('cuts a call off at the wall-time budget', async () => {
    const { gateway, breaches, transcript } = await setup([{ hang: true }], {
      budget: { max_wall_seconds: 0.5 },
    });
    await expect(gateway.complete(ASK)).rejects.toMatchObject({ kind: 'wall_time' });
    expect(breaches.map((b) => b.kind)).toEqual(['wall_time']);
    expect(transcript().at(-1)).toMatchObject({
      type: 'model_refused',
      kill_reason: 'budget_exceeded:wall_time',
    });
  }, 15_000);

  it("caps a reply at the budget's remaining tokens, keeping a caller's smaller cap", async () => {
    const { server, gateway } = await setup([completion({ content: 'hi' }, { prompt: 10, completion: 1 })], {
      budget: { max_tokens: 5_000 },
    });
    await gateway.complete(ASK);
    await gateway.complete({ ...ASK, maxOutputTokens: 100 });
    await gateway.complete({ ...ASK, maxOutputTokens: 100_000 });
    expect(server.received.map((r) => r.body.max_completion_tokens)).toEqual([5_000, 100, 4_978]);
  }, 15_000);
});

describe('ModelGateway accounting', () => {
  it('writes one line per call with the request, usage, cost, retries and duration', async () => {
    const { gateway, transcript } = await setup([
      apiError(500, 'The server had an error'),
      completion({ content: 'hi' }, { prompt: 1000, completion: 50, cached: 200 }),
    ]);
    const answer = await gateway.complete({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Say hi.' },
      ],
      temperature: 0,
    });
    const expected = (800 * 0.15 + 200 * 0.075 + 50 * 0.6) / 1e6;
    expect(answer.costUsd).toBe(expected);
    const events = transcript();
    expect(events.map((e) => e.type)).toEqual(['model_retry', 'model_response']);
    expect(events[0]).toMatchObject({ attempt: 1, reason: 'http_500', source: 'agent' });
    expect(events[1]).toMatchObject({
      model: 'openai/gpt-4o-mini',
      request: { messages: 2, tools: [], temperature: 0 },
      message: { role: 'assistant', content: 'hi' },
      usage: { input_tokens: 1000, cached_input_tokens: 200, output_tokens: 50 },
      cost_usd: expected,
      cost_source: 'pricing',
      finish_reason: 'stop',
      retries: 1,
      source: 'agent',
    });
    expect(events[1]?.duration_ms).toBeGreaterThanOrEqual(0);
  }, 15_000);

  it("takes the provider's reported cost as is, and the roll-up is exactly the sum of the calls", async () => {
    const reported = [0.000123, 0.0001, 0.0002, 0.0000707];
    const { gateway, cost, budget, transcript } = await setup(
      reported.map((c, i) => completion({ content: `a${i}` }, { prompt: 1000 + i, completion: 7, cost: c })),
    );
    for (const _ of reported) await gateway.complete(ASK);
    const lines = transcript().filter((e) => e.type === 'model_response');
    expect(lines.map((e) => e.cost_usd)).toEqual(reported);
    expect(lines.every((e) => e.cost_source === 'provider')).toBe(true);
    let sum = 0;
    for (const l of lines) sum += l.cost_usd as number;
    expect(cost.totalUsd).toBe(sum);
    expect(budget.costUsd).toBe(sum);
    // Not the table's price: 1000 in and 7 out of gpt-4o-mini would be $0.0001542.
    expect(lines[0]?.cost_usd).not.toBe((1000 * 0.15 + 7 * 0.6) / 1e6);
  }, 15_000);

  it('retries a 200 whose body was cut short or is not JSON, like a 5xx', async () => {
    const whole = JSON.stringify(completion({ content: 'hi' }, { prompt: 1, completion: 1 }).json);
    const { server, gateway, transcript } = await setup([
      { raw: whole, cutAfter: 40 },
      { raw: '{"id": "chatcmpl-1", "choices": [' },
      { raw: '<html>bad gateway</html>', headers: { 'content-type': 'text/html' } },
      { json: { error: { message: 'upstream overloaded' } } },
      completion({ content: 'finally' }, { prompt: 1, completion: 1 }),
    ]);
    const answer = await gateway.complete(ASK);
    expect(answer.message.content).toBe('finally');
    expect(server.received).toHaveLength(5);
    expect(
      transcript()
        .filter((e) => e.type === 'model_retry')
        .map((e) => e.reason),
    ).toEqual(['truncated', 'bad_body', 'bad_body', 'bad_body']);
  }, 15_000);

  it('bounds each attempt by the request timeout, also while the body is still arriving', async () => {
    const whole = JSON.stringify(completion({ content: 'hi' }, { prompt: 1, completion: 1 }).json);
    const { gateway, transcript } = await setup(
      [
        { hang: true },
        { raw: whole, cutAfter: 40, stall: true },
        completion({ content: 'ok' }, { prompt: 1, completion: 1 }),
      ],
      { requestTimeoutMs: 300 },
    );
    const started = Date.now();
    expect((await gateway.complete(ASK)).message.content).toBe('ok');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(
      transcript()
        .filter((e) => e.type === 'model_retry')
        .map((e) => e.reason),
    ).toEqual(['timeout', 'timeout']);
  }, 15_000);
});

describe('record and replay', () => {
  it('records each exchange by request hash, then answers from it with the upstream stopped', async () => {
    const dir = path.join(mkdtempSync(path.join(root, 'rec-')), 'exchanges');
    const requests: ChatRequest[] = [
      ASK,
      { messages: [{ role: 'user', content: 'Say bye.' }], temperature: 0.2 },
      {
        messages: [{ role: 'user', content: 'List files.' }],
        tools: [{ name: 'bash', description: 'run', parameters: { type: 'object' } }],
      },
    ];
    const rec = await setup(
      [
        completion({ content: 'hi' }, { prompt: 10, completion: 2 }),
        completion({ content: 'bye' }, { prompt: 11, completion: 3, cost: 0.00042 }),
        completion(
          { tool_calls: [{ name: 'bash', arguments: '{"command":"ls"}' }] },
          { prompt: 12, completion: 4 },
        ),
      ],
      { exchanges: { mode: 'record', dir } },
    );
    const recorded: GatewayResponse[] = [];
    for (const r of requests) recorded.push(await rec.gateway.complete(r));
    expect(readdirSync(dir).filter((f) => f.endsWith('.json'))).toHaveLength(3);
    await rec.server.close();

    const play = await setup([apiError(500, 'must not be called')], { exchanges: { mode: 'replay', dir } });
    await play.server.close();
    // Property order and unset fields do not change the key.
    const replayed: GatewayResponse[] = [];
    for (const r of [...requests].reverse())
      replayed.unshift(await play.gateway.complete(JSON.parse(JSON.stringify(r))));
    expect(play.server.received).toHaveLength(0);
    const strip = (r: (typeof recorded)[number]) => ({ ...r, retries: 0, replayed: false });
    expect(replayed.map(strip)).toEqual(recorded.map(strip));
    expect(play.cost.totalUsd).toBe(rec.cost.totalUsd);
    const lines = (t: typeof rec.transcript) =>
      t()
        .filter((e) => e.type === 'model_response')
        .map(({ t: _t, elapsed_ms: _e, duration_ms: _d, replayed: _r, ...rest }) => rest);
    expect(lines(play.transcript).reverse()).toEqual(lines(rec.transcript));
  }, 15_000);

  it('fails clearly on a miss, naming the key and the folder', async () => {
    const dir = mkdtempSync(path.join(root, 'empty-'));
    const { gateway, server, transcript } = await setup(
      [completion({ content: 'no' }, { prompt: 1, completion: 1 })],
      {
        exchanges: { mode: 'replay', dir },
      },
    );
    const err = await gateway.complete(ASK).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelError);
    expect(err).toMatchObject({ kind: 'replay_miss' });
    expect((err as Error).message).toMatch(new RegExp(`key [0-9a-f]{64}\\) in ${dir}`));
    expect(server.received).toHaveLength(0);
    expect(transcript()[0]).toMatchObject({ type: 'model_error', kind: 'replay_miss' });
  }, 15_000);

  it('leaves the free built-in models alone: an oracle run replays without a recording', async () => {
    const dir = mkdtempSync(path.join(root, 'none-'));
    const gateway = new ModelGateway({
      model: new OracleModel(),
      cost: new CostTracker(loadPricing(null)),
      exchanges: { mode: 'replay', dir },
    });
    const answer = await gateway.complete({
      ...ASK,
      tools: [{ name: 'bash', description: '', parameters: {} }],
    });
    expect(answer.message.tool_calls?.[0]?.name).toBe('bash');
    expect(answer.replayed).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses a replay folder that does not exist', () => {
    expect(
      () =>
        new ModelGateway({
          model: new OpenAIChatModel({ name: 'openai/gpt-4o-mini', apiKey: KEY }),
          cost: new CostTracker(loadPricing(null)),
          exchanges: { mode: 'replay', dir: path.join(root, 'nope') },
        }),
    ).toThrow(/--replay .*nope: no such folder/);
  });
});
