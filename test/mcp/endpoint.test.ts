import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterEach, describe, expect, it } from 'vitest';
import { toolHostFor } from '../../src/agents/index.js';
import type { BudgetKind } from '../../src/budgets/index.js';
import { type McpEndpoint, startMcpEndpoint, tokenMatches } from '../../src/mcp/index.js';
import { type ChatModel, EMPTY_USAGE } from '../../src/models/index.js';
import { agentContext, readTranscript } from '../helpers/agent-fakes.js';
import { tempDir } from '../helpers/tmp.js';

const scratch = tempDir('fb-mcp-');
const noModel: ChatModel = {
  name: 'none',
  free: true,
  complete: async () => ({
    message: { role: 'assistant', content: '' },
    usage: EMPTY_USAGE,
    finishReason: 'stop',
  }),
};
let endpoint: McpEndpoint | null = null;
let client: Client | null = null;
let n = 0;

afterEach(async () => {
  await client?.close();
  await endpoint?.close();
  client = null;
  endpoint = null;
});

async function connect(ep: McpEndpoint, token = ep.token): Promise<Client> {
  const c = new Client({ name: 'test', version: '1.0.0' });
  await c.connect(
    new StreamableHTTPClientTransport(new URL(ep.url), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  return c;
}

function textOf(result: Awaited<ReturnType<Client['callTool']>>): string {
  return (result.content as Array<{ type: string; text: string }>).map((c) => c.text).join('\n');
}

describe('the per-run MCP endpoint', () => {
  it('serves the run tools over the same tool path: confinement, transcript and the tool-call budget', async () => {
    const dir = path.join(scratch, `run-${++n}`);
    const ctx = agentContext(dir, noModel, { tools: ['bash', 'text_editor'], budget: { max_tool_calls: 3 } });
    writeFileSync(path.join(ctx.sandbox.workdir, 'notes.txt'), 'hello from the workspace\n');
    const breaches: BudgetKind[] = [];
    endpoint = await startMcpEndpoint(toolHostFor(ctx, (k) => breaches.push(k)));
    expect(endpoint.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    client = await connect(endpoint);

    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(['bash', 'text_editor']);
    expect(tools[0]?.inputSchema).toMatchObject({
      type: 'object',
      properties: { command: { type: 'string' } },
    });

    const ok = await client.callTool({ name: 'bash', arguments: { command: 'cat notes.txt && echo done' } });
    expect(ok.isError).toBe(false);
    expect(textOf(ok)).toContain('hello from the workspace');
    const outside = await client.callTool({
      name: 'text_editor',
      arguments: { command: 'view', path: '/etc/passwd' },
    });
    expect(outside.isError).toBe(true);
    expect(textOf(outside)).toMatch(/^ERROR \(permission\)/);
    const bad = await client.callTool({ name: 'bash', arguments: { cmd: 'ls' } });
    expect(textOf(bad)).toMatch(/^ERROR \(invalid_arguments\)/);
    expect(breaches).toEqual([]);
    // The budget allows 3 calls: the fourth is refused and reported as a breach.
    const refused = await client.callTool({ name: 'bash', arguments: { command: 'echo one too many' } });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toContain('the tool calls budget is spent');
    expect(breaches).toEqual(['tool_calls']);

    const events = readTranscript(ctx.transcriptPath);
    expect(events.filter((e) => e.type === 'tool_call').map((e) => e.name)).toEqual([
      'bash',
      'text_editor',
      'bash',
    ]);
    expect(events.filter((e) => e.type === 'tool_result').at(-1)).toMatchObject({
      error: { kind: 'budget' },
    });
  });

  it('refuses requests without the run token, with a wrong one, and outside /mcp', async () => {
    const ctx = agentContext(path.join(scratch, `run-${++n}`), noModel);
    endpoint = await startMcpEndpoint(toolHostFor(ctx, () => {}));
    await expect(connect(endpoint, 'fbmcp-wrong')).rejects.toThrow();
    const post = (url: string, headers: Record<string, string>) =>
      fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          ...headers,
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
      });
    expect((await post(endpoint.url, {})).status).toBe(401);
    expect((await post(endpoint.url, { authorization: 'Bearer nope' })).status).toBe(401);
    expect(
      (await post(endpoint.url.replace('/mcp', '/other'), { authorization: `Bearer ${endpoint.token}` }))
        .status,
    ).toBe(404);
    expect(ctx.budget.toolCalls).toBe(0);
  });

  it('compares tokens exactly', () => {
    expect(tokenMatches('Bearer abc', 'abc')).toBe(true);
    expect(tokenMatches('bearer abc', 'abc')).toBe(true);
    expect(tokenMatches('Bearer abcd', 'abc')).toBe(false);
    expect(tokenMatches(undefined, 'abc')).toBe(false);
    expect(tokenMatches('abc', 'abc')).toBe(false);
  });
});
