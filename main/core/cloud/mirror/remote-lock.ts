// The target's lock: a sealed object naming its holder and an expiry, held by a sync (so
// no clean-up deletes what the sync is about to publish) and by clean-up (GC). Only one
// holder at a time. Taking it = no live lock held by someone else, write ours, read it
// back and see ours (a second writer who raced us reads theirs and backs off). An expired
// lock (a crashed computer), or one whose process on this same computer is gone, is taken
// over. The lock is renewed while the work runs and removed when it ends, even on error.
// [RELIABILITY row 8: lock lapse] A holder that was suspended (SIGSTOP, a sleeping
// laptop) past the lock's lifetime may have been overtaken by another computer's
// clean-up; `assertHeld()` notices (by its own clock and by re-reading the lock) and the
// work stops before it publishes or deletes anything.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { KeepsakeError, isKeepsakeError } from '../../../../common/errors';
import { withRetry, type RetryPolicy } from '../retry';
import type { CloudTarget } from '../target';
import { objectName, open, seal, type CloudKeys } from './cloud-crypto';

const LOGICAL = 'lock/gc';
export const LOCK_TTL_MS = 30 * 60 * 1000;

export type LockMode = 'sync' | 'gc';

interface LockBody {
  holder: string;
  expiresAt: number;
  mode?: LockMode;
  /** This boot of the computer that wrote it (see BOOT); with pid, tells a crashed holder here. */
  boot?: string | null;
  pid?: number;
}

/**
 * This boot of this computer. A process id means something only within one boot of one
 * computer; a host name does not say which (a cloned image, a default name like
 * "ubuntu"), and a lock of a live process elsewhere must never be taken over. Linux gives
 * a random id per boot; where there is none, a lock left by a crash here simply runs out.
 */
const BOOT: string | null = (() => {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
  } catch {
    return null;
  }
})();

export interface LockOptions {
  mode?: LockMode;
  /** Lifetime of the lock; renewed every third of it while held (tests use seconds). */
  ttlMs?: number;
}

export interface RemoteLease {
  /** The lock object's name (GC must never delete it). */
  readonly name: string;
  /**
   * Throws CONFLICT when the lock may have lapsed; call before publishing or deleting.
   * `reread: false` checks only this computer's clock (cheap enough before every delete).
   */
  assertHeld(options?: { reread?: boolean }): Promise<void>;
  release(): Promise<void>;
}

export async function acquireRemoteLock(target: CloudTarget, keys: CloudKeys, policy: RetryPolicy, now: () => number, signal: AbortSignal | undefined, options: LockOptions = {}): Promise<RemoteLease> {
  const name = objectName(keys, LOGICAL);
  const ttl = options.ttlMs ?? LOCK_TTL_MS;
  const mode = options.mode ?? 'gc';
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
  const write = async (at: number): Promise<void> => {
    const mine = seal(keys, 'lock', LOGICAL, Buffer.from(JSON.stringify({ holder, expiresAt: at + ttl, mode, boot: BOOT, pid: process.pid } satisfies LockBody)));
    await withRetry(() => target.put(name, mine, mine.length, signal), policy, signal);
  };

  const current = await withRetry(read, policy, signal);
  if (current && current.holder !== holder && liveElsewhere(current, now())) {
    throw new KeepsakeError('CONFLICT', current.mode === 'sync' ? 'Another computer is syncing to this cloud target right now. Try again later.' : 'Another computer is cleaning up this cloud target right now. Try again later.', { lockMode: current.mode ?? 'gc' });
  }
  let renewedAt = now();
  // Read back until the lock reads as ours. Nothing readable (a response damaged on the
  // way), an expired lock or one this process released earlier (a provider that serves
  // stale reads for a while, row 14): write ours again. A live lock of someone else: a
  // second writer raced us and keeps it — unless a later read shows ours after all.
  let lastSeenLive = false;
  for (let attempt = 1; ; attempt++) {
    if (!lastSeenLive) {
      renewedAt = now(); // the lease counts from before the write that set its expiry
      await write(renewedAt);
    }
    const check = await withRetry(read, policy, signal);
    if (check?.holder === holder) break;
    lastSeenLive = check !== null && liveElsewhere(check, now());
    if (attempt >= policy.attempts) throw new KeepsakeError('CONFLICT', 'Another computer started using this cloud target at the same moment. Try again later.');
    await policy.sleep(Math.min(policy.maxMs, policy.baseMs * 2 ** attempt), signal);
  }
  heldHere.add(holder);

  let lost = false;
  let renewing: Promise<void> | null = null;
  const lapsed = (): boolean => lost || now() - renewedAt >= ttl;
  // Renewal: only while the lease is unbroken; a renewal that itself outlives the lease
  // does not count (the lock may have been taken over while it was in flight).
  const renew = async (): Promise<void> => {
    if (lapsed()) {
      lost = true;
      return;
    }
    const started = now();
    try {
      // Not ours (or an old copy served for a while): leave it; assertHeld re-reads, and
      // the lease runs out by the clock if no later renewal sees ours.
      const seen = await withRetry(read, policy, signal);
      if (seen?.holder !== holder) return;
      await write(started);
      if (now() - renewedAt >= ttl) lost = true;
      else renewedAt = started;
    } catch {
      // a failed renewal leaves the lease to run out by the clock
    }
  };
  const timer = setInterval(() => {
    renewing ??= renew().finally(() => (renewing = null));
  }, Math.max(50, Math.floor(ttl / 3)));
  timer.unref();

  return {
    name,
    async assertHeld(opts = {}) {
      if (renewing) await renewing;
      const lapsedMessage = 'This computer lost its lock on the cloud target (it was paused or asleep for longer than the lock lasts), so another computer may have cleaned up in the meantime. Nothing was published or deleted after that; run it again.';
      if (lapsed()) {
        lost = true;
        throw new KeepsakeError('CONFLICT', lapsedMessage, { lockLost: true });
      }
      if (opts.reread === false) return;
      // A provider may serve an older copy of the lock for a while (row 14): only a lock
      // that keeps reading as someone else's is taken as lost.
      for (let attempt = 1; ; attempt++) {
        const seen = await withRetry(read, policy, signal);
        if (seen?.holder === holder && !lapsed()) return;
        if (lapsed() || attempt >= policy.attempts) break;
        await policy.sleep(Math.min(policy.maxMs, policy.baseMs * 2 ** attempt), signal);
      }
      lost = true;
      throw new KeepsakeError('CONFLICT', lapsedMessage, { lockLost: true });
    },
    async release() {
      clearInterval(timer);
      heldHere.delete(holder);
      if (renewing) await renewing.catch(() => undefined);
      // Never remove someone else's lock: only ours, and only if it is still ours. A lease
      // found lost may read as ours only because our late renewal overwrote the lock
      // another computer took over meanwhile: that one is left to run out.
      if (lost) return;
      const seen = await withRetry(read, policy).catch(() => null);
      if (seen?.holder === holder) await withRetry(() => target.delete(name), policy).catch(() => undefined);
    },
  };
}

export async function withRemoteLock<T>(target: CloudTarget, keys: CloudKeys, policy: RetryPolicy, now: () => number, signal: AbortSignal | undefined, work: (lockName: string, lease: RemoteLease) => Promise<T>, options: LockOptions = {}): Promise<T> {
  const lease = await acquireRemoteLock(target, keys, policy, now, signal, options);
  try {
    return await work(lease.name, lease);
  } finally {
    await lease.release();
  }
}

/** Holders of the locks this process holds right now. */
const heldHere = new Set<string>();

/**
 * A lock someone may still be relying on: not expired, and not left by a process of this
 * computer that no longer runs (a crash, a kill) nor released by this very process (a
 * provider still serving an old copy).
 */
function liveElsewhere(lock: LockBody, at: number): boolean {
  if (lock.expiresAt <= at) return false;
  if (BOOT === null || lock.boot !== BOOT || typeof lock.pid !== 'number') return true;
  if (lock.pid === process.pid) return heldHere.has(lock.holder);
  try {
    process.kill(lock.pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
