import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { redactDeep } from '../runs/index.js';
import { type ChatRequest, type ChatResponse, ModelError } from './types.js';

/** Record stores every model exchange in `dir`; replay answers from it and never calls the model. */
export interface ExchangeConfig {
  mode: 'record' | 'replay';
  dir: string;
}

/** One stored exchange: `<dir>/<key>.json`. */
export interface StoredExchange {
  key: string;
  model: string;
  request: Record<string, unknown>;
  response: Pick<ChatResponse, 'message' | 'usage' | 'finishReason' | 'reportedCostUsd'>;
  recorded_at: string;
}

/**
 * What makes two requests the same question: the model, the messages, the
 * tools and every sampling parameter the caller chose. Budget caps the gateway
 * adds, signals and callbacks are not part of it, so a replay under another
 * budget still finds its answers.
 */
export function normalizeRequest(model: string, req: ChatRequest): Record<string, unknown> {
  return dropUndefined({
    model,
    messages: req.messages.map((m) =>
      m.role === 'assistant'
        ? {
            role: m.role,
            content: m.content,
            tool_calls: m.tool_calls?.map((c) => ({ id: c.id, name: c.name, arguments: c.arguments })),
          }
        : m.role === 'tool'
          ? { role: m.role, tool_call_id: m.tool_call_id, content: m.content }
          : { role: m.role, content: m.content },
    ),
    tools: req.tools?.map((t) => ({
      name: t.name,
      description: t.description,
      parameters: t.parameters,
      strict: t.strict,
    })),
    temperature: req.temperature,
    top_p: req.topP,
    max_output_tokens: req.maxOutputTokens,
    stop: req.stop,
    seed: req.seed,
    tool_choice: req.toolChoice,
    parallel_tool_calls: req.parallelToolCalls,
    response_format: req.responseFormat,
    reasoning_effort: req.reasoningEffort,
    text_protocol: req.textProtocol,
  });
}

/** A stable hash of a normalized request: sorted keys, so property order never matters. */
export function exchangeKey(normalized: Record<string, unknown>): string {
  return createHash('sha256').update(canonicalJson(normalized)).digest('hex');
}

/** Record and replay of model exchanges, one JSON file per request key. */
export class ExchangeStore {
  readonly dir: string;
  constructor(readonly config: ExchangeConfig) {
    this.dir = path.resolve(config.dir);
    if (config.mode === 'record') mkdirSync(this.dir, { recursive: true });
    else if (!existsSync(this.dir))
      throw new ModelError(`--replay ${config.dir}: no such folder (record one with --record)`, 'config');
  }

  get replaying(): boolean {
    return this.config.mode === 'replay';
  }

  fileFor(key: string): string {
    return path.join(this.dir, `${key}.json`);
  }

  /** The recorded answer to `key`; a miss is a ModelError naming the key and the folder. */
  replay(key: string, model: string): StoredExchange['response'] {
    const file = this.fileFor(key);
    if (!existsSync(file))
      throw new ModelError(
        `replay miss: no recorded answer for this ${model} request (key ${key}) in ${this.dir}; ` +
          'the request differs from every recorded one (record again with --record)',
        'replay_miss',
      );
    try {
      return (JSON.parse(readFileSync(file, 'utf8')) as StoredExchange).response;
    } catch (err) {
      throw new ModelError(
        `replay: ${file} is not a recorded exchange (${(err as Error).message})`,
        'config',
      );
    }
  }

  /** Stores an answer (the latest recording of a key wins); written atomically, secrets redacted. */
  record(key: string, model: string, request: Record<string, unknown>, response: ChatResponse): void {
    const entry: StoredExchange = {
      key,
      model,
      request,
      response: dropUndefined({
        message: response.message,
        usage: response.usage,
        finishReason: response.finishReason,
        reportedCostUsd: response.reportedCostUsd,
      }) as StoredExchange['response'],
      recorded_at: new Date().toISOString(),
    };
    const file = this.fileFor(key);
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(redactDeep(entry), null, 2)}\n`);
    renameSync(tmp, file);
  }
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function dropUndefined<T extends Record<string, unknown>>(obj: T): T {
  return JSON.parse(JSON.stringify(obj)) as T;
}
