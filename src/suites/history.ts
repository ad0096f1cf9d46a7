import { type Database, findLatestSuiteRun, findSuiteRunsById, type SuiteRunRecord } from '../runs/index.js';
import { SuiteInputError } from './plan.js';
import type { SuiteSummary } from './summary.js';

/** The suite run with this id or unique id prefix; SuiteInputError when there is none or several. */
export function resolveSuiteRun(db: Database, idOrPrefix: string): SuiteRunRecord {
  const rows = findSuiteRunsById(db, idOrPrefix, 2);
  const exact = rows.find((r) => r.suite_run_id === idOrPrefix);
  if (exact) return exact;
  if (rows.length === 0) throw new SuiteInputError(`no suite run ${idOrPrefix} in the index`);
  if (rows.length > 1)
    throw new SuiteInputError(`${idOrPrefix} matches more than one suite run; give more of the id`);
  return rows[0] as SuiteRunRecord;
}

/** The summary of a suite run to compare: one whose runs retention dropped cannot be compared. */
export function readComparableSummary(record: SuiteRunRecord): SuiteSummary {
  if (record.pruned_at)
    throw new SuiteInputError(
      `suite run ${record.suite_run_id} was pruned from the index on ${record.pruned_at.slice(0, 10)}: its summary is kept, its runs' scores are not, so it cannot be compared; compare newer suite runs (see runs prune)`,
    );
  return readSuiteSummary(record);
}

/** The summary stored with a suite run. */
export function readSuiteSummary(record: SuiteRunRecord): SuiteSummary {
  if (!record.summary_json)
    throw new SuiteInputError(
      `suite run ${record.suite_run_id} has no summary recorded (written by an older version?)`,
    );
  return JSON.parse(record.summary_json) as SuiteSummary;
}

/**
 * The baseline for a suite run: the latest completed run of the same suite
 * and model on `branch` (or with `label`), other than the head itself.
 */
export function findBaselineSuiteRun(
  db: Database,
  head: SuiteRunRecord,
  where: { branch?: string | undefined; label?: string | undefined; sameModel?: boolean },
): SuiteRunRecord | null {
  return findLatestSuiteRun(db, {
    suiteId: head.suite_id,
    branch: where.branch,
    label: where.label,
    model: where.sameModel === false ? undefined : head.model,
    excludeSuiteRunId: head.suite_run_id,
    fullOnly: true,
  });
}
