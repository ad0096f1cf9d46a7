/**
 * `npm run bench`: speed and memory targets, measured and printed as one table.
 * Each section lives in its own file and returns rows; a section that cannot run
 * here (no Docker engine, say) reports that instead of a number.
 */
import { benchEngines } from './engines.js';
import { benchHistory } from './history.js';
import { benchReport } from './report.js';
import { benchSandbox } from './sandbox.js';
import { benchSuites } from './suites.js';
import { type BenchRow, formatBenchTable } from './table.js';

type Section = { name: string; run: () => Promise<BenchRow[]> };

const sections: Section[] = [
  { name: 'suites', run: benchSuites },
  { name: 'history', run: benchHistory },
  { name: 'sandbox', run: benchSandbox },
  { name: 'engines', run: benchEngines },
  { name: 'report', run: benchReport },
];

async function main(): Promise<void> {
  const only = process.argv[2];
  const rows: BenchRow[] = [];
  for (const section of sections) {
    if (only && !section.name.includes(only)) continue;
    process.stderr.write(`bench: ${section.name}...\n`);
    try {
      rows.push(...(await section.run()));
    } catch (err) {
      rows.push({
        metric: `${section.name}: failed`,
        value: (err as Error).message.split('\n')[0] ?? '',
        target: '',
        ok: false,
      });
    }
  }
  process.stdout.write(`${formatBenchTable(rows)}\n`);
  if (rows.some((r) => r.ok === false)) process.exitCode = 1;
}

await main();
