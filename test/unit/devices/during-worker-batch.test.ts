// A phone syncing while an import's records batch is stored on the storage worker
// (main/core/vault/storage-worker.ts): every index write of the gateway (manifest rows,
// upload progress, acks of an export, last sync, location drops, restore acks) goes through
// the vault's write queue (IngestSink.afterWrites → Vault.afterWrites), so it waits for the
// batch asynchronously instead of in SQLite's busy handler with the event loop frozen.
// Detector: the host connection's busy_timeout is set to 0 — a write that raced the
// worker's write lock would fail at once with SQLITE_BUSY and fail the sync.
import { afterEach, describe, expect, it } from 'vitest';
import { get, sql } from '../../../main/core/vault/sql';
import { configureStorageWorker } from '../../../main/core/vault/storage-worker';
import type { Vault } from '../../../main/core/vault/vault';
import { bulkSms, lockSeen, startBatch, type RunningBatch } from '../vault/worker-batch';
import { buildPhoneFolder } from './support/phone-fixture';
import { pairedAgent, removeAll, startDesktop, tempDir, type Desktop } from './support/harness';

const sms = (n: number) => bulkSms(n, 'import-sms', 'Imported message');

let desktop: Desktop | null = null;
let restore: ReturnType<typeof configureStorageWorker> | null = null;
afterEach(async () => {
  if (restore) configureStorageWorker(restore);
  restore = null;
  await desktop?.close();
  if (desktop) removeAll(desktop.dir);
  desktop = null;
});

const batch = (vault: Vault, n: number, from = 1): RunningBatch => startBatch(vault, n, from, 'import-sms', 'Imported message');

describe('phone sync during a storage-worker batch', () => {
  it('completes with every file acknowledged, its writes queued behind the batch, the event loop turning', async () => {
    restore = configureStorageWorker({ mode: 'always' });
    desktop = await startDesktop();
    const { vault, devices } = desktop;
    const phone = tempDir('keepsake-phone-');
    const { files } = buildPhoneFolder(phone);
    const agent = await pairedAgent(desktop, phone, 'Busy phone');
    await vault.putRecords([sms(0)]); // the worker is up before the big batch
    vault.indexDb.pragma('busy_timeout=0'); // see the header: a racing write fails at once

    // Count the gateway's queued writes made while the batch was still in flight.
    const sink = (devices.sync as unknown as { d: { sink: { afterWrites<T>(fn: () => T): Promise<T> } } }).d.sink;
    const queue = sink.afterWrites.bind(sink);
    let queuedDuring = 0;
    let running: ReturnType<typeof batch> | null = null;
    sink.afterWrites = <T>(fn: () => T): Promise<T> => {
      if (running?.pending()) queuedDuring++;
      return queue(fn);
    };
    let turns = 0;
    const ticker = setInterval(() => turns++, 1);
    try {
      running = batch(vault, 20_000);
      expect(await lockSeen(vault, running)).toBe(true);
      const sync = agent.sync();
      await running.done;
      const turnsDuring = turns;
      const s = await sync;
      expect(s.notAcked).toEqual([]);
      expect(s.acked).toBe(files.length);
      expect(turnsDuring).toBeGreaterThan(3);
      expect(queuedDuring).toBeGreaterThan(0); // the sync's writes did meet the batch

      // Location reports without consent are dropped and the drop recorded; a second
      // batch is in flight meanwhile.
      running = batch(vault, 20_000, 20_001);
      expect(await lockSeen(vault, running)).toBe(true);
      const loc = agent.reportLocation([{ lat: 48.85, lon: 2.35, accuracy: 20, at: 1_700_000_000_000 }]);
      await running.done;
      expect(await loc).toMatchObject({ accepted: 0, dropped: 1 });
    } finally {
      clearInterval(ticker);
    }
    const deviceId = devices.list()[0]?.id ?? '';
    expect(get<{ n: number }>(vault.indexDb, sql`SELECT count(*) AS n FROM device_items WHERE device_id = ${deviceId}`)!.n).toBe(files.length);
    expect(get<{ n: number }>(vault.indexDb, sql`SELECT count(*) AS n FROM device_location_drops WHERE device_id = ${deviceId}`)!.n).toBe(1);
    expect(get<{ n: number }>(vault.indexDb, sql`SELECT count(*) AS n FROM item_sources WHERE source_key LIKE 'import-sms:%'`)!.n).toBe(40_001);
    expect(devices.list()[0]?.lastSyncAt).not.toBeNull();
    removeAll(phone);
  }, 120_000);
});
