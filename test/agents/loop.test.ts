import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createAgent,
  NativeToolAgent,
  NullModel,
  OracleModel,
  ReactAgent,
  SimpleAgent,
} from '../../src/agents/index.js';
import { ModelError } from '../../src/models/index.js';
import {
  agentContext,
  readTranscript,
  ScriptedModel,
  text,
  toolCalls,
  usage,
} from '../helpers/agent-fakes.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir('fb-loop-');
const fresh = () => mkdtempSync(path.join(root, 'r-'));

describe('the factory', () => {
  it('maps each tools.style to its agent', () => {
    expect(createAgent('native')).toBeInstanceOf(NativeToolAgent);
    expect(createAgent('json_text')).toBeInstanceOf(ReactAgent);
    expect(createAgent('code_blocks')).toBeInstanceOf(SimpleAgent);
  });
});

describe('NativeToolAgent', () => {
  it('runs several calls per turn, sends each result back, and ends on a final answer', async () => {
    const model = new ScriptedModel([
      toolCalls(
        [
          ['bash', JSON.stringify({ command: 'echo one > a.txt' })],
          ['bash', JSON.stringify({ command: 'cat a.txt' })],
        ],
        usage(100, 10),
      ),
      text('done', usage(200, 5, 50)),
    ]);
    const ctx = agentContext(fresh(), model);
    const outcome = await new NativeToolAgent().run(ctx);
    expect(outcome).toMatchObject({ stopReason: 'final_answer', killReason: null, turns: 2, toolCalls: 2 });
    expect(outcome.finalAnswer).toBe('done');
    const second = model.requests[1]?.messages ?? [];
    const toolMessages = second.filter((m) => m.role === 'tool');
    expect(toolMessages.map((m) => (m.role === 'tool' ? m.tool_call_id : ''))).toEqual([
      'c0-bash',
      'c1-bash',
    ]);
    expect(toolMessages[1]).toMatchObject({ content: expect.stringContaining('one') });
    // Tools are declared natively, submit included.
    expect(model.requests[0]?.tools?.map((t) => t.name)).toEqual(['bash', 'submit']);
    // Cost per call: (100*1 + 10*2)/1e6 and ((200-50)*1 + 50*0.5 + 5*2)/1e6.
    expect(ctx.cost.totalUsd).toBeCloseTo(120e-6 + 185e-6, 12);
    const events = readTranscript(ctx.transcriptPath);
    const responses = events.filter((e) => e.type === 'model_response');
    expect(responses.map((e) => e.cost_usd)).toEqual([120e-6, 185e-6]);
    expect(responses[1]?.usage).toEqual(usage(200, 5, 50));
    expect(events.filter((e) => e.type === 'tool_result')).toHaveLength(2);
  });

  it('answers malformed or invalid arguments and unknown tools with a tool error, and goes on', async () => {
    const model = new ScriptedModel([
      toolCalls([
        ['bash', '{"command": "ls"'],
        ['bash', JSON.stringify({ cmd: 'ls' })],
        ['rm_rf', '{}'],
      ]),
      text('gave up'),
    ]);
    const ctx = agentContext(fresh(), model);
    const outcome = await new NativeToolAgent().run(ctx);
    expect(outcome.stopReason).toBe('final_answer');
    const results = (model.requests[1]?.messages ?? [])
      .filter((m) => m.role === 'tool')
      .map((m) => m.content);
    expect(results[0]).toMatch(/^ERROR \(invalid_arguments\): arguments are not valid JSON/);
    expect(results[1]).toMatch(/^ERROR \(invalid_arguments\): .*command/);
    expect(results[2]).toMatch(/^ERROR \(not_found\): unknown tool "rm_rf"; available: bash/);
    expect(ctx.sandbox.execCalls).toBe(0);
  });

  it('ends on submit after running the calls before it', async () => {
    const model = new ScriptedModel([
      toolCalls([
        ['bash', JSON.stringify({ command: 'touch made' })],
        ['submit', JSON.stringify({ answer: 'all good' })],
      ]),
      text('never asked'),
    ]);
    const ctx = agentContext(fresh(), model);
    const outcome = await new NativeToolAgent().run(ctx);
    expect(outcome).toMatchObject({ stopReason: 'submit', finalAnswer: 'all good', turns: 1, toolCalls: 1 });
    expect(existsSync(path.join(ctx.sandbox.workdir, 'made'))).toBe(true);
    expect(model.requests).toHaveLength(1);
  });

  it('stops at the turn limit', async () => {
    const model = new ScriptedModel([toolCalls([['bash', JSON.stringify({ command: 'true' })]])]);
    const outcome = await new NativeToolAgent().run(agentContext(fresh(), model, { maxTurns: 3 }));
    expect(outcome).toMatchObject({ stopReason: 'turn_limit', killReason: 'turn_limit', turns: 3 });
  });

  it('ends with error:model_<kind> when the model fails for good', async () => {
    const model = new ScriptedModel([
      () => {
        throw new ModelError('authentication failed (HTTP 401: bad key)', 'auth', 401);
      },
    ]);
    const ctx = agentContext(fresh(), model);
    const outcome = await new NativeToolAgent().run(ctx);
    expect(outcome).toMatchObject({
      stopReason: 'error',
      killReason: 'error:model_auth',
      error: { kind: 'model_auth', message: expect.stringContaining('401') },
    });
    expect(readTranscript(ctx.transcriptPath).find((e) => e.type === 'model_error')).toMatchObject({
      kind: 'auth',
      status: 401,
    });
  });

  it('ends with error:agent when something unexpected breaks, never throwing', async () => {
    const model = new ScriptedModel([
      () => {
        throw new TypeError('boom');
      },
    ]);
    const outcome = await new NativeToolAgent().run(agentContext(fresh(), model));
    expect(outcome).toMatchObject({
      stopReason: 'error',
      killReason: 'error:agent',
      error: { message: 'boom' },
    });
  });

  it('is interrupted by its signal, also in the middle of a tool call', async () => {
    const controller = new AbortController();
    const model = new ScriptedModel([toolCalls([['bash', JSON.stringify({ command: 'sleep 30' })]])]);
    const ctx = agentContext(fresh(), model, { signal: controller.signal });
    setTimeout(() => controller.abort(), 300);
    const outcome = await new NativeToolAgent().run(ctx);
    expect(outcome).toMatchObject({ stopReason: 'interrupted', killReason: 'interrupted' });
    const result = readTranscript(ctx.transcriptPath).find((e) => e.type === 'tool_result');
    expect(result?.content).toBe('ERROR (failed): interrupted: the run is stopping');
  });
});

describe('the system prompt', () => {
  it("names the sandbox's real working directory in every protocol, not always /workspace", async () => {
    for (const agent of [new NativeToolAgent(), new ReactAgent(), new SimpleAgent()]) {
      const model = new ScriptedModel([text('SUBMIT: done')]);
      const ctx = agentContext(fresh(), model);
      await agent.run(ctx);
      const system = model.requests[0]?.messages[0];
      expect(system?.role).toBe('system');
      const content = String(system?.content);
      expect(content).toContain(`working directory (${ctx.sandbox.workdir})`);
      expect(content).not.toContain('/workspace');
    }
  });
});

describe('budgets in the loop', () => {
  it('never runs one tool call more than the budget, even within one turn', async () => {
    const calls: Array<[string, string]> = [1, 2, 3, 4, 5].map((i) => [
      'bash',
      JSON.stringify({ command: `echo ${i} >> log` }),
    ]);
    const model = new ScriptedModel([toolCalls(calls), text('unreachable')]);
    const ctx = agentContext(fresh(), model, { budget: { max_tool_calls: 3 } });
    const outcome = await new NativeToolAgent().run(ctx);
    expect(outcome).toMatchObject({
      stopReason: 'budget_exceeded',
      killReason: 'budget_exceeded:tool_calls',
      toolCalls: 3,
    });
    expect(readFileSync(path.join(ctx.sandbox.workdir, 'log'), 'utf8')).toBe('1\n2\n3\n');
    expect(ctx.sandbox.execCalls).toBe(3);
    const results = readTranscript(ctx.transcriptPath).filter((e) => e.type === 'tool_result');
    expect(results).toHaveLength(5);
    expect(results.slice(3).map((e) => e.content)).toEqual([
      'ERROR (budget): not run: the tool calls budget is spent',
      'ERROR (budget): not run: the tool calls budget is spent',
    ]);
  });

  it('exactly N tool calls then a final answer is not a breach', async () => {
    const model = new ScriptedModel([
      toolCalls([
        ['bash', JSON.stringify({ command: 'true' })],
        ['bash', JSON.stringify({ command: 'true' })],
      ]),
      text('done'),
    ]);
    const outcome = await new NativeToolAgent().run(
      agentContext(fresh(), model, { budget: { max_tool_calls: 2 } }),
    );
    expect(outcome).toMatchObject({ stopReason: 'final_answer', killReason: null, toolCalls: 2 });
  });

  it('stops on tokens before the next model call, refusing the tool calls of the reply that spent them', async () => {
    const model = new ScriptedModel([
      toolCalls([['bash', JSON.stringify({ command: 'touch nope' })]], usage(900, 200)),
      text('unreachable'),
    ]);
    const ctx = agentContext(fresh(), model, { budget: { max_tokens: 1000 } });
    const outcome = await new NativeToolAgent().run(ctx);
    expect(outcome).toMatchObject({ killReason: 'budget_exceeded:tokens', turns: 1, toolCalls: 0 });
    expect(existsSync(path.join(ctx.sandbox.workdir, 'nope'))).toBe(false);
    expect(model.requests).toHaveLength(1);
  });

  it('stops on dollars', async () => {
    // 1M input tokens at $1/M: one dollar spent by the first call.
    const model = new ScriptedModel([
      toolCalls([['bash', JSON.stringify({ command: 'true' })]], usage(1_000_000, 0)),
      text('unreachable'),
    ]);
    const ctx = agentContext(fresh(), model, { budget: { max_cost_usd: 0.5, max_tokens: 10_000_000 } });
    const outcome = await new NativeToolAgent().run(ctx);
    expect(outcome.killReason).toBe('budget_exceeded:cost');
    expect(ctx.cost.totalUsd).toBe(1);
  });

  it('aborts a model call at the wall-time limit', async () => {
    const model = new ScriptedModel([
      (req) =>
        new Promise((_, reject) => {
          req.signal?.addEventListener('abort', () => reject(req.signal?.reason));
        }),
    ]);
    const ctx = agentContext(fresh(), model, { budget: { max_wall_seconds: 0.5 } });
    const outcome = await new NativeToolAgent().run(ctx);
    expect(outcome).toMatchObject({ stopReason: 'budget_exceeded', killReason: 'budget_exceeded:wall_time' });
    // The client was told when to stop retrying.
    expect(model.requests[0]?.deadline).toBeGreaterThan(0);
  });

  it('does not let a tool call outlive the wall-time budget', async () => {
    const model = new ScriptedModel([toolCalls([['bash', JSON.stringify({ command: 'sleep 600' })]])]);
    const ctx = agentContext(fresh(), model, { budget: { max_wall_seconds: 1 } });
    const outcome = await new NativeToolAgent().run(ctx);
    expect(outcome.killReason).toBe('budget_exceeded:wall_time');
    const result = readTranscript(ctx.transcriptPath).find((e) => e.type === 'tool_result');
    expect(result?.error).toMatchObject({ kind: 'timeout' });
  });
});

describe('ReactAgent', () => {
  it('runs JSON actions from text, feeds back results and parse errors, and ends on submit', async () => {
    const model = new ScriptedModel([
      text(
        'Let me look.\n```json\n{"tool": "bash", "arguments": {"command": "echo hi"}}\n```\nThen I will see.',
      ),
      text("{'tool': 'bash', 'arguments': {'command': 'echo single',},}"),
      text('```json\n{"tool": "bash", "arguments": {"command": "echo oops"\n```'),
      text('{"tool": "submit", "arguments": {"answer": "finished"}}'),
    ]);
    const ctx = agentContext(fresh(), model);
    const outcome = await new ReactAgent().run(ctx);
    expect(outcome).toMatchObject({ stopReason: 'submit', finalAnswer: 'finished', toolCalls: 2, turns: 4 });
    expect(model.requests[0]?.tools).toBeUndefined();
    // The tools and their schemas are described in the system prompt instead.
    expect(model.requests[0]?.messages[0]?.content).toMatch(/- bash: .*\n {2}arguments \(JSON Schema\): \{/);
    expect(model.requests[0]?.messages[0]?.content).toContain('- submit:');
    const last = (i: number) => model.requests[i]?.messages.at(-1);
    expect(last(1)).toMatchObject({ role: 'user', content: expect.stringMatching(/Result of bash:\nhi/) });
    expect(last(2)?.content).toMatch(/single/);
    expect(last(3)?.content).toMatch(/could not be read: invalid JSON/);
  });

  it('reminds once when a reply has no action, and takes a second one as the final answer', async () => {
    const model = new ScriptedModel([text('I think it is fixed.'), text('Yes, it is fixed.')]);
    const outcome = await new ReactAgent().run(agentContext(fresh(), model));
    expect(outcome).toMatchObject({ stopReason: 'final_answer', turns: 2, finalAnswer: 'Yes, it is fixed.' });
    expect(model.requests[1]?.messages.at(-1)?.content).toMatch(/had no action/);
  });

  it('runs only the first of several actions and says so', async () => {
    const model = new ScriptedModel([
      text(
        '{"tool":"bash","arguments":{"command":"echo 1 >> f"}} {"tool":"bash","arguments":{"command":"echo 2 >> f"}}',
      ),
      text('{"tool":"submit","arguments":{"answer":"x"}}'),
    ]);
    const ctx = agentContext(fresh(), model);
    await new ReactAgent().run(ctx);
    expect(readFileSync(path.join(ctx.sandbox.workdir, 'f'), 'utf8')).toBe('1\n');
    expect(model.requests[1]?.messages.at(-1)?.content).toMatch(/Only your first action ran; 1 more/);
  });
});

describe('SimpleAgent', () => {
  it('runs every bash block in order and ends on a SUBMIT line', async () => {
    const model = new ScriptedModel([
      text('First:\n```bash\necho a > f\n```\nand\n```sh\ncat f\n```'),
      text('```bash\necho b >> f\n```\nSUBMIT: wrote f'),
    ]);
    const ctx = agentContext(fresh(), model);
    const outcome = await new SimpleAgent().run(ctx);
    expect(outcome).toMatchObject({ stopReason: 'submit', finalAnswer: 'wrote f', toolCalls: 3 });
    expect(model.requests[1]?.messages.at(-1)?.content).toMatch(/Output of block 2 \(bash\):\na/);
    expect(readFileSync(path.join(ctx.sandbox.workdir, 'f'), 'utf8')).toBe('a\nb\n');
  });

  it('runs python blocks through the python tool when it is enabled, and ends on a reply without blocks', async () => {
    const model = new ScriptedModel([text('```python\nprint(6 * 7)\n```'), text('The answer is 42.')]);
    const outcome = await new SimpleAgent().run(agentContext(fresh(), model, { tools: ['bash', 'python'] }));
    expect(outcome).toMatchObject({ stopReason: 'final_answer', finalAnswer: 'The answer is 42.' });
    expect(model.requests[1]?.messages.at(-1)?.content).toMatch(/\(python\):\n42/);
  });
});

describe('built-in scripted models in every protocol', () => {
  it.each([
    ['native', new NativeToolAgent(), 'final_answer'],
    ['json_text', new ReactAgent(), 'submit'],
    ['code_blocks', new SimpleAgent(), 'submit'],
  ] as const)('oracle calls the solution once through %s', async (_style, agent, stop) => {
    const ctx = agentContext(fresh(), new OracleModel());
    const outcome = await agent.run(ctx);
    expect(outcome).toMatchObject({ stopReason: stop, toolCalls: 1 });
    const call = readTranscript(ctx.transcriptPath).find((e) => e.type === 'tool_call');
    expect(String(call?.arguments)).toContain('/opt/factory-bench/solution/solve.sh');
  });

  it.each([new NativeToolAgent(), new ReactAgent(), new SimpleAgent()])(
    'null ends at once without a tool call (%#)',
    async (agent) => {
      const outcome = await agent.run(agentContext(fresh(), new NullModel()));
      expect(outcome.toolCalls).toBe(0);
      expect(outcome.turns).toBe(1);
    },
  );
});
