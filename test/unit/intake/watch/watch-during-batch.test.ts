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
import { Vault } from '../../../../main/core/vault/vault';
import { batchSource } from '../../vault/worker-batch';

const batches = batchSource(15_000);
const sms = batches.sms;

let dir: string;
let core: Core;
let vault: Vault;
let service: WatchService;
let restore: ReturnType<typeof configureStorageWorker>;

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
      let batch = await batches.holdingLock(vault);
      let before = turns;
      const adding = call(core, 'watch.add', { path: inbox });
      await batch.done;
      expect(turns).toBeGreaterThan(before);
      const w = await adding;
      expect(w.path).toBe(inbox);

      batch = await batches.holdingLock(vault);
      before = turns;
      const removing = call(core, 'watch.remove', { id: w.id });
      await batch.done;
      expect(turns).toBeGreaterThan(before);
      expect(await removing).toEqual({ removed: true });
    } finally {
      clearInterval(ticker);
    }
    expect(get<{ n: number }>(vault.indexDb, sql`SELECT count(*) AS n FROM watch_folders`)!.n).toBe(0);
    expect(get<{ n: number }>(vault.indexDb, sql`SELECT count(*) AS n FROM items`)!.n).toBe(batches.stored);
  }, 120_000);
});
