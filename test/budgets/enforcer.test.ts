import { describe, expect, it } from 'vitest';
import { BudgetEnforcer, BudgetExceeded } from '../../src/budgets/index.js';

const limits = { max_tokens: 100, max_tool_calls: 2, max_wall_seconds: 10, max_cost_usd: 1 };

function kindOf(fn: () => void): string | null {
  try {
    fn();
    return null;
  } catch (err) {
    if (err instanceof BudgetExceeded) return err.killReason;
    throw err;
  }
}

describe('BudgetEnforcer', () => {
  it('admits exactly max_tool_calls calls, then refuses every further one', () => {
    const b = new BudgetEnforcer(limits);
    expect(kindOf(() => b.beforeToolCall())).toBeNull();
    expect(kindOf(() => b.beforeToolCall())).toBeNull();
    expect(kindOf(() => b.beforeToolCall())).toBe('budget_exceeded:tool_calls');
    expect(kindOf(() => b.beforeToolCall())).toBe('budget_exceeded:tool_calls');
    expect(b.toolCalls).toBe(2);
    // Once breached, the model is not called again either.
    expect(kindOf(() => b.beforeModelCall())).toBe('budget_exceeded:tool_calls');
  });

  it('refuses the next model call once tokens are spent', () => {
    const b = new BudgetEnforcer(limits);
    b.recordModelUsage(99, 0.01);
    expect(kindOf(() => b.beforeModelCall())).toBeNull();
    b.recordModelUsage(1, 0.01);
    expect(kindOf(() => b.beforeModelCall())).toBe('budget_exceeded:tokens');
  });

  it('refuses on dollars, and counts an unpriced call as unknown rather than free', () => {
    const b = new BudgetEnforcer(limits);
    b.recordModelUsage(1, null);
    expect(b.costUnknown).toBe(true);
    b.recordModelUsage(1, 1.5);
    expect(kindOf(() => b.beforeToolCall())).toBe('budget_exceeded:cost');
  });

  it('runs out of wall time on its clock, and says how much is left', () => {
    let now = 1000;
    const b = new BudgetEnforcer(limits, () => now);
    now += 4000;
    expect(b.remainingWallMs()).toBe(6000);
    now += 6000;
    expect(b.remainingWallMs()).toBe(0);
    expect(kindOf(() => b.beforeModelCall())).toBe('budget_exceeded:wall_time');
  });

  it('remembers the first breach', () => {
    const b = new BudgetEnforcer(limits);
    b.markBreached('wall_time');
    b.recordModelUsage(1000, 5);
    expect(b.breach()).toBe('wall_time');
  });
});
