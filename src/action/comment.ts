import { slug } from '../runs/index.js';

/**
 * One sticky comment per suite on a pull request: found again by a hidden
 * marker and the bot's own authorship (so a user quoting the marker is never
 * overwritten), looking through every page of comments, and updated in place.
 */
export function commentMarker(suiteId: string): string {
  return `<!-- factory-bench:suite=${slug(suiteId)} -->`;
}

export interface CommentTarget {
  owner: string;
  repo: string;
  issueNumber: number;
}

export type CommentOutcome =
  | { status: 'created' | 'updated'; id: number; url: string | null }
  | { status: 'forbidden'; message: string };

/** The bot's own login when the token may read it (a PAT); a GITHUB_TOKEN cannot, and posts as github-actions[bot]. */
export const ACTIONS_BOT_LOGIN = 'github-actions[bot]';

interface HttpError {
  status?: number;
  message?: string;
}

export async function upsertComment(
  token: string,
  target: CommentTarget,
  marker: string,
  body: string,
): Promise<CommentOutcome> {
  const { getOctokit } = await import('@actions/github');
  const octokit = getOctokit(token);
  const base = { owner: target.owner, repo: target.repo };
  try {
    let login = ACTIONS_BOT_LOGIN;
    try {
      login = (await octokit.rest.users.getAuthenticated()).data.login;
    } catch {
      // An installation token (GITHUB_TOKEN) is not a user.
    }
    const comments = await octokit.paginate(octokit.rest.issues.listComments, {
      ...base,
      issue_number: target.issueNumber,
      per_page: 100,
    });
    const mine = comments.find((c) => c.user?.login === login && (c.body ?? '').includes(marker));
    if (mine) {
      const r = await octokit.rest.issues.updateComment({ ...base, comment_id: mine.id, body });
      return { status: 'updated', id: r.data.id, url: r.data.html_url ?? null };
    }
    const r = await octokit.rest.issues.createComment({ ...base, issue_number: target.issueNumber, body });
    return { status: 'created', id: r.data.id, url: r.data.html_url ?? null };
  } catch (err) {
    const e = err as HttpError;
    if (e.status === 401 || e.status === 403)
      return {
        status: 'forbidden',
        message: `the token cannot comment on #${target.issueNumber} (HTTP ${e.status})`,
      };
    throw err;
  }
}
