// Shared by the tests that make a write meet a storage-worker batch (storage-worker.ts):
// generated SMS records, and batches started and held until the worker's transaction
// owns the index's write lock, so what the test does next meets that lock.
import type { NewItem } from '../../../main/core/vault/types';
import type { Vault } from '../../../main/core/vault/vault';

/** One generated SMS record (row-only, so it takes the putRecords path). */
export function bulkSms(n: number, prefix = 'sms', body = 'Message'): Omit<NewItem, 'files'> {
  return {
    category: 'message',
    sourceKey: `${prefix}:${n}`,
    occurredAt: 1_600_000_000_000 + n * 1000,
    title: `Person ${n % 7}`,
    text: `${body} ${n}`,
    fields: { kind: 'sms', address: `+1555${n}`, body: `${body} ${n}` },
    personal: true,
  };
}

export interface RunningBatch {
  done: Promise<unknown>;
  pending(): boolean;
}

/** Starts a batch of `count` records numbered from `from`. */
export function startBatch(vault: Vault, count: number, from: number, prefix = 'sms', body = 'Message'): RunningBatch {
  let settled = false;
  const done = vault.putRecords(Array.from({ length: count }, (_, i) => bulkSms(from + i, prefix, body))).finally(() => (settled = true));
  return { done, pending: () => !settled };
}

/**
 * Waits until the worker's transaction holds the index's write lock (a host BEGIN
 * IMMEDIATE is refused at once under busy_timeout=0); false if the batch finished first.
 */
export async function lockSeen(vault: Vault, b: Pick<RunningBatch, 'pending'>): Promise<boolean> {
  while (b.pending()) {
    try {
      vault.indexDb.exec('BEGIN IMMEDIATE');
      vault.indexDb.exec('ROLLBACK');
    } catch (e) {
      if ((e as { code?: string }).code === 'SQLITE_BUSY') return true;
      throw e;
    }
    // Not more often: each probe holds the write lock for a moment, and probing every few
    // ms starves the worker's BEGIN IMMEDIATE (its busy handler backs off up to 100 ms).
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
}

/**
 * Numbered batches of one size: `holdingLock` starts the next one and returns once its
 * transaction holds the lock (throws if it committed first: nothing would be tested).
 * The batch's promise comes back wrapped: returned bare, the async function would adopt
 * it and wait for the whole batch. `stored` counts the records handed out so far (+ the
 * warm-up record 0).
 */
export function batchSource(size: number, prefix = 'sms') {
  let next = 1;
  return {
    sms: (n: number) => bulkSms(n, prefix),
    get stored(): number {
      return next;
    },
    async holdingLock(vault: Vault): Promise<{ done: Promise<unknown> }> {
      const b = startBatch(vault, size, next, prefix);
      next += size;
      if (await lockSeen(vault, b)) return { done: b.done };
      throw new Error('The batch committed before its lock was seen; nothing was tested.');
    },
  };
}
