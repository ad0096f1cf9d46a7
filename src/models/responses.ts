import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { ChatMessage, ChatRequest, ChatResponse, ToolCall, ToolChoice, ToolSpec } from './types.js';
import { WireError } from './wire.js';

/**
 * OpenAI's Responses API (`POST /v1/responses`) over the same gateway call as
 * chat completions: function tools, text and JSON output, streaming events,
 * `previous_response_id` within the run. Built-in tools (web search, files,
 * computer use) and non-text input are refused with a 400 naming the item.
 */

const textLike = z.looseObject({ type: z.enum(['input_text', 'output_text', 'text']), text: z.string() });
const anyPart = z.looseObject({ type: z.string() });
const messageItem = z.looseObject({
  type: z.literal('message').optional(),
  role: z.enum(['user', 'system', 'developer', 'assistant']),
  content: z.union([z.string(), z.array(anyPart)]),
});
const callItem = z.looseObject({
  type: z.literal('function_call'),
  call_id: z.string(),
  name: z.string(),
  arguments: z.string(),
});
const outputItem = z.looseObject({
  type: z.literal('function_call_output'),
  call_id: z.string(),
  output: z.union([z.string(), z.array(anyPart)]),
});
const otherItem = z.looseObject({ type: z.string() });

export const responsesRequest = z.looseObject({
  model: z.string().optional(),
  input: z.union([z.string(), z.array(z.union([messageItem, callItem, outputItem, otherItem]))]),
  instructions: z.string().nullish(),
  previous_response_id: z.string().nullish(),
  tools: z.array(z.looseObject({ type: z.string() })).optional(),
  tool_choice: z
    .union([
      z.enum(['auto', 'none', 'required']),
      z.looseObject({ type: z.literal('function'), name: z.string() }),
    ])
    .optional(),
  parallel_tool_calls: z.boolean().nullish(),
  max_output_tokens: z.number().int().positive().nullish(),
  temperature: z.number().nullish(),
  top_p: z.number().nullish(),
  text: z.looseObject({ format: z.looseObject({ type: z.string() }).optional() }).nullish(),
  reasoning: z.looseObject({ effort: z.string().nullish() }).nullish(),
  stream: z.boolean().nullish(),
});

export type ResponsesRequest = z.infer<typeof responsesRequest>;

const functionTool = z.looseObject({
  type: z.literal('function'),
  name: z.string().min(1),
  description: z.string().nullish(),
  parameters: z.record(z.string(), z.unknown()).nullish(),
  strict: z.boolean().nullish(),
});

function bad(message: string, param: string, code: string | null = null): WireError {
  return new WireError(message, 400, 'invalid_request_error', code, param);
}

function partsText(content: string | Array<{ type: string }>, where: string): string {
  if (typeof content === 'string') return content;
  return content
    .map((part, i) => {
      const t = textLike.safeParse(part);
      if (t.success) return t.data.text;
      if (part.type === 'refusal') return String((part as { refusal?: unknown }).refusal ?? '');
      throw bad(
        `${where}.${i}: content of type ${JSON.stringify(part.type)} is not supported; the gateway carries text`,
        `${where}.${i}`,
        'unsupported_content',
      );
    })
    .join('\n');
}

/** Input items to chat messages: consecutive assistant text and function calls become one assistant message. */
function toMessages(input: ResponsesRequest['input']): ChatMessage[] {
  if (typeof input === 'string') return [{ role: 'user', content: input }];
  const out: ChatMessage[] = [];
  const names = new Map<string, string>();
  const openAssistant = (): Extract<ChatMessage, { role: 'assistant' }> => {
    const last = out.at(-1);
    if (last?.role === 'assistant') return last;
    const fresh: Extract<ChatMessage, { role: 'assistant' }> = { role: 'assistant', content: null };
    out.push(fresh);
    return fresh;
  };
  input.forEach((item, i) => {
    const where = `input.${i}`;
    const call = callItem.safeParse(item);
    if (call.success) {
      names.set(call.data.call_id, call.data.name);
      const assistant = openAssistant();
      const calls: ToolCall[] = assistant.tool_calls ?? [];
      calls.push({ id: call.data.call_id, name: call.data.name, arguments: call.data.arguments });
      assistant.tool_calls = calls;
      return;
    }
    const result = outputItem.safeParse(item);
    if (result.success) {
      out.push({
        role: 'tool',
        tool_call_id: result.data.call_id,
        name: names.get(result.data.call_id) ?? '',
        content: partsText(result.data.output, `${where}.output`),
      });
      return;
    }
    const message = messageItem.safeParse(item);
    if (message.success) {
      const text = partsText(message.data.content, `${where}.content`);
      const role = message.data.role;
      if (role === 'assistant') {
        const assistant = openAssistant();
        // Text after tool calls starts a new reply; text before them belongs to the same one.
        if (assistant.tool_calls) out.push({ role: 'assistant', content: text });
        else assistant.content = assistant.content === null ? text : `${assistant.content}\n${text}`;
      } else out.push({ role: role === 'user' ? 'user' : 'system', content: text });
      return;
    }
    // Reasoning items carry the model's hidden state for its own provider: not forwarded.
    if ((item as { type: string }).type === 'reasoning') return;
    throw bad(
      `${where}: input items of type ${JSON.stringify((item as { type?: string }).type)} are not supported`,
      where,
    );
  });
  return out;
}

/** A Responses request to the gateway's ChatRequest; `history` is what a previous_response_id stands for. */
export function parseResponsesRequest(
  body: unknown,
  history: (id: string) => ChatMessage[] | undefined,
): { wire: ResponsesRequest; req: ChatRequest } {
  const parsed = responsesRequest.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || 'body';
    throw bad(`invalid request: ${where}: ${issue?.message ?? 'not a responses request'}`, where);
  }
  const wire = parsed.data;
  const earlier = wire.previous_response_id ? history(wire.previous_response_id) : [];
  if (!earlier)
    throw new WireError(
      `previous response ${wire.previous_response_id} is not known to this run's gateway`,
      404,
      'invalid_request_error',
      'previous_response_not_found',
      'previous_response_id',
    );
  const messages: ChatMessage[] = [
    ...(wire.instructions ? [{ role: 'system' as const, content: wire.instructions }] : []),
    ...earlier.filter((m, i) => !(i === 0 && m.role === 'system' && wire.instructions)),
    ...toMessages(wire.input),
  ];
  const tools: ToolSpec[] = (wire.tools ?? []).map((t, i) => {
    const f = functionTool.safeParse(t);
    if (!f.success)
      throw bad(
        `tools.${i}: tools of type ${JSON.stringify(t.type)} are not supported; the gateway serves function tools`,
        `tools.${i}`,
        'unsupported_tool',
      );
    return {
      name: f.data.name,
      description: f.data.description ?? '',
      parameters: f.data.parameters ?? { type: 'object', properties: {} },
      ...(typeof f.data.strict === 'boolean' ? { strict: f.data.strict } : {}),
    };
  });
  const choice = wire.tool_choice;
  const toolChoice: ToolChoice | undefined =
    choice === undefined ? undefined : typeof choice === 'string' ? choice : { name: choice.name };
  const format = wire.text?.format;
  const responseFormat =
    !format || format.type === 'text'
      ? undefined
      : format.type === 'json_schema'
        ? {
            type: 'json_schema',
            json_schema: {
              name: format.name,
              schema: format.schema,
              strict: format.strict,
              description: format.description,
            },
          }
        : { type: format.type };
  const req: ChatRequest = {
    messages,
    ...(tools.length > 0 ? { tools } : {}),
    ...(toolChoice !== undefined ? { toolChoice } : {}),
    ...(wire.parallel_tool_calls != null ? { parallelToolCalls: wire.parallel_tool_calls } : {}),
    ...(wire.temperature != null ? { temperature: wire.temperature } : {}),
    ...(wire.top_p != null ? { topP: wire.top_p } : {}),
    ...(wire.max_output_tokens != null ? { maxOutputTokens: wire.max_output_tokens } : {}),
    ...(responseFormat ? { responseFormat } : {}),
    ...(wire.reasoning?.effort ? { reasoningEffort: wire.reasoning.effort } : {}),
  };
  return { wire, req };
}

const newId = (prefix: string) => `${prefix}_fb${randomBytes(12).toString('hex')}`;

/** The `response` object for an answer (status `incomplete` when the reply hit its token cap). */
export function toResponse(r: ChatResponse, model: string, wire: ResponsesRequest, id = newId('resp')) {
  const output: Array<Record<string, unknown>> = [];
  if (r.message.content)
    output.push({
      type: 'message',
      id: newId('msg'),
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', text: r.message.content, annotations: [], logprobs: [] }],
    });
  for (const c of r.message.tool_calls ?? [])
    output.push({
      type: 'function_call',
      id: newId('fc'),
      call_id: c.id,
      name: c.name,
      arguments: c.arguments,
      status: 'completed',
    });
  const cut = r.finishReason === 'length';
  return {
    id,
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status: cut ? 'incomplete' : 'completed',
    incomplete_details: cut ? { reason: 'max_output_tokens' } : null,
    error: null,
    model,
    output,
    instructions: wire.instructions ?? null,
    previous_response_id: wire.previous_response_id ?? null,
    tools: wire.tools ?? [],
    tool_choice: wire.tool_choice ?? 'auto',
    parallel_tool_calls: wire.parallel_tool_calls ?? true,
    temperature: wire.temperature ?? null,
    top_p: wire.top_p ?? null,
    max_output_tokens: wire.max_output_tokens ?? null,
    text: wire.text ?? { format: { type: 'text' } },
    reasoning: { effort: wire.reasoning?.effort ?? null, summary: null },
    store: false,
    truncation: 'disabled',
    metadata: {},
    usage: {
      input_tokens: r.usage.input_tokens,
      input_tokens_details: { cached_tokens: r.usage.cached_input_tokens },
      output_tokens: r.usage.output_tokens,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: r.usage.input_tokens + r.usage.output_tokens,
    },
  };
}

/**
 * The same answer as Responses streaming events, in the order OpenAI sends
 * them: created, in_progress, each output item (added, its text or
 * arguments as one delta, done), then completed (or incomplete).
 */
export function toResponseEvents(response: ReturnType<typeof toResponse>): Array<Record<string, unknown>> {
  const events: Array<Record<string, unknown>> = [];
  const emit = (type: string, data: Record<string, unknown>) =>
    events.push({ type, sequence_number: events.length, ...data });
  const pending = { ...response, status: 'in_progress', incomplete_details: null, output: [], usage: null };
  emit('response.created', { response: pending });
  emit('response.in_progress', { response: pending });
  response.output.forEach((item, output_index) => {
    const item_id = item.id as string;
    if (item.type === 'message') {
      const part = (item.content as Array<{ text: string }>)[0] as { text: string };
      emit('response.output_item.added', {
        output_index,
        item: { ...item, status: 'in_progress', content: [] },
      });
      const empty = { type: 'output_text', text: '', annotations: [] };
      emit('response.content_part.added', { item_id, output_index, content_index: 0, part: empty });
      emit('response.output_text.delta', {
        item_id,
        output_index,
        content_index: 0,
        delta: part.text,
        logprobs: [],
      });
      emit('response.output_text.done', {
        item_id,
        output_index,
        content_index: 0,
        text: part.text,
        logprobs: [],
      });
      emit('response.content_part.done', { item_id, output_index, content_index: 0, part });
    } else {
      emit('response.output_item.added', {
        output_index,
        item: { ...item, arguments: '', status: 'in_progress' },
      });
      emit('response.function_call_arguments.delta', { item_id, output_index, delta: item.arguments });
      emit('response.function_call_arguments.done', { item_id, output_index, arguments: item.arguments });
    }
    emit('response.output_item.done', { output_index, item });
  });
  emit(response.status === 'incomplete' ? 'response.incomplete' : 'response.completed', { response });
  return events;
}
