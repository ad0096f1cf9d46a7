import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, lstatSync, unlinkSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { BudgetExceeded } from '../budgets/index.js';
import { redact, registerSecret } from '../runs/index.js';
import type { ModelGateway } from './gateway.js';
import { parseResponsesRequest, toResponse, toResponseEvents } from './responses.js';
import { type ChatMessage, ModelError } from './types.js';
import {
  errorBody,
  parseChatCompletionRequest,
  toChatCompletion,
  toChatCompletionChunks,
  WireError,
} from './wire.js';

export interface GatewayServerOptions {
  gateway: ModelGateway;
  /** Default 127.0.0.1; ignored with socketPath. */
  host?: string;
  /** Default 0: any free port. */
  port?: number;
  /** Listen on this Unix socket instead of TCP (it is made connectable by any user: the token guards it). */
  socketPath?: string;
  /** The bearer token clients must send; default a fresh random one. */
  token?: string;
  /** Request bodies larger than this are refused with 413; default 32 MiB. */
  maxBodyBytes?: number;
}

export interface GatewayServer {
  /** The OpenAI base URL, ending in /v1 (`http://localhost/v1` for a Unix socket). */
  url: string;
  /** The per-run bearer token: `OPENAI_API_KEY` for the agent, worthless outside this run. */
  token: string;
  socketPath?: string;
  close(): Promise<void>;
}

const DEFAULT_MAX_BODY = 32 * 1024 * 1024;
/** Responses kept for previous_response_id; an agent continues its latest ones. */
const MAX_REMEMBERED = 256;

/**
 * An OpenAI-compatible HTTP endpoint in front of a ModelGateway, for agents
 * that run as their own process: `POST /v1/chat/completions` (plain or
 * `stream: true` as server-sent events), `POST /v1/responses` (function
 * tools and text, streamed as Responses events), `GET /v1/models`. Every request must
 * carry the per-run token; the real API key stays in the harness and no
 * answer or error carries it. Errors come back in OpenAI's error shape with
 * `x-should-retry: false` when retrying cannot help (the gateway retried
 * already); a spent budget is a 403 of type `budget_exceeded`, never a 429
 * that clients would retry.
 */
export async function startGatewayServer(opts: GatewayServerOptions): Promise<GatewayServer> {
  const token = opts.token ?? `fbgw-${randomBytes(24).toString('base64url')}`;
  registerSecret(token);
  const expected = digest(`Bearer ${token}`);
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendError(res, 500, 'server_error', null, `gateway error: ${String(err)}`);
      else res.destroy();
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const given = req.headers.authorization ?? '';
    if (!timingSafeEqual(digest(given), expected)) {
      req.resume();
      return sendError(
        res,
        401,
        'invalid_request_error',
        'invalid_api_key',
        given
          ? 'Incorrect API key provided for this run'
          : 'Missing bearer token (Authorization: Bearer <token>)',
      );
    }
    const route = (req.url ?? '/').split('?')[0]?.replace(/^\/v1(?=\/)/, '') ?? '/';
    if (route === '/models' || route.startsWith('/models/')) {
      req.resume();
      if (req.method !== 'GET')
        return sendError(res, 405, 'invalid_request_error', null, `${req.method} not allowed`);
      const model = { id: opts.gateway.model.name, object: 'model', created: 0, owned_by: 'factory-bench' };
      if (route === '/models') return sendJson(res, 200, { object: 'list', data: [model] });
      const id = decodeURIComponent(route.slice('/models/'.length));
      if (id === model.id) return sendJson(res, 200, model);
      return sendError(
        res,
        404,
        'invalid_request_error',
        'model_not_found',
        `this run serves ${model.id} only`,
      );
    }
    if (route !== '/chat/completions' && route !== '/responses') {
      req.resume();
      return sendError(
        res,
        404,
        'invalid_request_error',
        'unknown_url',
        `unknown route ${req.method} ${route}`,
      );
    }
    if (req.method !== 'POST') {
      req.resume();
      return sendError(res, 405, 'invalid_request_error', null, `${req.method} not allowed`);
    }
    const raw = await readBody(req, maxBody);
    if (raw === null)
      return sendError(res, 413, 'invalid_request_error', null, `request body over ${maxBody} bytes`);
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return sendError(res, 400, 'invalid_request_error', null, 'the request body is not valid JSON');
    }
    const gone = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) gone.abort(new Error('the client went away'));
    });
    const call = { signal: gone.signal, source: 'http', logNewMessages: true };
    const model = opts.gateway.model.name;
    try {
      if (route === '/responses') {
        const { wire, req: chatReq } = parseResponsesRequest(body, (id) => conversations.get(id));
        const answer = await opts.gateway.complete(chatReq, call);
        const response = toResponse(answer, model, wire);
        remember(response.id, [...chatReq.messages, answer.message]);
        if (!wire.stream) return sendJson(res, 200, response);
        startEvents(res);
        for (const event of toResponseEvents(response))
          res.write(`event: ${event.type}\ndata: ${redact(JSON.stringify(event))}\n\n`);
        return void res.end();
      }
      const { wire, req: chatReq } = parseChatCompletionRequest(body);
      const answer = await opts.gateway.complete(chatReq, call);
      if (!wire.stream) return sendJson(res, 200, toChatCompletion(answer, model));
      startEvents(res);
      for (const chunk of toChatCompletionChunks(answer, model, wire.stream_options?.include_usage === true))
        res.write(`data: ${redact(JSON.stringify(chunk))}\n\n`);
      res.end('data: [DONE]\n\n');
    } catch (err) {
      if (gone.signal.aborted) return;
      sendFailure(res, err);
    }
  }

  /** What each Responses answer stands for, so that a later request can continue it by previous_response_id. */
  const conversations = new Map<string, ChatMessage[]>();
  function remember(id: string, messages: ChatMessage[]): void {
    conversations.set(id, messages);
    if (conversations.size > MAX_REMEMBERED) {
      const oldest = conversations.keys().next().value;
      if (oldest !== undefined) conversations.delete(oldest);
    }
  }

  if (opts.socketPath) removeStaleSocket(opts.socketPath);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    if (opts.socketPath) server.listen(opts.socketPath, resolve);
    else server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve);
  });
  let url: string;
  if (opts.socketPath) {
    chmodSync(opts.socketPath, 0o666);
    url = 'http://localhost/v1';
  } else {
    const addr = server.address() as AddressInfo;
    const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    url = `http://${host}:${addr.port}/v1`;
  }
  return {
    url,
    token,
    ...(opts.socketPath ? { socketPath: opts.socketPath } : {}),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Maps what ended a call to an OpenAI-shaped error a client will not retry in vain. */
function sendFailure(res: http.ServerResponse, err: unknown): void {
  const [status, type, code, message, param] = describeFailure(err);
  sendError(res, status, type, code, message, param);
}

function describeFailure(err: unknown): [number, string, string | null, string, string | null] {
  if (err instanceof WireError) return [err.status, err.type, err.code, err.message, err.param];
  if (err instanceof BudgetExceeded)
    return [
      403,
      'budget_exceeded',
      err.killReason,
      `the run's ${err.kind.replace('_', ' ')} budget is spent: no further model calls are allowed`,
      null,
    ];
  if (err instanceof ModelError) {
    const message = `model call failed: ${err.message}`;
    if (err.kind === 'context_length')
      return [400, 'invalid_request_error', 'context_length_exceeded', message, null];
    if (err.kind === 'bad_request') return [400, 'invalid_request_error', 'model_bad_request', message, null];
    if (err.kind === 'not_found') return [404, 'invalid_request_error', 'model_not_found', message, null];
    return [502, 'upstream_error', `model_${err.kind}`, message, null];
  }
  // The run is stopping (interrupt or a stopped agent): nothing to retry.
  return [503, 'server_error', 'run_stopped', `the model call did not complete: ${String(err)}`, null];
}

function sendError(
  res: http.ServerResponse,
  status: number,
  type: string,
  code: string | null,
  message: string,
  param: string | null = null,
): void {
  sendJson(res, status, errorBody(message, type, code, param), { 'x-should-retry': 'false' });
}

/** Every byte that leaves the gateway is redacted: no registered secret can go out in a body. */
function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const text = redact(JSON.stringify(body));
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function startEvents(res: http.ServerResponse): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
}

function readBody(req: http.IncomingMessage, max: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (d: Buffer) => {
      size += d.length;
      if (size > max) over = true;
      else chunks.push(d);
    });
    req.on('end', () => resolve(over ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

function removeStaleSocket(p: string): void {
  try {
    if (lstatSync(p).isSocket()) unlinkSync(p);
  } catch {
    // Nothing there.
  }
}
