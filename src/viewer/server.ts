import { existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import {
  buildRunPage,
  buildSuitePage,
  isSafeId,
  loadRunDetail,
  type PageData,
  renderPageHtml,
  runFolder,
} from '../report/index.js';
import {
  type Database,
  getSuiteRun,
  IndexCorruptError,
  indexOrphanedRuns,
  openDatabase,
  RunDirectory,
  redact,
  reindex,
} from '../runs/index.js';
import { readRunFile } from './files.js';
import { facets, getRunRow, listRunEntries, listSuiteRuns, runEntryOf } from './queries.js';

export interface ViewerOptions {
  runsDir: string;
  /** 0 picks a free port. */
  port: number;
  host?: string;
}

export interface Viewer {
  url: string;
  port: number;
  close: () => Promise<void>;
}

/** Thrown for a request the server answers with a status other than 200. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * runs.sqlite, kept open (an open connection sees new runs as they are
 * saved) and opened again when the file is created or replaced (rebuilt).
 */
class IndexCache {
  private db: Database | null = null;
  private stamp = '';
  constructor(private readonly file: string) {}
  async get(): Promise<Database> {
    const stat = existsSync(this.file) ? statSync(this.file) : null;
    const stamp = stat ? String(stat.ino) : 'none';
    if (!this.db || stamp !== this.stamp) {
      this.db?.close();
      this.db = null;
      if (stat) await indexOrphanedRuns(this.file);
      try {
        this.db = await openDatabase(stat ? this.file : null);
      } catch (err) {
        if (!(err instanceof IndexCorruptError)) throw err;
        await reindex(this.file);
        this.db = await openDatabase(this.file);
      }
      this.stamp = stat ? String(statSync(this.file).ino) : 'none';
    }
    return this.db;
  }
  close(): void {
    this.db?.close();
    this.db = null;
  }
}

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
};

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, extra = {}): void {
  res.writeHead(status, { 'content-type': type, ...SECURITY_HEADERS, ...extra });
  res.end(body);
}

/** Every JSON answer is redacted as a whole, whatever it holds. */
function sendJson(res: ServerResponse, value: unknown): void {
  send(res, 200, 'application/json; charset=utf-8', redact(JSON.stringify(value)));
}

function filterOf(q: URLSearchParams) {
  const get = (k: string) => q.get(k) || undefined;
  return {
    suite: get('suite'),
    task: get('task'),
    model: get('model'),
    agent: get('agent'),
    branch: get('branch'),
  };
}

/**
 * `factory-bench view`: the report pages and lists over a runs folder, on
 * loopback only. It reads runs.sqlite and run folders and serves nothing from
 * outside the runs folder; every answer is redacted.
 */
export async function startViewer(o: ViewerOptions): Promise<Viewer> {
  const runsDir = path.resolve(o.runsDir);
  const host = o.host ?? '127.0.0.1';
  const index = new IndexCache(path.join(runsDir, 'runs.sqlite'));
  let port = 0;

  const page = (res: ServerResponse, data: PageData) =>
    send(res, 200, 'text/html; charset=utf-8', renderPageHtml(data, []));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'only GET');
    // A page of another site must not reach this server through a rebound DNS name.
    const hostHeader = (req.headers.host ?? '').toLowerCase();
    if (hostHeader !== `${host}:${port}` && hostHeader !== `localhost:${port}`)
      throw new HttpError(421, `unexpected Host ${hostHeader || '(none)'}`);
    const url = new URL(req.url ?? '/', `http://${host}:${port}`);
    let parts: string[];
    try {
      parts = url.pathname.split('/').slice(1).map(decodeURIComponent);
    } catch {
      throw new HttpError(400, 'malformed path');
    }
    const [head, id, sub] = parts;
    if (url.pathname === '/')
      return page(res, {
        kind: 'index',
        title: 'runs',
        generated_at: new Date().toISOString(),
        server: true,
        runs_dir: runsDir,
      });
    if (head === 'files') {
      const answer = readRunFile(runsDir, parts.slice(1).join('/'));
      if (answer.kind === 'refused') throw new HttpError(answer.status, answer.message);
      if (answer.kind === 'listing')
        return send(res, 200, 'text/plain; charset=utf-8', redact(answer.entries.join('\n')));
      if (answer.kind === 'text') return send(res, 200, 'text/plain; charset=utf-8', redact(answer.text));
      return send(
        res,
        200,
        'application/octet-stream',
        Buffer.from(redact(answer.data.toString('latin1')), 'latin1'),
        {
          'content-disposition': `attachment; filename="${answer.name.replace(/[^\w.-]/g, '_')}"`,
        },
      );
    }
    const db = await index.get();
    if (head === 'api') {
      const q = url.searchParams;
      if (id === 'facets') return sendJson(res, facets(db));
      if (id === 'suite-runs') return sendJson(res, listSuiteRuns(db, filterOf(q)));
      if (id === 'runs') return sendJson(res, listRunEntries(db, filterOf(q), runsDir));
      if (id === 'run' && sub !== undefined) {
        const folder = runFolder(runsDir, sub);
        if (!folder) throw new HttpError(404, `no run folder ${sub} under ${runsDir}`);
        return sendJson(res, loadRunDetail(folder, sub));
      }
      throw new HttpError(404, `no API ${url.pathname}`);
    }
    if (head === 'suite' && id !== undefined && isSafeId(id)) {
      const record = getSuiteRun(db, id);
      if (!record) throw new HttpError(404, `no suite run ${id}`);
      const base = url.searchParams.get('base');
      const download = sub === 'report.html';
      const built = buildSuitePage(db, {
        runsRoot: runsDir,
        record,
        detail: download ? 'embedded' : 'server',
        ...(base ? { baseBranch: base } : {}),
      });
      if (download)
        return send(res, 200, 'text/html; charset=utf-8', renderPageHtml(built.page, built.blocks()), {
          'content-disposition': `attachment; filename="report-${id}.html"`,
        });
      return page(res, built.page);
    }
    if (head === 'run' && id !== undefined && isSafeId(id)) {
      const folder = runFolder(runsDir, id);
      const result = folder ? new RunDirectory(runsDir, id).readResult() : null;
      const row = getRunRow(db, id);
      if (result) return page(res, buildRunPage(runsDir, result, 'server').page);
      if (!row) throw new HttpError(404, `no run ${id}`);
      const run = runEntryOf(row, runsDir);
      return page(res, {
        kind: 'run',
        title: `${run.task_id} · ${run.model}`,
        generated_at: new Date().toISOString(),
        server: true,
        run,
      });
    }
    throw new HttpError(404, `nothing at ${url.pathname}`);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const status = err instanceof HttpError ? err.status : 500;
      const message = err instanceof Error ? err.message : String(err);
      if (!res.headersSent) send(res, status, 'text/plain; charset=utf-8', redact(`${status}: ${message}\n`));
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        index.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
