import { randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createToolServer, type ToolHost } from './server.js';

export interface McpEndpoint {
  /** e.g. http://127.0.0.1:41234/mcp */
  url: string;
  /** The bearer token a client must send; worthless once the run ends. */
  token: string;
  close(): Promise<void>;
}

/** Matches a presented bearer token without leaking its length or prefix through timing. */
export function tokenMatches(header: string | undefined, token: string): boolean {
  const presented = /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1] ?? '';
  const a = Buffer.from(presented);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * A per-run MCP endpoint (streamable HTTP) on loopback for agents that run on
 * the host. Stateless: every POST gets a fresh server and transport, so a
 * client that reconnects or runs several sessions just works. Anything without
 * the run's bearer token gets 401.
 */
export async function startMcpEndpoint(
  host: ToolHost,
  opts: { host?: string; port?: number } = {},
): Promise<McpEndpoint> {
  const { StreamableHTTPServerTransport } = await import(
    '@modelcontextprotocol/sdk/server/streamableHttp.js'
  );
  const token = `fbmcp-${randomBytes(24).toString('hex')}`;
  const listenHost = opts.host ?? '127.0.0.1';
  let origin = '';
  const server = http.createServer((req, res) => {
    const deny = (status: number, message: string): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
    };
    if (!(req.url ?? '').startsWith('/mcp')) return deny(404, 'not found: the MCP endpoint is /mcp');
    if (!tokenMatches(req.headers.authorization, token))
      return deny(401, 'unauthorized: send the run token as Authorization: Bearer <FB_MCP_TOKEN>');
    if (req.method !== 'POST') return deny(405, 'method not allowed: this endpoint is stateless (POST only)');
    void (async () => {
      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: undefined,
        enableJsonResponse: true,
        enableDnsRebindingProtection: true,
        allowedHosts: [origin, origin.replace(listenHost, 'localhost')],
      });
      const mcp = await createToolServer(host);
      res.on('close', () => {
        void transport.close();
        void mcp.close();
      });
      await mcp.connect(transport);
      await transport.handleRequest(req, res);
    })().catch((err: Error) => {
      if (!res.headersSent) deny(500, `internal error: ${err.message}`);
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, listenHost, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  origin = `${listenHost}:${port}`;
  return {
    url: `http://${origin}/mcp`,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
