import type { Server } from '@modelcontextprotocol/sdk/server/index.js';

/**
 * The harness's tools as an MCP server: what a host agent (any MCP client)
 * calls instead of a shell. The server knows nothing of sandboxes or budgets:
 * `ToolHost.call` is the same tool path the built-in agents use (the run's
 * Toolbox, its path confinement, timeouts and tool-call budget).
 */

export interface McpToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
}

export interface McpToolResult {
  /** Exactly the text a built-in agent's model would be shown. */
  text: string;
  isError: boolean;
}

export interface ToolHost {
  tools(): McpToolSpec[];
  call(name: string, args: Record<string, unknown>): Promise<McpToolResult>;
}

export const MCP_SERVER_NAME = 'factory-bench';

/** A server with `tools/list` and `tools/call` answered by `host`. The SDK is loaded only here. */
export async function createToolServer(host: ToolHost): Promise<Server> {
  const [{ Server }, { CallToolRequestSchema, ListToolsRequestSchema }] = await Promise.all([
    import('@modelcontextprotocol/sdk/server/index.js'),
    import('@modelcontextprotocol/sdk/types.js'),
  ]);
  // The low-level Server: the tools' JSON Schemas already exist (generated from the tools' zod
  // schemas) and the Toolbox validates arguments itself, with the errors models already see.
  const server = new Server(
    { name: MCP_SERVER_NAME, version: '0.1.0' },
    {
      capabilities: { tools: {} },
      instructions:
        'Tools that run in the task sandbox: paths are relative to the workspace; every call counts against the run budget.',
    },
  );
  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: host.tools().map((t) => ({
      name: t.name,
      description: t.description,
      inputSchema: { ...t.parameters, type: 'object' as const },
    })),
  }));
  server.setRequestHandler(CallToolRequestSchema, async (req) => {
    const r = await host.call(req.params.name, req.params.arguments ?? {});
    return { content: [{ type: 'text' as const, text: r.text }], isError: r.isError };
  });
  return server;
}
