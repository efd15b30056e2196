// A cloud sync and its clean-up while an import's records batch is stored on the storage
// worker (main/core/vault/storage-worker.ts): the sync's own index writes (pack digests,
// verified-object records, counters, health) and the clean-up's forgotten objects go
// through the vault's write queue (MirrorSource.afterWrites → Vault.afterWrites), so they
// wait for the batch with the event loop turning instead of in SQLite's busy handler.
// Detector: the host connection's busy_timeout is 0, so a write that met the worker's
// write lock outside the queue fails at once with SQLITE_BUSY — the control case below
// shows that it does.
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectGarbage } from '../../../main/core/cloud/mirror/gc';
import { syncToTarget } from '../../../main/core/cloud/mirror/sync';
import { FolderTarget } from '../../../main/core/cloud/folder-target';
import { configureStorageWorker } from '../../../main/core/vault/storage-worker';
import { batchSource } from '../vault/worker-batch';
import { fastRetry, makeVault, tempDir, type TestVault } from './mirror-helpers';

const batches = batchSource(15_000);

describe('cloud sync during a storage-worker batch', () => {
  let tv: TestVault;
  let restore: ReturnType<typeof configureStorageWorker>;
  let dir: string;
  beforeEach(async () => {
    restore = configureStorageWorker({ mode: 'always' });
    tv = await makeVault(['contacts', 'notes']);
    dir = tempDir('cloud-during-batch');
    await tv.vault.putRecords([batches.sms(0)]); // the worker is up before the big batches
    tv.vault.indexDb.pragma('busy_timeout=0'); // see the header
  });
  afterEach(() => {
    configureStorageWorker(restore);
    tv.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('waits for the batch in the write queue, completes, and records what it verified', async () => {
    const target = new FolderTarget(dir);
    const targetId = tv.store.add({ kind: 'folder', path: dir }, {}).id;
    let turns = 0;
    const ticker = setInterval(() => turns++, 1);
    try {
      const batch = await batches.holdingLock(tv.vault);
      const before = turns;
      const sync = syncToTarget(tv.source, { targetId, target, store: tv.store, retry: fastRetry });
      await batch.done;
      expect(turns - before).toBeGreaterThan(3); // the event loop turned while the batch was stored
      const report = await sync;
      expect(report.packs.total).toBeGreaterThan(0);
      expect(tv.store.objects(targetId).size).toBeGreaterThan(report.packs.total); // packs, index bundles and key slots, recorded as verified
      expect(tv.store.get(targetId).highestCounter).toBe(report.counter);

      const again = await batches.holdingLock(tv.vault);
      const gc = collectGarbage({ targetId, target, store: tv.store, vaultId: tv.vault.id, cloudKey: tv.source.cloudKey, afterWrites: (fn) => tv.vault.afterWrites(fn), safetyMarginMs: 0, retry: fastRetry });
      await again.done;
      expect((await gc).listed).toBeGreaterThan(0);
    } finally {
      clearInterval(ticker);
    }
  }, 120_000);

  it('control: the same sync writing directly fails on the batch lock (the detector works)', async () => {
    const target = new FolderTarget(dir);
    const targetId = tv.store.add({ kind: 'folder', path: dir }, {}).id;
    const direct = { ...tv.source };
    delete direct.afterWrites;
    const batch = await batches.holdingLock(tv.vault);
    const sync = syncToTarget(direct, { targetId, target, store: tv.store, retry: fastRetry }).then(
      () => 'completed',
      (e: unknown) => String((e as { message?: string }).message ?? e),
    );
    await batch.done;
    expect(await sync).not.toBe('completed');
  }, 120_000);
});
