// Put-then-verify, retried as one unit: an object counts as uploaded only after the
// target shows it back with the right size and content — by comparing the server's MD5
// ETag where the target has one, otherwise by reading it back and hashing it. On S3 the
// PUT's own answer carries that ETag: when it is exactly the MD5 we computed of the bytes
// we sent, the server has told us it stored those bytes, and a HEAD would only ask it the
// same question again (see docs/cloud.md, "Verification"). Any other ETag (multipart
// "…-N", SSE-KMS/SSE-C, providers whose ETag is not an MD5, a damaged body) falls back to
// the HEAD, and a HEAD whose ETag is not our MD5 to reading the object back. A mismatch
// (a lying backend: flipped byte, short body) is retryable, so the object is sent again;
// when the budget runs out the caller names the object as missing. [RELIABILITY rule 3]
import { KeepsakeError, isKeepsakeError } from '../../../../common/errors';
import { withRetry, type RetryPolicy } from '../retry';
import { digestsOf, type Digests } from '../hashing';
import type { Body, CloudTarget, PutResult, TargetCapabilities } from '../target';
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
    if (putProvesContent(caps, put, digests)) return { name, size, sha256: want };
    try {
      await withRetry(() => verifyStored(target, caps, name, size, want, put.md5, signal, put.etag), policy, signal, onRetry);
      return { name, size, sha256: want };
    } catch (e) {
      if (!(isKeepsakeError(e) && e.details?.mismatch === true)) throw e;
      last = e;
      onRetry?.(e);
    }
  }
  throw new KeepsakeError('CORRUPT', `${last?.message ?? 'An uploaded object did not verify.'} (sent ${policy.attempts} times)`, { mismatch: true });
}

/**
 * True when the PUT's answer already proves the content: a server that returns checksums
 * (S3) sent back an ETag that is a plain MD5 and equals the MD5 of the `size` bytes we
 * hashed and sent (the target counts what went out). Anything else proves nothing here.
 */
export function putProvesContent(caps: TargetCapabilities, put: PutResult, sent: Digests): boolean {
  if (!caps.serverChecksum || caps.kind !== 's3') return false;
  if (put.etag === undefined || !MD5_HEX.test(put.etag) || !MD5_HEX.test(sent.md5)) return false;
  return put.size === sent.size && put.md5 === sent.md5 && put.etag === sent.md5;
}

const MD5_HEX = /^[0-9a-f]{32}$/;

/**
 * `putEtag`: the ETag the PUT answered with, if any. When the HEAD shows that same ETag
 * but it is not our MD5, the server's ETags are not MD5s of the content (SSE-KMS, SSE-C,
 * some providers) or the stored bytes differ: only reading the object back can tell.
 */
export async function verifyStored(target: CloudTarget, caps: TargetCapabilities, name: string, size: number, wantSha: string, wantMd5: string | null, signal?: AbortSignal, putEtag?: string): Promise<void> {
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
  if (caps.serverChecksum && wantMd5 && head.etag && MD5_HEX.test(head.etag)) {
    if (head.etag === wantMd5) return;
    // The same non-MD5 ETag the PUT answered with: opaque, so read back below.
    if (head.etag !== putEtag) throw mismatch('has different content than what was sent');
  }
  const back = await target.get(name, undefined, signal);
  if (back.length !== size || sha256(back) !== wantSha) throw mismatch('reads back different from what was sent');
}

function mismatch(what: string): KeepsakeError {
  // Not retryable as a read: the caller sends the object again (see verifiedPut).
  return new KeepsakeError('CORRUPT', `An uploaded object ${what}.`, { mismatch: true });
}
