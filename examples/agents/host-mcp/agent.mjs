// An agent on the host: the model through the run's OpenAI-compatible gateway, the task's
// sandbox through the harness's tools over MCP (streamable HTTP). The harness starts it with
// the task's instructions on stdin and stops it when a budget is spent.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run this agent through factory-bench`);
  return value;
};
const baseUrl = env('OPENAI_BASE_URL').replace(/\/$/, '');
const apiKey = env('OPENAI_API_KEY');
const maxTurns = Number(process.env.AGENT_MAX_TURNS ?? 40);

async function readStdin() {
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  return text.trim() || (process.env.FB_INSTRUCTIONS ?? '');
}

async function chat(messages, tools) {
  const res = await fetch(`${baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'default', messages, tools }),
  });
  const body = await res.json();
  if (!res.ok) {
    const error = new Error(`HTTP ${res.status} (${body.error?.type}): ${body.error?.message}`);
    error.type = body.error?.type;
    throw error;
  }
  return body.choices[0].message;
}

async function main() {
  const instructions = await readStdin();
  const mcp = new Client({ name: 'host-mcp-example', version: '1.0.0' });
  await mcp.connect(
    new StreamableHTTPClientTransport(new URL(env('FB_MCP_URL')), {
      requestInit: { headers: { authorization: `Bearer ${env('FB_MCP_TOKEN')}` } },
    }),
  );
  const { tools } = await mcp.listTools();
  const openaiTools = tools.map((t) => ({
    type: 'function',
    function: { name: t.name, description: t.description ?? '', parameters: t.inputSchema },
  }));
  const messages = [
    {
      role: 'system',
      content:
        `You are a careful engineer. Your tools run in a sandbox whose working directory is ${process.env.FB_WORKDIR}. ` +
        'When the task is done, reply with a one-line summary and no tool call.',
    },
    { role: 'user', content: instructions },
  ];
  try {
    for (let turn = 1; turn <= maxTurns; turn++) {
      let reply;
      try {
        reply = await chat(messages, openaiTools);
      } catch (err) {
        // A spent budget (type budget_exceeded) ends the run; the harness grades what was done.
        console.error(`stopping: ${err.message}`);
        return err.type === 'budget_exceeded' ? 0 : 1;
      }
      const calls = reply.tool_calls ?? [];
      messages.push({
        role: 'assistant',
        content: reply.content ?? null,
        ...(calls.length ? { tool_calls: calls } : {}),
      });
      if (calls.length === 0) {
        console.log(reply.content ?? '(no answer)');
        return 0;
      }
      for (const call of calls) {
        let args = {};
        try {
          args = JSON.parse(call.function.arguments || '{}');
        } catch {}
        const result = await mcp.callTool({ name: call.function.name, arguments: args });
        const text = result.content.map((c) => (c.type === 'text' ? c.text : `[${c.type}]`)).join('\n');
        console.error(
          `[turn ${turn}] ${call.function.name}${result.isError ? ' (error)' : ''}: ${text.slice(-200)}`,
        );
        messages.push({ role: 'tool', tool_call_id: call.id, content: text });
      }
    }
    console.error(`stopping: no answer after ${maxTurns} turns`);
    return 0;
  } finally {
    await mcp.close();
  }
}

process.exitCode = await main();
