#!/usr/bin/env node
// Runs vitest (arguments passed through), then prints the plain closing line
// `N passed, N failed` from vitest's JSON report, which CI readers understand.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';

const report = '.vitest-results.json';
rmSync(report, { force: true });
const args = [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${report}`,
  ...process.argv.slice(2),
];
const vitest = spawnSync('vitest', args, { stdio: 'inherit', shell: false });
let code = vitest.status ?? 1;
if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  console.log(
    `${r.numPassedTests} passed, ${r.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`,
  );
  if (r.numTotalTests === 0) code = code || 1;
} else {
  console.log('0 passed, 0 failed');
  code = code || 1;
}
process.exit(code);
