// A recovery to a bundle while an import's records batches are stored on the storage worker
// (main/core/vault/storage-worker.ts): its index writes (the recovery row, its consent,
// each bundle file's row, the location log, the data-map rows, the purge receipt) go
// through the vault's write queue (Vault.afterWrites), so they wait for a batch
// asynchronously and the recovery completes. Batches are started at the recovery's own
// checkpoints, so the writes right after them meet the worker's write lock. Detector: the
// host connection's busy_timeout is 0, so a write outside the queue would fail at once.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Core } from '../../../main/core/core';
import { runRecovery, type RecoveryControl } from '../../../main/core/recovery/recovery-job';
import { all, get, sql } from '../../../main/core/vault/sql';
import { configureStorageWorker } from '../../../main/core/vault/storage-worker';
import type { Vault } from '../../../main/core/vault/vault';
import { batchSource } from '../vault/worker-batch';
import { cleanup, FIXTURES, importPaths, newCore, tempDir } from './helpers';

const source = batchSource(12_000, 'bulk-sms');
const sms = source.sms;

let dir: string;
let core: Core;
let vault: Vault;
let restore: ReturnType<typeof configureStorageWorker>;

beforeEach(async () => {
  dir = tempDir('recovery-worker-batch');
  core = await newCore(dir);
  vault = core.vault!;
  await importPaths(core, [join(FIXTURES, 'contacts', 'ezvcard__John_Doe_IPHONE.vcf'), join(FIXTURES, 'photos', 'exifr__IMG_20180725_163423-tiny.jpg')]);
  restore = configureStorageWorker({ mode: 'always' });
  await vault.putRecords([sms(0)]); // the worker is up
  vault.indexDb.pragma('busy_timeout=0'); // see the header
});

afterEach(async () => {
  await core.close();
  configureStorageWorker(restore);
  cleanup(dir);
});

describe('recovery during storage-worker batches', () => {
  it('writes its bundle, data-map rows and receipt, each write waiting for the batch in flight', async () => {
    const batches: Array<Promise<unknown>> = [];
    // A batch before the run (its first writes: the recovery row and consent) and one at
    // each of the first checkpoints (the next bundle file's row, the location log).
    batches.push((await source.holdingLock(vault)).done);
    const control: RecoveryControl = {
      report() {},
      async checkpoint() {
        if (batches.length < 3) batches.push((await source.holdingLock(vault)).done);
      },
    };
    const bundle = join(dir, 'bundle');
    // Only the fixtures' categories: the bulk messages are not restored.
    const report = await runRecovery(core, { source: { kind: 'everything' }, categories: ['contact', 'photo'], target: { kind: 'bundle', dir: bundle }, location: { precision: 'approximate', expiresInMinutes: 10 } }, control);
    await Promise.all(batches);
    expect(batches).toHaveLength(3);
    expect(report.state).toBe('finished');
    expect(report.ok).toBe(true);
    expect(report.location.purgeReceiptId).not.toBeNull();
    expect(get<{ state: string }>(vault.indexDb, sql`SELECT state FROM recoveries WHERE id = ${report.id}`)?.state).toBe('finished');
    expect(all(vault.indexDb, sql`SELECT path FROM recovery_files WHERE recovery_key = ${bundle}`).length).toBeGreaterThanOrEqual(2);
    expect(get<{ n: number }>(vault.indexDb, sql`SELECT count(*) AS n FROM copies c JOIN locations l ON l.id = c.location_id WHERE l.ref = ${bundle}`)!.n).toBe(2);
    expect(get<{ n: number }>(vault.indexDb, sql`SELECT count(*) AS n FROM item_sources WHERE source_key LIKE 'bulk-sms:%'`)!.n).toBe(source.stored);
  }, 120_000);
});
