// A folder backup's snapshot is written in its last batch's transaction (folder-backup.ts:
// one commit and one fsync fewer per run). So the two stand or fall together: a snapshot
// that cannot be written leaves none of that batch's items or cache rows behind (the old
// code committed the batch first), and the next run stores everything. A run with nothing
// to read still gets its snapshot in a transaction of its own.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VaultContext } from '../../../main/core/vault/context';
import type { Vault } from '../../../main/core/vault/vault';
import { newVault, pseudoRandom, tempDir } from './helpers';

describe('the snapshot and the last batch', () => {
  let t: ReturnType<typeof tempDir>;
  let vault: Vault;
  let src: string;
  const count = (table: 'items' | 'file_cache' | 'snapshots'): number => {
    const db = (vault as unknown as { ctx: VaultContext }).ctx.db;
    return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  };
  const exec = (text: string): void => {
    (vault as unknown as { ctx: VaultContext }).ctx.db.exec(text);
  };
  beforeEach(async () => {
    t = tempDir();
    vault = (await newVault(join(t.dir, 'home'), { workers: false })).vault;
    src = join(t.dir, 'src');
    mkdirSync(src);
    for (let i = 0; i < 5; i++) writeFileSync(join(src, `f${i}.bin`), pseudoRandom(2000 + i, i + 1));
  });
  afterEach(() => {
    vault.close();
    t.cleanup();
  });

  it('commit together: a snapshot that fails takes the batch with it, and the next run stores it all', async () => {
    exec(`CREATE TEMP TRIGGER no_snapshot BEFORE INSERT ON main.snapshots BEGIN SELECT RAISE(ABORT, 'no snapshot now'); END;`);
    await expect(vault.backupFolder(src)).rejects.toThrow();
    expect([count('items'), count('file_cache'), count('snapshots')]).toEqual([0, 0, 0]);
    exec('DROP TRIGGER temp.no_snapshot');
    const report = await vault.backupFolder(src);
    expect(report).toMatchObject({ added: 5, unchanged: 0 });
    expect([count('items'), count('file_cache'), count('snapshots')]).toEqual([5, 5, 1]);
    expect(vault.listSnapshots()[0]).toMatchObject({ id: report.snapshotId, itemCount: 5 });
  });

  it('a run with nothing new still writes its snapshot, with every file', async () => {
    const first = await vault.backupFolder(src);
    const again = await vault.backupFolder(src);
    expect(again).toMatchObject({ unchanged: 5, added: 0 });
    expect(again.snapshotId).toBeGreaterThan(first.snapshotId);
    expect(vault.listSnapshots()[0]).toMatchObject({ id: again.snapshotId, itemCount: 5, totalBytes: 5 * 2000 + 10 });
  });
});
