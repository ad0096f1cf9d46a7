/**
 * Suites: manifests, the suite runner, reports and comparisons. The public
 * library API (used by the CLI and the GitHub Action) is what this file exports.
 */
export { findLatestSuiteRun, type LatestSuiteRunQuery, type SuiteRunRecord } from '../runs/index.js';
export { compareSuiteRuns } from './compare.js';
export { renderComparisonMarkdown, verdictLabel } from './compare-report.js';
export type {
  CompareOptions,
  RunSide,
  SideStats,
  SuiteComparison,
  TaskComparison,
  Verdict,
} from './compare-types.js';
export { findBaselineSuiteRun, readComparableSummary, readSuiteSummary, resolveSuiteRun } from './history.js';
export { discoverSuiteFiles, loadSuite, type Suite, type SuiteTask } from './load.js';
export { suiteRunRecord } from './persist.js';
export { matchesTaskFilter, SuiteInputError } from './plan.js';
export { createProgressReporter, type ProgressWriter } from './progress.js';
export { renderReportMarkdown } from './report.js';
export type { RunSuiteOptions, SuiteEvent, SuiteRunOutcome, TaskRunner } from './run-options.js';
export { runSuite } from './runner.js';
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
