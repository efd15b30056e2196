// The target's lock for destructive work (GC): a sealed object naming its holder and an
// expiry. Taking it = no live lock held by someone else, write ours, read it back and see
// ours (a second writer who raced us reads theirs and backs off). An expired lock (a
// crashed computer) is taken over. The lock is removed when the work ends, even on error.
import { randomBytes } from 'node:crypto';
import { KeepsakeError, isKeepsakeError } from '../../../../common/errors';
import { withRetry, type RetryPolicy } from '../retry';
import type { CloudTarget } from '../target';
import { objectName, open, seal, type CloudKeys } from './cloud-crypto';

const LOGICAL = 'lock/gc';
export const LOCK_TTL_MS = 30 * 60 * 1000;

interface LockBody {
  holder: string;
  expiresAt: number;
}

export async function withRemoteLock<T>(target: CloudTarget, keys: CloudKeys, policy: RetryPolicy, now: () => number, signal: AbortSignal | undefined, work: (lockName: string) => Promise<T>): Promise<T> {
  const name = objectName(keys, LOGICAL);
  const holder = randomBytes(12).toString('hex');
  const read = async (): Promise<LockBody | null> => {
    try {
      const body = await target.get(name, undefined, signal);
      return JSON.parse(open(keys, 'lock', LOGICAL, body).toString('utf8')) as LockBody;
    } catch (e) {
      if (isKeepsakeError(e) && e.code === 'NOT_FOUND') return null;
      if (isKeepsakeError(e) && e.code === 'CORRUPT') return null; // a damaged lock protects nothing
      throw e;
    }
  };
  const current = await withRetry(read, policy, signal);
  if (current && current.holder !== holder && current.expiresAt > now()) {
    throw new KeepsakeError('CONFLICT', 'Another computer is cleaning up this cloud target right now. Try again later.');
  }
  const mine = seal(keys, 'lock', LOGICAL, Buffer.from(JSON.stringify({ holder, expiresAt: now() + LOCK_TTL_MS } satisfies LockBody)));
  await withRetry(() => target.put(name, mine, mine.length, signal), policy, signal);
  const check = await withRetry(read, policy, signal);
  if (check?.holder !== holder) throw new KeepsakeError('CONFLICT', 'Another computer started cleaning up this cloud target at the same moment. Try again later.');
  try {
    return await work(name);
  } finally {
    await withRetry(() => target.delete(name, signal), policy).catch(() => undefined);
  }
}
