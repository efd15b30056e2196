// watch.add and watch.remove while an import's records batch is stored on the storage
// worker (main/core/vault/storage-worker.ts): their index writes go through the vault's
// write queue (Vault.afterWrites), so each waits for the batch asynchronously — the event
// loop keeps turning — and completes. Detector: the host connection's busy_timeout is 0,
// so a write that met the worker's write lock outside the queue would fail at once.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Core } from '../../../../main/core/core';
import { call } from '../../../../main/core/dispatch';
import { attachWatchFolders, type WatchService } from '../../../../main/core/intake/watch/service';
import { silentLog } from '../../../../main/core/log';
import { get, sql } from '../../../../main/core/vault/sql';
import { configureStorageWorker } from '../../../../main/core/vault/storage-worker';
import type { NewItem } from '../../../../main/core/vault/types';
import { Vault } from '../../../../main/core/vault/vault';

const sms = (n: number): Omit<NewItem, 'files'> => ({
  category: 'message',
  sourceKey: `sms:${n}`,
  occurredAt: 1_600_000_000_000 + n * 1000,
  title: `Person ${n % 7}`,
  text: `Message ${n}`,
  fields: { kind: 'sms', address: `+1555${n}`, body: `Message ${n}` },
  personal: true,
});

let dir: string;
let core: Core;
let vault: Vault;
let service: WatchService;
let restore: ReturnType<typeof configureStorageWorker>;
let next = 1;

/** Starts a worker batch and waits until its transaction holds the write lock; the promise comes back wrapped (an async function would adopt a bare one). */
async function batchHoldingLock(): Promise<{ done: Promise<unknown> }> {
  let settled = false;
  const from = next;
  next += 15_000;
  const done = vault.putRecords(Array.from({ length: 15_000 }, (_, i) => sms(from + i))).finally(() => (settled = true));
  while (!settled) {
    try {
      vault.indexDb.exec('BEGIN IMMEDIATE');
      vault.indexDb.exec('ROLLBACK');
    } catch (e) {
      if ((e as { code?: string }).code === 'SQLITE_BUSY') return { done };
      throw e;
    }
    await new Promise((r) => setTimeout(r, 25)); // more often starves the worker's BEGIN IMMEDIATE
  }
  throw new Error('The batch committed before its lock was seen; nothing was tested.');
}

beforeEach(async () => {
  restore = configureStorageWorker({ mode: 'always' });
  dir = mkdtempSync(join(tmpdir(), 'keepsake-watch-batch-'));
  core = new Core({ dataFolder: join(dir, 'data'), hostKind: 'cli', log: silentLog });
  vault = (await Vault.create(core.dataFolder, 'watch during a batch', { fastKdfForTests: true })).vault;
  core.vault = vault;
  service = attachWatchFolders(core, { watch: false });
  await service.sync();
  await vault.putRecords([sms(0)]); // the worker is up
  vault.indexDb.pragma('busy_timeout=0'); // see the header
});

afterEach(async () => {
  await service.close();
  await core.close();
  configureStorageWorker(restore);
  rmSync(dir, { recursive: true, force: true });
});

describe('watch folders during a storage-worker batch', () => {
  it('adds and removes a watch while the batch holds the index, the event loop turning', async () => {
    const inbox = join(dir, 'inbox');
    mkdirSync(inbox);
    let turns = 0;
    const ticker = setInterval(() => turns++, 1);
    try {
      let batch = await batchHoldingLock();
      let before = turns;
      const adding = call(core, 'watch.add', { path: inbox });
      await batch.done;
      expect(turns).toBeGreaterThan(before);
      const w = await adding;
      expect(w.path).toBe(inbox);

      batch = await batchHoldingLock();
      before = turns;
      const removing = call(core, 'watch.remove', { id: w.id });
      await batch.done;
      expect(turns).toBeGreaterThan(before);
      expect(await removing).toEqual({ removed: true });
    } finally {
      clearInterval(ticker);
    }
    expect(get<{ n: number }>(vault.indexDb, sql`SELECT count(*) AS n FROM watch_folders`)!.n).toBe(0);
    expect(get<{ n: number }>(vault.indexDb, sql`SELECT count(*) AS n FROM items`)!.n).toBe(next);
  }, 120_000);
});
