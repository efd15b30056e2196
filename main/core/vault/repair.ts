// `repair`: makes a damaged vault consistent again, and only after saving a copy of
// everything it touches (borg's warning: repair can lose data). It runs a full-read
// check, copies the index (after a TRUNCATE checkpoint, while this process holds the only
// connection, so the file is quiescent) and every damaged pack into
// repair-backups/<time>/, then removes the items whose data is lost — without
// tombstones, so the next backup from the phone or folder brings them back whole.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { VaultContext } from './context';
import { packPath } from './layout';
import { run, sql } from './sql';
import type { CheckReport } from './types';
import { checkVault } from './vault-check';

export interface RepairReport {
  before: CheckReport;
  backupDir: string | null;
  removedItems: Array<{ id: string; title: string; category: string }>;
  after: CheckReport | null;
}

export async function repairVault(ctx: VaultContext): Promise<RepairReport> {
  const before = await checkVault(ctx, { readData: true });
  if (before.ok) return { before, backupDir: null, removedItems: [], after: null };
  if (before.problems.some((p) => p.kind === 'index')) {
    // The index itself is damaged: nothing here can be trusted to decide what to delete.
    return { before, backupDir: null, removedItems: [], after: null };
  }
  const stamp = new Date(ctx.now()).toISOString().replace(/[:.]/g, '-');
  const backupDir = join(ctx.layout.repairBackups, stamp);
  mkdirSync(backupDir, { recursive: true, mode: 0o700 });
  ctx.db.pragma('wal_checkpoint(TRUNCATE)');
  copyFileSync(ctx.layout.index, join(backupDir, 'index.db'));
  const packs = [...new Set(before.problems.flatMap((p) => (p.packId ? [p.packId] : [])))];
  for (const id of packs) {
    const src = packPath(ctx.layout, id);
    if (existsSync(src)) copyFileSync(src, join(backupDir, `${id}.pack`));
  }
  ctx.fs.fsyncDir(backupDir);
  const lost = before.problems.filter((p) => p.kind === 'chunk' || p.kind === 'missing-pack' || p.kind === 'structure').flatMap((p) => p.itemIds ?? []);
  const removedItems = before.affectedItems.filter((i) => lost.includes(i.id));
  ctx.db.transaction(() => {
    for (const i of removedItems) run(ctx.db, sql`DELETE FROM items WHERE id = ${i.id}`);
    for (const p of before.problems) {
      if (p.kind === 'missing-pack' && p.packId) run(ctx.db, sql`DELETE FROM packs WHERE id = ${p.packId} AND NOT EXISTS (SELECT 1 FROM chunks WHERE pack_id = ${p.packId})`);
    }
  })();
  const after = await checkVault(ctx, { readData: true });
  return { before, backupDir, removedItems, after };
}
