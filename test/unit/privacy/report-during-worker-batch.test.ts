// "Download my data" while an import keeps storing records on the storage worker
// (main/core/vault/storage-worker.ts): the report's own index writes — the abandoned-report
// sweep, each bundle file's record, the export location and its copies, the receipt — go
// through the vault's write queue (Vault.afterWrites), so they wait for each batch with the
// event loop turning instead of in SQLite's busy handler. Detectors: every write statement
// prepared during the report is watched and must run inside one of the vault's write turns
// (deterministic — checked: this test fails with the report's writes made directly), and
// the host connection's busy_timeout is 0 while batches follow each other for as long as
// the report runs, so a write that raced a batch would also fail at once (SQLITE_BUSY).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Core } from '../../../main/core/core';
import type { Vault } from '../../../main/core/vault/vault';
import { runPrivacyReport } from '../../../main/core/privacy-report/report-job';
import { configureStorageWorker } from '../../../main/core/vault/storage-worker';
import { batchSource } from '../vault/worker-batch';
import { cleanup, FIXTURES, importPaths, newCore, quiet, tempDir } from '../recovery/helpers';

// Small batches, one after another: each of the report's queued writes waits for at most one.
const batches = batchSource(2_000, 'report-sms');

/** The first words of every write statement prepared from now on that runs outside the vault's write queue. */
function watchDirectWrites(vault: Vault): string[] {
  const outside: string[] = [];
  const db = vault.indexDb;
  const prepare = db.prepare.bind(db);
  db.prepare = ((text: string) => {
    const stmt = prepare(text);
    if (!stmt.reader) {
      const runStatement = stmt.run.bind(stmt);
      stmt.run = ((...params: unknown[]) => {
        if (!vault.holdsWriteTurn) outside.push(text.trim().split(/\s+/).slice(0, 4).join(' '));
        return runStatement(...params);
      }) as typeof stmt.run;
    }
    return stmt;
  }) as typeof db.prepare;
  return outside;
}

describe('privacy report during storage-worker batches', () => {
  let dir: string;
  let core: Core;
  let restore: ReturnType<typeof configureStorageWorker>;
  beforeEach(async () => {
    restore = configureStorageWorker({ mode: 'always' });
    dir = tempDir('report-during-batch');
    core = await newCore(dir);
    await importPaths(core, [join(FIXTURES, 'contacts'), join(FIXTURES, 'notes')]);
    await core.vault!.putRecords([batches.sms(0)]); // the worker is up before the batches
    core.vault!.indexDb.pragma('busy_timeout=0'); // see the header
  });
  afterEach(async () => {
    await core.close();
    configureStorageWorker(restore);
    cleanup(dir);
  });

  it('completes with its bundle, export location and receipt while batches keep the write lock', async () => {
    const vault = core.vault!;
    let turns = 0;
    const ticker = setInterval(() => turns++, 1);
    let finished = false;
    const outside = watchDirectWrites(vault);
    try {
      const first = await batches.holdingLock(vault);
      const report = runPrivacyReport(core, join(dir, 'out'), quiet).finally(() => (finished = true));
      report.catch(() => undefined); // awaited below
      await first.done;
      let during = 1;
      while (!finished) {
        const next = await batches.holdingLock(vault).catch(() => null); // null: the report ended first
        if (!next) break;
        await next.done;
        during++;
      }
      const result = await report;
      expect(outside).toEqual([]);
      expect(during).toBeGreaterThan(1); // the report met more than one batch
      expect(turns).toBeGreaterThan(10);
      expect(existsSync(join(result.dir, 'index.json'))).toBe(true);
      expect(result.items).toBeGreaterThan(0);
      const receipt = JSON.parse(readFileSync(join(result.dir, 'Privacy', 'export-receipt.json'), 'utf8')) as { kind: string };
      expect(receipt.kind).toBe('export');
      const row = vault.indexDb.prepare(`SELECT count(*) AS n FROM locations WHERE kind = 'export' AND ref = ?`).get(result.dir) as { n: number };
      expect(row.n).toBe(1);
    } finally {
      clearInterval(ticker);
    }
  }, 180_000);
});
