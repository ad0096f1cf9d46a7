import type { Command } from 'commander';
import { defaultPricingPath, loadPricing } from '../../cost/index.js';
import { printJson, table } from '../common.js';

export function registerPricingCommands(program: Command): void {
  const pricing = program.command('pricing').description('Model prices used to compute run costs');
  pricing
    .command('show')
    .description(
      `Print the pricing table (${'pricing/model_prices.yaml'}, overlaid by --file or FACTORY_BENCH_PRICING)`,
    )
    .option('--file <path>', 'your own pricing file, overriding the shipped prices per model')
    .option('--json', 'print JSON')
    .action((opts: { file?: string; json?: boolean }) => {
      const tableData = loadPricing(opts.file);
      if (opts.json) return printJson(tableData);
      const rows = Object.entries(tableData.models).map(([model, p]) => [
        model,
        p.input.toFixed(3),
        (p.cached_input ?? p.input).toFixed(3),
        p.output.toFixed(3),
        p.as_of,
        p.source,
      ]);
      process.stdout.write(
        `USD per 1M tokens (from ${opts.file ?? process.env.FACTORY_BENCH_PRICING ?? defaultPricingPath()})\n`,
      );
      process.stdout.write(`${table(['MODEL', 'INPUT', 'CACHED', 'OUTPUT', 'AS OF', 'SOURCE'], rows)}\n`);
    });
}
