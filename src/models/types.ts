/** The chat-model interface the agent loop speaks; OpenAI's wire shape, provider-neutral. */

export interface ToolCall {
  id: string;
  name: string;
  /** The raw JSON text the model produced; parsed and validated by the tool. */
  arguments: string;
}

export type ChatMessage =
  | { role: 'system' | 'user'; content: string }
  | { role: 'assistant'; content: string | null; tool_calls?: ToolCall[] }
  | { role: 'tool'; tool_call_id: string; name: string; content: string };

export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
  /** OpenAI's strict schema adherence, passed through when an agent asks for it. */
  strict?: boolean;
}

/** Which tool the model must (or must not) call; OpenAI's `tool_choice`. */
export type ToolChoice = 'auto' | 'none' | 'required' | { name: string };

export interface Usage {
  input_tokens: number;
  cached_input_tokens: number;
  output_tokens: number;
}

/** The text protocols an agent can speak to a model without native tool calling. */
export type TextProtocol = 'json_text' | 'code_blocks';

/** One retry the client is about to make, reported so the loop can record it. */
export interface RetryNotice {
  /** 1 for the first retry. */
  attempt: number;
  /** e.g. `http_429`, `http_500`, `timeout`, `connection`. */
  reason: string;
  message: string;
  delayMs: number;
  /** True when the delay came from the server's Retry-After header. */
  fromRetryAfter: boolean;
}

export interface ChatRequest {
  messages: ChatMessage[];
  /** Present for native tool calling; absent for text-protocol agents. */
  tools?: ToolSpec[];
  temperature?: number | undefined;
  /**
   * The most tokens the reply may use: what the caller asked for, lowered by
   * the gateway to what is left of the run's budgets so one reply cannot run
   * past them. Absent when neither limits it.
   */
  maxOutputTokens?: number | undefined;
  topP?: number | undefined;
  stop?: string[] | undefined;
  seed?: number | undefined;
  toolChoice?: ToolChoice | undefined;
  parallelToolCalls?: boolean | undefined;
  /** OpenAI's `response_format` (json_object, json_schema), passed through as given. */
  responseFormat?: Record<string, unknown> | undefined;
  /** e.g. `low`, `medium`, `high` for reasoning models. */
  reasoningEffort?: string | undefined;
  signal?: AbortSignal;
  /**
   * Epoch milliseconds after which the client must not start another retry
   * (the run's wall-time budget); it gives up instead of sleeping past it.
   */
  deadline?: number;
  /** Called before each retry wait. */
  onRetry?: (notice: RetryNotice) => void;
  /**
   * Which text protocol the agent parses when `tools` is absent. Real models
   * read it from the system prompt; scripted models use it to answer in kind.
   */
  textProtocol?: TextProtocol;
}

export interface ChatResponse {
  message: Extract<ChatMessage, { role: 'assistant' }>;
  usage: Usage;
  finishReason: string;
  /** Retries the client made before this answer, for the transcript. */
  retries?: number;
  /**
   * Dollars the provider itself reported for this call (OpenRouter's
   * `usage.cost`); when present it is the call's cost, not the pricing table's.
   */
  reportedCostUsd?: number | undefined;
}

export interface ChatModel {
  /** As given by the user, e.g. `openai/gpt-4o-mini` or `oracle`. */
  readonly name: string;
  /** Built-in scripted models cost nothing; priced models are looked up by name. */
  readonly free: boolean;
  complete(req: ChatRequest): Promise<ChatResponse>;
}

export type ModelErrorKind =
  | 'auth'
  | 'permission'
  | 'not_found'
  | 'context_length'
  | 'bad_request'
  | 'quota'
  | 'unavailable'
  | 'config'
  /** Replay found no recorded answer for a request. */
  | 'replay_miss';

/** A model error that should end the run with a reason rather than crash it. */
export class ModelError extends Error {
  constructor(
    message: string,
    readonly kind: ModelErrorKind,
    /** HTTP status when the endpoint answered. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ModelError';
  }
}

export const EMPTY_USAGE: Usage = { input_tokens: 0, cached_input_tokens: 0, output_tokens: 0 };
