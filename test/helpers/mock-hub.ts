/**
 * A local HTTP server that speaks the Hugging Face Hub endpoints `@huggingface/hub` 2.17 uses
 * to publish a dataset (shared/reference/wasm-stack.md §7), and stores what it receives:
 *
 * - GET  /api/whoami-v2
 * - POST /api/repos/create
 * - GET  /api/datasets/{ns}/{name}/tree/{rev}[/{path}]?recursive=&cursor=   (Link pagination)
 * - POST /api/datasets/{ns}/{name}/preupload/{rev}
 * - POST /datasets/{ns}/{name}.git/info/lfs/objects/batch                     (transfer "basic")
 * - PUT  /lfs-upload/{ns}/{name}/{oid}?X-Amz-Signature=…                      (pre-signed storage URL)
 * - POST /api/datasets/{ns}/{name}/commit/{rev}                               (ndjson)
 *
 * LFS objects are stored per repository, as the Hub's batch API answers per repository.
 *
 * Failure injection: rules matched by method and path drop the connection or answer a status
 * (429 with Retry-After, 500, 401, 403…), a number of times, optionally after letting some
 * matching requests through.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface MockUser {
  /** User name (= the user's namespace). */
  user: string;
  /** Organisations the user belongs to. */
  orgs?: string[];
  /** Token role. Default write. */
  role?: 'read' | 'write';
}

export interface MockHubOptions {
  /** Accepted tokens. Default `{ hf_mock_token_0123456789: { user: 'tester' } }`. */
  tokens?: Record<string, MockUser>;
  /** Tree entries per page (small values exercise Link pagination). Default 50. */
  pageSize?: number;
}

export type FailureAction = { kind: 'drop' } | { kind: 'status'; status: number; retryAfter?: string; error?: string };

export interface FailureRule {
  /** HTTP method to match; any when absent. */
  method?: string;
  /** Substring of, or pattern for, the URL path; any when absent. */
  path?: string | RegExp;
  action: FailureAction;
  /** Matching requests to fail; Infinity for all. Default 1. */
  times?: number;
  /** Matching requests to let through before failing. Default 0. */
  after?: number;
}

export interface RecordedRequest {
  method: string;
  /** Path without query string. */
  path: string;
  /** Full URL as requested (with query). */
  url: string;
  status: number | 'dropped';
  /** Authorization header value, if any. */
  authorization: string | null;
  bodyBytes: number;
  /** ms since the server started. */
  atMs: number;
}

export interface StoredFile {
  bytes: Uint8Array;
  /** sha256 when stored through LFS. */
  lfsOid?: string;
}

export interface MockCommit {
  repo: string;
  title: string;
  /** Paths added or updated (regular and LFS), removed. */
  added: string[];
  deleted: string[];
  oid: string;
  /** The commit createRepo makes (.gitattributes); not one the client asked for. */
  initial: boolean;
}

export interface MockRepo {
  type: 'dataset';
  private: boolean;
  files: Map<string, StoredFile>;
  /** LFS objects by sha256, as received by the storage PUT (committed or not). */
  lfs: Map<string, Uint8Array>;
  /** Completed storage PUTs per oid. */
  puts: Map<string, number>;
}

export interface MockHub {
  url: string;
  requests: RecordedRequest[];
  commits: MockCommit[];
  repos: Map<string, MockRepo>;
  fail(rule: FailureRule): void;
  clearFailures(): void;
  /** Commits the client made to a repo (createRepo's initial commit excluded). */
  clientCommits(repo: string): MockCommit[];
  close(): Promise<void>;
}

const GITATTRIBUTES = '*.parquet filter=lfs diff=lfs merge=lfs -text\n*.flac filter=lfs diff=lfs merge=lfs -text\n';

function sha256(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}
function gitOid(b: Uint8Array): string {
  return createHash('sha1').update(`blob ${b.length}\0`).update(b).digest('hex');
}
function lfsPointer(oid: string, size: number): Uint8Array {
  return new TextEncoder().encode(`version https://git-lfs.github.com/spec/v1\noid sha256:${oid}\nsize ${size}\n`);
}

async function readBody(req: IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

export async function startMockHub(opts: MockHubOptions = {}): Promise<MockHub> {
  const tokens = opts.tokens ?? { hf_mock_token_0123456789: { user: 'tester' } };
  const pageSize = opts.pageSize ?? 50;
  const t0 = Date.now();
  const requests: RecordedRequest[] = [];
  const commits: MockCommit[] = [];
  const repos = new Map<string, MockRepo>();
  const rules: (FailureRule & { seen: number; failed: number })[] = [];
  let commitCounter = 0;
  let base = '';

  const send = (res: ServerResponse, rec: RecordedRequest, status: number, body: unknown, headers: Record<string, string> = {}) => {
    rec.status = status;
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': typeof body === 'string' ? 'text/plain' : 'application/json', ...headers });
    res.end(text);
  };

  const userOf = (req: IncomingMessage): MockUser | null | 'invalid' => {
    const h = req.headers.authorization;
    if (!h) return null;
    const m = /^Bearer (.+)$/.exec(h);
    return (m && tokens[m[1]!]) || 'invalid';
  };

  const addCommit = (repo: string, title: string, added: string[], deleted: string[], initial: boolean) => {
    const oid = createHash('sha1').update(`commit ${++commitCounter}`).digest('hex');
    commits.push({ repo, title, added, deleted, oid, initial });
    return oid;
  };

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', base);
    const method = req.method ?? 'GET';
    const rec: RecordedRequest = {
      method,
      path: url.pathname,
      url: url.toString(),
      status: 0,
      authorization: req.headers.authorization ?? null,
      bodyBytes: 0,
      atMs: Date.now() - t0,
    };
    requests.push(rec);

    for (const r of rules) {
      const pathOk = r.path === undefined || (typeof r.path === 'string' ? url.pathname.includes(r.path) : r.path.test(url.pathname));
      if ((r.method && r.method !== method) || !pathOk) continue;
      r.seen++;
      if (r.seen <= (r.after ?? 0) || r.failed >= (r.times ?? 1)) continue;
      r.failed++;
      if (r.action.kind === 'drop') {
        rec.status = 'dropped';
        req.socket.destroy();
        return;
      }
      await readBody(req).catch(() => undefined);
      send(res, rec, r.action.status, { error: r.action.error ?? `injected ${r.action.status}` }, r.action.retryAfter ? { 'Retry-After': r.action.retryAfter } : {});
      return;
    }

    let body: Uint8Array;
    try {
      body = await readBody(req);
    } catch {
      rec.status = 'dropped';
      return;
    }
    rec.bodyBytes = body.length;
    const user = userOf(req);
    const json = () => JSON.parse(new TextDecoder().decode(body)) as Record<string, unknown>;
    const needUser = (write: boolean): MockUser | null => {
      if (user === 'invalid' || user === null) {
        send(res, rec, 401, { error: 'Invalid credentials in Authorization header' });
        return null;
      }
      if (write && user.role === 'read') {
        send(res, rec, 403, { error: 'You have read access but not the required permissions for this operation.' });
        return null;
      }
      return user;
    };
    const canWrite = (u: MockUser, ns: string) => ns === u.user || (u.orgs ?? []).includes(ns);

    let m: RegExpExecArray | null;
    if (method === 'GET' && url.pathname === '/api/whoami-v2') {
      const u = needUser(false);
      if (!u) return;
      return send(res, rec, 200, {
        type: 'user',
        id: 'u1',
        name: u.user,
        fullname: u.user,
        orgs: (u.orgs ?? []).map((o) => ({ type: 'org', name: o })),
        auth: { type: 'access_token', accessToken: { displayName: 'test', role: u.role ?? 'write', createdAt: '2025-01-01T00:00:00Z' } },
      });
    }
    if (method === 'POST' && url.pathname === '/api/repos/create') {
      const u = needUser(true);
      if (!u) return;
      const p = json();
      const full = `${String(p.organization)}/${String(p.name)}`;
      if (!canWrite(u, String(p.organization))) {
        return send(res, rec, 403, { error: `You don't have the rights to create a dataset under the namespace "${String(p.organization)}"` });
      }
      if (repos.has(full)) return send(res, rec, 409, { error: 'You already created this dataset repo', url: `${base}/datasets/${full}` });
      const files = new Map<string, StoredFile>([['.gitattributes', { bytes: new TextEncoder().encode(GITATTRIBUTES) }]]);
      repos.set(full, { type: 'dataset', private: p.visibility === 'private', files, lfs: new Map(), puts: new Map() });
      addCommit(full, 'initial commit', ['.gitattributes'], [], true);
      return send(res, rec, 200, { url: `${base}/datasets/${full}`, name: full, id: `id-${full}` });
    }
    if ((m = /^\/api\/datasets\/([^/]+)\/([^/]+)\/tree\/([^/]+)(?:\/(.*))?$/.exec(url.pathname)) && method === 'GET') {
      const u = needUser(false);
      if (!u) return;
      const full = `${m[1]}/${m[2]}`;
      const repo = repos.get(full);
      if (!repo) return send(res, rec, 404, { error: 'Repository not found' });
      const prefix = m[4] ? `${m[4]}/` : '';
      const recursive = url.searchParams.get('recursive') === 'true';
      const entries: Record<string, unknown>[] = [];
      const dirs = new Set<string>();
      for (const [path, f] of [...repo.files.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
        if (!path.startsWith(prefix)) continue;
        const rest = path.slice(prefix.length).split('/');
        for (let i = 1; i < rest.length && (recursive || i === 1); i++) dirs.add(prefix + rest.slice(0, i).join('/'));
        if (!recursive && rest.length > 1) continue;
        entries.push(
          f.lfsOid
            ? {
                type: 'file',
                path,
                size: f.bytes.length,
                oid: gitOid(lfsPointer(f.lfsOid, f.bytes.length)),
                lfs: { oid: f.lfsOid, size: f.bytes.length, pointerSize: lfsPointer(f.lfsOid, f.bytes.length).length },
              }
            : { type: 'file', path, size: f.bytes.length, oid: gitOid(f.bytes) },
        );
      }
      for (const d of dirs) entries.push({ type: 'directory', path: d, size: 0, oid: gitOid(new TextEncoder().encode(d)) });
      entries.sort((a, b) => (String(a.path) < String(b.path) ? -1 : 1));
      const cursor = Number(url.searchParams.get('cursor') ?? 0);
      const page = entries.slice(cursor, cursor + pageSize);
      const headers: Record<string, string> = {};
      if (cursor + pageSize < entries.length) {
        const next = new URL(url);
        next.searchParams.set('cursor', String(cursor + pageSize));
        headers.Link = `<${next.toString()}>; rel="next"`;
      }
      return send(res, rec, 200, page, headers);
    }
    if ((m = /^\/api\/datasets\/([^/]+)\/([^/]+)\/preupload\/([^/]+)$/.exec(url.pathname)) && method === 'POST') {
      const u = needUser(true);
      if (!u) return;
      const full = `${m[1]}/${m[2]}`;
      if (!repos.has(full)) return send(res, rec, 404, { error: 'Repository not found' });
      if (!canWrite(u, m[1]!)) return send(res, rec, 403, { error: 'Forbidden' });
      const p = json() as { files: { path: string; size: number; sample: string }[] };
      return send(res, rec, 200, {
        files: p.files.map((f) => {
          const sample = Buffer.from(f.sample, 'base64');
          const lfsMode = /\.(parquet|flac|mid)$/.test(f.path) || f.size >= 10_000_000 || sample.includes(0);
          return { path: f.path, uploadMode: lfsMode ? 'lfs' : 'regular', shouldIgnore: false };
        }),
      });
    }
    if ((m = /^\/datasets\/([^/]+)\/([^/]+)\.git\/info\/lfs\/objects\/batch$/.exec(url.pathname)) && method === 'POST') {
      const u = needUser(true);
      if (!u) return;
      const full = `${m[1]}/${m[2]}`;
      const repo = repos.get(full);
      if (!repo) return send(res, rec, 404, { error: 'Repository not found' });
      const p = json() as { transfers: string[]; objects: { oid: string; size: number }[] };
      if (!p.transfers.includes('basic')) return send(res, rec, 422, { error: 'basic transfer required' });
      return send(
        res,
        rec,
        200,
        {
          transfer: 'basic',
          objects: p.objects.map((o) => ({
            oid: o.oid,
            size: o.size,
            authenticated: true,
            ...(repo.lfs.has(o.oid)
              ? {}
              : {
                  actions: {
                    upload: {
                      // pre-signed URLs carry credentials in the query; clients must not print it
                      href: `${base}/lfs-upload/${full}/${o.oid}?X-Amz-Signature=presigned-secret-${o.oid.slice(0, 8)}`,
                      expires_at: '2099-01-01T00:00:00Z',
                    },
                  },
                }),
          })),
        },
        { 'Content-Type': 'application/vnd.git-lfs+json' },
      );
    }
    if ((m = /^\/lfs-upload\/([^/]+)\/([^/]+)\/([0-9a-f]{64})$/.exec(url.pathname)) && method === 'PUT') {
      const repo = repos.get(`${m[1]}/${m[2]}`);
      const oid = m[3]!;
      if (!repo) return send(res, rec, 404, { error: 'Repository not found' });
      if (sha256(body) !== oid) return send(res, rec, 400, { error: `sha256 mismatch for ${oid}` });
      repo.lfs.set(oid, body);
      repo.puts.set(oid, (repo.puts.get(oid) ?? 0) + 1);
      rec.status = 200;
      res.writeHead(200, { ETag: `"${oid.slice(0, 16)}"` });
      return res.end();
    }
    if ((m = /^\/api\/datasets\/([^/]+)\/([^/]+)\/commit\/([^/]+)$/.exec(url.pathname)) && method === 'POST') {
      const u = needUser(true);
      if (!u) return;
      const full = `${m[1]}/${m[2]}`;
      const repo = repos.get(full);
      if (!repo) return send(res, rec, 404, { error: 'Repository not found' });
      if (!canWrite(u, m[1]!)) return send(res, rec, 403, { error: 'Forbidden' });
      const lines = new TextDecoder()
        .decode(body)
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { key: string; value: Record<string, unknown> });
      const header = lines.find((l) => l.key === 'header');
      const next = new Map(repo.files);
      const added: string[] = [];
      const deleted: string[] = [];
      for (const l of lines) {
        const v = l.value;
        if (l.key === 'file') {
          next.set(String(v.path), { bytes: new Uint8Array(Buffer.from(String(v.content), 'base64')) });
          added.push(String(v.path));
        } else if (l.key === 'lfsFile') {
          const obj = repo.lfs.get(String(v.oid));
          if (!obj || obj.length !== Number(v.size)) {
            return send(res, rec, 422, { error: `LFS object ${String(v.oid)} for ${String(v.path)} was not uploaded` });
          }
          next.set(String(v.path), { bytes: obj, lfsOid: String(v.oid) });
          added.push(String(v.path));
        } else if (l.key === 'deletedFile') {
          if (!next.delete(String(v.path))) return send(res, rec, 404, { error: `cannot delete ${String(v.path)}: not found` });
          deleted.push(String(v.path));
        }
      }
      repo.files = next;
      const oid = addCommit(full, String(header?.value.summary ?? ''), added, deleted, false);
      return send(res, rec, 200, { commitOid: oid, commitUrl: `${base}/datasets/${full}/commit/${oid}`, hookOutput: '' });
    }
    send(res, rec, 404, { error: `mock hub: no route for ${method} ${url.pathname}` });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    requests,
    commits,
    repos,
    fail(rule) {
      rules.push({ ...rule, seen: 0, failed: 0 });
    },
    clearFailures() {
      rules.length = 0;
    },
    clientCommits(repo) {
      return commits.filter((c) => c.repo === repo && !c.initial);
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}
