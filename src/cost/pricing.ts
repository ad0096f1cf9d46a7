import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { readYamlManifest } from '../tasks/index.js';

export const modelPriceSchema = z
  .object({
    input: z.number().min(0),
    cached_input: z.number().min(0).optional(),
    output: z.number().min(0),
    as_of: z
      .union([z.string(), z.date()])
      .transform((d) => (d instanceof Date ? d.toISOString().slice(0, 10) : d)),
    source: z.string().min(1),
  })
  .strict();

export const pricingSchema = z
  .object({
    currency: z.literal('USD').default('USD'),
    models: z.record(z.string(), modelPriceSchema),
  })
  .strict();

export type ModelPrice = z.infer<typeof modelPriceSchema>;
export type PricingTable = z.infer<typeof pricingSchema>;

/** The shipped table: pricing/model_prices.yaml at the package root. */
export function defaultPricingPath(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  // src/cost (sources and vitest), build/src/cost (compiled) or dist/ (the action's bundle): walk up to the package root.
  const root =
    path.basename(here) === 'dist'
      ? path.resolve(here, '..')
      : here.includes(`${path.sep}build${path.sep}`)
        ? path.resolve(here, '../../..')
        : path.resolve(here, '../..');
  return path.join(root, 'pricing', 'model_prices.yaml');
}

/** Loads the shipped table, overlaid by a user's own file when given. */
export function loadPricing(overridePath?: string | null): PricingTable {
  const base = readYamlManifest(defaultPricingPath(), pricingSchema);
  const userPath = overridePath ?? process.env.FACTORY_BENCH_PRICING;
  if (!userPath) return base;
  const user = readYamlManifest(path.resolve(userPath), pricingSchema);
  return { currency: 'USD', models: { ...base.models, ...user.models } };
}
