// Put-then-verify, retried as one unit: an object counts as uploaded only after the
// target shows it back with the right size and content — by comparing the server's MD5
// ETag where the target has one, otherwise by reading it back and hashing it. A mismatch
// (a lying backend: flipped byte, short body) is retryable, so the object is sent again;
// when the budget runs out the caller names the object as missing. [RELIABILITY rule 3]
import { KeepsakeError } from '../../../../common/errors';
import { withRetry, type RetryPolicy } from '../retry';
import type { CloudTarget, TargetCapabilities } from '../target';
import { sha256 } from './cloud-crypto';

export interface Uploaded {
  name: string;
  size: number;
  sha256: string;
}

export async function verifiedPut(target: CloudTarget, caps: TargetCapabilities, name: string, data: Buffer, policy: RetryPolicy, signal?: AbortSignal, onRetry?: (e: KeepsakeError) => void): Promise<Uploaded> {
  const want = sha256(data);
  return withRetry(
    async () => {
      const put = await target.put(name, data, data.length, signal);
      await verifyStored(target, caps, name, data.length, want, put.md5, signal);
      return { name, size: data.length, sha256: want };
    },
    policy,
    signal,
    onRetry,
  );
}

export async function verifyStored(target: CloudTarget, caps: TargetCapabilities, name: string, size: number, wantSha: string, wantMd5: string | null, signal?: AbortSignal): Promise<void> {
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
  return new KeepsakeError('CORRUPT', `An uploaded object ${what}.`, { retryable: true, verify: true });
}
