// `check`: the index's own integrity (PRAGMA integrity_check, foreign keys), then that
// every referenced chunk's pack exists and is long enough; with readData, every pack in
// the chosen subset is read from disk in full (no cache of ours in between), its header
// authenticated, each chunk decrypted under its item's key with its (chunk id, item,
// type) associated data, and its keyed MAC recomputed. Damage is reported with the
// names of the items it touches (RELIABILITY rows 3 and 4).
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import type { JobControl } from '../jobs/job-manager';
import type { VaultContext } from './context';
import { chunkAad, chunkId, open, unwrapItemKey } from './item-crypto';
import { packPath } from './layout';
import { readPackHeader, readPackHeaderAt } from './pack-store';
import { all, get, iterate, sql } from './sql';
import type { CheckProblem, CheckReport } from './types';
import { KeepsakeError } from '../../../common/errors';
import { headProblem } from './head-file';
import { withCacheSize } from './index-db';

/** Pack bytes handed to the seal workers and not yet answered: two packs of the usual 16 MiB. */
const CHECK_IN_FLIGHT_BYTES = 32 * 1024 * 1024;

export interface CheckOptions {
  readData?: boolean;
  /** "n/N": check the n-th of N slices of the packs (1-based), for spreading a full read over N runs. */
  subset?: string;
}

export function parseSubset(subset: string | undefined): { n: number; of: number } | null {
  if (!subset) return null;
  const m = /^(\d+)\/(\d+)$/.exec(subset);
  const n = m ? Number(m[1]) : 0;
  const of = m ? Number(m[2]) : 0;
  if (!m || of < 1 || n < 1 || n > of || of > 100000) throw new KeepsakeError('BAD_INPUT', 'The subset must look like n/N with 1 ≤ n ≤ N, for example 1/10.');
  return { n, of };
}

/** Which slice a pack belongs to: stable across runs, independent of pack count. */
function sliceOf(packId: string, of: number): number {
  return (createHash('sha256').update(packId).digest().readUInt32BE(0) % of) + 1;
}

/**
 * SQLite page cache during a check, in KiB. integrity_check reads every page of the index
 * once and the read loop's queries are range scans: the host's 32 MiB cache only kept
 * pages check never reads again (on a 1 GB set's 35 MB index, 32 MiB of check's peak RSS).
 */
const CHECK_CACHE_KIB = 2048;

export async function checkVault(ctx: VaultContext, opts: CheckOptions = {}, control?: Pick<JobControl, 'report' | 'checkpoint'>): Promise<CheckReport> {
  return withCacheSize(ctx.db, CHECK_CACHE_KIB, () => checkWith(ctx, opts, control));
}

async function checkWith(ctx: VaultContext, opts: CheckOptions, control: Pick<JobControl, 'report' | 'checkpoint'> | undefined): Promise<CheckReport> {
  const subset = parseSubset(opts.subset);
  const problems: CheckProblem[] = [];
  const report: CheckReport = { ok: true, readData: !!opts.readData, subset: opts.subset ?? null, packsChecked: 0, chunksChecked: 0, bytesRead: 0, problems, affectedItems: [] };
  let integrity: Array<{ integrity_check: string }>;
  try {
    integrity = ctx.db.pragma('integrity_check') as Array<{ integrity_check: string }>;
  } catch (e) {
    // A page that fails its SQLCipher HMAC cannot even be read: the index itself is damaged.
    problems.push({ kind: 'index', message: `The index is damaged and cannot be read in full (${(e as { code?: string }).code ?? 'error'}).` });
    report.ok = false;
    return report;
  }
  if (integrity.length !== 1 || integrity[0]?.integrity_check !== 'ok') {
    problems.push({ kind: 'index', message: `The index failed SQLite's integrity check: ${integrity.slice(0, 3).map((r) => r.integrity_check).join('; ')}` });
  }
  const rollback = headProblem(ctx);
  if (rollback) problems.push({ kind: 'index', message: rollback });
  const fk = ctx.db.pragma('foreign_key_check') as unknown[];
  // snapshot rows name their version without a foreign key since migration 0990: counted here instead
  const unpinned = get<{ n: number }>(ctx.db, sql`SELECT count(*) AS n FROM snapshot_items s WHERE NOT EXISTS (SELECT 1 FROM item_versions v WHERE v.item_id = s.item_id AND v.version = s.version)`)?.n ?? 0;
  if (fk.length + unpinned) problems.push({ kind: 'index', message: `The index has ${fk.length + unpinned} broken references between its tables.` });
  const broken = all<{ item_id: string }>(
    ctx.db,
    sql`SELECT f.item_id FROM files f LEFT JOIN (SELECT fc.file_seq, sum(c.plain_length) AS total FROM file_chunks fc JOIN chunks c ON c.seq = fc.chunk_seq GROUP BY fc.file_seq) t ON t.file_seq = f.seq
        WHERE COALESCE(t.total, 0) <> f.size`,
  );
  if (broken.length) problems.push({ kind: 'structure', message: `${broken.length} file(s) do not add up to their recorded size.`, itemIds: unique(broken.map((b) => b.item_id)) });

  const packs = all<{ id: string; size: number }>(ctx.db, sql`SELECT id, size FROM packs ORDER BY id`).filter((p) => !subset || sliceOf(p.id, subset.of) === subset.n);
  control?.report({ phase: opts.readData ? 'Reading every chunk' : 'Checking structure', done: 0, total: packs.length });
  // Item keys unwrapped for the pack being checked, wiped once its chunks are handed out or
  // opened: a cache over the whole check held every item's key to the end (20,000 keys on
  // the 1 GB set, ~5 MB more peak RSS, and keys kept longer than needed). Packs come in id
  // order, so a large file's packs are rarely next to each other anyway; an item in
  // several packs is unwrapped once per pack (a 32-byte AES-GCM open).
  const keys = new Map<string, Buffer>();
  const dropKeys = (): void => {
    for (const k of keys.values()) k.fill(0);
    keys.clear();
  };
  const itemKey = (itemId: string, wrapped: Buffer): Buffer => {
    let k = keys.get(itemId);
    if (!k) {
      k = unwrapItemKey(ctx.keys.itemWrap, wrapped, itemId);
      keys.set(itemId, k);
    }
    return k;
  };
  // With seal workers, packs are read and their chunks opened there, two at a time; this
  // thread checks each pack's frame and header and collects the answers in pack order.
  const pool = opts.readData ? ctx.sealPool() : null;
  const inFlight: Array<Promise<void>> = [];
  const inFlightSizes: number[] = [];
  let inFlightBytes = 0;
  const settleOldest = async (): Promise<void> => {
    await inFlight.shift();
    inFlightBytes -= inFlightSizes.shift() ?? 0;
    control?.report({ done: report.packsChecked, bytesDone: report.bytesRead });
    await control?.checkpoint();
  };
  try {
    for (const p of packs) {
      const chunkRows = [...iterate<{ item_id: string; chunk_id: Buffer; offset: number; length: number; plain_length: number; wrapped_key: Buffer }>(
        ctx.db,
        sql`SELECT c.item_id, c.chunk_id, c.offset, c.length, c.plain_length, i.wrapped_key FROM chunks c JOIN items i ON i.id = c.item_id WHERE c.pack_id = ${p.id} ORDER BY c.offset`,
      )];
      const items = (): string[] => unique(chunkRows.map((c) => c.item_id));
      const path = packPath(ctx.layout, p.id);
      let size: number;
      try {
        size = statSync(path).size;
      } catch {
        problems.push({ kind: 'missing-pack', message: 'A pack file is missing.', packId: p.id, itemIds: items() });
        continue;
      }
      if (size !== p.size) {
        problems.push({ kind: 'missing-pack', message: `A pack file has the wrong size (${size} bytes, expected ${p.size}).`, packId: p.id, itemIds: items() });
        continue;
      }
      report.packsChecked++;
      if (!opts.readData) continue;
      if (pool) {
        try {
          readPackHeaderAt(path, size, p.id, ctx.keys.packHeader);
        } catch (e) {
          problems.push({ kind: 'pack-header', message: (e as Error).message, packId: p.id, itemIds: items() });
        }
        const keyRows = new Uint8Array(chunkRows.length * 32);
        chunkRows.forEach((c, i) => keyRows.set(itemKey(c.item_id, c.wrapped_key), i * 32));
        dropKeys(); // keyRows holds the copies the worker gets (wiped once posted)
        const rows = chunkRows.map((c) => ({ offset: c.offset, length: c.length, plain: c.plain_length, id: c.chunk_id, item: c.item_id }));
        report.chunksChecked += rows.length;
        // what the workers hold is bounded in bytes (each reads its pack whole into a reused buffer)
        while (inFlight.length && inFlightBytes + size > CHECK_IN_FLIGHT_BYTES) await settleOldest();
        inFlightBytes += size;
        inFlightSizes.push(size);
        inFlight.push(
          pool.verifyPack({ path, macKey: ctx.keys.chunkId, rows, keys: keyRows }).then(({ bad, bytes }) => {
            report.bytesRead += bytes;
            const items = new Set(bad.map((i) => chunkRows[i]?.item_id ?? ''));
            if (items.size) problems.push({ kind: 'chunk', message: `${items.size} item(s) have damaged chunks in one pack.`, packId: p.id, itemIds: [...items] });
          }),
        );
        if (inFlight.length >= 2) await settleOldest();
        continue;
      }
      const whole = readFileSync(path);
      report.bytesRead += whole.length;
      try {
        readPackHeader(whole, p.id, ctx.keys.packHeader);
      } catch (e) {
        problems.push({ kind: 'pack-header', message: (e as Error).message, packId: p.id, itemIds: items() });
      }
      const bad = new Set<string>();
      for (const c of chunkRows) {
        report.chunksChecked++;
        try {
          const plain = open(itemKey(c.item_id, c.wrapped_key), whole.subarray(c.offset, c.offset + c.length), chunkAad(c.chunk_id, c.item_id));
          if (plain.length !== c.plain_length || !chunkId(ctx.keys.chunkId, plain).equals(c.chunk_id)) throw new Error('mac');
        } catch {
          bad.add(c.item_id);
        }
      }
      dropKeys();
      if (bad.size) problems.push({ kind: 'chunk', message: `${bad.size} item(s) have damaged chunks in one pack.`, packId: p.id, itemIds: [...bad] });
      control?.report({ done: report.packsChecked, bytesDone: report.bytesRead });
      await control?.checkpoint();
    }
    while (inFlight.length) await settleOldest();
  } finally {
    // a cancelled check leaves no job behind that still reads with these keys
    await Promise.allSettled(inFlight);
    dropKeys();
  }
  const affected = unique(problems.flatMap((p) => p.itemIds ?? []));
  report.affectedItems = affected.slice(0, 1000).flatMap((id) => all<{ id: string; title: string; category: string }>(ctx.db, sql`SELECT id, title, category FROM items WHERE id = ${id}`));
  report.ok = problems.length === 0;
  return report;
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}
