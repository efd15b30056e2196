// The privacy center's writes while an import's records batch is stored on the storage
// worker (main/core/vault/storage-worker.ts): legal holds, retention rules, consent
// withdrawal and an erase (its receipt and export clean-up) go through the vault's write
// queue (Vault.afterWrites), so each waits for the batch asynchronously — the event loop
// keeps turning — and completes. Detector: the host connection's busy_timeout is 0, so a
// write that met the worker's write lock outside the queue would fail at once (SQLITE_BUSY).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Core } from '../../../main/core/core';
import { dispatch } from '../../../main/core/dispatch';
import { silentLog } from '../../../main/core/log';
import { consentLedger } from '../../../main/core/privacy/ledgers';
import { configureReverify } from '../../../main/core/security/reverify';
import { get, sql } from '../../../main/core/vault/sql';
import { configureStorageWorker } from '../../../main/core/vault/storage-worker';
import type { Vault } from '../../../main/core/vault/vault';
import { newVault, PASS, tempDir } from '../vault/helpers';
import { batchSource } from '../vault/worker-batch';

const NOW = 1_800_000_000_000;
const DAY = 86_400_000;

const batches = batchSource(15_000);
const sms = batches.sms;

async function call(core: Core, method: string, input: unknown): Promise<unknown> {
  const r = await dispatch(core, method, input);
  if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
  return r.value;
}

describe('privacy-center writes during a storage-worker batch', () => {
  let tmp: ReturnType<typeof tempDir>;
  let core: Core;
  let restore: ReturnType<typeof configureStorageWorker>;
  let vault: Vault;
  beforeEach(async () => {
    restore = configureStorageWorker({ mode: 'always' });
    tmp = tempDir('ks-erasure-worker-');
    core = new Core({ dataFolder: tmp.dir, hostKind: 'cli', log: silentLog, clock: { now: () => NOW } });
    vault = (await newVault(tmp.dir, { workers: false, clock: { now: () => NOW } })).vault;
    core.vault = vault;
    configureReverify(core, { kdf: { fastKdfForTests: true } });
    await vault.putItems([{ category: 'screenshot', sourceKey: 'shot', occurredAt: NOW - 40 * DAY, title: 'Screenshot', fields: {}, personal: true }]);
    await vault.putRecords([sms(0)]); // the worker is up
    vault.indexDb.pragma('busy_timeout=0'); // see the header
  });
  afterEach(async () => {
    await core.close();
    configureStorageWorker(restore);
    tmp.cleanup();
  });

  it('holds, retention rules, consent withdrawal and an erase each wait for the batch and complete', async () => {
    let turns = 0;
    const ticker = setInterval(() => turns++, 1);
    const during = async <T>(op: () => Promise<T>): Promise<T> => {
      const batch = await batches.holdingLock(vault);
      const before = turns;
      const pending = op();
      await batch.done;
      expect(turns).toBeGreaterThan(before); // the loop turned while the batch was stored
      return pending;
    };
    try {
      const shot = vault.listItems({ category: 'screenshot' })[0]!;
      const hold = (await during(() => call(core, 'holds.add', { itemId: shot.id, reason: 'court order' }))) as { id: number };
      await during(() => call(core, 'holds.release', { id: hold.id }));
      const rule = (await during(() => call(core, 'retention.add', { category: 'screenshot', olderThanDays: 30 }))) as { id: number; wouldErase: number };
      expect(rule.wouldErase).toBe(1);
      await during(() => call(core, 'retention.remove', { id: rule.id }));

      const grant = await vault.afterWrites(() =>
        consentLedger(core).grant({ subject: 'location', purpose: 'test', recipient: 'someone', precision: 'approximate', expiresAt: NOW + DAY }),
      );
      await during(() => call(core, 'consent.withdraw', { id: grant.id }));
      expect(consentLedger(core).active('location', 'test', 'someone').live).toBe(false);

      await call(core, 'security.verifyIdentity', { passphrase: PASS });
      const started = (await during(() => call(core, 'erase.start', { itemIds: [shot.id], scope: 'one screenshot' }))) as { id: string; receiptId: string };
      const result = core.jobs.get(started.id);
      while (!core.jobs.get(started.id).finishedAt) await new Promise((r) => setTimeout(r, 10));
      expect(core.jobs.get(started.id).state).toBe('succeeded');
      expect(result).toBeTruthy();
      expect(get(vault.indexDb, sql`SELECT 1 AS x FROM receipts WHERE id = ${started.receiptId}`)).toBeTruthy();
      expect(vault.getItem(shot.id)).toBeNull();
    } finally {
      clearInterval(ticker);
    }
    expect(get<{ n: number }>(vault.indexDb, sql`SELECT count(*) AS n FROM item_sources WHERE source_key LIKE 'sms:%'`)!.n).toBe(batches.stored);
  }, 120_000);
});
