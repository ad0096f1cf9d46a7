/**
 * Suites: manifests, the suite runner, reports and comparisons. The public
 * library API (used by the CLI and the GitHub Action) is what this file exports.
 */
export { findLatestSuiteRun, type LatestSuiteRunQuery, type SuiteRunRecord } from '../runs/index.js';
export {
  type CompareOptions,
  compareSuiteRuns,
  type RunSide,
  type SideStats,
  type SuiteComparison,
  type TaskComparison,
  type Verdict,
  verdictLabel,
} from './compare.js';
export { renderComparisonMarkdown } from './compare-report.js';
export { findBaselineSuiteRun, readSuiteSummary, resolveSuiteRun } from './history.js';
export { discoverSuiteFiles, loadSuite, type Suite, type SuiteTask } from './load.js';
export { createProgressReporter, type ProgressWriter } from './progress.js';
export { renderReportMarkdown } from './report.js';
export {
  matchesTaskFilter,
  type RunSuiteOptions,
  runSuite,
  type SuiteEvent,
  SuiteInputError,
  type SuiteRunOutcome,
  suiteRunRecord,
  type TaskRunner,
} from './runner.js';
export { type BudgetOverride, type SuiteManifest, suiteManifestSchema } from './schema.js';
export { type SuiteSensitivity, suiteSensitivity } from './sensitivity.js';
export {
  buildSummary,
  type ProblemRun,
  type Rollup,
  type RunBrief,
  type SuiteRunStatus,
  type SuiteSummary,
  type TaskState,
  type TaskSummary,
} from './summary.js';
