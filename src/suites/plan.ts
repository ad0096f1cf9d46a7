import path from 'node:path';
import { type AgentSpec, agentInfo, BUILTIN_AGENT, loadAgent } from '../agents/index.js';
import {
  type AgentInfo,
  describeAgent,
  getSuiteRun,
  indexExists,
  isUnfinishedRun,
  newSuiteRunId,
  readIndex,
  runsOfSuiteRun,
  type SuiteRunRecord,
  suiteRunRecordFromFolder,
  suiteRunResultsFromFolders,
} from '../runs/index.js';
import { type Capability, grantedCapabilities } from '../tasks/index.js';
import { loadSuite, type Suite, type SuiteTask } from './load.js';
import type { RunSuiteOptions } from './run-options.js';
import {
  briefFromRecord,
  briefFromResult,
  isFinished,
  latestFinishedRuns,
  type RunBrief,
  type SummaryTask,
  unitKey,
} from './summary.js';

/** Bad options for a suite run (unknown resume id, a mismatched model...): the caller's to fix. */
export class SuiteInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SuiteInputError';
  }
}

export type Shard = { index: number; total: number };

/** How a suite run was started, stored with it so that `--resume` can finish it. */
export interface SuiteRunConfig {
  suite_file: string;
  suite_id: string;
  suite_title: string;
  model: string;
  epochs: number;
  shard: Shard | null;
  task_filter: string[] | null;
  tasks: Array<{ task_id: string; epochs: number }>;
  /** Absent in suite runs recorded before agents could be chosen (built-in). */
  agent?: AgentInfo & { dir: string | null };
  /** At most these capabilities for any task; absent or null: what each task asks for. */
  capabilities?: Capability[] | null;
}

/** One run to do: a task's epoch. */
export interface Unit {
  suiteTask: SuiteTask;
  epoch: number;
  epochs: number;
}

/** An interrupted suite run being finished: its row, how it was started and its finished runs. */
export interface Resumable {
  record: SuiteRunRecord;
  config: SuiteRunConfig;
  runs: RunBrief[];
}

/** Everything a suite run needs decided before its first run starts. */
export interface SuitePlan {
  runsRoot: string;
  dbPath: string;
  suite: Suite;
  suiteRunId: string;
  model: string;
  /** The agent every run uses. */
  agent: AgentSpec;
  /** At most these capabilities for any task (a suite's or the CLI's setting); null: as the tasks ask. */
  maxCapabilities: Capability[] | null;
  concurrency: number;
  epochs: number;
  shard: Shard | null;
  taskFilter: string[] | null;
  branch: string | null;
  commit: string | null;
  label: string | null;
  /** The selected tasks with their epochs, in the order they are reported. */
  tasks: SummaryTask[];
  config: SuiteRunConfig;
  /** The suite run being resumed, or null for a new one. */
  previous: Resumable | null;
  /** Runs still to do, epoch-major. */
  units: Unit[];
}

/**
 * Validates the options, loads what a resumed suite run recorded, selects the
 * tasks and lists the runs still to do. Rejects with SuiteInputError (or a
 * ManifestError from the suite file) before anything is written.
 */
export async function planSuiteRun(options: RunSuiteOptions): Promise<SuitePlan> {
  const runsRoot = path.resolve(options.runsRoot);
  const dbPath = path.join(runsRoot, 'runs.sqlite');
  const previous = options.resume ? await loadResumable(runsRoot, dbPath, options.resume) : null;
  const suite = resolveSuite(options, previous);
  const settings = chooseSettings(options, suite, previous);
  const agent = chooseAgent(options.agent, previous, suite.defaults.agent);
  const selected = selectTasks(suite, settings.taskFilter, settings.shard, previous?.config);
  const epochsOf = (t: SuiteTask): number =>
    previous?.config.tasks.find((c) => c.task_id === t.id)?.epochs ?? t.epochs ?? settings.epochs;
  const maxCapabilities =
    (previous ? previous.config.capabilities : options.capabilities) ?? suite.defaults.capabilities ?? null;
  const tasks: SummaryTask[] = selected.map((t) => {
    const m = t.task.manifest;
    return {
      task_id: t.id,
      title: m.title,
      difficulty: m.difficulty,
      domain: m.domain,
      epochs: epochsOf(t),
      format: t.task.format,
      metadata: m.metadata,
      isolation: {
        capabilities: grantedCapabilities(m.environment.capabilities, maxCapabilities),
        internet: m.environment.network.internet,
        allowed_hosts: m.environment.network.allow,
        processes_kept: m.grader.keep_processes,
      },
    };
  });
  const config: SuiteRunConfig = previous?.config ?? {
    suite_file: suite.file,
    suite_id: suite.id,
    suite_title: suite.title,
    model: settings.model,
    epochs: settings.epochs,
    shard: settings.shard,
    task_filter: settings.taskFilter,
    tasks: tasks.map((t) => ({ task_id: t.task_id, epochs: t.epochs })),
    agent: { ...agentInfo(agent), dir: agent.kind === 'external' ? agent.dir : null },
    capabilities: maxCapabilities,
  };
  return {
    runsRoot,
    dbPath,
    suite,
    suiteRunId: previous?.record.suite_run_id ?? options.suiteRunId ?? newSuiteRunId(suite.id),
    ...settings,
    agent,
    maxCapabilities,
    branch: options.branch ?? previous?.record.branch ?? null,
    commit: options.commit ?? previous?.record.commit_sha ?? null,
    label: options.label ?? previous?.record.label ?? null,
    tasks,
    config,
    previous,
    units: pendingUnits(selected, tasks, previous?.runs ?? []),
  };
}

/** Model, concurrency, epochs, shard and task filter: from the options, the resumed suite run or the suite's defaults. */
function chooseSettings(
  options: RunSuiteOptions,
  suite: Suite,
  previous: Resumable | null,
): Pick<SuitePlan, 'model' | 'concurrency' | 'epochs' | 'shard' | 'taskFilter'> {
  const model = options.model ?? previous?.config.model ?? suite.defaults.model;
  if (!model) throw new SuiteInputError(`no model: pass one, or set defaults.model in ${suite.file}`);
  if (previous && model !== previous.config.model)
    throw new SuiteInputError(
      `suite run ${previous.record.suite_run_id} was run with model ${previous.config.model}, not ${model}`,
    );
  const concurrency = options.concurrency ?? previous?.record.concurrency ?? suite.defaults.concurrency;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new SuiteInputError(`concurrency must be a whole number of at least 1, got ${concurrency}`);
  if (previous && options.epochs !== undefined && options.epochs !== previous.config.epochs)
    throw new SuiteInputError(
      `suite run ${previous.record.suite_run_id} was run with ${previous.config.epochs} epoch(s); it resumes with the same`,
    );
  const epochs = previous?.config.epochs ?? options.epochs ?? suite.defaults.epochs;
  if (!Number.isInteger(epochs) || epochs < 1)
    throw new SuiteInputError(`epochs must be a whole number of at least 1, got ${epochs}`);
  const shard = previous ? previous.config.shard : (options.shard ?? null);
  if (
    shard &&
    !(Number.isInteger(shard.index) && shard.total >= 1 && shard.index >= 0 && shard.index < shard.total)
  )
    throw new SuiteInputError(
      `shard must be index/total with 0 <= index < total, got ${shard.index}/${shard.total}`,
    );
  const taskFilter = previous ? previous.config.task_filter : (options.tasks ?? null);
  return { model, concurrency, epochs, shard, taskFilter };
}

/** Epoch-major order: an interrupted suite has covered every task at least once before any twice. */
function pendingUnits(selected: SuiteTask[], tasks: SummaryTask[], finished: RunBrief[]): Unit[] {
  const done = latestFinishedRuns(finished);
  const units: Unit[] = [];
  const maxEpochs = Math.max(0, ...tasks.map((t) => t.epochs));
  for (let e = 0; e < maxEpochs; e++)
    selected.forEach((t, i) => {
      const n = tasks[i]?.epochs ?? 1;
      if (e < n && !done.has(unitKey(t.id, e))) units.push({ suiteTask: t, epoch: e, epochs: n });
    });
  return units;
}

/**
 * The agent of a suite run: the one asked for, else the one a resumed run was
 * started with (which must not have changed since), else the suite's default.
 */
function chooseAgent(
  asked: AgentSpec | undefined,
  previous: Resumable | null,
  fallback: AgentSpec,
): AgentSpec {
  if (!previous) return asked ?? fallback;
  const recorded = previous.config.agent;
  const chosen = asked ?? (recorded?.dir ? loadAgent(recorded.dir) : BUILTIN_AGENT);
  const now = agentInfo(chosen);
  if ((recorded?.hash ?? null) !== now.hash || (recorded?.name ?? 'builtin') !== now.name)
    throw new SuiteInputError(
      `suite run ${previous.record.suite_run_id} was run with agent ${describeAgent(recorded)}, not ${describeAgent(now)}; start a new suite run to measure a changed agent`,
    );
  return chosen;
}

function resolveSuite(options: RunSuiteOptions, previous: Resumable | null): Suite {
  if (options.suite && typeof options.suite !== 'string') {
    if (previous && options.suite.id !== previous.config.suite_id)
      throw new SuiteInputError(
        `suite run ${previous.record.suite_run_id} is of suite ${previous.config.suite_id}, not ${options.suite.id}`,
      );
    return options.suite;
  }
  const file = options.suite ?? previous?.config.suite_file;
  if (!file) throw new SuiteInputError('no suite: pass a suite file, or a suite run to resume');
  const suite = loadSuite(file);
  if (previous && suite.id !== previous.config.suite_id)
    throw new SuiteInputError(
      `suite run ${previous.record.suite_run_id} is of suite ${previous.config.suite_id}, not ${suite.id} (${file})`,
    );
  return suite;
}

/** Task ids matching `*` globs. */
export function matchesTaskFilter(taskId: string, filter: readonly string[]): boolean {
  return filter.some((f) =>
    new RegExp(`^${f.replace(/[.+^${}()|[\]\\?]/g, '\\$&').replaceAll('*', '.*')}$`).test(taskId),
  );
}

function selectTasks(
  suite: Suite,
  filter: string[] | null,
  shard: Shard | null,
  resumed: SuiteRunConfig | undefined,
): SuiteTask[] {
  if (resumed) {
    // The task set was fixed when the suite run started.
    const byId = new Map(suite.tasks.map((t) => [t.id, t]));
    const missing = resumed.tasks.filter((t) => !byId.has(t.task_id)).map((t) => t.task_id);
    if (missing.length > 0)
      throw new SuiteInputError(`cannot resume: the suite no longer has task(s) ${missing.join(', ')}`);
    return resumed.tasks.map((t) => byId.get(t.task_id) as SuiteTask);
  }
  let tasks = [...suite.tasks].sort((a, b) => a.id.localeCompare(b.id));
  if (filter && filter.length > 0) {
    tasks = tasks.filter((t) => matchesTaskFilter(t.id, filter));
    if (tasks.length === 0)
      throw new SuiteInputError(`no task of suite ${suite.id} matches ${filter.join(', ')}`);
  }
  if (shard) tasks = tasks.filter((_, i) => i % shard.total === shard.index);
  return tasks;
}

/**
 * An interrupted suite run and its finished runs. The suite run comes from
 * the index, else from its folder (a suite killed before its row was saved);
 * its runs are those the index has and those whose folders say they belong
 * to it (result.json is the truth), so no finished run is run again.
 */
async function loadResumable(runsRoot: string, dbPath: string, suiteRunId: string): Promise<Resumable> {
  const indexed = indexExists(dbPath)
    ? await readIndex(dbPath, (db) => {
        const record = getSuiteRun(db, suiteRunId);
        return record ? { record, runs: runsOfSuiteRun(db, suiteRunId).map(briefFromRecord) } : null;
      })
    : null;
  const record = indexed?.record ?? folderRecord(runsRoot, suiteRunId);
  if (!record) throw new SuiteInputError(`no suite run ${suiteRunId} in ${dbPath}`);
  // `runs prune` drops the configuration from the index; the suite run's folder keeps it.
  const configJson = record.config_json ?? folderRecord(runsRoot, suiteRunId)?.config_json;
  if (!configJson)
    throw new SuiteInputError(
      `suite run ${suiteRunId} was recorded without its configuration; it cannot be resumed`,
    );
  const config = JSON.parse(configJson) as SuiteRunConfig;
  const byId = new Map((indexed?.runs ?? []).map((r) => [r.run_id, r]));
  for (const { result } of suiteRunResultsFromFolders(
    runsRoot,
    suiteRunId,
    config.tasks.map((t) => t.task_id),
    record.started_at,
  ))
    byId.set(result.run_id, briefFromResult(result));
  const runs = [...byId.values()].filter(
    (r) => isFinished(r.status) && !isUnfinishedRun(r.status, r.error_kind, r.error_message),
  );
  return { record, config, runs };
}

function folderRecord(runsRoot: string, suiteRunId: string): SuiteRunRecord | null {
  // Only a plain folder name: the id comes from the command line.
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(suiteRunId)) return null;
  try {
    return suiteRunRecordFromFolder(path.join(runsRoot, suiteRunId));
  } catch {
    return null;
  }
}
