import { existsSync, readFileSync } from 'node:fs';

/**
 * What the action needs to know about the workflow run, read from the
 * runner's environment and the event file (without @actions/github, whose
 * Octokit is only loaded when a comment is posted).
 */
export interface PullRequestInfo {
  number: number;
  baseRef: string;
  headRef: string;
  headSha: string | null;
  /** The head repository differs from the base: no secrets, a read-only token. */
  isFork: boolean;
}

export interface GithubContext {
  eventName: string;
  owner: string | null;
  repo: string | null;
  serverUrl: string;
  runId: string;
  runAttempt: string;
  /** The branch this run belongs to: the head branch of a pull request, else the pushed branch. */
  branch: string | null;
  sha: string | null;
  defaultBranch: string | null;
  /** A push (or dispatch/schedule) on the default branch: the only runs that publish history. */
  onDefaultBranch: boolean;
  pullRequest: PullRequestInfo | null;
  workspace: string;
  runnerTemp: string;
}

type Json = Record<string, unknown>;

function obj(v: unknown): Json | null {
  return v && typeof v === 'object' ? (v as Json) : null;
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

export function readEvent(file: string | undefined): Json {
  if (!file || !existsSync(file)) return {};
  try {
    return obj(JSON.parse(readFileSync(file, 'utf8'))) ?? {};
  } catch {
    return {};
  }
}

export function readGithubContext(env: NodeJS.ProcessEnv = process.env): GithubContext {
  const event = readEvent(env.GITHUB_EVENT_PATH);
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
  const eventName = env.GITHUB_EVENT_NAME ?? '';
  const repository = obj(event.repository);
  const defaultBranch = str(repository?.default_branch);
  const pr = obj(event.pull_request);
  let pullRequest: PullRequestInfo | null = null;
  if (pr) {
    const base = obj(pr.base);
    const head = obj(pr.head);
    const headRepo = str(obj(head?.repo)?.full_name);
    const baseRepo = str(obj(base?.repo)?.full_name) ?? env.GITHUB_REPOSITORY ?? null;
    pullRequest = {
      number: Number(pr.number ?? event.number),
      baseRef: str(base?.ref) ?? env.GITHUB_BASE_REF ?? '',
      headRef: str(head?.ref) ?? env.GITHUB_HEAD_REF ?? '',
      headSha: str(head?.sha),
      isFork: Boolean(headRepo && baseRepo && headRepo !== baseRepo),
    };
  }
  const ref = env.GITHUB_REF ?? '';
  const pushedBranch = ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : null;
  const branch = pullRequest ? pullRequest.headRef || null : (env.GITHUB_REF_NAME ?? pushedBranch);
  return {
    eventName,
    owner: owner || null,
    repo: repo || null,
    serverUrl: (env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/$/, ''),
    runId: env.GITHUB_RUN_ID ?? '0',
    runAttempt: env.GITHUB_RUN_ATTEMPT ?? '1',
    branch,
    sha: pullRequest?.headSha ?? env.GITHUB_SHA ?? null,
    defaultBranch,
    onDefaultBranch: !pullRequest && pushedBranch !== null && pushedBranch === defaultBranch,
    pullRequest,
    workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
    runnerTemp: env.RUNNER_TEMP ?? env.TMPDIR ?? '/tmp',
  };
}

/** The page of this workflow run, and of one of its artifacts. */
export function runUrl(ctx: GithubContext): string | null {
  if (!ctx.owner || !ctx.repo) return null;
  return `${ctx.serverUrl}/${ctx.owner}/${ctx.repo}/actions/runs/${ctx.runId}`;
}

export function artifactUrl(ctx: GithubContext, artifactId: number): string | null {
  const run = runUrl(ctx);
  return run ? `${run}/artifacts/${artifactId}` : null;
}
