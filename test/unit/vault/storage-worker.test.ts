// The storage worker (storage-worker.ts) on real encrypted vaults: a batch stored on the
// worker gives the same answers and the same rows as on the host thread (dedupe by
// source, twins, tombstones, versions, search), errors come back as the same KeepsakeError,
// the event loop keeps turning while a batch is stored, a direct host write during a
// worker batch waits and loses nothing, and a worker that cannot start or dies mid-batch
// leaves the batch stored on this thread.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isKeepsakeError } from '../../../common/errors';
import { get, run, sql } from '../../../main/core/vault/sql';
import { configureStorageWorker, storageCounts } from '../../../main/core/vault/storage-worker';
import type { NewItem, PutResult } from '../../../main/core/vault/types';
import type { Vault } from '../../../main/core/vault/vault';
import { newVault, openVault, tempDir } from './helpers';

let t: ReturnType<typeof tempDir>;
let restore: ReturnType<typeof configureStorageWorker>;
const vaults: Vault[] = [];
beforeEach(() => {
  t = tempDir('ks-storage-worker-');
  restore = configureStorageWorker({});
});
afterEach(() => {
  for (const v of vaults.splice(0)) v.close();
  configureStorageWorker(restore);
  t.cleanup();
});

async function vaultIn(name: string): Promise<Vault> {
  const { vault } = await newVault(`${t.dir}/${name}`);
  vaults.push(vault);
  return vault;
}

const sms = (n: number, extra: Partial<NewItem> = {}): Omit<NewItem, 'files'> => ({
  category: 'message',
  sourceKey: `sms:${n}`,
  occurredAt: 1_600_000_000_000 + n * 1000,
  title: `Person ${n % 7}`,
  text: `Message ${n} about the zeppelin${n}`,
  fields: { kind: 'sms', address: `+1555${n}`, body: `Message ${n} about the zeppelin${n}` },
  personal: true,
  ...extra,
});
const range = (from: number, to: number, f = sms) => Array.from({ length: to - from }, (_, i) => f(from + i));
const count = (v: Vault, table: string): number => get<{ n: number }>(v.indexDb, { text: `SELECT count(*) AS n FROM ${table}`, params: [] })!.n;
const statuses = (rs: PutResult[]) => rs.map((r) => `${r.status}:${r.version}`);

/** The same scenario on either path: first import, re-import with changes, twins, a tombstone. */
async function scenario(v: Vault): Promise<{ answers: string[][]; rows: Record<string, number>; hits: number }> {
  const answers: string[][] = [];
  const first = await v.putRecords(range(0, 1500));
  answers.push(statuses(first));
  // An erased message is not stored again.
  await v.destroyItems([first[7]!.id]);
  // Same source keys (duplicates), some changed (new versions), one erased (tombstoned),
  // twins from another device (one item, two sources), and new ones — plus two equal
  // messages inside the batch (one item).
  const again = [
    ...range(0, 1200),
    ...range(1200, 1300, (n) => sms(n, { text: `Edited ${n}` })),
    ...range(0, 50, (n) => sms(n, { deviceId: 'other-phone' })),
    ...range(1500, 2000),
    sms(5000),
    sms(5000),
  ];
  answers.push(statuses(await v.putRecords(again)));
  const rows = Object.fromEntries(['items', 'item_sources', 'item_versions', 'copies', 'tombstones', 'devices'].map((tb) => [tb, count(v, tb)]));
  return { answers, rows, hits: v.search('zeppelin1234').length + v.search('Edited').length };
}

describe('storing records on the storage worker', () => {
  it('gives the same answers and rows as storing on this thread', async () => {
    configureStorageWorker({ mode: 'off' });
    const onHost = await scenario(await vaultIn('host'));
    const before = { ...storageCounts };
    configureStorageWorker({ mode: 'always' });
    const onWorker = await scenario(await vaultIn('worker'));
    expect(storageCounts.onWorker - before.onWorker).toBe(2); // both batches went to the worker
    expect(onWorker).toEqual(onHost);
    expect(onWorker.answers[1]).toContain('tombstoned:0');
    expect(onWorker.answers[1]).toContain('updated:2');
    // 50 twins from the other phone are second sources, except the erased one's (tombstoned);
    // the equal pair in the batch is one item with one source.
    expect(onWorker.rows.items).toBe(1500 - 1 + 500 + 1);
    expect(onWorker.rows.item_sources).toBe(onWorker.rows.items! + 49);
  });

  it('stores durably: a vault reopened after the batch has every record, searchable', async () => {
    configureStorageWorker({ mode: 'always' });
    const { vault } = await newVault(`${t.dir}/durable`);
    const rs = await vault.putRecords(range(0, 3000));
    expect(new Set(rs.map((r) => r.status))).toEqual(new Set(['added']));
    vault.close();
    const again = await openVault(`${t.dir}/durable`);
    vaults.push(again);
    expect(count(again, 'items')).toBe(3000);
    expect(again.search('zeppelin2999').map((h) => h.id)).toEqual([rs[2999]!.id]);
    // Re-importing stores nothing new.
    expect(new Set(statuses(await again.putRecords(range(0, 3000))))).toEqual(new Set(['duplicate:1']));
  });

  it('sends a refusal back as the same KeepsakeError', async () => {
    configureStorageWorker({ mode: 'always' });
    const v = await vaultIn('errors');
    const bad = { ...sms(1), category: 'no-such-category' } as unknown as NewItem;
    const err = await v.putRecords([sms(0), bad]).catch((e: unknown) => e);
    expect(isKeepsakeError(err)).toBe(true);
    const direct = await (async () => {
      configureStorageWorker({ mode: 'off' });
      return v.putRecords([sms(0), bad]).catch((e: unknown) => e);
    })();
    expect((err as Error).message).toBe((direct as Error).message);
    expect(count(v, 'items')).toBe(0); // the whole batch was refused, nothing half-stored
  });

  it('keeps the event loop turning while a batch is stored, and a host transaction during it waits and loses nothing', async () => {
    configureStorageWorker({ mode: 'always' });
    const v = await vaultIn('concurrent');
    await v.putRecords([sms(0)]); // the worker is up before the big batch
    let turns = 0;
    let hostWrites = 0;
    let queued: 'pending' | 'done' = 'pending';
    const ticker = setInterval(() => {
      turns++;
      // A transaction on the host's own connection on every turn, so some land while the
      // worker holds the write lock. It reads before it writes: a deferred transaction
      // would then fail with SQLITE_BUSY (no busy wait for a read→write upgrade); index
      // connections begin IMMEDIATE (immediate-transactions.ts), so it waits instead.
      v.indexDb.transaction(() => {
        const n = get<{ n: number }>(v.indexDb, sql`SELECT count(*) AS n FROM job_checkpoints`)!.n;
        run(v.indexDb, sql`INSERT INTO job_checkpoints (kind, key, state, updated_at) VALUES ('test', ${`during-${turns}`}, '{}', ${n})`);
      })();
      hostWrites++;
    }, 1);
    const big = v.putRecords(range(1, 20_001));
    // A write through the vault's queue waits for the batch without blocking.
    const viaQueue = v.afterWrites(() => {
      run(v.indexDb, sql`INSERT INTO job_checkpoints (kind, key, state, updated_at) VALUES ('test', 'queued', '{}', 1)`);
      queued = 'done';
      return count(v, 'items');
    });
    const results = await big;
    const turnsDuring = turns;
    expect(await viaQueue).toBe(20_001); // ran after the batch had committed
    clearInterval(ticker);
    expect(turnsDuring).toBeGreaterThan(3);
    expect(queued).toBe('done');
    expect(results.filter((r) => r.status === 'added')).toHaveLength(20_000);
    expect(count(v, 'items')).toBe(20_001);
    expect(count(v, 'job_checkpoints')).toBe(hostWrites + 1);
  }, 60_000);

  it('stores on this thread when the worker cannot start', async () => {
    configureStorageWorker({ mode: 'always', entry: new URL('./no-such-worker-entry.mjs', import.meta.url) });
    const v = await vaultIn('no-worker');
    const before = { ...storageCounts };
    const rs = await v.putRecords(range(0, 1200));
    expect(storageCounts.here - before.here).toBe(1);
    expect(storageCounts.onWorker).toBe(before.onWorker);
    expect(rs.every((r) => r.status === 'added')).toBe(true);
    expect(count(v, 'items')).toBe(1200);
  });

  it('stores the batch on this thread when the worker dies during it', async () => {
    configureStorageWorker({ mode: 'always', entry: new URL('./storage-worker-dies.mjs', import.meta.url) });
    const v = await vaultIn('dies');
    const before = { ...storageCounts };
    const rs = await v.putRecords(range(0, 1200));
    expect(rs.every((r) => r.status === 'added')).toBe(true);
    expect(count(v, 'items')).toBe(1200);
    expect(storageCounts.here - before.here).toBe(1);
    // The next batch starts a new worker (which dies again) and is stored here too.
    expect(new Set(statuses(await v.putRecords(range(0, 1200))))).toEqual(new Set(['duplicate:1']));
    expect(storageCounts.here - before.here).toBe(2);
  });
});
