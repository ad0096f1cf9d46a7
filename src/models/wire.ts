import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { ChatMessage, ChatRequest, ChatResponse, ToolCall, ToolChoice, ToolSpec } from './types.js';

/** A request the gateway cannot take, answered with OpenAI's error shape. */
export class WireError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly type: string,
    readonly code: string | null = null,
    readonly param: string | null = null,
  ) {
    super(message);
    this.name = 'WireError';
  }
}

/** OpenAI's error body: `{"error": {"message", "type", "code", "param"}}`. */
export function errorBody(message: string, type: string, code: string | null, param: string | null = null) {
  return { error: { message, type, code, param } };
}

const textPart = z.looseObject({ type: z.literal('text'), text: z.string() });
const anyPart = z.looseObject({ type: z.string() });
const content = z.union([z.string(), z.array(anyPart), z.null()]).optional();

const wireToolCall = z.object({
  id: z.string(),
  type: z.literal('function').optional(),
  function: z.looseObject({ name: z.string(), arguments: z.string().optional() }),
});

const wireMessage = z.discriminatedUnion('role', [
  z.looseObject({ role: z.literal('system'), content }),
  z.looseObject({ role: z.literal('developer'), content }),
  z.looseObject({ role: z.literal('user'), content }),
  z.object({ role: z.literal('assistant'), content, tool_calls: z.array(wireToolCall).nullish() }),
  z.looseObject({ role: z.literal('tool'), content, tool_call_id: z.string() }),
]);

const wireTool = z.object({
  type: z.literal('function'),
  function: z.object({
    name: z.string().min(1),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullish(),
  }),
});

const positiveInt = z.number().int().positive();

export const chatCompletionRequest = z.object({
  model: z.string().optional(),
  messages: z.array(wireMessage).min(1),
  tools: z.array(wireTool).optional(),
  tool_choice: z
    .union([
      z.enum(['auto', 'none', 'required']),
      z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: z.string() }) }),
    ])
    .optional(),
  parallel_tool_calls: z.boolean().optional(),
  temperature: z.number().nullish(),
  top_p: z.number().nullish(),
  max_tokens: positiveInt.nullish(),
  max_completion_tokens: positiveInt.nullish(),
  stop: z.union([z.string(), z.array(z.string())]).nullish(),
  seed: z.number().int().nullish(),
  n: z.number().int().nullish(),
  response_format: z.record(z.string(), z.unknown()).optional(),
  reasoning_effort: z.string().nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
});

export type ChatCompletionRequest = z.infer<typeof chatCompletionRequest>;

/** A request body as an OpenAI client sends it, checked and turned into the gateway's ChatRequest. */
export function parseChatCompletionRequest(body: unknown): { wire: ChatCompletionRequest; req: ChatRequest } {
  const parsed = chatCompletionRequest.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || 'body';
    throw new WireError(
      `invalid request: ${where}: ${issue?.message ?? 'not a chat completion request'}`,
      400,
      'invalid_request_error',
      null,
      where,
    );
  }
  const wire = parsed.data;
  if (wire.n !== undefined && wire.n !== null && wire.n !== 1)
    throw new WireError(
      'the gateway answers one choice per request (n must be 1)',
      400,
      'invalid_request_error',
      null,
      'n',
    );
  const names = new Map<string, string>();
  const messages = wire.messages.map((m, i): ChatMessage => {
    const text = () => flattenContent(m.content, `messages.${i}.content`);
    if (m.role === 'system' || m.role === 'developer') return { role: 'system', content: text() ?? '' };
    if (m.role === 'user') return { role: 'user', content: text() ?? '' };
    if (m.role === 'assistant') {
      const calls: ToolCall[] = (m.tool_calls ?? []).map((c) => {
        names.set(c.id, c.function.name);
        return { id: c.id, name: c.function.name, arguments: c.function.arguments ?? '' };
      });
      return { role: 'assistant', content: text(), ...(calls.length > 0 ? { tool_calls: calls } : {}) };
    }
    return {
      role: 'tool',
      tool_call_id: m.tool_call_id,
      name: names.get(m.tool_call_id) ?? '',
      content: text() ?? '',
    };
  });
  const tools: ToolSpec[] | undefined = wire.tools?.map((t) => ({
    name: t.function.name,
    description: t.function.description ?? '',
    parameters: t.function.parameters ?? { type: 'object', properties: {} },
    ...(typeof t.function.strict === 'boolean' ? { strict: t.function.strict } : {}),
  }));
  const choice = wire.tool_choice;
  const toolChoice: ToolChoice | undefined =
    choice === undefined ? undefined : typeof choice === 'string' ? choice : { name: choice.function.name };
  const maxOutput = wire.max_completion_tokens ?? wire.max_tokens ?? undefined;
  const req: ChatRequest = {
    messages,
    ...(tools && tools.length > 0 ? { tools } : {}),
    ...(toolChoice !== undefined ? { toolChoice } : {}),
    ...(wire.parallel_tool_calls !== undefined ? { parallelToolCalls: wire.parallel_tool_calls } : {}),
    ...(wire.temperature != null ? { temperature: wire.temperature } : {}),
    ...(wire.top_p != null ? { topP: wire.top_p } : {}),
    ...(maxOutput !== undefined ? { maxOutputTokens: maxOutput } : {}),
    ...(wire.stop != null ? { stop: typeof wire.stop === 'string' ? [wire.stop] : wire.stop } : {}),
    ...(wire.seed != null ? { seed: wire.seed } : {}),
    ...(wire.response_format ? { responseFormat: wire.response_format } : {}),
    ...(wire.reasoning_effort ? { reasoningEffort: wire.reasoning_effort } : {}),
  };
  return { wire, req };
}

/** Text parts are joined; any other part (images, audio, files) is refused, since the gateway carries text. */
function flattenContent(c: z.infer<typeof content>, where: string): string | null {
  if (c === undefined || c === null) return null;
  if (typeof c === 'string') return c;
  const texts: string[] = [];
  for (const [i, part] of c.entries()) {
    const t = textPart.safeParse(part);
    if (t.success) texts.push(t.data.text);
    else if (part.type === 'refusal' && typeof part.refusal === 'string') texts.push(part.refusal);
    else
      throw new WireError(
        `${where}.${i}: content parts of type ${JSON.stringify(part.type)} are not supported; the gateway carries text`,
        400,
        'invalid_request_error',
        'unsupported_content',
        `${where}.${i}`,
      );
  }
  return texts.join('\n');
}

export function completionId(): string {
  return `chatcmpl-fb${randomBytes(12).toString('hex')}`;
}

function wireUsage(r: ChatResponse) {
  return {
    prompt_tokens: r.usage.input_tokens,
    completion_tokens: r.usage.output_tokens,
    total_tokens: r.usage.input_tokens + r.usage.output_tokens,
    prompt_tokens_details: { cached_tokens: r.usage.cached_input_tokens },
  };
}

function wireToolCalls(calls: ToolCall[] | undefined) {
  return calls?.map((c) => ({
    id: c.id,
    type: 'function' as const,
    function: { name: c.name, arguments: c.arguments },
  }));
}

/** A non-streaming chat completion as OpenAI returns it. */
export function toChatCompletion(r: ChatResponse, model: string, id = completionId()) {
  const calls = wireToolCalls(r.message.tool_calls);
  return {
    id,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: r.message.content,
          refusal: null,
          ...(calls && calls.length > 0 ? { tool_calls: calls } : {}),
        },
        logprobs: null,
        finish_reason: r.finishReason,
      },
    ],
    usage: wireUsage(r),
  };
}

/**
 * The same answer as `chat.completion.chunk` events: the role, the content,
 * each tool call whole, the finish reason, then (when asked for) a last
 * chunk with the usage and no choices, as OpenAI sends it.
 */
export function toChatCompletionChunks(
  r: ChatResponse,
  model: string,
  includeUsage: boolean,
  id = completionId(),
): unknown[] {
  const created = Math.floor(Date.now() / 1000);
  const usage = includeUsage ? { usage: null } : {};
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...usage,
  });
  const chunks: unknown[] = [chunk({ role: 'assistant', content: '', refusal: null })];
  if (r.message.content) chunks.push(chunk({ content: r.message.content }));
  for (const [index, c] of (wireToolCalls(r.message.tool_calls) ?? []).entries())
    chunks.push(chunk({ tool_calls: [{ index, ...c }] }));
  chunks.push(chunk({}, r.finishReason));
  if (includeUsage)
    chunks.push({ id, object: 'chat.completion.chunk', created, model, choices: [], usage: wireUsage(r) });
  return chunks;
}
