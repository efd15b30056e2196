// Put-then-verify, retried as one unit: an object counts as uploaded only after the
// target shows it back with the right size and content — by comparing the server's MD5
// ETag where the target has one, otherwise by reading it back and hashing it. A mismatch
// (a lying backend: flipped byte, short body) is retryable, so the object is sent again;
// when the budget runs out the caller names the object as missing. [RELIABILITY rule 3]
import { KeepsakeError, isKeepsakeError } from '../../../../common/errors';
import { withRetry, type RetryPolicy } from '../retry';
import { digestsOf, type Digests } from '../hashing';
import type { Body, CloudTarget, TargetCapabilities } from '../target';
import { sha256 } from './cloud-crypto';

export interface Uploaded {
  name: string;
  size: number;
  sha256: string;
}

export async function verifiedPut(
  target: CloudTarget,
  caps: TargetCapabilities,
  name: string,
  body: Body,
  policy: RetryPolicy,
  signal?: AbortSignal,
  onRetry?: (e: KeepsakeError) => void,
  known?: Digests,
): Promise<Uploaded> {
  // Hashed once (here, or by the caller's hash workers): SHA-256 for the manifest, MD5
  // for Content-MD5 and the ETag; the target reuses them instead of hashing the bytes
  // again. A stream body (a fresh one per try) must come with its hashes.
  let digests: Digests;
  if (Buffer.isBuffer(body)) digests = known?.size === body.length ? known : digestsOf(body);
  else if (known) digests = known;
  else throw new KeepsakeError('INTERNAL', 'An upload stream came without its checksums.');
  const size = digests.size;
  const want = digests.sha256;
  let last: KeepsakeError | null = null;
  // Each step retries its own transient failures, so a flaky link does not multiply the
  // odds against a whole put-and-check; only a content mismatch sends the object again.
  for (let attempt = 0; attempt < policy.attempts; attempt++) {
    const put = await withRetry(() => target.put(name, body, size, signal, digests), policy, signal, onRetry);
    try {
      await withRetry(() => verifyStored(target, caps, name, size, want, put.md5, signal), policy, signal, onRetry);
      return { name, size, sha256: want };
    } catch (e) {
      if (!(isKeepsakeError(e) && e.details?.mismatch === true)) throw e;
      last = e;
      onRetry?.(e);
    }
  }
  throw new KeepsakeError('CORRUPT', `${last?.message ?? 'An uploaded object did not verify.'} (sent ${policy.attempts} times)`, { mismatch: true });
}

export async function verifyStored(target: CloudTarget, caps: TargetCapabilities, name: string, size: number, wantSha: string, wantMd5: string | null, signal?: AbortSignal): Promise<void> {
  if (!caps.serverChecksum && target.digest) {
    // No checksum to compare: the content is read back anyway, so one streamed GET checks
    // presence, size and bytes at once (no HEAD first, nothing buffered).
    const back = await target.digest(name, signal);
    if (!back) throw mismatch('is not there after upload');
    if (back.size !== size) throw mismatch(`has ${back.size} bytes instead of ${size}`);
    if (back.sha256 !== wantSha) throw mismatch('reads back different from what was sent');
    return;
  }
  const head = await target.head(name, signal);
  if (!head) throw mismatch('is not there after upload');
  if (head.size !== size) throw mismatch(`has ${head.size} bytes instead of ${size}`);
  if (caps.serverChecksum && wantMd5 && head.etag && /^[0-9a-f]{32}$/.test(head.etag)) {
    if (head.etag !== wantMd5) throw mismatch('has different content than what was sent');
    return;
  }
  const back = await target.get(name, undefined, signal);
  if (back.length !== size || sha256(back) !== wantSha) throw mismatch('reads back different from what was sent');
}

function mismatch(what: string): KeepsakeError {
  // Not retryable as a read: the caller sends the object again (see verifiedPut).
  return new KeepsakeError('CORRUPT', `An uploaded object ${what}.`, { mismatch: true });
}
