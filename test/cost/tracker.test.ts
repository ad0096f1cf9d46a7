import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CostTracker, loadPricing, priceUsage } from '../../src/cost/index.js';
import { ManifestError } from '../../src/tasks/index.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('fb-cost-');

describe('pricing table', () => {
  it('ships a price with a date and a source for every model', () => {
    const table = loadPricing(null);
    expect(Object.keys(table.models)).toContain('openai/gpt-4o-mini');
    for (const price of Object.values(table.models)) {
      expect(price.as_of).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(price.source).toMatch(/^https:\/\//);
      expect(price.output).toBeGreaterThan(0);
    }
  });

  it('prices uncached input, cached input and output separately', () => {
    const table = loadPricing(null);
    const usage = { input_tokens: 1_000_000, cached_input_tokens: 400_000, output_tokens: 100_000 };
    expect(priceUsage(table, 'openai/gpt-4o-mini', usage)).toBeCloseTo(
      0.6 * 0.15 + 0.4 * 0.075 + 0.1 * 0.6,
      12,
    );
    expect(priceUsage(table, 'openai/not-a-model', usage)).toBeNull();
  });

  it('overlays a user file per model, from the argument or FACTORY_BENCH_PRICING', () => {
    const file = path.join(dir, 'mine.yaml');
    writeFileSync(
      file,
      'models:\n  openai/gpt-4o-mini: {input: 1, output: 2, as_of: 2026-12-01, source: my contract}\n' +
        '  vllm/qwen: {input: 0, output: 0, as_of: 2026-12-01, source: self-hosted}\n',
    );
    const table = loadPricing(file);
    expect(table.models['openai/gpt-4o-mini']).toMatchObject({ input: 1, output: 2, as_of: '2026-12-01' });
    expect(table.models['vllm/qwen']?.source).toBe('self-hosted');
    expect(table.models['openai/gpt-4o']).toBeDefined();
    const previous = process.env.FACTORY_BENCH_PRICING;
    process.env.FACTORY_BENCH_PRICING = file;
    try {
      expect(loadPricing().models['vllm/qwen']).toBeDefined();
    } finally {
      if (previous === undefined) delete process.env.FACTORY_BENCH_PRICING;
      else process.env.FACTORY_BENCH_PRICING = previous;
    }
  });

  it('rejects a malformed user file naming the field', () => {
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(file, 'models:\n  x/y: {input: -1, output: 2, as_of: 2026-12-01, source: s}\n');
    expect(() => loadPricing(file)).toThrow(ManifestError);
    expect(() => loadPricing(file)).toThrow(/input/);
  });
});

describe('CostTracker', () => {
  it('adds up priced calls exactly and keeps usage totals', () => {
    const tracker = new CostTracker(loadPricing(null));
    expect(
      tracker.record('openai/gpt-4o', { input_tokens: 1000, cached_input_tokens: 0, output_tokens: 100 }),
    ).toBeCloseTo((1000 * 2.5 + 100 * 10) / 1e6, 15);
    tracker.record('openai/gpt-4o', { input_tokens: 2000, cached_input_tokens: 2000, output_tokens: 0 });
    expect(tracker.totalUsd).toBeCloseTo((1000 * 2.5 + 100 * 10 + 2000 * 1.25) / 1e6, 15);
    expect(tracker.usage).toEqual({ input_tokens: 3000, cached_input_tokens: 2000, output_tokens: 100 });
    expect(tracker.totalTokens).toBe(3100);
  });

  it('makes the total null, with one warning per model, when a model has no price', () => {
    const warnings: string[] = [];
    const tracker = new CostTracker(loadPricing(null), (m) => warnings.push(m));
    tracker.record('openai/gpt-4o-mini', { input_tokens: 10, cached_input_tokens: 0, output_tokens: 10 });
    expect(
      tracker.record('acme/mystery', { input_tokens: 10, cached_input_tokens: 0, output_tokens: 10 }),
    ).toBeNull();
    tracker.record('acme/mystery', { input_tokens: 10, cached_input_tokens: 0, output_tokens: 10 });
    expect(tracker.totalUsd).toBeNull();
    expect(warnings).toEqual([
      'no price for model acme/mystery in the pricing table; its cost is reported as null',
    ]);
  });

  it("takes a provider's reported dollars as the call's cost, even for a model the table lacks", () => {
    const tracker = new CostTracker(loadPricing(null));
    const u = { input_tokens: 10, cached_input_tokens: 0, output_tokens: 10 };
    expect(tracker.record('acme/mystery', u, false, 0.0042)).toBe(0.0042);
    expect(tracker.record('openai/gpt-4o', u, false, 0.001)).toBe(0.001);
    expect(tracker.totalUsd).toBe(0.0042 + 0.001);
  });

  it('adds a second tracker onto a total call by call, as the transcript lines add up', () => {
    const agent = new CostTracker(loadPricing(null));
    const judge = new CostTracker(loadPricing(null));
    const u = { input_tokens: 1, cached_input_tokens: 0, output_tokens: 1 };
    agent.record('x/agent', u, false, 0.1);
    judge.record('x/judge', u, false, 0.2);
    judge.record('x/judge', u, false, 0.3);
    // Summing the two totals gives 0.6; the lines in order give 0.1 + 0.2 + 0.3 = 0.6000000000000001.
    expect((agent.totalUsd as number) + (judge.totalUsd as number)).toBe(0.6);
    expect(judge.addTo(agent.totalUsd)).toBe(0.1 + 0.2 + 0.3);
    expect(judge.addTo(null)).toBeNull();
    judge.record('x/unpriced', u);
    expect(judge.addTo(agent.totalUsd)).toBeNull();
  });

  it('counts built-in scripted models as free', () => {
    const tracker = new CostTracker(loadPricing(null));
    expect(
      tracker.record('oracle', { input_tokens: 0, cached_input_tokens: 0, output_tokens: 0 }, true),
    ).toBe(0);
    expect(tracker.totalUsd).toBe(0);
  });
});

describe('pricing show', () => {
  it('prints the table with the user file overlaid, or JSON', async () => {
    const file = path.join(dir, 'show.yaml');
    writeFileSync(
      file,
      'models:\n  vllm/qwen: {input: 0.01, output: 0.02, as_of: 2026-12-01, source: self-hosted}\n',
    );
    const text = await runCli(['pricing', 'show', '--file', file]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/vllm\/qwen\s+0\.010\s+0\.010\s+0\.020\s+2026-12-01\s+self-hosted/);
    expect(text.stdout).toMatch(/openai\/gpt-4o-mini\s+0\.150\s+0\.075\s+0\.600/);
    const json = await runCli(['pricing', 'show', '--json']);
    expect(JSON.parse(json.stdout).models['openai/gpt-4o'].output).toBe(10);
  });
});
