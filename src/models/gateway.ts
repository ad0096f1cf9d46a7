import { type BudgetEnforcer, BudgetExceeded, type BudgetKind } from '../budgets/index.js';
import type { TranscriptEvent } from '../runs/index.js';
import { type ExchangeConfig, ExchangeStore, exchangeKey, normalizeRequest } from './exchanges.js';
import {
  type ChatMessage,
  type ChatModel,
  type ChatRequest,
  type ChatResponse,
  ModelError,
  type Usage,
} from './types.js';

/**
 * What the gateway needs of a cost tracker (the cost subsystem's CostTracker
 * fits); structural so that models never imports cost, which imports models.
 */
export interface CostMeter {
  /** Accounts one call; returns its dollars (`reportedUsd` when given), or null when unpriced. */
  record(model: string, usage: Usage, free?: boolean, reportedUsd?: number): number | null;
  /** Dollars per output token, or null when the model has no price. */
  outputPricePerToken(model: string): number | null;
}

/** Where the gateway writes its one line per model call (a run's TranscriptWriter). */
export interface TranscriptSink {
  write(event: TranscriptEvent): void;
}

/** A spent budget, as the harness needs it to stop an agent. */
export interface BudgetBreach {
  kind: BudgetKind;
  /** `budget_exceeded:<kind>`, as result.json's kill_reason says it. */
  killReason: string;
}

export interface ModelGatewayOptions {
  model: ChatModel;
  cost: CostMeter;
  /** The run's budget, checked before each call; absent for budget-less callers such as the judge. */
  budget?: BudgetEnforcer | null | undefined;
  transcript?: TranscriptSink | null | undefined;
  /** Aborting ends every call in flight and refuses new ones (an interrupted run). */
  signal?: AbortSignal | undefined;
  /** Record every exchange to a folder, or answer from one (a store may be shared by gateways). */
  exchanges?: ExchangeStore | ExchangeConfig | null | undefined;
  /** Written on every transcript line: who calls through this gateway (default `agent`). */
  source?: string;
  onBreach?: (breach: BudgetBreach) => void;
}

export interface CallOptions {
  /** Ends this call only (e.g. an HTTP client that went away). */
  signal?: AbortSignal | undefined;
  /** Overrides the gateway's source on this call's transcript line (e.g. `http`). */
  source?: string;
  /**
   * Writes the request's new messages (those after the model's last reply) on
   * the transcript line: for agents whose tool calls the harness does not see.
   */
  logNewMessages?: boolean;
}

export interface GatewayResponse extends ChatResponse {
  /** Dollars accounted for this call; null when the model has no price and the provider reported none. */
  costUsd: number | null;
  replayed: boolean;
}

/** Below this many tokens left in a budget, replies are capped to what is left. */
export const OUTPUT_CAP_THRESHOLD = 16_384;

/** New messages of a request longer than this are clipped on the transcript line. */
const MAX_LOGGED_CHARS = 8_192;
/** Timers run on the event loop's cached clock and may fire a few ms before Date.now() agrees. */
const DEADLINE_SLACK_MS = 10;

/**
 * The one place every model call of a run goes through: built-in agent loops
 * in process, external agents over HTTP (see startGatewayServer), the judge.
 * Per call it checks the budget, caps the reply at what the budget has left,
 * bounds the call by the wall-time budget, records or replays the exchange,
 * accounts usage and dollars (the provider's own figure when it gives one),
 * and writes one transcript line (`model_response`, or `model_error`; retries
 * as `model_retry`). A breach is reported once through `onBreach`; every call
 * after it is refused with BudgetExceeded.
 */
export class ModelGateway {
  readonly model: ChatModel;
  readonly budget: BudgetEnforcer | null;
  readonly exchanges: ExchangeStore | null;
  private readonly breachListeners = new Set<(breach: BudgetBreach) => void>();
  private reportedBreach: BudgetBreach | null = null;
  /** Calls answered (by the model or a recording). */
  calls = 0;
  /** The last error that ended a call for good (not a budget refusal), for the run's report. */
  lastError: ModelError | null = null;

  constructor(private readonly opts: ModelGatewayOptions) {
    this.model = opts.model;
    this.budget = opts.budget ?? null;
    const ex = opts.exchanges;
    this.exchanges = ex ? (ex instanceof ExchangeStore ? ex : new ExchangeStore(ex)) : null;
    if (opts.onBreach) this.breachListeners.add(opts.onBreach);
  }

  /** Calls `listener` once a budget is spent (at once if it already is); returns an unsubscribe. */
  onBreach(listener: (breach: BudgetBreach) => void): () => void {
    this.breachListeners.add(listener);
    if (this.reportedBreach) listener(this.reportedBreach);
    return () => this.breachListeners.delete(listener);
  }

  /** The budget found spent, once one is. */
  get breach(): BudgetBreach | null {
    return this.reportedBreach;
  }

  /** Answers one request under the run's budget. Throws BudgetExceeded, ModelError, or the abort reason. */
  async complete(req: ChatRequest, call: CallOptions = {}): Promise<GatewayResponse> {
    const source = call.source ?? this.opts.source ?? 'agent';
    const write = (event: TranscriptEvent) => this.opts.transcript?.write({ ...event, source });
    const started = Date.now();
    const budget = this.budget;
    if (budget) {
      try {
        budget.beforeModelCall();
      } catch (err) {
        if (err instanceof BudgetExceeded) {
          write({ type: 'model_refused', kill_reason: err.killReason });
          this.reportBreach(err.kind);
        }
        throw err;
      }
    }
    const remaining = budget ? budget.remainingWallMs() : null;
    const wall = remaining === null ? null : AbortSignal.timeout(Math.max(1, remaining));
    const signals = [wall, this.opts.signal, call.signal].filter((s): s is AbortSignal => !!s);
    const signal = signals.length > 0 ? AbortSignal.any(signals) : undefined;
    // Built-in scripted models (oracle, null) answer the same for free: nothing to record or replay.
    const exchanges = this.model.free ? null : this.exchanges;
    const normalized = exchanges ? normalizeRequest(this.model.name, req) : null;
    const key = normalized ? exchangeKey(normalized) : null;
    const summary = requestSummary(req, call.logNewMessages ?? false);
    let response: ChatResponse;
    try {
      if (exchanges?.replaying && key) {
        response = { ...exchanges.replay(key, this.model.name), retries: 0 };
      } else {
        response = await this.model.complete({
          ...req,
          ...this.outputCap(req.maxOutputTokens),
          ...(signal ? { signal } : {}),
          ...(remaining !== null ? { deadline: started + remaining } : {}),
          onRetry: (n) =>
            write({
              type: 'model_retry',
              attempt: n.attempt,
              reason: n.reason,
              message: n.message,
              delay_ms: n.delayMs,
              retry_after: n.fromRetryAfter,
            }),
        });
        if (exchanges && key && normalized) exchanges.record(key, this.model.name, normalized, response);
      }
    } catch (err) {
      const external = this.opts.signal?.aborted || call.signal?.aborted;
      // The client's own per-attempt timer ends at the same deadline and may fire first: past the
      // deadline, a timeout is the wall-time budget whichever timer noticed it.
      const pastDeadline = remaining !== null && Date.now() >= started + remaining - DEADLINE_SLACK_MS;
      if ((wall?.aborted || pastDeadline) && !external && budget) {
        budget.markBreached('wall_time');
        write({ type: 'model_refused', kill_reason: 'budget_exceeded:wall_time' });
        this.reportBreach('wall_time');
        throw new BudgetExceeded('wall_time');
      }
      if (external) {
        // An interrupted run, or an HTTP client that went away: the call still gets its line.
        write({ type: 'model_aborted', duration_ms: Date.now() - started, request: summary });
        throw err;
      }
      if (err instanceof ModelError) {
        this.lastError = err;
        write({
          type: 'model_error',
          kind: err.kind,
          status: err.status ?? null,
          message: err.message,
          duration_ms: Date.now() - started,
          request: summary,
          ...(key ? { exchange_key: key } : {}),
        });
      }
      throw err;
    }
    this.calls++;
    const cost = this.opts.cost.record(
      this.model.name,
      response.usage,
      this.model.free,
      response.reportedCostUsd,
    );
    if (budget) {
      if (cost === null && !budget.costUnknown)
        write({
          type: 'warning',
          message: `the dollar budget cannot be enforced for ${this.model.name}: it has no price (tokens still are)`,
        });
      budget.recordModelUsage(response.usage.input_tokens + response.usage.output_tokens, cost);
    }
    const replayed = exchanges?.replaying ?? false;
    write({
      type: 'model_response',
      model: this.model.name,
      request: summary,
      message: response.message,
      usage: response.usage,
      cost_usd: cost,
      cost_source: this.model.free
        ? 'free'
        : response.reportedCostUsd !== undefined
          ? 'provider'
          : cost === null
            ? null
            : 'pricing',
      finish_reason: response.finishReason,
      retries: response.retries ?? 0,
      duration_ms: Date.now() - started,
      ...(key ? { exchange_key: key, replayed } : {}),
    });
    const spent = budget?.breach();
    if (spent) this.reportBreach(spent);
    return { ...response, costUsd: cost, replayed };
  }

  /**
   * Caps a reply at what the token and dollar budgets have left, but only once
   * that is below any model's own output limit: a larger cap than a model
   * allows is a 400 on some servers. A caller's own smaller cap is kept.
   */
  private outputCap(asked: number | undefined): { maxOutputTokens?: number } {
    const budget = this.budget;
    if (!budget) return asked === undefined ? {} : { maxOutputTokens: asked };
    const outputPrice = this.model.free ? null : this.opts.cost.outputPricePerToken(this.model.name);
    const affordable = outputPrice
      ? Math.floor(budget.remainingUsd() / outputPrice)
      : Number.POSITIVE_INFINITY;
    const left = Math.min(budget.remainingTokens(), affordable);
    const cap = left < OUTPUT_CAP_THRESHOLD ? Math.max(1, left) : undefined;
    const min = Math.min(asked ?? Number.POSITIVE_INFINITY, cap ?? Number.POSITIVE_INFINITY);
    return Number.isFinite(min) ? { maxOutputTokens: min } : {};
  }

  private reportBreach(kind: BudgetKind): void {
    if (this.reportedBreach) return;
    this.reportedBreach = { kind, killReason: `budget_exceeded:${kind}` };
    for (const listener of this.breachListeners) {
      try {
        listener(this.reportedBreach);
      } catch {
        // A listener's failure must not turn into the caller's.
      }
    }
  }
}

/** What the transcript says about a request; the full messages only when asked (they grow every turn). */
function requestSummary(req: ChatRequest, logNewMessages: boolean): Record<string, unknown> {
  const summary: Record<string, unknown> = {
    messages: req.messages.length,
    tools: req.tools?.map((t) => t.name) ?? [],
  };
  if (req.maxOutputTokens !== undefined) summary.max_output_tokens = req.maxOutputTokens;
  if (req.temperature !== undefined) summary.temperature = req.temperature;
  if (req.toolChoice !== undefined) summary.tool_choice = req.toolChoice;
  if (logNewMessages) {
    let lastReply = -1;
    req.messages.forEach((m, i) => {
      if (m.role === 'assistant') lastReply = i;
    });
    summary.new_messages = req.messages.slice(lastReply + 1).map(clipMessage);
  }
  return summary;
}

function clipMessage(m: ChatMessage): ChatMessage {
  const clip = (s: string) =>
    s.length > MAX_LOGGED_CHARS
      ? `${s.slice(0, MAX_LOGGED_CHARS)}[... ${s.length - MAX_LOGGED_CHARS} cut]`
      : s;
  if (m.role === 'assistant') return { ...m, content: m.content === null ? null : clip(m.content) };
  return { ...m, content: clip(m.content) };
}
