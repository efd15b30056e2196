// Snapshot rows since migration 0990: no index per row and no foreign key to their version,
// so `keepsake check` counts a row whose version is missing (vault-check.ts), and erasing
// an item still takes it out of every snapshot (the trigger that replaced the cascade).
// A folder snapshot's totals come from the sizes its walk listed: the same figures as the
// query over its rows that a device snapshot still uses.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VaultContext } from '../../../main/core/vault/context';
import type { Vault } from '../../../main/core/vault/vault';
import { newVault, pseudoRandom, tempDir } from './helpers';

describe('snapshot rows', () => {
  let t: ReturnType<typeof tempDir>;
  let vault: Vault;
  let src: string;
  const db = (): VaultContext['db'] => (vault as unknown as { ctx: VaultContext }).ctx.db;
  const rowsOf = (itemId: string): number => (db().prepare('SELECT count(*) AS n FROM snapshot_items WHERE item_id = ?').get(itemId) as { n: number }).n;
  beforeEach(async () => {
    t = tempDir();
    vault = (await newVault(join(t.dir, 'home'), { workers: false })).vault;
    src = join(t.dir, 'src');
    mkdirSync(src);
    for (let i = 0; i < 4; i++) writeFileSync(join(src, `f${i}.bin`), pseudoRandom(3000 + i, i + 1));
  });
  afterEach(() => {
    vault.close();
    t.cleanup();
  });

  it('check reports a row that names a version the index does not hold', async () => {
    await vault.backupFolder(src);
    expect((await vault.check()).ok).toBe(true);
    const snap = vault.listSnapshots()[0]!.id;
    db().prepare("INSERT INTO snapshot_items (snapshot_id, item_id, version, path) VALUES (?, 'no-such-item', 1, 'ghost')").run(snap);
    const report = await vault.check();
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.message).join(' ')).toMatch(/1 broken reference/);
  });

  it('a deleted item leaves no row in any snapshot, and the other rows stay', async () => {
    await vault.backupFolder(src);
    writeFileSync(join(src, 'f0.bin'), pseudoRandom(3100, 9)); // a second version of f0 in the second snapshot
    await vault.backupFolder(src);
    const items = db().prepare('SELECT item_id, path FROM snapshot_items ORDER BY path').all() as Array<{ item_id: string; path: string }>;
    const f0 = items.find((r) => r.path === 'f0.bin')!.item_id;
    const f1 = items.find((r) => r.path === 'f1.bin')!.item_id;
    expect([rowsOf(f0), rowsOf(f1)]).toEqual([2, 2]);
    db().prepare('DELETE FROM items WHERE id = ?').run(f0);
    expect([rowsOf(f0), rowsOf(f1)]).toEqual([0, 2]);
    expect((await vault.check()).problems.filter((p) => p.kind === 'index')).toEqual([]);
  });

  it("a folder snapshot's totals are what the query over its rows gives, through new files, changed ones and unchanged ones", async () => {
    const joined = (id: number): { n: number; bytes: number } =>
      db()
        .prepare(
          `SELECT count(*) AS n, coalesce(sum(f.size), 0) AS bytes FROM snapshot_items s LEFT JOIN files f ON f.item_id = s.item_id AND f.version = s.version AND f.role = 'original' AND f.ordinal = 0 WHERE s.snapshot_id = ?`,
        )
        .get(id) as { n: number; bytes: number };
    const first = await vault.backupFolder(src);
    writeFileSync(join(src, 'f1.bin'), pseudoRandom(5000, 7)); // grows: a new version
    writeFileSync(join(src, 'copy.bin'), pseudoRandom(3002, 3)); // f2.bin's bytes under another name
    const second = await vault.backupFolder(src);
    expect(second).toMatchObject({ updated: 1, added: 1, unchanged: 3 });
    const third = await vault.backupFolder(src); // nothing read: every entry from the cache
    const device = await vault.createSnapshot({ label: 'all items' }); // no listed sizes: the query
    for (const id of [first.snapshotId, second.snapshotId, third.snapshotId, device.id]) {
      const info = vault.listSnapshots().find((x) => x.id === id)!;
      expect({ n: info.itemCount, bytes: info.totalBytes }).toEqual(joined(id));
    }
    expect(vault.listSnapshots().find((x) => x.id === third.snapshotId)).toMatchObject({ itemCount: 5, totalBytes: 3000 + 5000 + 3002 + 3003 + 3002 });
  });
});
