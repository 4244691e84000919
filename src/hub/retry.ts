/**
 * A `fetch` wrapper that retries what is worth retrying: 429 (honouring `Retry-After`), 408 and
 * 5xx answers, and connection failures (resets, refused, dropped). `@huggingface/hub` does not
 * retry by itself; every request it makes goes through the `fetch` we hand it, so wrapping that
 * one function covers preupload, LFS batch, the storage PUTs and the commit.
 *
 * Backoff is exponential without jitter: there is one uploader per repository, so there is no
 * herd to spread, and a fixed schedule keeps the behaviour reproducible in tests.
 */
import { HubError } from '../errors.js';

export interface RetryOptions {
  /** Retries after the first attempt before giving up. Default 6. */
  maxRetries: number;
  /** First backoff delay in ms, doubled on each retry. Default 1 000. */
  baseDelayMs: number;
  /** Longest backoff delay in ms. Default 60 000. */
  maxDelayMs: number;
  /** Longest `Retry-After` honoured, in ms; a longer one fails with a "rerun later" message. Default 900 000. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_OPTIONS: Readonly<RetryOptions> = Object.freeze({
  maxRetries: 6,
  baseDelayMs: 1_000,
  maxDelayMs: 60_000,
  maxRetryAfterMs: 900_000,
});

/** One retry about to happen. */
export interface RetryEvent {
  /** 1 for the first retry. */
  attempt: number;
  /** Wait before the retry, ms. */
  delayMs: number;
  /** `429`, `503`, `connection failed: …`. */
  reason: string;
  /** Method and URL without query string (pre-signed storage URLs carry credentials there). */
  request: string;
}

export interface RetryingFetchOptions extends Partial<RetryOptions> {
  /** Called before each retry (progress output). */
  onRetry?: (e: RetryEvent) => void;
  /** Wait function; tests may replace it. Default: a timer that the signal cancels. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

const RETRY_STATUS = new Set([408, 429, 500, 502, 503, 504]);

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** `Retry-After` as ms: delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, nowMs: number): number | null {
  if (value === null) return null;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : Math.max(0, t - nowMs);
}

/** The request as `METHOD origin/path`, never with its query string or headers. */
export function describeRequest(input: string | URL | Request, init?: RequestInit): string {
  const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
  const raw = input instanceof Request ? input.url : String(input);
  try {
    const u = new URL(raw);
    return `${method} ${u.origin}${u.pathname}`;
  } catch {
    return `${method} ${raw.split('?')[0]}`;
  }
}

function isAbort(e: unknown, signal?: AbortSignal | null): boolean {
  return Boolean(signal?.aborted) || (e instanceof Error && (e.name === 'AbortError' || e.name === 'TimeoutError'));
}

function networkReason(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  return `connection failed: ${cause?.code ?? cause?.message ?? (e instanceof Error ? e.message : String(e))}`;
}

/** Wrap `inner` so transient failures are retried with backoff. */
export function retryingFetch(inner: typeof fetch, opts: RetryingFetchOptions = {}): typeof fetch {
  const o: RetryOptions = { ...DEFAULT_RETRY_OPTIONS, ...stripUndefined(opts) };
  const sleep = opts.sleep ?? abortableSleep;
  const wrapped = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    // A stream body can be read once only; such requests get a single attempt.
    const replayable = !(input instanceof Request) && !(init?.body instanceof ReadableStream);
    const signal = init?.signal ?? undefined;
    for (let attempt = 0; ; attempt++) {
      let reason: string;
      let delayMs = Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** attempt);
      try {
        const res = await inner(input, init);
        if (!RETRY_STATUS.has(res.status) || !replayable || attempt >= o.maxRetries) {
          if (res.status === 429) {
            const wait = parseRetryAfter(res.headers.get('Retry-After'), Date.now());
            if (wait !== null && wait > o.maxRetryAfterMs) throw rateLimited(wait, input, init);
          }
          return res;
        }
        reason = String(res.status);
        const retryAfter = parseRetryAfter(res.headers.get('Retry-After'), Date.now());
        if (retryAfter !== null) {
          if (retryAfter > o.maxRetryAfterMs) {
            await res.body?.cancel().catch(() => undefined);
            throw rateLimited(retryAfter, input, init);
          }
          delayMs = retryAfter;
        }
        await res.body?.cancel().catch(() => undefined);
      } catch (e) {
        if (e instanceof HubError || isAbort(e, signal) || !replayable || attempt >= o.maxRetries) throw e;
        // fetch rejects with a TypeError for network failures; anything else is not ours to retry
        if (!(e instanceof TypeError)) throw e;
        reason = networkReason(e);
      }
      opts.onRetry?.({ attempt: attempt + 1, delayMs, reason, request: describeRequest(input, init) });
      await sleep(delayMs, signal);
    }
  };
  return wrapped as typeof fetch;
}

function rateLimited(waitMs: number, input: string | URL | Request, init?: RequestInit): HubError {
  return new HubError(
    'HUB_RATE_LIMITED',
    `the Hub asks to wait ${Math.ceil(waitMs / 1000)} s before more requests (429 Retry-After on ${describeRequest(input, init)}); ` +
      'rerun the same publish command later: files already uploaded are not sent again',
  );
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && typeof v !== 'function')) as Partial<T>;
}
