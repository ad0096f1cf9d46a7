import { sendJson, startServer } from './http.js';

/**
 * A stand-in for the Actions results service: the twirp JSON routes of the
 * artifact and cache services, and blob storage (Azure block-blob PUTs and
 * plain GETs) behind the signed URLs it hands out. Cache scopes come from the
 * runtime token's `ac` claim, as on GitHub: a run writes to its first writable
 * scope and restores from its scopes in order (its own ref, then the base branch).
 */

export interface StoredArtifact {
  id: number;
  runBackendId: string;
  name: string;
  blob: string;
  size: number;
  expiresAt: string | null;
  finalized: boolean;
  /** application/zip for a zipped artifact; the file's own type for a skipArchive upload. */
  mimeType: string | null;
}

export interface CacheEntry {
  id: number;
  key: string;
  version: string;
  scope: string;
  blob: string;
  createdAt: number;
  finalized: boolean;
}

interface Scope {
  Scope: string;
  Permission: number;
}

export function runtimeToken(runBackendId: string, jobBackendId: string, scopes: Scope[]): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ scp: `Actions.GenericRead:x Actions.Results:${runBackendId}:${jobBackendId}`, ac: JSON.stringify(scopes) })}.`;
}

function claims(auth: string | undefined): { runBackendId: string; scopes: Scope[] } {
  const token = (auth ?? '').replace(/^Bearer\s+/i, '');
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8') || '{}');
  const results = String(payload.scp ?? '')
    .split(' ')
    .find((s) => s.startsWith('Actions.Results:'));
  if (!results) throw new Error('the runtime token has no Actions.Results scope');
  return { runBackendId: results.split(':')[1] ?? '', scopes: JSON.parse(payload.ac ?? '[]') };
}

export async function startResultsService() {
  const blobs = new Map<string, Buffer>();
  const blocks = new Map<string, Map<string, Buffer>>();
  const artifacts: StoredArtifact[] = [];
  const caches: CacheEntry[] = [];
  let nextId = 1;
  let clock = 0;
  const server = await startServer((req, url, res) => {
    const base = server.url;
    if (url.pathname.startsWith('/blob/')) {
      const name = url.pathname;
      if (req.method === 'PUT') {
        const comp = url.searchParams.get('comp');
        if (comp === 'block') {
          const id = url.searchParams.get('blockid') ?? '';
          if (!blocks.has(name)) blocks.set(name, new Map());
          blocks.get(name)?.set(id, req.body);
        } else if (comp === 'blocklist') {
          const ids = [
            ...req.body.toString('utf8').matchAll(/<(?:Latest|Uncommitted|Committed)>([^<]*)</g),
          ].map((m) => m[1] ?? '');
          blobs.set(name, Buffer.concat(ids.map((id) => blocks.get(name)?.get(id) ?? Buffer.alloc(0))));
        } else blobs.set(name, req.body);
        res.writeHead(201, {
          etag: `"${nextId++}"`,
          'last-modified': new Date().toUTCString(),
          'x-ms-request-compressed': 'false',
        });
        res.end();
        return;
      }
      const data = blobs.get(name);
      if (!data) return sendJson(res, 404, { message: 'no such blob' });
      res.writeHead(200, {
        'content-type':
          artifacts.find((a) => a.blob === name)?.mimeType ??
          (name.startsWith('/blob/artifact/') ? 'application/zip' : 'application/octet-stream'),
        'content-length': String(data.length),
      });
      res.end(data);
      return;
    }
    const m = /^\/twirp\/github\.actions\.results\.api\.v1\.(ArtifactService|CacheService)\/(\w+)$/.exec(
      url.pathname,
    );
    if (!m || req.method !== 'POST')
      return sendJson(res, 404, { code: 'bad_route', msg: `no route ${url.pathname}` });
    const { runBackendId, scopes } = claims(req.headers.authorization);
    const body = JSON.parse(req.body.toString('utf8') || '{}');
    const method = m[2];
    switch (method) {
      case 'CreateArtifact': {
        if (artifacts.some((a) => a.runBackendId === runBackendId && a.name === body.name))
          return sendJson(res, 409, {
            code: 'already_exists',
            msg: `an artifact named ${body.name} exists in this run`,
          });
        const id = nextId++;
        const mimeType: string | null = body.mime_type ?? null;
        const zipped = mimeType === null || mimeType === 'application/zip';
        const blob = `/blob/artifact/${id}/${body.name}${zipped ? '.zip' : ''}`;
        artifacts.push({
          id,
          runBackendId,
          name: body.name,
          blob,
          size: 0,
          expiresAt: body.expires_at ?? null,
          finalized: false,
          mimeType,
        });
        return sendJson(res, 200, {
          ok: true,
          signed_upload_url: `${base}${blob}?sig=artifact-upload-${id}`,
        });
      }
      case 'FinalizeArtifact': {
        const a = artifacts.find((x) => x.runBackendId === runBackendId && x.name === body.name);
        if (!a) return sendJson(res, 404, { code: 'not_found', msg: 'no such artifact' });
        a.finalized = true;
        a.size = Number(body.size);
        return sendJson(res, 200, { ok: true, artifact_id: String(a.id) });
      }
      case 'ListArtifacts': {
        const list = artifacts.filter(
          (a) =>
            a.finalized &&
            a.runBackendId === runBackendId &&
            (!body.name_filter || a.name === body.name_filter) &&
            (!body.id_filter || String(a.id) === String(body.id_filter)),
        );
        return sendJson(res, 200, {
          artifacts: list.map((a) => ({
            workflow_run_backend_id: a.runBackendId,
            workflow_job_run_backend_id: 'job',
            database_id: String(a.id),
            name: a.name,
            size: String(a.size),
            created_at: new Date(a.id * 1000).toISOString(),
          })),
        });
      }
      case 'GetSignedArtifactURL': {
        const a = artifacts.find(
          (x) => x.finalized && x.runBackendId === runBackendId && x.name === body.name,
        );
        if (!a) return sendJson(res, 404, { code: 'not_found', msg: 'no such artifact' });
        return sendJson(res, 200, { signed_url: `${base}${a.blob}?sig=artifact-download-${a.id}` });
      }
      case 'CreateCacheEntry': {
        const scope = scopes.find((s) => (s.Permission & 2) !== 0)?.Scope;
        if (!scope)
          return sendJson(res, 403, {
            code: 'permission_denied',
            msg: 'cache write denied: no writable scope',
          });
        if (caches.some((c) => c.key === body.key && c.version === body.version && c.scope === scope))
          return sendJson(res, 409, { code: 'already_exists', msg: 'cache entry already exists' });
        const id = nextId++;
        const blob = `/blob/cache/${id}`;
        caches.push({
          id,
          key: body.key,
          version: body.version,
          scope,
          blob,
          createdAt: ++clock,
          finalized: false,
        });
        return sendJson(res, 200, { ok: true, signed_upload_url: `${base}${blob}?sig=cache-upload-${id}` });
      }
      case 'FinalizeCacheEntryUpload': {
        const scope = scopes.find((s) => (s.Permission & 2) !== 0)?.Scope;
        const c = caches.find((x) => x.key === body.key && x.version === body.version && x.scope === scope);
        if (!c || !blobs.has(c.blob))
          return sendJson(res, 404, { code: 'not_found', msg: 'nothing uploaded' });
        c.finalized = true;
        return sendJson(res, 200, { ok: true, entry_id: String(c.id) });
      }
      case 'GetCacheEntryDownloadURL': {
        const keys: string[] = [body.key, ...(body.restore_keys ?? [])];
        for (const s of scopes.filter((x) => (x.Permission & 1) !== 0)) {
          const inScope = caches
            .filter((c) => c.finalized && c.scope === s.Scope && c.version === body.version)
            .sort((a, b) => b.createdAt - a.createdAt);
          const exact = inScope.find((c) => c.key === body.key);
          const hit = exact ?? keys.map((k) => inScope.find((c) => c.key.startsWith(k))).find(Boolean);
          if (hit)
            return sendJson(res, 200, {
              ok: true,
              signed_download_url: `${base}${hit.blob}?sig=cache-download-${hit.id}`,
              matched_key: hit.key,
            });
        }
        return sendJson(res, 200, { ok: false });
      }
      default:
        return sendJson(res, 404, { code: 'bad_route', msg: `no method ${method}` });
    }
  });
  return { ...server, blobs, artifacts, caches };
}
