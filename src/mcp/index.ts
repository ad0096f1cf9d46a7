/**
 * The harness's tools over the Model Context Protocol: a stdio server
 * (`factory-bench mcp`) and a per-run streamable HTTP endpoint for agents that
 * run on the host. The SDK is loaded only when one of them starts.
 */
export { type McpEndpoint, startMcpEndpoint, tokenMatches } from './http.js';
export {
  createToolServer,
  MCP_SERVER_NAME,
  type McpToolResult,
  type McpToolSpec,
  type ToolHost,
} from './server.js';
export { serveToolsOverStdio } from './stdio.js';
