/**
 * The data a report page shows, as the browser app reads it: written into
 * report.html / run.html as JSON, or served by `factory-bench view`. Plain
 * JSON types only (the browser app imports them as types).
 */

/** One recorded suite run in a history chart. */
export interface HistoryPoint {
  suite_run_id: string;
  started_at: string;
  branch: string | null;
  commit_sha: string | null;
  model: string;
  /** Passed over scored runs, 0..1 (null when nothing was scored). */
  pass_rate: number | null;
  /** The suite's mean score, 0..1. */
  avg_score: number | null;
  /** The run this page is about (the last point). */
  current: boolean;
}

export interface HistoryData {
  suite_id: string;
  /** The branch the earlier points come from; null when every branch is included. */
  branch: string | null;
  points: HistoryPoint[];
}

/** The comparison with a baseline suite run, as the page shows it. */
export interface ComparisonData {
  baseline_suite_run_id: string;
  baseline_branch: string | null;
  baseline_model: string;
  /** improved, regressed, no clear change, cannot tell... */
  verdict: string;
  statement: string;
  tasks: Array<{ task_id: string; verdict: string; statement: string }>;
}

/** One run as a row of a task (or of a list); its detail is loaded when opened. */
export interface RunEntry {
  run_id: string;
  task_id: string;
  model: string;
  agent: string | null;
  epoch: number;
  status: string;
  passed: boolean;
  score: number;
  kill_reason: string | null;
  error: string | null;
  turns: number;
  tokens: number;
  cost_usd: number | null;
  wall_s: number;
  started_at: string;
  /** Where the detail is: the id of a JSON block in the page, a URL, or null when the folder is missing. */
  detail: { embedded: string } | { url: string } | null;
}

export interface TaskRow {
  task_id: string;
  title: string;
  difficulty: string;
  domain: string;
  /** passed, failed, partial, error, not_run. */
  state: string;
  epochs_planned: number;
  scored: number;
  passes: number;
  mean_score: number | null;
  cost_usd: number | null;
  wall_s: number;
  tokens: number;
  kill_reasons: string[];
  runs: RunEntry[];
}

export interface SuitePageData {
  suite_run_id: string;
  suite_id: string;
  suite_title: string;
  model: string;
  agent: string | null;
  status: string;
  started_at: string;
  finished_at: string | null;
  branch: string | null;
  commit_sha: string | null;
  label: string | null;
  epochs: number;
  totals: {
    tasks: number;
    runs_planned: number;
    scored_runs: number;
    passed_runs: number;
    environment_errors: number;
    mean_run_score: number | null;
    tokens: number;
    cost_usd: number | null;
    wall_seconds: number;
  };
  suite_score: { mean: number; low: number | null; high: number | null } | null;
  pass_at_k: Array<{ k: number; value: number; tasks: number }>;
  min_detectable_effect: number | null;
  comparison: ComparisonData | null;
  history: HistoryData | null;
  tasks: TaskRow[];
}

/** A page: a suite run's report, one run, or (from the server) the index of everything recorded. */
export type PageData =
  | { kind: 'suite'; title: string; generated_at: string; server: boolean; suite: SuitePageData }
  | { kind: 'run'; title: string; generated_at: string; server: boolean; run: RunEntry }
  | { kind: 'index'; title: string; generated_at: string; server: true; runs_dir: string };

/** A transcript line as written by TranscriptWriter: a type, a time and the event's own fields. */
export type TranscriptLine = { type: string; t?: string; elapsed_ms?: number } & Record<string, unknown>;

export interface CheckDetail {
  name: string;
  type: string;
  tier: string;
  weight: number;
  gating: boolean;
  status: string;
  score: number;
  explanation: string;
  duration_ms: number | null;
  details: unknown;
  /** Captured texts by kind: stdout, stderr, diff, prompt, reasoning. */
  texts: Record<string, string>;
}

export interface FileChange {
  path: string;
  change: 'added' | 'removed' | 'modified';
  /** A unified diff, or null with `note` saying why there is none (binary, too large). */
  patch: string | null;
  note: string | null;
  added: number;
  removed: number;
}

/** Everything about one run, loaded when its row is opened. */
export interface RunDetail {
  run_id: string;
  result: Record<string, unknown> | null;
  transcript: TranscriptLine[];
  checks: CheckDetail[];
  workspace: { files: FileChange[]; unchanged: number; note: string | null };
  /** What could not be read, or was cut to keep the page small. */
  notes: string[];
}

/** The server's lists and filters (`factory-bench view`). */
export interface Facets {
  suites: string[];
  tasks: string[];
  models: string[];
  agents: string[];
  branches: string[];
  /** False when the index has no agent column yet (filtering by agent is then unavailable). */
  has_agent: boolean;
}

export interface SuiteRunListItem {
  suite_run_id: string;
  suite_id: string;
  model: string;
  agent: string | null;
  status: string;
  started_at: string;
  branch: string | null;
  commit_sha: string | null;
  total: number | null;
  passed: number | null;
  avg_score: number | null;
  cost_usd: number | null;
}

export interface ListFilter {
  suite?: string | undefined;
  task?: string | undefined;
  model?: string | undefined;
  agent?: string | undefined;
  branch?: string | undefined;
  limit?: number | undefined;
}
