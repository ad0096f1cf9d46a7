export { newRunId, newSuiteRunId, slug, timestampSlug } from './ids.js';
export {
  insertRun,
  MIGRATIONS,
  migrate,
  openDatabase,
  queryAll,
  type Row,
  readIndex,
  SCHEMA_VERSION,
  updateIndex,
} from './index-db.js';
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
export {
  type BlankRunResultInput,
  blankRunResult,
  indexRun,
  type RecordRunOptions,
  type RunTaskInfo,
  recordRun,
} from './record.js';
export { redact, redactDeep, redactFilesUnder, registerEnvSecrets, registerSecret } from './redact.js';
export * from './result.js';
export { RunDirectory, type TranscriptEvent, TranscriptWriter } from './run-dir.js';
export { loadSqlJs } from './sqljs.js';
