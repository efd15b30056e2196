// Reclaiming space and erasing. compact() rewrites every pack that holds chunks no row
// references any more (erased items, superseded pack contents, batches cut short by a
// crash): the live sealed chunks are copied as they are (their associated data does not
// name the pack, so no re-encryption), the new pack is made durable, the index is
// switched over in one transaction, and only then are the old files deleted. A crash at
// any point leaves either the old packs referenced or the new one; the unreferenced one
// is an orphan the next compaction (or open) removes. destroyItems() is the erasure
// primitive: tombstone, drop the wrapped key and every row (secure_delete overwrites the
// freed pages), then checkpoint the WAL with TRUNCATE so no old page survives there.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { VaultContext } from './context';
import { ioError } from './durable-fs';
import { packPath } from './layout';
import { PackReader, PackWriter } from './pack-store';
import { all, run, sql } from './sql';
import type { CompactReport } from './types';

/**
 * Restores running on a vault and the old pack files compactions left for them. A restore
 * reads its chunk locations a page at a time and its workers read packs while this thread
 * goes on; a compaction in between moves live chunks to new packs and would delete the
 * files the restore's rows still name. While a restore holds the vault's packs, a
 * compaction still rewrites and commits (nothing waits), but leaves the old files in place;
 * the last restore to finish deletes them. A crash meanwhile leaves them as orphans, which
 * the next compaction removes.
 */
const holds = new WeakMap<VaultContext, { restores: number; deferred: Set<string> }>();

/** Keeps every pack file that exists now until the returned release is called. */
export function holdPacks(ctx: VaultContext): () => void {
  let h = holds.get(ctx);
  if (!h) {
    h = { restores: 0, deferred: new Set() };
    holds.set(ctx, h);
  }
  const hold = h;
  hold.restores++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    hold.restores--;
    if (hold.restores > 0) return;
    for (const path of hold.deferred) rmSync(path, { force: true });
    hold.deferred.clear();
  };
}

/** Deletes pack files the index does not know (written by a batch that never committed). */
export function removeOrphanPacks(ctx: VaultContext): number {
  const known = new Set(all<{ id: string }>(ctx.db, sql`SELECT id FROM packs`).map((p) => p.id));
  const kept = holds.get(ctx)?.deferred;
  let removed = 0;
  let dirs: string[] = [];
  try {
    dirs = readdirSync(ctx.layout.packs);
  } catch {
    return 0;
  }
  for (const d of dirs) {
    for (const name of readdirSync(join(ctx.layout.packs, d))) {
      const id = name.replace(/\.pack$/, '');
      if (!known.has(id) && !kept?.has(join(ctx.layout.packs, d, name))) {
        rmSync(join(ctx.layout.packs, d, name), { force: true });
        removed++;
      }
    }
    if (removed) ctx.fs.fsyncDir(join(ctx.layout.packs, d));
  }
  return removed;
}

/** Empties tmp/: anything there belongs to a write that never finished. */
export function clearTmp(ctx: VaultContext): void {
  for (const name of readdirSync(ctx.layout.tmp)) rmSync(join(ctx.layout.tmp, name), { force: true, recursive: true });
}

/** Test seams: called between the durable steps, so crash tests can stop a run exactly there. */
export interface CompactHooks {
  afterWrite?: () => void;
  afterCommit?: () => void;
}

export function compact(ctx: VaultContext, opts: CompactHooks = {}): CompactReport {
  const report: CompactReport = { packsRewritten: 0, packsDeleted: 0, bytesFreed: 0, orphansRemoved: removeOrphanPacks(ctx) };
  const packs = all<{ id: string; size: number; live: number; n: number }>(
    ctx.db,
    sql`SELECT p.id, p.size, COALESCE(sum(c.length), 0) AS live, count(c.seq) AS n FROM packs p LEFT JOIN chunks c ON c.pack_id = p.id GROUP BY p.id
        HAVING count(c.seq) < p.chunk_count ORDER BY p.id`,
  );
  if (!packs.length) return report;
  const reader = new PackReader(ctx.layout);
  const writers: PackWriter[] = [];
  const moves: Array<{ seq: number; pack: string; offset: number; length: number }> = [];
  let writer: PackWriter | null = null;
  try {
    for (const p of packs) {
      const live = all<{ seq: number; item_id: string; chunk_id: Buffer; offset: number; length: number; plain_length: number }>(
        ctx.db,
        sql`SELECT seq, item_id, chunk_id, offset, length, plain_length FROM chunks WHERE pack_id = ${p.id} ORDER BY offset`,
      );
      for (const c of live) {
        if (!writer || writer.bytes + c.length > 16 * 1024 * 1024) {
          if (writer) writers.push(writer);
          writer = new PackWriter(ctx.layout, ctx.keys.packHeader, ctx.budgets.packHeader, ctx.fs);
        }
        const e = writer.add(reader.read(p.id, c.offset, c.length), { id: c.chunk_id.toString('hex'), item: c.item_id, plain: c.plain_length });
        moves.push({ seq: c.seq, pack: writer.id, offset: e.offset, length: e.length });
      }
    }
    if (writer) writers.push(writer);
    const written = writers.map((w) => w.finish());
    opts.afterWrite?.();
    ctx.db.transaction(() => {
      for (const w of written) run(ctx.db, sql`INSERT INTO packs (id, size, chunk_count, created_at) VALUES (${w.id}, ${w.size}, ${w.entries.length}, ${ctx.now()})`);
      for (const m of moves) run(ctx.db, sql`UPDATE chunks SET pack_id = ${m.pack}, offset = ${m.offset} WHERE seq = ${m.seq}`);
      for (const p of packs) run(ctx.db, sql`DELETE FROM packs WHERE id = ${p.id}`);
    })();
    report.packsRewritten = written.length;
  } catch (e) {
    for (const w of writers) w.abort();
    throw ioError(e, 'compact the vault');
  } finally {
    reader.close();
  }
  opts.afterCommit?.();
  const hold = holds.get(ctx);
  for (const p of packs) {
    // counted as freed now: the index no longer names them; a running restore may still read them
    if (hold && hold.restores > 0) hold.deferred.add(packPath(ctx.layout, p.id));
    else rmSync(packPath(ctx.layout, p.id), { force: true });
    report.packsDeleted++;
    report.bytesFreed += p.size;
  }
  return report;
}

/** Erases items: tombstones their fingerprints and deletes every row, key included. */
export function destroyItems(ctx: VaultContext, ids: string[]): number {
  let n = 0;
  ctx.db.transaction(() => {
    for (const id of ids) {
      const versions = all<{ fingerprint: Buffer; category: string }>(
        ctx.db,
        // items.fingerprint too: a record stored in bulk has no item_versions row (version-rows.ts).
        sql`SELECT v.fingerprint, i.category FROM item_versions v JOIN items i ON i.id = v.item_id WHERE v.item_id = ${id}
            UNION SELECT fingerprint, category FROM items WHERE id = ${id}`,
      );
      for (const v of versions) {
        run(ctx.db, sql`INSERT INTO tombstones (fingerprint, category, erased_at) VALUES (${v.fingerprint}, ${v.category}, ${ctx.now()}) ON CONFLICT (fingerprint) DO NOTHING`);
      }
      n += run(ctx.db, sql`DELETE FROM items WHERE id = ${id}`).changes;
    }
  })();
  ctx.db.pragma('wal_checkpoint(TRUNCATE)');
  return n;
}
