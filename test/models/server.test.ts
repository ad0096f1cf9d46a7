import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { BudgetEnforcer } from '../../src/budgets/index.js';
import { CostTracker, loadPricing } from '../../src/cost/index.js';
import {
  type BudgetBreach,
  type GatewayServer,
  ModelGateway,
  OpenAIChatModel,
  startGatewayServer,
} from '../../src/models/index.js';
import { TranscriptWriter } from '../../src/runs/index.js';
import type { Budget } from '../../src/tasks/index.js';
import { readTranscript } from '../helpers/agent-fakes.js';
import { tempDir } from '../helpers/tmp.js';
import { apiError, completion, type Reply, startFakeOpenAI } from './openai-server.js';

const root = tempDir('fb-gwserver-');
const KEY = 'sk-test-real-upstream-key-0123456789abcdef';
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()?.();
});

const BIG: Budget = { max_tokens: 1_000_000, max_tool_calls: 100, max_wall_seconds: 600, max_cost_usd: 100 };

/** Every byte the gateway sent back, to check that the real key is in none of them. */
const seen: string[] = [];

async function setup(script: Reply[], budget: Partial<Budget> = {}, listen: { socketPath?: string } = {}) {
  const upstream = await startFakeOpenAI(script);
  closers.push(upstream.close);
  const transcriptPath = path.join(mkdtempSync(path.join(root, 's-')), 'transcript.jsonl');
  const breaches: BudgetBreach[] = [];
  const gateway = new ModelGateway({
    model: new OpenAIChatModel({
      name: 'openai/gpt-4o-mini',
      apiKey: KEY,
      baseURL: upstream.baseURL,
      retry: { baseDelayMs: 5, maxDelayMs: 20, maxRetries: 2 },
    }),
    cost: new CostTracker(loadPricing(null)),
    budget: new BudgetEnforcer({ ...BIG, ...budget }),
    transcript: new TranscriptWriter(transcriptPath),
    onBreach: (b) => breaches.push(b),
  });
  const server: GatewayServer = await startGatewayServer({ gateway, ...listen });
  closers.push(server.close);
  // What an external agent does: the stock client, pointed at the gateway with the run's token.
  const recordingFetch: typeof fetch = async (input, init) => {
    const res = await fetch(input, init);
    seen.push(await res.clone().text());
    return res;
  };
  const client = new OpenAI({ baseURL: server.url, apiKey: server.token, fetch: recordingFetch });
  return { upstream, gateway, server, client, breaches, transcript: () => readTranscript(transcriptPath) };
}

const BASH = {
  type: 'function' as const,
  function: {
    name: 'bash',
    description: 'Run a command',
    parameters: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] },
  },
};

afterEach(() => {
  for (const body of seen) expect(body).not.toContain(KEY);
  seen.length = 0;
});

describe('the gateway HTTP server', () => {
  it('requires the run token: 401 without it and with a wrong one, in OpenAI error shape', async () => {
    const { server, upstream } = await setup([completion({ content: 'hi' }, { prompt: 1, completion: 1 })]);
    const url = `${server.url}/chat/completions`;
    const body = JSON.stringify({ model: 'x', messages: [{ role: 'user', content: 'hi' }] });
    for (const headers of [{}, { authorization: 'Bearer wrong-token' }, { authorization: server.token }]) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
      expect(res.status).toBe(401);
      expect(res.headers.get('x-should-retry')).toBe('false');
      expect(await res.json()).toMatchObject({
        error: { type: 'invalid_request_error', code: 'invalid_api_key', message: expect.any(String) },
      });
    }
    const models = await fetch(`${server.url}/models`);
    expect(models.status).toBe(401);
    const stranger = new OpenAI({ baseURL: server.url, apiKey: KEY, maxRetries: 0 });
    await expect(stranger.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    expect(upstream.received).toHaveLength(0);
  });

  it("lists the run's model", async () => {
    const { client } = await setup([]);
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['openai/gpt-4o-mini']);
    expect((await client.models.retrieve('openai/gpt-4o-mini')).id).toBe('openai/gpt-4o-mini');
  });

  it('answers a non-streaming request with tools, translating it for the upstream', async () => {
    const { client, upstream, transcript } = await setup([
      completion(
        { tool_calls: [{ name: 'bash', arguments: '{"command":"ls"}' }] },
        { prompt: 120, completion: 30, cached: 20 },
      ),
    ]);
    const answer = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'developer', content: 'You are terse.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'List' },
            { type: 'text', text: 'the files.' },
          ],
        },
      ],
      tools: [BASH],
      tool_choice: 'required',
      max_tokens: 500,
      stop: 'END',
      temperature: 0.3,
    });
    expect(answer.object).toBe('chat.completion');
    expect(answer.choices[0]?.finish_reason).toBe('tool_calls');
    const call = answer.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === 'function' && call.function).toEqual({
      name: 'bash',
      arguments: '{"command":"ls"}',
    });
    expect(answer.usage).toMatchObject({
      prompt_tokens: 120,
      completion_tokens: 30,
      total_tokens: 150,
      prompt_tokens_details: { cached_tokens: 20 },
    });
    const sent = upstream.received[0]?.body;
    expect(upstream.received[0]?.authorization).toBe(`Bearer ${KEY}`);
    expect(sent).toMatchObject({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'List\nthe files.' },
      ],
      tool_choice: 'required',
      max_completion_tokens: 500,
      stop: ['END'],
      temperature: 0.3,
    });
    expect(sent?.tools?.[0]?.function).toMatchObject(BASH.function);
    const line = transcript().find((e) => e.type === 'model_response');
    expect(line).toMatchObject({
      source: 'http',
      request: {
        messages: 2,
        tools: ['bash'],
        new_messages: [
          { role: 'system', content: 'You are terse.' },
          { role: 'user', content: 'List\nthe files.' },
        ],
      },
      cost_usd: (100 * 0.15 + 20 * 0.075 + 30 * 0.6) / 1e6,
    });
  });

  it('streams as server-sent events: content, tool calls, the finish reason, then usage and [DONE]', async () => {
    const { client, server } = await setup([
      completion(
        { content: 'Let me look.', tool_calls: [{ name: 'bash', arguments: '{"command":"pwd"}' }] },
        { prompt: 50, completion: 9 },
      ),
      completion({ content: 'All done.' }, { prompt: 80, completion: 3 }),
    ]);
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Where am I?' }],
      tools: [BASH],
      stream: true,
      stream_options: { include_usage: true },
    });
    let content = '';
    const calls: Array<{ id?: string; name?: string; arguments: string }> = [];
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | null | undefined = null;
    for await (const chunk of stream) {
      expect(chunk.object).toBe('chat.completion.chunk');
      if (chunk.usage) usage = chunk.usage;
      const choice = chunk.choices[0];
      if (!choice) continue;
      content += choice.delta.content ?? '';
      for (const d of choice.delta.tool_calls ?? []) {
        calls[d.index] ??= { arguments: '' };
        const c = calls[d.index] as (typeof calls)[number];
        if (d.id) c.id = d.id;
        if (d.function?.name) c.name = d.function.name;
        c.arguments += d.function?.arguments ?? '';
      }
      finish = choice.finish_reason ?? finish;
    }
    expect(content).toBe('Let me look.');
    expect(calls).toEqual([
      { id: expect.stringMatching(/^call_/), name: 'bash', arguments: '{"command":"pwd"}' },
    ]);
    expect(finish).toBe('tool_calls');
    expect(usage).toMatchObject({ prompt_tokens: 50, completion_tokens: 9, total_tokens: 59 });

    // The raw stream ends with [DONE]; without include_usage there is no usage chunk.
    const res = await fetch(`${server.url}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'Done?' }], stream: true }),
    });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const text = await res.text();
    seen.push(text);
    const events = text.split('\n\n').filter(Boolean);
    expect(events.at(-1)).toBe('data: [DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.replace(/^data: /, '')));
    expect(chunks.some((c) => 'usage' in c)).toBe(false);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('All done.');
  });

  it('refuses calls once the token budget is spent: 403 budget_exceeded that clients do not retry, and fires the breach hook', async () => {
    const { client, upstream, breaches } = await setup(
      [completion({ content: 'one' }, { prompt: 900, completion: 200 })],
      { max_tokens: 1000 },
    );
    const ask = () =>
      client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'again' }] });
    expect((await ask()).choices[0]?.message.content).toBe('one');
    expect(breaches).toEqual([{ kind: 'tokens', killReason: 'budget_exceeded:tokens' }]);
    const err = await ask().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(err).toMatchObject({
      status: 403,
      type: 'budget_exceeded',
      code: 'budget_exceeded:tokens',
      error: { message: expect.stringMatching(/tokens budget is spent/) },
    });
    // The SDK would retry a 429 or a 5xx twice; here it asked the gateway once more and stopped.
    expect(seen).toHaveLength(2);
    expect(upstream.received).toHaveLength(1);
    expect(breaches).toHaveLength(1);
  });

  it('passes model failures back in OpenAI error shape, with the real key in no byte', async () => {
    const { client } = await setup([
      apiError(401, `Incorrect API key provided: ${KEY}`, 'invalid_api_key'),
      apiError(400, "This model's maximum context length is 128000 tokens", 'context_length_exceeded'),
    ]);
    const ask = () =>
      client.chat.completions.create(
        { model: 'm', messages: [{ role: 'user', content: 'hi' }] },
        { maxRetries: 0 },
      );
    const auth = await ask().catch((e: unknown) => e);
    expect(auth).toMatchObject({ status: 502, type: 'upstream_error', code: 'model_auth' });
    expect((auth as Error).message).toContain('[REDACTED]');
    const context = await ask().catch((e: unknown) => e);
    expect(context).toBeInstanceOf(OpenAI.BadRequestError);
    expect(context).toMatchObject({ code: 'context_length_exceeded' });
    // `seen` is checked for the key after each test.
    expect(seen.length).toBe(2);
  });

  it('answers bad requests with 400 and the field at fault', async () => {
    const { server, upstream } = await setup([]);
    const post = async (body: string) => {
      const res = await fetch(`${server.url}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
        body,
      });
      return { status: res.status, json: (await res.json()) as { error: Record<string, unknown> } };
    };
    expect(await post('{"messages": [')).toMatchObject({
      status: 400,
      json: { error: { type: 'invalid_request_error', message: 'the request body is not valid JSON' } },
    });
    expect(await post('{"model": "m", "messages": []}')).toMatchObject({
      status: 400,
      json: { error: { param: 'messages' } },
    });
    const image = JSON.stringify({
      messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:,' } }] }],
    });
    expect(await post(image)).toMatchObject({
      status: 400,
      json: { error: { code: 'unsupported_content', param: 'messages.0.content.0' } },
    });
    const unknown = await fetch(`${server.url}/embeddings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}` },
      body: '{}',
    });
    expect(unknown.status).toBe(404);
    expect(upstream.received).toHaveLength(0);
  });

  it('serves the Responses API: function calls, their outputs as tool messages, previous_response_id and streaming', async () => {
    const { client, upstream, transcript } = await setup([
      completion(
        { content: 'Checking.', tool_calls: [{ name: 'bash', arguments: '{"command":"ls"}' }] },
        { prompt: 40, completion: 8, cached: 10 },
      ),
      completion({ content: 'There is one file.' }, { prompt: 60, completion: 5 }),
      completion({ content: 'Yes, a.txt.' }, { prompt: 70, completion: 4 }),
      completion(
        { tool_calls: [{ name: 'bash', arguments: '{"command":"pwd"}' }] },
        { prompt: 80, completion: 6 },
      ),
    ]);
    const tools = [{ type: 'function' as const, strict: false, ...BASH.function }];
    const first = await client.responses.create({
      model: 'gpt-4o-mini',
      instructions: 'Be terse.',
      input: 'List the files.',
      tools,
      max_output_tokens: 300,
    });
    expect(first).toMatchObject({ object: 'response', status: 'completed', model: 'openai/gpt-4o-mini' });
    expect(first.output_text).toBe('Checking.');
    const call = first.output.find((o) => o.type === 'function_call');
    expect(call).toMatchObject({
      name: 'bash',
      arguments: '{"command":"ls"}',
      call_id: expect.stringMatching(/^call_/),
    });
    expect(first.usage).toMatchObject({
      input_tokens: 40,
      output_tokens: 8,
      input_tokens_details: { cached_tokens: 10 },
    });
    expect(upstream.received[0]?.body).toMatchObject({
      messages: [
        { role: 'system', content: 'Be terse.' },
        { role: 'user', content: 'List the files.' },
      ],
      max_completion_tokens: 300,
    });

    // The agent sends the whole conversation back, as stateless clients do.
    const callId = call?.type === 'function_call' ? call.call_id : '';
    const second = await client.responses.create({
      model: 'gpt-4o-mini',
      instructions: 'Be terse.',
      input: [
        { role: 'user', content: 'List the files.' },
        ...first.output.map((o) =>
          o.type === 'function_call'
            ? { type: 'function_call' as const, call_id: o.call_id, name: o.name, arguments: o.arguments }
            : { role: 'assistant' as const, content: 'Checking.' },
        ),
        { type: 'function_call_output', call_id: callId, output: 'a.txt' },
      ],
      tools,
    });
    expect(second.output_text).toBe('There is one file.');
    expect(upstream.received[1]?.body.messages).toEqual([
      { role: 'system', content: 'Be terse.' },
      { role: 'user', content: 'List the files.' },
      {
        role: 'assistant',
        content: 'Checking.',
        tool_calls: [
          { id: callId, type: 'function', function: { name: 'bash', arguments: '{"command":"ls"}' } },
        ],
      },
      { role: 'tool', tool_call_id: callId, content: 'a.txt' },
    ]);

    // Or it continues a response by id.
    const third = await client.responses.create({
      model: 'gpt-4o-mini',
      previous_response_id: second.id,
      input: [{ role: 'user', content: [{ type: 'input_text', text: 'Is it a.txt?' }] }],
    });
    expect(third.output_text).toBe('Yes, a.txt.');
    expect(upstream.received[2]?.body.messages.slice(-2)).toEqual([
      { role: 'assistant', content: 'There is one file.' },
      { role: 'user', content: 'Is it a.txt?' },
    ]);

    // Streamed, through the SDK's own event accumulator.
    const stream = client.responses.stream({ model: 'gpt-4o-mini', input: 'Where am I?', tools });
    const types: string[] = [];
    stream.on('event', (e) => types.push(e.type));
    const final = await stream.finalResponse();
    expect(final.output).toEqual([
      expect.objectContaining({ type: 'function_call', name: 'bash', arguments: '{"command":"pwd"}' }),
    ]);
    expect(types[0]).toBe('response.created');
    expect(types).toContain('response.function_call_arguments.delta');
    expect(types.at(-1)).toBe('response.completed');
    expect(transcript().filter((e) => e.type === 'model_response')).toHaveLength(4);

    const unknown = await client.responses
      .create({ model: 'm', input: 'x', previous_response_id: 'resp_nope' }, { maxRetries: 0 })
      .catch((e: unknown) => e);
    expect(unknown).toMatchObject({ status: 404, code: 'previous_response_not_found' });
    const search = await client.responses
      .create({ model: 'm', input: 'x', tools: [{ type: 'web_search' }] }, { maxRetries: 0 })
      .catch((e: unknown) => e);
    expect(search).toMatchObject({ status: 400, code: 'unsupported_tool', param: 'tools.0' });
    expect(upstream.received).toHaveLength(4);
  });

  it('ends the upstream call when the agent hangs up, and still writes its line', async () => {
    const { client, transcript } = await setup([{ hang: true }]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    await expect(
      client.chat.completions.create(
        { model: 'm', messages: [{ role: 'user', content: 'hi' }] },
        { signal: controller.signal, maxRetries: 0 },
      ),
    ).rejects.toThrow();
    const deadline = Date.now() + 5_000;
    const aborted = () => {
      try {
        return transcript().some((e) => e.type === 'model_aborted');
      } catch {
        return false; // No line written yet.
      }
    };
    while (!aborted() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(transcript().find((e) => e.type === 'model_aborted')).toMatchObject({ source: 'http' });
  });

  it('listens on a Unix socket', async () => {
    const socketPath = path.join(mkdtempSync(path.join(root, 'sock-')), 'gateway.sock');
    const { server } = await setup(
      [completion({ content: 'via socket' }, { prompt: 1, completion: 1 })],
      {},
      { socketPath },
    );
    expect(server.url).toBe('http://localhost/v1');
    const body = JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] });
    const answer = await new Promise<string>((resolve, reject) => {
      const req = http.request(
        {
          socketPath,
          path: '/v1/chat/completions',
          method: 'POST',
          headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
        },
        (res) => {
          let text = '';
          res.on('data', (d) => {
            text += d;
          });
          res.on('end', () => resolve(text));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    expect(JSON.parse(answer).choices[0].message.content).toBe('via socket');
  });
});
