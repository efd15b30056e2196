// Bounded retries for cloud calls: exponential backoff with full jitter, a server's
// Retry-After honoured (never waited on past a cap), and a clear split between failures
// worth retrying (network drops, 5xx, SlowDown, a checksum mismatch after upload) and
// failures that retrying cannot fix (wrong credentials, missing bucket, bad request).
// Adapters turn library errors into KeepsakeErrors with `details.retryable` and
// `details.retryAfterMs` through toCloudError(); withRetry only reads those.
import { KeepsakeError, isKeepsakeError } from '../../../common/errors';

export interface RetryPolicy {
  /** Total tries, the first included. */
  attempts: number;
  baseMs: number;
  maxMs: number;
  /** The longest Retry-After we will honour; longer ones fail the call so the job can report it. */
  maxRetryAfterMs: number;
  random: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new KeepsakeError('CANCELLED', 'The cloud transfer was cancelled.'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new KeepsakeError('CANCELLED', 'The cloud transfer was cancelled.'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export const defaultRetryPolicy: RetryPolicy = {
  attempts: 8,
  baseMs: 200,
  maxMs: 20_000,
  maxRetryAfterMs: 60_000,
  random: Math.random,
  sleep: abortableSleep,
};

/** Full jitter (AWS architecture blog): a uniform wait in [0, min(max, base·2^n)]. */
export function backoffMs(attempt: number, policy: RetryPolicy, retryAfterMs?: number): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** attempt);
  const jittered = Math.floor(policy.random() * ceiling);
  return retryAfterMs !== undefined ? Math.max(retryAfterMs, jittered) : jittered;
}

export function isRetryable(e: unknown): boolean {
  return isKeepsakeError(e) && e.details?.retryable === true;
}

/** Runs `op` until it succeeds, fails with a non-retryable error, or the budget runs out. */
export async function withRetry<T>(op: (attempt: number) => Promise<T>, policy: RetryPolicy, signal?: AbortSignal, onRetry?: (e: KeepsakeError, waitMs: number) => void): Promise<T> {
  let last: unknown;
  for (let attempt = 0; attempt < policy.attempts; attempt++) {
    if (signal?.aborted) throw new KeepsakeError('CANCELLED', 'The cloud transfer was cancelled.');
    try {
      return await op(attempt);
    } catch (e) {
      last = e;
      if (!isRetryable(e) || attempt === policy.attempts - 1) break;
      const err = e as KeepsakeError;
      const retryAfter = typeof err.details?.retryAfterMs === 'number' ? err.details.retryAfterMs : undefined;
      if (retryAfter !== undefined && retryAfter > policy.maxRetryAfterMs) break;
      const wait = backoffMs(attempt, policy, retryAfter);
      onRetry?.(err, wait);
      await policy.sleep(wait, signal);
    }
  }
  if (isKeepsakeError(last)) {
    if (isRetryable(last)) {
      throw new KeepsakeError(last.code, `${last.message} (gave up after ${policy.attempts} tries)`, { ...last.details, retryable: false, exhausted: true });
    }
    throw last;
  }
  throw toCloudError(last, 'reach the cloud target');
}

/** Parses a Retry-After header: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const s = value.trim();
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  const at = Date.parse(s);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

const RETRYABLE_NET = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ERR_STREAM_PREMATURE_CLOSE', 'TimeoutError', 'RequestTimeout', 'RequestTimeTooSkewed']);
const RETRYABLE_S3 = new Set(['SlowDown', 'InternalError', 'ServiceUnavailable', 'RequestTimeout', 'Throttling', 'ThrottlingException', 'TooManyRequests', 'RequestTimeTooSkewed', 'BadDigest', 'IncompleteBody', 'XAmzContentSHA256Mismatch']);

export interface HttpFailure {
  status?: number;
  code?: string;
  retryAfter?: string | null;
}

/**
 * Turns any failure of a cloud call into a KeepsakeError a person can read, marking the
 * ones worth retrying. `what` completes "Could not …" ("upload an object").
 */
export function toCloudError(e: unknown, what: string, http: HttpFailure = {}): KeepsakeError {
  if (isKeepsakeError(e)) return e;
  const err = (e ?? {}) as { code?: string; name?: string; message?: string; cause?: { code?: string } };
  const code = http.code ?? err.code ?? err.cause?.code ?? err.name ?? '';
  const status = http.status;
  const retryAfterMs = parseRetryAfter(http.retryAfter);
  const extra = retryAfterMs !== undefined ? { retryAfterMs } : {};
  if (err.name === 'AbortError' && !RETRYABLE_NET.has(code)) return new KeepsakeError('CANCELLED', 'The cloud transfer was cancelled.');
  if (status === 401 || status === 403 || code === 'AccessDenied' || code === 'InvalidAccessKeyId' || code === 'SignatureDoesNotMatch') {
    return new KeepsakeError('UNAUTHORIZED', `Could not ${what}: the target refused the credentials (check the access key, secret or password).`, { status, code });
  }
  if (status === 404 || code === 'NoSuchKey' || code === 'NotFound') return new KeepsakeError('NOT_FOUND', `Could not ${what}: the object is not there.`, { status, code });
  if (code === 'NoSuchBucket') return new KeepsakeError('NOT_FOUND', `Could not ${what}: the bucket does not exist.`, { status, code });
  if (RETRYABLE_S3.has(code) || (status !== undefined && (status === 408 || status === 429 || status >= 500))) {
    return new KeepsakeError('NETWORK', `Could not ${what}: the target answered ${status ?? ''} ${code}`.trim() + ' (a temporary problem).', { status, code, retryable: true, ...extra });
  }
  if (RETRYABLE_NET.has(code) || /socket hang up|premature close|aborted|terminated|other side closed|ECONNRESET|fetch failed/i.test(err.message ?? '')) {
    return new KeepsakeError('NETWORK', `Could not ${what}: the connection was interrupted.`, { code, retryable: true });
  }
  if (status !== undefined) return new KeepsakeError('NETWORK', `Could not ${what}: the target answered HTTP ${status}${code ? ` (${code})` : ''}.`, { status, code });
  return new KeepsakeError('NETWORK', `Could not ${what}: ${(err.message ?? 'unknown failure').slice(0, 200)}`, { code });
}
