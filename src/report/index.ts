/**
 * Reports people look at: a suite run's or a run's page (totals, comparison,
 * history chart, transcripts, checks, workspace diffs) as one self-contained
 * HTML file, the same pages for `factory-bench view`, and the Mermaid history
 * chart of the pull-request comment. The browser app itself is src/webapp.
 */
export { HISTORY_LIMIT, mermaidHistory, suiteHistory } from './history.js';
export { jsonForScript, loadWebapp, renderPageHtml, webappDir } from './html.js';
export {
  agentsByRun,
  type BuiltPage,
  buildRunPage,
  buildSuitePage,
  type DetailBlock,
  type DetailMode,
  hasColumn,
  isSafeId,
  runFolder,
} from './pages.js';
export { clip, loadRunDetail } from './run-detail.js';
export type * from './types.js';
export { diffWorkspaces } from './workspace-diff.js';
export {
  type SuiteReportOptions,
  suiteHistoryChart,
  type WrittenReport,
  writeRunReport,
  writeSuiteReport,
} from './write.js';
