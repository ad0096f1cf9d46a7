import type { Budget } from '../tasks/index.js';

export type BudgetKind = 'tokens' | 'tool_calls' | 'wall_time' | 'cost';

/** Thrown or returned when a budget is spent; `killReason` goes into result.json. */
export class BudgetExceeded extends Error {
  readonly killReason: string;
  constructor(readonly kind: BudgetKind) {
    super(`budget exceeded: ${kind}`);
    this.name = 'BudgetExceeded';
    this.killReason = `budget_exceeded:${kind}`;
  }
}

/**
 * Tracks what a run has spent against its budget. Checked before every model
 * call and tool call; the wall-time budget also bounds each call (see
 * remainingWallMs), so nothing outlives it.
 */
export class BudgetEnforcer {
  private readonly startedAt: number;
  tokens = 0;
  toolCalls = 0;
  costUsd = 0;
  private breached: BudgetKind | null = null;

  constructor(
    readonly budget: Budget,
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = now();
  }

  elapsedMs(): number {
    return this.now() - this.startedAt;
  }

  remainingWallMs(): number {
    return Math.max(0, this.budget.max_wall_seconds * 1000 - this.elapsedMs());
  }

  /** The first budget found spent, remembered once breached. */
  breach(): BudgetKind | null {
    if (this.breached) return this.breached;
    if (this.remainingWallMs() <= 0) this.breached = 'wall_time';
    else if (this.tokens >= this.budget.max_tokens) this.breached = 'tokens';
    else if (this.costUsd >= this.budget.max_cost_usd) this.breached = 'cost';
    return this.breached;
  }

  /** Before a model call: throws when any budget is already spent. */
  beforeModelCall(): void {
    const kind = this.breach();
    if (kind) throw new BudgetExceeded(kind);
  }

  /** Before a tool call: the call is refused if it would be one more than allowed. */
  beforeToolCall(): void {
    const kind = this.breach();
    if (kind) throw new BudgetExceeded(kind);
    if (this.toolCalls >= this.budget.max_tool_calls) {
      this.breached = 'tool_calls';
      throw new BudgetExceeded('tool_calls');
    }
    this.toolCalls++;
  }

  /** True once a call could not be priced: the dollar budget then covers only the priced calls. */
  costUnknown = false;

  /** Dollars left in the budget. */
  remainingUsd(): number {
    return Math.max(0, this.budget.max_cost_usd - this.costUsd);
  }

  /** Tokens left in the budget (input and output together). */
  remainingTokens(): number {
    return Math.max(0, this.budget.max_tokens - this.tokens);
  }

  recordModelUsage(tokens: number, costUsd: number | null): void {
    this.tokens += tokens;
    if (costUsd === null) this.costUnknown = true;
    else this.costUsd += costUsd;
  }

  /** Marks a breach discovered from outside (e.g. a call cut short by the wall clock). */
  markBreached(kind: BudgetKind): void {
    this.breached ??= kind;
  }
}
