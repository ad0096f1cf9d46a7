import type OpenAI from 'openai';
import type {
  ChatCompletion,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import { registerSecret } from '../runs/index.js';
import {
  type ChatMessage,
  type ChatModel,
  type ChatRequest,
  type ChatResponse,
  ModelError,
  type ModelErrorKind,
  type ToolCall,
} from './types.js';

export interface RetryPolicy {
  /** Retries after the first attempt; the wall-time budget usually ends them first. */
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** One HTTP attempt at most this long by default: well under the default wall-time budget. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 120_000;

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 8, baseDelayMs: 1000, maxDelayMs: 60_000 };

export interface OpenAIModelOptions {
  /** The full name, e.g. `openai/gpt-4o-mini`: used for pricing; the part after the first `/` goes to the API. */
  name: string;
  /** Absent for local servers that take none (the SDK is then given a placeholder). */
  apiKey?: string | undefined;
  /** Any OpenAI-compatible endpoint; the SDK's default (api.openai.com) when absent. */
  baseURL?: string | undefined;
  retry?: Partial<RetryPolicy>;
  /** One HTTP attempt at most this long (also clipped to the request's deadline). */
  requestTimeoutMs?: number;
  /** Injected by tests; must reject when the signal aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

type OpenAIModule = typeof import('openai');

/**
 * A chat model behind the `openai` SDK, for OpenAI and any compatible endpoint
 * (vLLM, Ollama, OpenRouter, Azure OpenAI's v1 API). The SDK's own retries are
 * off: this class retries 429, 5xx, timeouts and dropped connections with
 * exponential backoff and jitter, honouring Retry-After, and never past the
 * request's deadline. Anything else becomes a ModelError that ends the run.
 */
export class OpenAIChatModel implements ChatModel {
  readonly name: string;
  readonly free = false;
  /** The model id sent to the API. */
  readonly apiModel: string;
  readonly baseURL: string | undefined;
  private readonly retry: RetryPolicy;
  private readonly requestTimeoutMs: number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;
  private loaded: Promise<{ mod: OpenAIModule; client: OpenAI }> | null = null;

  constructor(private readonly opts: OpenAIModelOptions) {
    this.name = opts.name;
    const slash = opts.name.indexOf('/');
    this.apiModel = slash >= 0 ? opts.name.slice(slash + 1) : opts.name;
    this.baseURL = opts.baseURL;
    this.retry = { ...DEFAULT_RETRY_POLICY, ...opts.retry };
    this.requestTimeoutMs = opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.sleep = opts.sleep ?? abortableSleep;
    this.random = opts.random ?? Math.random;
    // The key in use must never reach a transcript, log or artifact.
    registerSecret(opts.apiKey);
  }

  /** The SDK is loaded on first use so that runs with built-in models start fast. */
  private client(): Promise<{ mod: OpenAIModule; client: OpenAI }> {
    this.loaded ??= import('openai').then((mod) => ({
      mod,
      client: new mod.default({ apiKey: this.opts.apiKey || 'none', baseURL: this.baseURL, maxRetries: 0 }),
    }));
    return this.loaded;
  }

  async complete(req: ChatRequest): Promise<ChatResponse> {
    const { mod, client } = await this.client();
    const body = this.requestBody(req);
    for (let attempt = 0; ; attempt++) {
      const left = req.deadline === undefined ? Number.POSITIVE_INFINITY : req.deadline - Date.now();
      const timeout = Math.max(1, Math.min(this.requestTimeoutMs, left));
      // The SDK's timeout ends at the response headers; this one also bounds reading the body.
      const attemptTimer = AbortSignal.timeout(timeout);
      const signal = req.signal ? AbortSignal.any([req.signal, attemptTimer]) : attemptTimer;
      try {
        const completion = await client.chat.completions.create(body, { signal, timeout, maxRetries: 0 });
        return fromCompletion(completion, attempt);
      } catch (err) {
        // Aborts (wall-time budget, interrupt) are the caller's to interpret.
        if (req.signal?.aborted) throw err;
        const failure = attemptTimer.aborted
          ? {
              retryable: true,
              kind: 'unavailable' as const,
              reason: 'timeout',
              message: 'the request timed out',
            }
          : classify(mod, err);
        if (!failure.retryable) throw new ModelError(failure.message, failure.kind, failure.status);
        if (attempt >= this.retry.maxRetries)
          throw new ModelError(
            `gave up after ${attempt} retries: ${failure.message}`,
            'unavailable',
            failure.status,
          );
        const delayMs = failure.retryAfterMs ?? this.backoffMs(attempt);
        if (req.deadline !== undefined && Date.now() + delayMs >= req.deadline)
          throw new ModelError(
            `${failure.message}; not retrying because waiting ${Math.ceil(delayMs / 1000)}s would pass the run's wall-time budget`,
            'unavailable',
            failure.status,
          );
        req.onRetry?.({
          attempt: attempt + 1,
          reason: failure.reason,
          message: failure.message,
          delayMs,
          fromRetryAfter: failure.retryAfterMs !== undefined,
        });
        await this.sleep(delayMs, req.signal);
      }
    }
  }

  /** Exponential backoff with jitter: half the step fixed, half random, so callers spread out. */
  private backoffMs(attempt: number): number {
    const step = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** attempt);
    return Math.round(step / 2 + (this.random() * step) / 2);
  }

  private requestBody(req: ChatRequest): ChatCompletionCreateParamsNonStreaming {
    const body: ChatCompletionCreateParamsNonStreaming = {
      model: this.apiModel,
      messages: req.messages.map(toWireMessage),
    };
    if (req.tools && req.tools.length > 0)
      body.tools = req.tools.map((t) => ({
        type: 'function',
        function: { name: t.name, description: t.description, parameters: t.parameters },
      }));
    if (req.temperature !== undefined) body.temperature = req.temperature;
    if (req.topP !== undefined) body.top_p = req.topP;
    if (req.maxOutputTokens !== undefined) body.max_completion_tokens = req.maxOutputTokens;
    if (req.stop !== undefined) body.stop = req.stop;
    if (req.seed !== undefined) body.seed = req.seed;
    if (req.toolChoice !== undefined)
      body.tool_choice =
        typeof req.toolChoice === 'string'
          ? req.toolChoice
          : { type: 'function', function: { name: req.toolChoice.name } };
    if (req.parallelToolCalls !== undefined && body.tools) body.parallel_tool_calls = req.parallelToolCalls;
    if (req.responseFormat !== undefined)
      body.response_format =
        req.responseFormat as unknown as ChatCompletionCreateParamsNonStreaming['response_format'];
    if (req.reasoningEffort !== undefined)
      body.reasoning_effort =
        req.reasoningEffort as ChatCompletionCreateParamsNonStreaming['reasoning_effort'];
    return body;
  }
}

function toWireMessage(m: ChatMessage): ChatCompletionMessageParam {
  switch (m.role) {
    case 'system':
    case 'user':
      return { role: m.role, content: m.content };
    case 'tool':
      return { role: 'tool', tool_call_id: m.tool_call_id, content: m.content };
    case 'assistant':
      if (m.tool_calls && m.tool_calls.length > 0)
        return {
          role: 'assistant',
          content: m.content,
          tool_calls: m.tool_calls.map((c) => ({
            id: c.id,
            type: 'function',
            function: { name: c.name, arguments: c.arguments },
          })),
        };
      return { role: 'assistant', content: m.content ?? '' };
  }
}

/** A 200 whose body is not a usable completion (cut short, not JSON, no choices): retried like a 5xx. */
class MalformedAnswer extends Error {
  readonly malformed = true;
}

function fromCompletion(completion: ChatCompletion, retries: number): ChatResponse {
  if (typeof completion !== 'object' || completion === null)
    throw new MalformedAnswer('the endpoint answered 200 with a body that is not a JSON completion');
  const choice = completion.choices?.[0];
  if (!choice?.message) throw new MalformedAnswer('the endpoint answered 200 without a message (no choices)');
  const toolCalls: ToolCall[] = [];
  for (const c of choice.message.tool_calls ?? []) {
    if (c?.type === 'function')
      toolCalls.push({ id: c.id, name: c.function.name, arguments: c.function.arguments ?? '' });
  }
  const usage = completion.usage;
  return {
    message: {
      role: 'assistant',
      content: choice.message.content ?? null,
      ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
    },
    usage: {
      input_tokens: usage?.prompt_tokens ?? 0,
      cached_input_tokens: usage?.prompt_tokens_details?.cached_tokens ?? 0,
      output_tokens: usage?.completion_tokens ?? 0,
    },
    finishReason: choice.finish_reason ?? 'unknown',
    retries,
    ...reportedCost(usage),
  };
}

/** The provider's own figure for the call when it gives one (OpenRouter: `usage.cost`, in dollars). */
function reportedCost(usage: unknown): { reportedCostUsd?: number } {
  const cost = (usage as { cost?: unknown } | null | undefined)?.cost;
  return typeof cost === 'number' && Number.isFinite(cost) && cost >= 0 ? { reportedCostUsd: cost } : {};
}

interface Failure {
  retryable: boolean;
  kind: ModelErrorKind;
  reason: string;
  message: string;
  status?: number | undefined;
  retryAfterMs?: number | undefined;
}

const CONTEXT_TOO_LONG =
  /context[_ ]length|context window|maximum context|too many tokens|prompt is too long/i;

/** Sorts an SDK error into retryable or final, with the reason a user should read. */
export function classify(mod: OpenAIModule, err: unknown): Failure {
  if (err instanceof MalformedAnswer)
    return { retryable: true, kind: 'unavailable', reason: 'bad_body', message: err.message };
  if (err instanceof SyntaxError)
    return {
      retryable: true,
      kind: 'unavailable',
      reason: 'bad_body',
      message: `the endpoint's answer is not valid JSON (${err.message})`,
    };
  if (isCutShort(err))
    return {
      retryable: true,
      kind: 'unavailable',
      reason: 'truncated',
      message: 'the connection closed before the answer was complete',
    };
  if (err instanceof mod.APIConnectionTimeoutError)
    return { retryable: true, kind: 'unavailable', reason: 'timeout', message: 'the request timed out' };
  if (err instanceof mod.APIConnectionError) {
    const cause = (err as { cause?: Error }).cause?.message;
    return {
      retryable: true,
      kind: 'unavailable',
      reason: 'connection',
      message: `connection failed${cause ? `: ${cause}` : ''}`,
    };
  }
  if (!(err instanceof mod.APIError))
    return {
      retryable: false,
      kind: 'bad_request',
      reason: 'client',
      message: err instanceof Error ? err.message : String(err),
    };
  const status = err.status ?? 0;
  const detail = `HTTP ${status}: ${err.message}`;
  const base = { status, reason: `http_${status}`, message: detail };
  if (status === 401)
    return { ...base, retryable: false, kind: 'auth', message: `authentication failed (${detail})` };
  if (status === 403) return { ...base, retryable: false, kind: 'permission' };
  if (status === 404)
    return {
      ...base,
      retryable: false,
      kind: 'not_found',
      message: `model or endpoint not found (${detail})`,
    };
  if (status === 429 && err.code === 'insufficient_quota')
    return { ...base, retryable: false, kind: 'quota' };
  if (status === 408 || status === 409 || status === 429 || status >= 500)
    return {
      ...base,
      retryable: true,
      kind: 'unavailable',
      retryAfterMs: retryAfterMs(err.headers),
    };
  if (err.code === 'context_length_exceeded' || CONTEXT_TOO_LONG.test(err.message))
    return { ...base, retryable: false, kind: 'context_length', message: `context too long (${detail})` };
  return { ...base, retryable: false, kind: 'bad_request' };
}

/** The body of an answer stopped arriving (undici's `terminated`, a reset socket). */
function isCutShort(err: unknown): boolean {
  if (!(err instanceof Error) || err.name === 'APIUserAbortError') return false;
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return (
    /^terminated$|other side closed|premature close/i.test(err.message) ||
    /^(ECONNRESET|UND_ERR_SOCKET|ERR_STREAM_PREMATURE_CLOSE)$/.test(cause?.code ?? '')
  );
}

/** `retry-after-ms` (OpenAI), or `retry-after` in seconds or as an HTTP date. */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return Math.round(ms);
  const raw = headers.get('retry-after');
  if (!raw) return undefined;
  const seconds = Number.parseFloat(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
