import type { Usage } from '../models/index.js';
import type { PricingTable } from './pricing.js';

/** Dollars for one call, or null when the model has no price (never a silent 0). */
export function priceUsage(table: PricingTable, model: string, usage: Usage): number | null {
  const price = table.models[model];
  if (!price) return null;
  const uncached = Math.max(0, usage.input_tokens - usage.cached_input_tokens);
  const cachedPrice = price.cached_input ?? price.input;
  return (
    (uncached * price.input + usage.cached_input_tokens * cachedPrice + usage.output_tokens * price.output) /
    1_000_000
  );
}

/** Accumulates usage and dollars across a run's calls. */
export class CostTracker {
  readonly usage: Usage = { input_tokens: 0, cached_input_tokens: 0, output_tokens: 0 };
  private dollars = 0;
  /** Each call's dollars in order, so totals can be summed exactly as the transcript lines are. */
  private readonly perCall: number[] = [];
  private unpriced = false;
  private warned = new Set<string>();

  constructor(
    private readonly table: PricingTable,
    private readonly warn: (message: string) => void = () => {},
  ) {}

  /**
   * Records one call and returns its cost: what the provider reported when it
   * did (`reportedUsd`, taken as is), else the table's price (null when the
   * model is not priced).
   */
  record(model: string, usage: Usage, free = false, reportedUsd?: number): number | null {
    this.usage.input_tokens += usage.input_tokens;
    this.usage.cached_input_tokens += usage.cached_input_tokens;
    this.usage.output_tokens += usage.output_tokens;
    if (free) return 0;
    const cost = reportedUsd ?? priceUsage(this.table, model, usage);
    if (cost === null) {
      this.unpriced = true;
      if (!this.warned.has(model)) {
        this.warned.add(model);
        this.warn(`no price for model ${model} in the pricing table; its cost is reported as null`);
      }
      return null;
    }
    this.dollars += cost;
    this.perCall.push(cost);
    return cost;
  }

  /**
   * `base` plus every call of this tracker, added one by one in order: the
   * same figure as summing the transcript's lines in order (a sum of two
   * totals can differ from that in the last bit). Null when either is unknown.
   */
  addTo(base: number | null): number | null {
    if (base === null || this.unpriced) return null;
    let total = base;
    for (const c of this.perCall) total += c;
    return total;
  }

  /** Dollars per output token of a model, or null when it has no price. */
  outputPricePerToken(model: string): number | null {
    const price = this.table.models[model];
    return price ? price.output / 1_000_000 : null;
  }

  /** Total dollars, or null when any call could not be priced. */
  get totalUsd(): number | null {
    return this.unpriced ? null : this.dollars;
  }

  get totalTokens(): number {
    return this.usage.input_tokens + this.usage.output_tokens;
  }
}
