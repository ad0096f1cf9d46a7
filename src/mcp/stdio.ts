import type { Readable, Writable } from 'node:stream';
import { createToolServer, type ToolHost } from './server.js';

/**
 * Serves the tools over stdio (`factory-bench mcp`) until the client closes
 * the stream or `close()` is called; `closed` settles either way.
 */
export async function serveToolsOverStdio(
  host: ToolHost,
  io: { stdin?: Readable; stdout?: Writable } = {},
): Promise<{ closed: Promise<void>; close: () => Promise<void> }> {
  const { StdioServerTransport } = await import('@modelcontextprotocol/sdk/server/stdio.js');
  const server = await createToolServer(host);
  const stdin = io.stdin ?? process.stdin;
  const transport = new StdioServerTransport(stdin, io.stdout ?? process.stdout);
  let done: () => void = () => {};
  const closed = new Promise<void>((resolve) => {
    done = resolve;
  });
  transport.onclose = () => done();
  // The SDK's stdio transport does not watch for the end of its input: a client that exits ends the session.
  const onEnd = (): void => {
    void server.close().finally(done);
  };
  stdin.once('end', onEnd);
  stdin.once('close', onEnd);
  await server.connect(transport);
  return {
    closed,
    close: async () => {
      stdin.off('end', onEnd);
      stdin.off('close', onEnd);
      await server.close();
      done();
    },
  };
}
