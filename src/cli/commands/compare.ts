import { type Command, InvalidArgumentError } from 'commander';
import { readIndex } from '../../runs/index.js';
import {
  compareSuiteRuns,
  findBaselineSuiteRun,
  readComparableSummary,
  renderComparisonMarkdown,
  resolveSuiteRun,
  SuiteInputError,
  verdictLabel,
} from '../../suites/index.js';
import { defaultRunsDir, EXIT, info, printJson } from '../common.js';
import { asUserErrors, indexPath } from './suite.js';

interface CompareFlags {
  baseBranch?: string;
  baseLabel?: string;
  anyModel?: boolean;
  runsDir: string;
  json?: boolean;
  failOnRegression?: boolean;
  minEffect?: number;
  alpha?: number;
}

function fraction(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n >= 1)
    throw new InvalidArgumentError('expected a number between 0 and 1');
  return n;
}

function points(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 100)
    throw new InvalidArgumentError('expected points between 0 and 100');
  return n / 100;
}

export function registerCompareCommand(program: Command): void {
  program
    .command('compare')
    .description(
      'Compare two suite runs: per-task and overall verdicts (improved, regressed, no clear change)',
    )
    .argument('<a>', 'with two ids: the baseline; with --base-branch/--base-label: the candidate')
    .argument('[b]', 'the candidate suite run')
    .option(
      '--base-branch <branch>',
      'compare <a> against the latest completed run of its suite on this branch',
    )
    .option(
      '--base-label <label>',
      'compare <a> against the latest completed run of its suite with this label',
    )
    .option('--any-model', 'with --base-branch/--base-label: accept a baseline run with another model')
    .option(
      '--min-effect <pts>',
      'smallest change in mean score worth a verdict, in points (default 5)',
      points,
    )
    .option('--alpha <p>', 'one-sided significance level per direction (default 0.05)', fraction)
    .option('--fail-on-regression', 'exit 1 when the overall verdict is "regressed"')
    .option('--runs-dir <dir>', 'where runs.sqlite lives', defaultRunsDir())
    .option('--json', 'print the comparison as JSON')
    .addHelpText(
      'after',
      '\nIds may be unique prefixes. Every verdict states the smallest change the suite could detect at 80% power;\n' +
        'a suite too small for a verdict says "cannot tell".\n' +
        '\nExit codes: 0 compared (1 with --fail-on-regression when regressed), 2 bad input or no baseline.',
    )
    .action(async (a: string, b: string | undefined, opts: CompareFlags) => {
      const byRef = opts.baseBranch !== undefined || opts.baseLabel !== undefined;
      const comparison = await asUserErrors(() =>
        readIndex(indexPath(opts.runsDir), (db) => {
          if (byRef && b)
            throw new SuiteInputError(
              'give two suite runs, or one with --base-branch/--base-label, not both',
            );
          if (!byRef && !b)
            throw new SuiteInputError(
              'give two suite runs (base, then head), or one with --base-branch or --base-label',
            );
          const headRecord = resolveSuiteRun(db, byRef ? a : (b as string));
          let baseRecord = byRef ? null : resolveSuiteRun(db, a);
          if (byRef) {
            baseRecord = findBaselineSuiteRun(db, headRecord, {
              branch: opts.baseBranch,
              label: opts.baseLabel,
              sameModel: !opts.anyModel,
            });
            if (!baseRecord) {
              const where =
                opts.baseBranch !== undefined ? `branch ${opts.baseBranch}` : `label ${opts.baseLabel}`;
              throw new SuiteInputError(
                `no completed run of suite ${headRecord.suite_id}${opts.anyModel ? '' : ` with model ${headRecord.model}`} on ${where} to compare with`,
              );
            }
          }
          return compareSuiteRuns(
            readComparableSummary(baseRecord as typeof headRecord),
            readComparableSummary(headRecord),
            {
              ...(opts.minEffect !== undefined ? { minEffect: opts.minEffect } : {}),
              ...(opts.alpha !== undefined ? { alpha: opts.alpha } : {}),
            },
          );
        }),
      );
      if (opts.json) printJson(comparison);
      else process.stdout.write(renderComparisonMarkdown(comparison));
      info(`verdict: ${verdictLabel(comparison.overall)}`);
      if (opts.failOnRegression && comparison.overall.verdict === 'regressed') process.exitCode = EXIT.failed;
    });
}
