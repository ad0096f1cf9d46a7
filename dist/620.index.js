export const id = 620;
export const ids = [620];
export const modules = {

/***/ 60620:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  serveToolsOverStdio: () => (/* reexport */ serveToolsOverStdio),
  startMcpEndpoint: () => (/* reexport */ startMcpEndpoint)
});

// UNUSED EXPORTS: MCP_SERVER_NAME, createToolServer, tokenMatches

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
// EXTERNAL MODULE: external "node:http"
var external_node_http_ = __webpack_require__(37067);
;// CONCATENATED MODULE: ./build/src/mcp/server.js
const MCP_SERVER_NAME = 'factory-bench';
/** A server with `tools/list` and `tools/call` answered by `host`. The SDK is loaded only here. */
async function createToolServer(host) {
    const [{ Server }, { CallToolRequestSchema, ListToolsRequestSchema }] = await Promise.all([
        Promise.all(/* import() */[__webpack_require__.e(330), __webpack_require__.e(619)]).then(__webpack_require__.bind(__webpack_require__, 24619)),
        __webpack_require__.e(/* import() */ 330).then(__webpack_require__.bind(__webpack_require__, 330)),
    ]);
    // The low-level Server: the tools' JSON Schemas already exist (generated from the tools' zod
    // schemas) and the Toolbox validates arguments itself, with the errors models already see.
    const server = new Server({ name: MCP_SERVER_NAME, version: '0.1.0' }, {
        capabilities: { tools: {} },
        instructions: 'Tools that run in the task sandbox: paths are relative to the workspace; every call counts against the run budget.',
    });
    server.setRequestHandler(ListToolsRequestSchema, async () => ({
        tools: host.tools().map((t) => ({
            name: t.name,
            description: t.description,
            inputSchema: { ...t.parameters, type: 'object' },
        })),
    }));
    server.setRequestHandler(CallToolRequestSchema, async (req) => {
        const r = await host.call(req.params.name, req.params.arguments ?? {});
        return { content: [{ type: 'text', text: r.text }], isError: r.isError };
    });
    return server;
}
//# sourceMappingURL=server.js.map
;// CONCATENATED MODULE: ./build/src/mcp/http.js



/** Matches a presented bearer token without leaking its length or prefix through timing. */
function tokenMatches(header, token) {
    const presented = /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1] ?? '';
    const a = Buffer.from(presented);
    const b = Buffer.from(token);
    return a.length === b.length && (0,external_node_crypto_.timingSafeEqual)(a, b);
}
/**
 * A per-run MCP endpoint (streamable HTTP) on loopback for agents that run on
 * the host. Stateless: every POST gets a fresh server and transport, so a
 * client that reconnects or runs several sessions just works. Anything without
 * the run's bearer token gets 401.
 */
async function startMcpEndpoint(host, opts = {}) {
    const { StreamableHTTPServerTransport } = await Promise.all(/* import() */[__webpack_require__.e(330), __webpack_require__.e(262)]).then(__webpack_require__.bind(__webpack_require__, 90262));
    const token = `fbmcp-${(0,external_node_crypto_.randomBytes)(24).toString('hex')}`;
    const listenHost = opts.host ?? '127.0.0.1';
    let origin = '';
    const server = external_node_http_.createServer((req, res) => {
        const deny = (status, message) => {
            res.writeHead(status, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
        };
        if (!(req.url ?? '').startsWith('/mcp'))
            return deny(404, 'not found: the MCP endpoint is /mcp');
        if (!tokenMatches(req.headers.authorization, token))
            return deny(401, 'unauthorized: send the run token as Authorization: Bearer <FB_MCP_TOKEN>');
        if (req.method !== 'POST')
            return deny(405, 'method not allowed: this endpoint is stateless (POST only)');
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
        })().catch((err) => {
            if (!res.headersSent)
                deny(500, `internal error: ${err.message}`);
            else
                res.end();
        });
    });
    await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(opts.port ?? 0, listenHost, () => resolve());
    });
    const { port } = server.address();
    origin = `${listenHost}:${port}`;
    return {
        url: `http://${origin}/mcp`,
        token,
        close: () => new Promise((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
        }),
    };
}
//# sourceMappingURL=http.js.map
;// CONCATENATED MODULE: ./build/src/mcp/stdio.js

/**
 * Serves the tools over stdio (`factory-bench mcp`) until the client closes
 * the stream or `close()` is called; `closed` settles either way.
 */
async function serveToolsOverStdio(host, io = {}) {
    const { StdioServerTransport } = await Promise.all(/* import() */[__webpack_require__.e(330), __webpack_require__.e(424)]).then(__webpack_require__.bind(__webpack_require__, 99424));
    const server = await createToolServer(host);
    const stdin = io.stdin ?? process.stdin;
    const transport = new StdioServerTransport(stdin, io.stdout ?? process.stdout);
    let done = () => { };
    const closed = new Promise((resolve) => {
        done = resolve;
    });
    transport.onclose = () => done();
    // The SDK's stdio transport does not watch for the end of its input: a client that exits ends the session.
    const onEnd = () => {
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
//# sourceMappingURL=stdio.js.map
;// CONCATENATED MODULE: ./build/src/mcp/index.js
/**
 * The harness's tools over the Model Context Protocol: a stdio server
 * (`factory-bench mcp`) and a per-run streamable HTTP endpoint for agents that
 * run on the host. The SDK is loaded only when one of them starts.
 */



//# sourceMappingURL=index.js.map

/***/ })

};
