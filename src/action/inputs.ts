import path from 'node:path';

/**
 * Every input of the action, parsed and validated in one place (as
 * actions/checkout's input-helper does), so the rest of the action works with
 * typed values and a bad input fails with one clear line per problem.
 */

export type ActionMode = 'run' | 'merge';

export interface Shard {
  /** 1-based, as written in a matrix: `shard: 2/4`. */
  index: number;
  total: number;
}

export interface ActionInputs {
  /** The suite manifest, resolved against the working directory. */
  suite: string;
  /** Null: the suite's default model. */
  model: string | null;
  /** `builtin`, or an agent folder resolved against the working directory; null: the suite's default agent. */
  agent: string | null;
  concurrency: number | null;
  epochs: number | null;
  apiKey: string | null;
  baseUrl: string | null;
  /** Seconds one model request may take before it is retried; null: the default (120). */
  requestTimeoutSeconds: number | null;
  /** Minimum pass rate, 0..1; null: no threshold. */
  failUnder: number | null;
  /** Largest allowed drop in pass rate against the base branch, 0..1; null: no gate. */
  maxRegression: number | null;
  comment: boolean;
  artifactName: string;
  retentionDays: number | null;
  cacheKeyPrefix: string;
  /** Carry the suite's Docker images between workflow runs through the Actions cache. */
  cacheImages: boolean;
  /** Retention applied to runs.sqlite before it is saved to the cache (null: the default). */
  historyKeepSuiteRuns: number | null;
  historyKeepDays: number | null;
  /** Absolute. */
  workingDirectory: string;
  shard: Shard | null;
  mode: ActionMode;
  githubToken: string | null;
}

/** A bad input; the message names the input and what was expected. */
export class InputError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.length === 1 ? (problems[0] as string) : `invalid inputs:\n- ${problems.join('\n- ')}`);
    this.name = 'InputError';
  }
}

export type InputReader = (name: string) => string;

/** Reads an input the way @actions/core does (`INPUT_<NAME>`, spaces to underscores), without importing it. */
export const envInput: InputReader = (name) =>
  (process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();

export const DEFAULT_ARTIFACT_NAME = 'factory-bench-runs';
export const DEFAULT_CACHE_KEY_PREFIX = 'factory-bench-runs';
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function parseInputs(
  read: InputReader = envInput,
  workspace = process.env.GITHUB_WORKSPACE ?? process.cwd(),
): ActionInputs {
  const problems: string[] = [];
  const problem = (name: string, expected: string, got: string): null => {
    problems.push(`input ${name}: expected ${expected}, got ${JSON.stringify(got)}`);
    return null;
  };

  const wholeNumber = (name: string, max: number): number | null => {
    const raw = read(name);
    if (raw === '') return null;
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n > max)
      return problem(name, `a whole number from 0 to ${max}`, raw);
    return n;
  };
  const positiveInt = (name: string, max: number): number | null => {
    const raw = read(name);
    if (raw === '') return null;
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < 1 || n > max)
      return problem(name, `a whole number from 1 to ${max}`, raw);
    return n;
  };

  const rate = (name: string): number | null => {
    const raw = read(name);
    if (raw === '') return null;
    const percent = raw.endsWith('%');
    const n = Number(percent ? raw.slice(0, -1).trim() : raw);
    const value = percent ? n / 100 : n;
    if (raw === '%' || !Number.isFinite(n) || value < 0 || value > 1)
      return problem(name, 'a rate from 0 to 1 or a percentage such as 80%', raw);
    return value;
  };

  const boolean = (name: string, fallback: boolean): boolean => {
    const raw = read(name).toLowerCase();
    if (raw === '') return fallback;
    if (['true', 'yes', 'on', '1'].includes(raw)) return true;
    if (['false', 'no', 'off', '0'].includes(raw)) return false;
    problem(name, 'true or false', raw);
    return fallback;
  };

  const name = (input: string, fallback: string): string => {
    const raw = read(input) || fallback;
    if (!NAME_PATTERN.test(raw) || raw.length > 100)
      problem(input, 'letters, digits, ".", "_" or "-" (at most 100 characters)', raw);
    return raw;
  };

  const workingDirectory = path.resolve(workspace, read('working-directory') || '.');

  const suiteRaw = read('suite');
  if (suiteRaw === '')
    problems.push('input suite: required (the path of a suite manifest, e.g. suites/core.yaml)');
  const suite = path.resolve(workingDirectory, suiteRaw);

  const modelRaw = read('model');
  const model = modelRaw === '' ? null : modelRaw;
  if (model && !/^(oracle|null|[A-Za-z0-9_.-]+\/\S+)$/.test(model))
    problem('model', 'oracle, null, or provider/model such as openai/gpt-4o-mini', model);

  const agentRaw = read('agent');
  const agent =
    agentRaw === '' ? null : agentRaw === 'builtin' ? 'builtin' : path.resolve(workingDirectory, agentRaw);

  const baseUrlRaw = read('base-url');
  let baseUrl: string | null = null;
  if (baseUrlRaw !== '') {
    try {
      const u = new URL(baseUrlRaw);
      if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('protocol');
      baseUrl = baseUrlRaw;
    } catch {
      problem(
        'base-url',
        'an http(s) URL of an OpenAI-compatible API such as https://api.openai.com/v1',
        baseUrlRaw,
      );
    }
  }

  const timeoutRaw = read('request-timeout');
  let requestTimeoutSeconds: number | null = null;
  if (timeoutRaw !== '') {
    const n = Number(timeoutRaw);
    if (!Number.isFinite(n) || n <= 0 || n > 86_400)
      problem('request-timeout', 'seconds from 1 to 86400', timeoutRaw);
    else requestTimeoutSeconds = n;
  }

  const shardRaw = read('shard');
  let shard: Shard | null = null;
  if (shardRaw !== '') {
    const m = /^(\d+)\s*\/\s*(\d+)$/.exec(shardRaw);
    const index = Number(m?.[1]);
    const total = Number(m?.[2]);
    if (!m || total < 1 || total > 256 || index < 1 || index > total)
      problem('shard', 'i/n with 1 <= i <= n <= 256, such as 2/4', shardRaw);
    else shard = { index, total };
  }

  const modeRaw = (read('mode') || 'run').toLowerCase();
  let mode: ActionMode = 'run';
  if (modeRaw === 'run' || modeRaw === 'merge') mode = modeRaw;
  else problem('mode', 'run or merge', modeRaw);
  if (mode === 'merge' && shard)
    problems.push('input shard: must be empty with mode: merge (the merge job collects every shard)');

  const inputs: ActionInputs = {
    suite,
    model,
    agent,
    concurrency: positiveInt('concurrency', 64),
    epochs: positiveInt('epochs', 100),
    apiKey: read('api-key') || null,
    baseUrl,
    requestTimeoutSeconds,
    failUnder: rate('fail-under'),
    maxRegression: rate('max-regression'),
    comment: boolean('comment', true),
    artifactName: name('artifact-name', DEFAULT_ARTIFACT_NAME),
    retentionDays: positiveInt('retention-days', 90),
    cacheKeyPrefix: name('cache-key-prefix', DEFAULT_CACHE_KEY_PREFIX),
    cacheImages: boolean('cache-images', true),
    historyKeepSuiteRuns: positiveInt('history-keep-suite-runs', 100_000),
    historyKeepDays: wholeNumber('history-keep-days', 36_500),
    workingDirectory,
    shard,
    mode,
    githubToken: read('github-token') || null,
  };
  if (problems.length > 0) throw new InputError(problems);
  return inputs;
}
