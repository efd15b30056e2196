// Vault.afterWrites (vault.ts) on real encrypted vaults: a short write from outside the
// write queue waits for a storage-worker batch without freezing the event loop, while one
// made from INSIDE a queued write (a commit hook, another afterWrites) runs at once in that
// write's turn instead of queueing behind itself for ever (the deadlock it guards against),
// and a timer merely created inside a write queues again once that write has ended.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isKeepsakeError, KeepsakeError } from '../../../common/errors';
import { get, run, sql } from '../../../main/core/vault/sql';
import { configureStorageWorker } from '../../../main/core/vault/storage-worker';
import type { NewItem } from '../../../main/core/vault/types';
import type { Vault } from '../../../main/core/vault/vault';
import { newVault, tempDir } from './helpers';
import { bulkSms } from './worker-batch';

let t: ReturnType<typeof tempDir>;
let restore: ReturnType<typeof configureStorageWorker>;
let vault: Vault;
beforeEach(async () => {
  t = tempDir('ks-after-writes-');
  restore = configureStorageWorker({});
  vault = (await newVault(t.dir)).vault;
});
afterEach(() => {
  vault.close();
  configureStorageWorker(restore);
  t.cleanup();
});

const note = (n: number): NewItem => ({ category: 'note', sourceKey: `note:${n}`, title: `Note ${n}`, text: `Body ${n}`, fields: {}, personal: true });
const mark = (v: Vault, key: string): void => {
  run(v.indexDb, sql`INSERT INTO job_checkpoints (kind, key, state, updated_at) VALUES ('test', ${key}, '{}', 1)`);
};
const marked = (v: Vault, key: string): boolean => !!get(v.indexDb, sql`SELECT 1 AS x FROM job_checkpoints WHERE kind = 'test' AND key = ${key}`);
const items = (v: Vault): number => get<{ n: number }>(v.indexDb, sql`SELECT count(*) AS n FROM items`)!.n;

describe('Vault.afterWrites', () => {
  it('runs at once inside another afterWrites (the queue does not wait on itself)', async () => {
    const order: string[] = [];
    const outer = vault.afterWrites(() => {
      expect(vault.holdsWriteTurn).toBe(true);
      const inner = vault.afterWrites(() => {
        order.push('inner');
        mark(vault, 'inner');
        return 2;
      });
      order.push('outer'); // after 'inner': the nested call ran synchronously, in this turn
      return inner;
    });
    expect(await (await outer)).toBe(2);
    expect(order).toEqual(['inner', 'outer']);
    expect(marked(vault, 'inner')).toBe(true);
    expect(vault.holdsWriteTurn).toBe(false);
  });

  it('runs inside a commit hook in the batch transaction: it commits with the batch and rolls back with it', async () => {
    let nested: Promise<void> | null = null;
    await vault.putItems([note(1)], () => {
      nested = vault.afterWrites(() => mark(vault, 'with-batch'));
    });
    await nested;
    expect(marked(vault, 'with-batch')).toBe(true);

    const err = await vault
      .putItems([note(2)], () => {
        nested = vault.afterWrites(() => mark(vault, 'rolled-back'));
        throw new KeepsakeError('CONFLICT', 'The hook refused the batch.');
      })
      .catch((e: unknown) => e);
    expect(isKeepsakeError(err) && err.code).toBe('CONFLICT');
    await nested;
    expect(marked(vault, 'rolled-back')).toBe(false); // the hook's own write went with the batch
    expect(items(vault)).toBe(1);
  });

  it('passes a failure of the nested write back to its caller, and the queue goes on', async () => {
    const err = await vault
      .afterWrites(() =>
        vault.afterWrites(() => {
          throw new KeepsakeError('NOT_FOUND', 'There is no such thing.');
        }),
      )
      .then((inner) => inner)
      .catch((e: unknown) => e);
    expect(isKeepsakeError(err) && err.code).toBe('NOT_FOUND');
    await vault.afterWrites(() => mark(vault, 'after'));
    expect(marked(vault, 'after')).toBe(true);
  });

  it('a timer created inside a queued write and firing after it queues like any caller (it no longer holds the turn)', async () => {
    configureStorageWorker({ mode: 'always' });
    await vault.putRecords([bulkSms(0)]); // the worker is up
    let heldInTimer: boolean | null = null;
    let sawItems = -1;
    let fromTimer: Promise<void> | null = null;
    const fired = new Promise<void>((resolve) => {
      void vault.afterWrites(() => {
        // Created in the write's async context (as a folder watch started by watch.add is).
        setTimeout(() => {
          heldInTimer = vault.holdsWriteTurn;
          fromTimer = vault.afterWrites(() => {
            sawItems = items(vault);
          });
          resolve();
        }, 50);
      });
    });
    const big = vault.putRecords(Array.from({ length: 10_000 }, (_, i) => bulkSms(i + 1)));
    await fired;
    await big;
    await fromTimer;
    expect(heldInTimer).toBe(false);
    expect(sawItems).toBe(10_001); // queued behind the batch, not run in the middle of it
  }, 60_000);

  it('from outside the queue during a storage-worker batch: waits for the commit while the event loop keeps turning', async () => {
    configureStorageWorker({ mode: 'always' });
    await vault.putRecords([bulkSms(0)]); // the worker is up before the big batch
    let turns = 0;
    let duringTurn: boolean | null = null;
    let sawItems = -1;
    let fromTimer: Promise<void> | null = null;
    const ticker = setInterval(() => {
      turns++;
      // A timer is not part of the batch's write: its afterWrites must queue, not run at once.
      if (!fromTimer) {
        duringTurn = vault.holdsWriteTurn;
        fromTimer = vault.afterWrites(() => {
          sawItems = items(vault);
          mark(vault, 'from-timer');
        });
      }
    }, 1);
    const big = vault.putRecords(Array.from({ length: 15_000 }, (_, i) => bulkSms(i + 1)));
    await big;
    const turnsDuring = turns;
    while (!fromTimer) await new Promise((r) => setTimeout(r, 5));
    await fromTimer;
    clearInterval(ticker);
    expect(turnsDuring).toBeGreaterThan(3);
    expect(duringTurn).toBe(false);
    expect(sawItems).toBe(15_001); // it ran after the batch had committed
    expect(marked(vault, 'from-timer')).toBe(true);
  }, 60_000);
});
