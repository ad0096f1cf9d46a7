import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  url: string;
  authorization: string | undefined;
  body: {
    model: string;
    messages: Array<Record<string, unknown>>;
    tools?: Array<{ type: string; function: { name: string; parameters: Record<string, unknown> } }>;
    max_completion_tokens?: number;
  } & Record<string, unknown>;
}

/** One scripted answer: a JSON reply, or a dropped connection. */
export type Reply =
  | { status?: number; headers?: Record<string, string>; json: unknown }
  | { drop: true }
  /** Never answers (for client timeouts). */
  | { hang: true }
  /** A raw body; with `cutAfter`, the headers promise the whole body but the connection closes after that many bytes. */
  | { raw: string; status?: number; headers?: Record<string, string>; cutAfter?: number; stall?: boolean }
  | ((req: ReceivedRequest) => { status?: number; headers?: Record<string, string>; json: unknown });

/**
 * A local OpenAI-compatible endpoint (POST /v1/chat/completions) for tests:
 * answers from a script, in order, and records what it received. The real
 * `openai` client talks to it over HTTP on 127.0.0.1.
 */
export async function startFakeOpenAI(
  script: Reply[],
): Promise<{ baseURL: string; received: ReceivedRequest[]; close: () => Promise<void> }> {
  const received: ReceivedRequest[] = [];
  let next = 0;
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (d) => {
      raw += d;
    });
    req.on('end', () => {
      const got: ReceivedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        authorization: req.headers.authorization,
        body: raw ? JSON.parse(raw) : {},
      };
      received.push(got);
      const step = script[Math.min(next++, script.length - 1)];
      if (!step || (typeof step === 'object' && 'drop' in step)) {
        req.socket.destroy();
        return;
      }
      if (typeof step === 'object' && 'hang' in step) return;
      if (typeof step === 'object' && 'raw' in step) {
        const bytes = Buffer.from(step.raw);
        res.writeHead(step.status ?? 200, {
          'content-type': 'application/json',
          'content-length': String(bytes.length),
          ...step.headers,
        });
        if (step.cutAfter === undefined) res.end(bytes);
        // `stall` keeps the connection open after the first bytes, as a hung server would.
        else
          res.write(bytes.subarray(0, step.cutAfter), () => (step.stall ? undefined : req.socket.destroy()));
        return;
      }
      const reply = typeof step === 'function' ? step(got) : step;
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
      res.end(JSON.stringify(reply.json));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    received,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let counter = 0;

/** A chat completion as OpenAI returns it. */
export function completion(
  message: { content?: string | null; tool_calls?: Array<{ name: string; arguments: string }> },
  usage: { prompt: number; completion: number; cached?: number; cost?: number },
): { json: unknown } {
  counter++;
  return {
    json: {
      id: `chatcmpl-${counter}`,
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'gpt-4o-mini',
      choices: [
        {
          index: 0,
          finish_reason: message.tool_calls ? 'tool_calls' : 'stop',
          message: {
            role: 'assistant',
            content: message.content ?? null,
            ...(message.tool_calls
              ? {
                  tool_calls: message.tool_calls.map((c, i) => ({
                    id: `call_${counter}_${i}`,
                    type: 'function',
                    function: c,
                  })),
                }
              : {}),
          },
        },
      ],
      usage: {
        prompt_tokens: usage.prompt,
        completion_tokens: usage.completion,
        total_tokens: usage.prompt + usage.completion,
        prompt_tokens_details: { cached_tokens: usage.cached ?? 0 },
        // OpenRouter reports each call's dollars itself.
        ...(usage.cost !== undefined ? { cost: usage.cost } : {}),
      },
    },
  };
}

export function apiError(status: number, message: string, code: string | null = null, headers = {}): Reply {
  return { status, headers, json: { error: { message, type: 'invalid_request_error', code, param: null } } };
}
