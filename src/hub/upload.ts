/**
 * Uploads a staging folder to a Hub dataset repository with `@huggingface/hub`:
 *
 * 1. `whoAmI`: a rejected or read-only token, or a namespace the token cannot write to, stops
 *    here, before anything is created or sent;
 * 2. `createRepo` (an existing repository is fine);
 * 3. `listFiles`: files already on the Hub with the same content (LFS sha256, or git blob id
 *    for small files) are skipped, so a rerun after an interruption resumes; LFS objects sent
 *    by an interrupted run but never committed are skipped by the LFS batch answer itself;
 * 4. `commitIter` in as few commits as possible (the Hub allows 128 commits per repository per
 *    hour): one, unless the new data exceeds `maxCommitBytes` / `maxCommitFiles`; data first,
 *    the card and the removal of stale shards in the last commit;
 * 5. `listFiles` again: every staged file must be there with its size and hash.
 *
 * Every request goes through {@link retryingFetch}. The token only ever travels in the
 * Authorization header the library sets; it is never part of an event or a message.
 */
import { commitIter, createRepo, HubApiError, listFiles, whoAmI, type CommitOperation, type ListFileEntry } from '@huggingface/hub';
import { HubError } from '../errors.js';
import { HUB_CONFIG_NAMES } from './configs.js';
import { gitBlobSha1, type HubFileIO } from './io.js';
import { parseRepoId, type RepoId } from './repo-id.js';
import { retryingFetch, type RetryEvent, type RetryOptions } from './retry.js';
import type { StagedFile } from './stage.js';
import { CARD_FILE } from './stage.js';

export const DEFAULT_HUB_URL = 'https://huggingface.co';

/** Top-level folders the publisher owns in the repository; stale files there are removed. */
export const MANAGED_PREFIXES: readonly string[] = Object.freeze([...HUB_CONFIG_NAMES.map((c) => `${c}/`), 'auxiliary/']);

export interface UploadOptions {
  /** `namespace/name` of the dataset repository. */
  repo: string;
  /** Hub access token (`hf_…`); sent only in the Authorization header. */
  accessToken: string;
  /** Where the token came from (`--token`, `HF_TOKEN`, a file path), for messages. */
  tokenSource: string;
  /** Hub endpoint. Default https://huggingface.co. */
  hubUrl: string;
  /** `fetch` used for every request. Default `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Create the repository private (an existing repository keeps its visibility). Default false. */
  private: boolean;
  /** New bytes per commit; more data is split over several commits. Default 25 GB. */
  maxCommitBytes: number;
  /** Files per commit. Default 1 000. */
  maxCommitFiles: number;
  /** Let the library use the Hub's xet transfer when the server offers it. Default true. */
  useXet: boolean;
  /** Retry policy for 429 / 5xx / connection failures. */
  retry: Partial<RetryOptions>;
  /** Wait function for retries (tests). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Checked throughout; aborts requests in flight. */
  signal?: AbortSignal;
}

export const DEFAULT_UPLOAD_OPTIONS: Readonly<
  Pick<UploadOptions, 'hubUrl' | 'private' | 'maxCommitBytes' | 'maxCommitFiles' | 'useXet' | 'retry'>
> = Object.freeze({
  hubUrl: DEFAULT_HUB_URL,
  private: false,
  maxCommitBytes: 25_000_000_000,
  maxCommitFiles: 1_000,
  useXet: true,
  retry: {},
});

export type UploadEvent =
  | { type: 'auth'; user: string }
  | { type: 'repo'; created: boolean; url: string }
  | {
      type: 'plan';
      upload: number;
      uploadBytes: number;
      skip: number;
      skipBytes: number;
      remove: number;
      commits: number;
    }
  | { type: 'commit-start'; index: number; total: number; files: number; bytes: number }
  | { type: 'progress'; path: string; state: 'hashing' | 'uploading'; bytesDone: number; bytesTotal: number }
  | { type: 'retry'; retry: RetryEvent }
  | { type: 'commit-done'; index: number; total: number; oid: string }
  | { type: 'verified'; files: number };

export interface UploadSummary {
  /** Browser URL of the dataset. */
  url: string;
  commits: number;
  uploaded: string[];
  skipped: string[];
  removed: string[];
  uploadedBytes: number;
}

interface Ctx {
  repo: RepoId;
  hubUrl: string;
  tokenSource: string;
}

function isNetworkError(e: unknown): boolean {
  return e instanceof TypeError && /fetch failed|network|socket|ECONN|terminated/i.test(`${e.message} ${String((e as { cause?: unknown }).cause ?? '')}`);
}

/** Turn a library or network failure into a {@link HubError} that says what to do. */
export function hubFailure(e: unknown, what: string, ctx: Ctx): unknown {
  if (e instanceof HubError) return e;
  if (e instanceof Error && (e.name === 'AbortError' || e.name === 'TimeoutError')) return e;
  const rerun = 'rerun the same command: files already on the Hub are not sent again';
  if (e instanceof HubApiError) {
    // pre-signed storage URLs carry credentials in their query string: never show it
    const detail = e.message
      .replace(/(https?:\/\/[^\s?]+)\?\S*/g, '$1')
      .replace(/\s+/g, ' ')
      .trim();
    switch (e.statusCode) {
      case 401:
        return new HubError(
          'HUB_UNAUTHORIZED',
          `${what}: the Hub at ${ctx.hubUrl} rejected the token from ${ctx.tokenSource} (401 Unauthorized). ` +
            `Fix: create a token with write access at ${ctx.hubUrl}/settings/tokens and pass it with --token, ` +
            'set HF_TOKEN, or save it with "huggingface-cli login"',
          { cause: e },
        );
      case 403:
        return new HubError(
          'HUB_FORBIDDEN',
          `${what}: the token from ${ctx.tokenSource} may not write to ${ctx.repo.full} (403 Forbidden: ${detail}). ` +
            `Fix: use a token with write access to the "${ctx.repo.namespace}" namespace (fine-grained tokens need write ` +
            'permission on it), or publish under a namespace you own',
          { cause: e },
        );
      case 404:
        return new HubError(
          'HUB_NOT_FOUND',
          `${what}: ${ctx.repo.full} was not found at ${ctx.hubUrl} (404: ${detail}). Fix: check the repo id and --hub-url / HF_ENDPOINT`,
          { cause: e },
        );
      case 429:
        return new HubError('HUB_RATE_LIMITED', `${what}: the Hub is rate limiting this repository (429: ${detail}); wait, then ${rerun}`, {
          cause: e,
        });
      default:
        return new HubError('HUB_REQUEST_FAILED', `${what} failed with HTTP ${e.statusCode}: ${detail}; ${rerun}`, { cause: e });
    }
  }
  if (isNetworkError(e)) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    return new HubError(
      'HUB_UNREACHABLE',
      `${what}: cannot reach ${ctx.hubUrl} (${cause?.code ?? cause?.message ?? (e as Error).message}) after retries. ` +
        `Fix: check the network and --hub-url / HF_ENDPOINT, then ${rerun}`,
      { cause: e },
    );
  }
  return new HubError('HUB_FAILED', `${what} failed: ${e instanceof Error ? e.message : String(e)}; ${rerun}`, { cause: e });
}

/**
 * Remote file equal to the staged one? LFS files by sha256, git files by blob id. A xet-backed
 * entry without LFS metadata cannot be hashed locally: `xetSizeOnly` accepts it on size (for
 * verification); otherwise it counts as different (re-sent; xet deduplicates the chunks).
 */
async function sameContent(
  local: StagedFile,
  remote: ListFileEntry | undefined,
  staging: HubFileIO,
  xetSizeOnly = false,
): Promise<boolean> {
  if (!remote || remote.type !== 'file' || remote.size !== local.size) return false;
  if (remote.lfs) return remote.lfs.oid === local.sha256;
  if (remote.xetHash) return xetSizeOnly;
  if (!remote.oid) return false;
  const bytes = await staging.readFile(local.path);
  return bytes !== null && (await gitBlobSha1(bytes)) === remote.oid;
}

/** Split files into commits: bounded bytes and file count, order kept, card in the last one. */
export function groupCommits(files: readonly StagedFile[], maxBytes: number, maxFiles: number): StagedFile[][] {
  const data = files.filter((f) => f.path !== CARD_FILE);
  const card = files.filter((f) => f.path === CARD_FILE);
  const groups: StagedFile[][] = [];
  let cur: StagedFile[] = [];
  let bytes = 0;
  for (const f of data) {
    if (cur.length > 0 && (bytes + f.size > maxBytes || cur.length >= maxFiles)) {
      groups.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(f);
    bytes += f.size;
  }
  // the card goes last, so the Hub never shows a card whose configs name files not there yet
  if (card.length > 0 && cur.length >= maxFiles) {
    groups.push(cur);
    cur = [];
  }
  if (cur.length > 0 || card.length > 0) groups.push([...cur, ...card]);
  return groups;
}

async function listRemote(
  params: { repo: { type: 'dataset'; name: string }; hubUrl: string; fetch: typeof fetch; accessToken: string },
): Promise<Map<string, ListFileEntry>> {
  const out = new Map<string, ListFileEntry>();
  for await (const e of listFiles({ ...params, recursive: true })) if (e.type === 'file') out.set(e.path, e);
  return out;
}

/**
 * Check, before anything is built or sent, that the token is accepted, is not read-only and
 * belongs to a user who may write to the repository's namespace. Returns the user name.
 */
export async function checkHubAccess(
  options: Partial<UploadOptions> & Pick<UploadOptions, 'repo' | 'accessToken' | 'tokenSource'>,
): Promise<string> {
  const o = { ...DEFAULT_UPLOAD_OPTIONS, ...options } as UploadOptions;
  const fetchFn = retryingFetch(o.fetch ?? globalThis.fetch.bind(globalThis), { ...o.retry, sleep: o.sleep });
  return accessCheck(o, fetchFn);
}

async function accessCheck(o: UploadOptions, fetchFn: typeof fetch): Promise<string> {
  const repo = parseRepoId(o.repo);
  const hubUrl = o.hubUrl.replace(/\/+$/, '');
  let me: Awaited<ReturnType<typeof whoAmI>>;
  try {
    me = await whoAmI({ hubUrl, fetch: fetchFn, accessToken: o.accessToken });
  } catch (e) {
    throw hubFailure(e, 'checking the token', { repo, hubUrl, tokenSource: o.tokenSource });
  }
  const role = me.auth?.accessToken?.role;
  if (role === 'read') {
    throw new HubError(
      'HUB_FORBIDDEN',
      `the token from ${o.tokenSource} is read-only; publishing needs write access. Fix: create a "write" token at ${hubUrl}/settings/tokens`,
    );
  }
  if (me.type === 'user') {
    const allowed = [me.name, ...(me.orgs ?? []).map((org) => org.name)];
    if (!allowed.includes(repo.namespace)) {
      throw new HubError(
        'HUB_FORBIDDEN',
        `the token from ${o.tokenSource} belongs to "${me.name}", which cannot write to namespace "${repo.namespace}" ` +
          `(writable: ${allowed.join(', ')}). Fix: publish as ${me.name}/${repo.name} or use a token of a member of "${repo.namespace}"`,
      );
    }
  }
  return me.name;
}

/** Upload the staged files, yielding progress events; returns what was done. */
export async function* uploadStagingIter(
  files: readonly StagedFile[],
  staging: HubFileIO,
  options: Partial<UploadOptions> & Pick<UploadOptions, 'repo' | 'accessToken' | 'tokenSource'>,
): AsyncGenerator<UploadEvent, UploadSummary> {
  const o = { ...DEFAULT_UPLOAD_OPTIONS, ...options } as UploadOptions;
  const repo = parseRepoId(o.repo);
  const hubUrl = o.hubUrl.replace(/\/+$/, '');
  const ctx: Ctx = { repo, hubUrl, tokenSource: o.tokenSource };
  const retries: RetryEvent[] = [];
  const fetchFn = retryingFetch(o.fetch ?? globalThis.fetch.bind(globalThis), {
    ...o.retry,
    sleep: o.sleep,
    onRetry: (r) => retries.push(r),
  });
  const drainRetries = function* (): Generator<UploadEvent> {
    while (retries.length > 0) yield { type: 'retry', retry: retries.shift()! };
  };
  const base = { hubUrl, fetch: fetchFn, accessToken: o.accessToken };
  const repoRef = { type: 'dataset' as const, name: repo.full };
  const url = `${hubUrl}/datasets/${repo.full}`;
  const step = async <T>(what: string, f: () => Promise<T>): Promise<T> => {
    o.signal?.throwIfAborted();
    try {
      return await f();
    } catch (e) {
      throw hubFailure(e, what, ctx);
    }
  };

  // 1. who is this token, and may it write there?
  const me = await accessCheck(o, fetchFn);
  yield* drainRetries();
  yield { type: 'auth', user: me };

  // 2. repository
  let created = true;
  await step(`creating dataset repository ${repo.full}`, async () => {
    try {
      await createRepo({ ...base, repo: repoRef, ...(o.private ? { visibility: 'private' as const } : {}) });
    } catch (e) {
      if (e instanceof HubApiError && e.statusCode === 409) created = false;
      else throw e;
    }
  });
  yield* drainRetries();
  yield { type: 'repo', created, url };

  // 3. what is already there
  const remote = await step('listing the files on the Hub', () => listRemote({ ...base, repo: repoRef }));
  yield* drainRetries();
  const toUpload: StagedFile[] = [];
  const skipped: StagedFile[] = [];
  for (const f of files) ((await sameContent(f, remote.get(f.path), staging)) ? skipped : toUpload).push(f);
  const staged = new Set(files.map((f) => f.path));
  const removed = [...remote.keys()].filter((p) => !staged.has(p) && MANAGED_PREFIXES.some((pre) => p.startsWith(pre))).sort();
  let groups = groupCommits(toUpload, o.maxCommitBytes, o.maxCommitFiles);
  if (groups.length === 0 && removed.length > 0) groups = [[]];
  yield {
    type: 'plan',
    upload: toUpload.length,
    uploadBytes: toUpload.reduce((n, f) => n + f.size, 0),
    skip: skipped.length,
    skipBytes: skipped.reduce((n, f) => n + f.size, 0),
    remove: removed.length,
    commits: groups.length,
  };

  // 4. commits
  const totalBytes = toUpload.reduce((n, f) => n + f.size, 0);
  let doneBytes = 0;
  for (let g = 0; g < groups.length; g++) {
    const group = groups[g]!;
    const last = g === groups.length - 1;
    const sizes = new Map(group.map((f) => [f.path, f.size]));
    const operations: CommitOperation[] = [];
    for (const f of group) operations.push({ operation: 'addOrUpdate', path: f.path, content: await staging.blob(f.path) });
    if (last) for (const p of removed) operations.push({ operation: 'delete', path: p });
    const groupBytes = group.reduce((n, f) => n + f.size, 0);
    yield { type: 'commit-start', index: g + 1, total: groups.length, files: group.length, bytes: groupBytes };
    const title =
      groups.length === 1 ? 'Publish sousa-wasm dataset' : `Publish sousa-wasm dataset (part ${g + 1} of ${groups.length})`;
    const progress = new Map<string, number>();
    const it = commitIter({
      ...base,
      repo: repoRef,
      operations,
      title,
      description: `${group.length} file(s), ${groupBytes} bytes${last && removed.length ? `; removes ${removed.length} stale file(s)` : ''}`,
      useXet: o.useXet,
      abortSignal: o.signal,
    });
    let result;
    try {
      for (;;) {
        const r = await it.next();
        yield* drainRetries();
        if (r.done) {
          result = r.value;
          break;
        }
        const ev = r.value;
        if (ev.event !== 'fileProgress' || ev.state === 'error') continue;
        const size = sizes.get(ev.path) ?? 0;
        if (ev.state === 'uploading') progress.set(ev.path, ev.progress * size);
        const sent = [...progress.values()].reduce((a, b) => a + b, 0);
        yield {
          type: 'progress',
          path: ev.path,
          state: ev.state,
          bytesDone: doneBytes + (ev.state === 'hashing' ? 0 : sent),
          bytesTotal: totalBytes,
        };
      }
    } catch (e) {
      yield* drainRetries();
      throw hubFailure(e, `uploading commit ${g + 1} of ${groups.length}`, ctx);
    }
    doneBytes += groupBytes;
    yield { type: 'commit-done', index: g + 1, total: groups.length, oid: result?.commit.oid ?? '' };
  }

  // 5. verify
  const after = await step('verifying the files on the Hub', () => listRemote({ ...base, repo: repoRef }));
  yield* drainRetries();
  const problems: string[] = [];
  for (const f of files) {
    const r = after.get(f.path);
    if (!r) problems.push(`${f.path} is missing`);
    else if (r.size !== f.size) problems.push(`${f.path} has ${r.size} bytes, expected ${f.size}`);
    else if (!(await sameContent(f, r, staging, true))) problems.push(`${f.path} has other content (hash differs)`);
  }
  for (const p of after.keys()) {
    if (!staged.has(p) && MANAGED_PREFIXES.some((pre) => p.startsWith(pre))) problems.push(`${p} is stale and still there`);
  }
  if (problems.length > 0) {
    throw new HubError(
      'HUB_VERIFY_FAILED',
      `after upload, ${url} does not match the staging folder:\n  - ${problems.slice(0, 10).join('\n  - ')}` +
        `${problems.length > 10 ? `\n  - … (${problems.length} in all)` : ''}\nFix: rerun the same command; it uploads what is missing`,
    );
  }
  yield { type: 'verified', files: files.length };
  return {
    url,
    commits: groups.length,
    uploaded: toUpload.map((f) => f.path),
    skipped: skipped.map((f) => f.path),
    removed,
    uploadedBytes: totalBytes,
  };
}

/** Promise wrapper: drains {@link uploadStagingIter}, calling `onEvent` for each event. */
export async function uploadStaging(
  files: readonly StagedFile[],
  staging: HubFileIO,
  options: Partial<UploadOptions> & Pick<UploadOptions, 'repo' | 'accessToken' | 'tokenSource'>,
  onEvent?: (e: UploadEvent) => void,
): Promise<UploadSummary> {
  const it = uploadStagingIter(files, staging, options);
  for (;;) {
    const r = await it.next();
    if (r.done) return r.value;
    onEvent?.(r.value);
  }
}
