export { newRunId, newSuiteRunId, slug, timestampSlug } from './ids.js';
export {
  execute,
  IndexCorruptError,
  insertRun,
  integrityProblem,
  MIGRATIONS,
  migrate,
  openDatabase,
  openDatabaseSync,
  queryAll,
  SCHEMA_VERSION,
  userVersion,
} from './index-db.js';
export {
  ensureSoundIndex,
  flushAllIndexes,
  flushIndex,
  type IndexStats,
  IndexWriter,
  indexExists,
  indexLockPath,
  indexOrphanedRuns,
  indexStats,
  indexWriterFor,
  readIndex,
  reindex,
  setIndexWarningHandler,
  updateIndex,
  withIndexLock,
} from './index-writer.js';
export { PENDING_DIR } from './pending.js';
export {
  findLatestSuiteRun,
  findRunsById,
  findSuiteRunsById,
  getSuiteRun,
  type LatestSuiteRunQuery,
  listRuns,
  type RunFilter,
  type RunRecord,
  runsOfSuiteRun,
  type SuiteRunRecord,
  upsertSuiteRun,
} from './queries.js';
export { type ReindexOutcome, suiteRunResultsFromFolders } from './rebuild.js';
export {
  type BlankRunResultInput,
  blankRunResult,
  INDEX_FILE,
  indexRun,
  isUnfinishedRun,
  type RecordRunOptions,
  type RunTaskInfo,
  recordRun,
  UNFINISHED_RUN_ERROR,
} from './record.js';
export { redact, redactDeep, redactFilesUnder, registerEnvSecrets, registerSecret } from './redact.js';
export * from './result.js';
export {
  compactSummaryJson,
  DEFAULT_RETENTION,
  type PruneOutcome,
  pruneIndex,
  type RetentionPolicy,
} from './retention.js';
export { RunDirectory, type TranscriptEvent, TranscriptWriter } from './run-dir.js';
export { type Database, isCorruptionError, type Row, type SqlValue } from './sqlite.js';
export {
  SUITE_FILES,
  type SummaryForIndex,
  suiteRunRecordFromFolder,
  suiteRunRecordOf,
} from './suite-record.js';
