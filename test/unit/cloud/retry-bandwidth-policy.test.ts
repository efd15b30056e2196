// Retries (bounded, full jitter, Retry-After honoured, fatal errors not retried), the
// upload token bucket (with a fake clock: how long it makes senders wait, not wall time),
// the plain-http policy, and target specs for restore-vault.
import { describe, expect, it } from 'vitest';
import { KeepsakeError } from '../../../common/errors';
import { TokenBucket } from '../../../main/core/cloud/bandwidth';
import { checkEndpoint, isLoopbackHost } from '../../../main/core/cloud/endpoint-policy';
import { backoffMs, parseRetryAfter, toCloudError, withRetry, type RetryPolicy } from '../../../main/core/cloud/retry';
import { parseTargetSpec } from '../../../main/core/cloud/target-config';

function policy(waits: number[], random = 0.5, attempts = 5): RetryPolicy {
  return { attempts, baseMs: 100, maxMs: 1000, maxRetryAfterMs: 10_000, random: () => random, sleep: async (ms) => void waits.push(ms) };
}
const retryable = (extra: Record<string, unknown> = {}): KeepsakeError => new KeepsakeError('NETWORK', 'temporary', { retryable: true, ...extra });

describe('withRetry', () => {
  it('retries retryable failures with exponential full-jitter backoff, then succeeds', async () => {
    const waits: number[] = [];
    let n = 0;
    const out = await withRetry(async () => {
      if (++n < 4) throw retryable();
      return 'ok';
    }, policy(waits, 0.5));
    expect(out).toBe('ok');
    expect(waits).toEqual([50, 100, 200]); // 0.5 × min(1000, 100·2^k)
  });

  it('caps the backoff and keeps every wait within [0, cap]', () => {
    for (const r of [0, 0.3, 0.999]) {
      for (let a = 0; a < 12; a++) {
        const w = backoffMs(a, policy([], r));
        expect(w).toBeGreaterThanOrEqual(0);
        expect(w).toBeLessThanOrEqual(Math.min(1000, 100 * 2 ** a));
      }
    }
  });

  it('waits at least what Retry-After asks', async () => {
    const waits: number[] = [];
    let n = 0;
    await withRetry(async () => {
      if (++n === 1) throw retryable({ retryAfterMs: 3000 });
      return 1;
    }, policy(waits, 0.1));
    expect(waits).toEqual([3000]);
  });

  it('gives up at once on a Retry-After beyond the cap, and on a fatal error', async () => {
    const waits: number[] = [];
    await expect(withRetry(async () => Promise.reject(retryable({ retryAfterMs: 999_999 })), policy(waits))).rejects.toMatchObject({ code: 'NETWORK' });
    expect(waits).toEqual([]);
    let calls = 0;
    await expect(
      withRetry(async () => {
        calls++;
        throw new KeepsakeError('UNAUTHORIZED', 'bad key');
      }, policy(waits)),
    ).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect(calls).toBe(1);
  });

  it('is bounded: after the last try the error says so and is no longer retryable', async () => {
    const waits: number[] = [];
    let calls = 0;
    const err = await withRetry(async () => {
      calls++;
      throw retryable();
    }, policy(waits, 0.5, 4)).catch((e: KeepsakeError) => e);
    expect(calls).toBe(4);
    expect(waits).toHaveLength(3);
    expect(err.message).toMatch(/gave up after 4 tries/);
    expect(err.details?.retryable).toBe(false);
  });
});

describe('error classification', () => {
  it('splits retryable from fatal', () => {
    expect(toCloudError({ name: 'SlowDown' }, 'x', { status: 503, code: 'SlowDown', retryAfter: '2' }).details).toMatchObject({ retryable: true, retryAfterMs: 2000 });
    expect(toCloudError({ code: 'ECONNRESET', message: 'socket hang up' }, 'x').details?.retryable).toBe(true);
    expect(toCloudError({}, 'x', { status: 500 }).details?.retryable).toBe(true);
    expect(toCloudError({}, 'x', { status: 403 }).code).toBe('UNAUTHORIZED');
    expect(toCloudError({}, 'x', { status: 404 }).code).toBe('NOT_FOUND');
    expect(toCloudError({}, 'x', { status: 400, code: 'InvalidArgument' }).details?.retryable).toBeUndefined();
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('7')).toBe(7000);
    expect(parseRetryAfter(new Date(10_000 + 5000).toUTCString(), 10_000)).toBe(5000);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

describe('TokenBucket', () => {
  it('lets a one-second burst through, then makes senders wait in proportion to what they send', async () => {
    let t = 0;
    const waits: number[] = [];
    const bucket = new TokenBucket(1000, () => t, async (ms) => {
      waits.push(ms);
      t += ms;
    });
    await bucket.take(1000);
    expect(waits).toEqual([]);
    await bucket.take(500);
    expect(waits).toEqual([500]);
    await bucket.take(2000);
    expect(waits[1]).toBe(2000);
  });

  it('does nothing when unlimited', async () => {
    const waits: number[] = [];
    const bucket = new TokenBucket(0, () => 0, async (ms) => void waits.push(ms));
    await bucket.take(10 ** 9);
    expect(waits).toEqual([]);
  });
});

describe('plain http policy', () => {
  it('allows https anywhere and http only to this machine', () => {
    expect(checkEndpoint('https://s3.example.com', false).warning).toBeNull();
    expect(checkEndpoint('http://127.0.0.1:9000', false).warning).toBeNull();
    expect(checkEndpoint('http://[::1]:9000', false).warning).toBeNull();
    expect(checkEndpoint('http://localhost:9000', false).warning).toBeNull();
    expect(() => checkEndpoint('http://nas.local:5005', false)).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    expect(() => checkEndpoint('http://127.0.0.1.nip.io', false)).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
  });

  it('allows http elsewhere only when asked, with a warning', () => {
    expect(checkEndpoint('http://nas.local:5005', true).warning).toMatch(/plain http/);
  });

  it('refuses credentials in the address and other schemes', () => {
    expect(() => checkEndpoint('https://user:pw@example.com', false)).toThrow(/own fields/);
    expect(() => checkEndpoint('ftp://example.com', false)).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
    expect(isLoopbackHost('128.0.0.1')).toBe(false);
  });
});

describe('target specs for restore-vault', () => {
  it('parses folder, s3 and webdav forms with credentials from the environment', () => {
    expect(parseTargetSpec('folder:/mnt/usb', {})).toEqual({ settings: { kind: 'folder', path: '/mnt/usb' }, secrets: {} });
    expect(parseTargetSpec('s3:https://s3.example.com/bucket-a/some/prefix', { AWS_ACCESS_KEY_ID: 'AK', AWS_SECRET_ACCESS_KEY: 'SK' })).toEqual({
      settings: { kind: 's3', endpoint: 'https://s3.example.com', bucket: 'bucket-a', pathStyle: true, prefix: 'some/prefix' },
      secrets: { accessKeyId: 'AK', secretAccessKey: 'SK' },
    });
    expect(parseTargetSpec('webdav:https://cloud.example.com/remote.php/dav/files/me/Keepsake', { KEEPSAKE_WEBDAV_USER: 'me', KEEPSAKE_WEBDAV_PASSWORD: 'pw' }).settings).toMatchObject({ kind: 'webdav', username: 'me' });
    expect(() => parseTargetSpec('gopher:x', {})).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
    expect(() => parseTargetSpec('s3:https://s3.example.com/', {})).toThrow(/no bucket/);
  });
});
