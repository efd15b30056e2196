// A compaction during a long restore (an erasure finishing while a restore runs): the
// restore's rows and its workers still name the old packs, so compaction commits but
// keeps those files until the restore ends (compaction.ts holdPacks). The restore comes
// out byte-identical, the old packs are gone afterwards and the vault checks clean.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VaultContext } from '../../../main/core/vault/context';
import { packPath } from '../../../main/core/vault/layout';
import { restoreSnapshot } from '../../../main/core/vault/snapshot-restore';
import { all, sql } from '../../../main/core/vault/sql';
import type { CompactReport } from '../../../main/core/vault/types';
import type { Vault } from '../../../main/core/vault/vault';
import { fileTree, newVault, pseudoRandom, SMALL_CHUNKS, tempDir } from './helpers';

let t: ReturnType<typeof tempDir>;
let vault: Vault;
let ctx: VaultContext;
let src: string;
let snapshot: number;
let dropIds: string[];

beforeEach(async () => {
  t = tempDir('ks-restore-compact-');
  vault = (await newVault(join(t.dir, 'home'), { chunker: SMALL_CHUNKS })).vault;
  ctx = (vault as unknown as { ctx: VaultContext }).ctx;
  src = join(t.dir, 'src');
  mkdirSync(src);
  // files to keep and files to erase side by side, so every pack holds both
  for (let i = 0; i < 120; i++) writeFileSync(join(src, `f${String(i).padStart(3, '0')}-${i % 2 ? 'drop' : 'keep'}.bin`), pseudoRandom(3000 + i * 37, i + 1));
  await vault.backupFolder(src);
  for (let i = 1; i < 120; i += 2) rmSync(join(src, `f${String(i).padStart(3, '0')}-drop.bin`));
  snapshot = (await vault.backupFolder(src)).snapshotId;
  dropIds = all<{ item_id: string }>(vault.indexDb, sql`SELECT DISTINCT item_id FROM snapshot_items WHERE path LIKE '%-drop.bin'`).map((r) => r.item_id);
  expect(dropIds).toHaveLength(60);
});
afterEach(() => {
  vault.close();
  t.cleanup();
});

describe('restore while an erasure compacts', () => {
  for (const [workers, pageFiles] of [[true, 500], [true, 8], [false, 8]] as const) {
    it(`completes byte-identical; old packs outlive the restore only (workers ${workers}, page ${pageFiles})`, async () => {
      const packsBefore = all<{ id: string }>(vault.indexDb, sql`SELECT id FROM packs`).map((p) => p.id);
      let compacted: CompactReport | null = null;
      let oldPacksDuringRestore = 0;
      const out = join(t.dir, 'out');
      const r = await restoreSnapshot(ctx, snapshot, out, {
        workers,
        pageFiles,
        control: {
          report: () => undefined,
          checkpoint: async () => {
            if (compacted) return;
            await vault.destroyItems(dropIds);
            compacted = await vault.compact();
            oldPacksDuringRestore = packsBefore.filter((id) => existsSync(packPath(vault.layout, id))).length;
          },
        },
      });
      const report = compacted as CompactReport | null;
      expect(report?.packsRewritten).toBeGreaterThan(0);
      expect(report?.packsDeleted).toBe(packsBefore.length);
      expect(oldPacksDuringRestore).toBe(packsBefore.length); // kept for the running restore
      expect(r.files).toBe(60);
      expect(fileTree(out)).toEqual(fileTree(src));
      expect(packsBefore.filter((id) => existsSync(packPath(vault.layout, id)))).toEqual([]); // deleted when it ended
      expect((await vault.check({ readData: true })).ok).toBe(true);
    });
  }

  it('a compaction with no restore running deletes the old packs at once', async () => {
    const packsBefore = all<{ id: string }>(vault.indexDb, sql`SELECT id FROM packs`).map((p) => p.id);
    await vault.destroyItems(dropIds);
    await vault.compact();
    expect(packsBefore.filter((id) => existsSync(packPath(vault.layout, id)))).toEqual([]);
  });
});
