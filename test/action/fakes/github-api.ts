import { sendJson, startServer } from './http.js';

/**
 * A stand-in for the GitHub REST API: pull request comments (paged with Link
 * headers like GitHub), GET /user, and tokens that may or may not write.
 */
export interface FakeComment {
  id: number;
  issue: number;
  body: string;
  user: { login: string; type: string };
}

export interface TokenInfo {
  /** Null for an installation token (GITHUB_TOKEN): GET /user is refused. */
  login: string | null;
  canWrite: boolean;
}

export const BOT = 'github-actions[bot]';

export async function startGithubApi(tokens: Record<string, TokenInfo>) {
  const comments: FakeComment[] = [];
  let nextId = 1000;
  const server = await startServer((req, url, res) => {
    const token = (req.headers.authorization ?? '').replace(/^(token|bearer)\s+/i, '');
    const who = tokens[token];
    if (!who) return sendJson(res, 401, { message: 'Bad credentials' });
    const author = { login: who.login ?? BOT, type: who.login ? 'User' : 'Bot' };
    if (url.pathname === '/user' && req.method === 'GET') {
      if (!who.login) return sendJson(res, 403, { message: 'Resource not accessible by integration' });
      return sendJson(res, 200, { login: who.login });
    }
    const list = /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/.exec(url.pathname);
    const one = /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/.exec(url.pathname);
    const body = req.body.length ? JSON.parse(req.body.toString('utf8')) : {};
    const view = (c: FakeComment) => ({
      id: c.id,
      body: c.body,
      user: c.user,
      html_url: `https://github.test/c/${c.id}`,
    });
    if (list && req.method === 'GET') {
      const all = comments.filter((c) => c.issue === Number(list[1]));
      const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), 100);
      const page = Number(url.searchParams.get('page') ?? 1);
      const last = Math.max(1, Math.ceil(all.length / perPage));
      const link = (p: number, rel: string) => {
        const u = new URL(url.href);
        u.searchParams.set('page', String(p));
        u.searchParams.set('per_page', String(perPage));
        return `<${server.url}${u.pathname}${u.search}>; rel="${rel}"`;
      };
      const headers: Record<string, string> = {};
      if (page < last) headers.link = [link(page + 1, 'next'), link(last, 'last')].join(', ');
      return sendJson(res, 200, all.slice((page - 1) * perPage, page * perPage).map(view), headers);
    }
    if ((list && req.method === 'POST') || (one && req.method === 'PATCH')) {
      if (!who.canWrite) return sendJson(res, 403, { message: 'Resource not accessible by integration' });
      if (String(body.body ?? '').length > 65_536) return sendJson(res, 422, { message: 'Body is too long' });
      if (list) {
        const c: FakeComment = { id: nextId++, issue: Number(list[1]), body: body.body, user: author };
        comments.push(c);
        return sendJson(res, 201, view(c));
      }
      const c = comments.find((x) => x.id === Number(one?.[1]));
      if (!c) return sendJson(res, 404, { message: 'Not Found' });
      if (c.user.login !== author.login) return sendJson(res, 403, { message: 'not the author' });
      c.body = body.body;
      return sendJson(res, 200, view(c));
    }
    return sendJson(res, 404, { message: `Not Found: ${req.method} ${url.pathname}` });
  });
  return { ...server, comments };
}
