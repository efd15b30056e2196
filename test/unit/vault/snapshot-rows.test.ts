// Snapshot rows since migration 0990: no index per row and no foreign key to their version,
// so `keepsake check` counts a row whose version is missing (vault-check.ts), and erasing
// an item still takes it out of every snapshot (the trigger that replaced the cascade).
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
});
