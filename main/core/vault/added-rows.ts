// The index rows of a batch's newly added items, gathered while putItems' commit decides
// each item's status and then written in a few statements per table instead of ~7
// statements per item. Measured on this machine: 4,000 items rows took 73–170 ms one
// statement each and 29–42 ms in one statement; a first backup of 20,000 small files spent
// most of its commit in statement overhead. Each statement is a multi-row VALUES list of
// bound parameters (insertRows in sql.ts): the same rows, constraints, foreign keys and
// transaction as one statement per row, without a JSON text built here and parsed again
// by SQLite (session 5 bound one JSON array per statement; a probe on a cipher database
// with 20,000 rows: 44–65 ms CPU with VALUES vs 78–116 ms with json_each). File and chunk
// rows get their seq (their INTEGER PRIMARY KEY) here, counted on from the table's
// largest — what SQLite would have picked itself — so file_chunks can point at them in bulk too.
import type { ChunkRef } from './chunk-sink';
import { get, insertRows, sql, type Db, type SqlValue } from './sql';
import type { ItemContent } from './version-rows';

export interface AddedItem extends ItemContent {
  itemId: string;
  category: string;
  deviceId: string;
  sourceKey: string;
  wrappedKey: Buffer;
  keyUses: number;
  now: number;
  files: ReadonlyArray<{ role: string; ordinal: number; name: string; mime: string; size: number; refs: ChunkRef[] }>;
}

export class AddedRows {
  private readonly items: AddedItem[] = [];
  /** Sources of later items of the batch that turned out to be twins of an added one. */
  private readonly twinSources: Array<[string, string, string, number]> = [];
  /** The first item added in this batch with each fingerprint (hex). */
  private readonly byFingerprint = new Map<string, string>();

  get size(): number {
    return this.items.length;
  }

  add(item: AddedItem): void {
    this.items.push(item);
    const fp = item.fingerprint.toString('hex');
    if (!this.byFingerprint.has(fp)) this.byFingerprint.set(fp, item.itemId);
  }

  /** The item added earlier in this batch with this fingerprint, if any. */
  twinOf(fpHex: string): string | undefined {
    return this.byFingerprint.get(fpHex);
  }

  addTwinSource(deviceId: string, sourceKey: string, itemId: string, now: number): void {
    this.twinSources.push([deviceId, sourceKey, itemId, now]);
  }

  /** Writes every gathered row (inside the caller's transaction), parents before children. */
  write(db: Db): void {
    const items = this.items;
    const itemRows: SqlValue[] = [];
    const versionRows: SqlValue[] = [];
    const sourceRows: SqlValue[] = [];
    const copyRows: SqlValue[] = [];
    for (const a of items) {
      itemRows.push(a.itemId, a.category, a.deviceId, a.personal ? 1 : 0, a.occurredAt, a.title, a.summary, a.body, a.fields, a.lat, a.lon, a.fingerprint, a.wrappedKey, a.keyUses, a.now, a.now);
      versionRows.push(a.itemId, a.occurredAt, a.title, a.summary, a.body, a.fields, a.lat, a.lon, a.fingerprint, a.now);
      sourceRows.push(a.deviceId, a.sourceKey, a.itemId, a.now);
      copyRows.push(a.itemId, a.now, a.now);
    }
    for (const t of this.twinSources) sourceRows.push(...t);
    insertRows(
      db,
      sql`INSERT INTO items (id, category, device_id, personal, occurred_at, title, summary, body, fields, lat, lon, fingerprint, wrapped_key, key_uses, version, created_at, updated_at) VALUES`,
      '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)',
      itemRows,
    );
    insertRows(db, sql`INSERT INTO item_versions (item_id, version, occurred_at, title, summary, body, fields, lat, lon, fingerprint, created_at) VALUES`, '(?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?)', versionRows);
    insertRows(db, sql`INSERT INTO item_sources (device_id, source_key, item_id, first_seen_at) VALUES`, '(?, ?, ?, ?)', sourceRows);
    insertRows(db, sql`INSERT INTO copies (item_id, location_id, state, since, last_verified, encryption) VALUES`, "(?, 1, 'present', ?, ?, 'aes-256-gcm/item-key')", copyRows);
    let fileSeq = nextSeq(db, 'files');
    let chunkSeq = nextSeq(db, 'chunks');
    const files: SqlValue[] = [];
    const chunks: SqlValue[] = [];
    const links: SqlValue[] = [];
    for (const a of items) {
      for (const f of a.files) {
        const seq = fileSeq++;
        files.push(seq, a.itemId, f.role, f.ordinal, f.name, f.mime, f.size);
        let offset = 0;
        f.refs.forEach((r, idx) => {
          if (r.seq === undefined) {
            r.seq = chunkSeq++;
            chunks.push(r.seq, a.itemId, r.id, r.packId!, r.offset!, r.length!, r.plain);
          }
          links.push(seq, idx, r.seq, offset);
          offset += r.plain;
        });
      }
    }
    insertRows(db, sql`INSERT INTO files (seq, item_id, version, role, ordinal, name, mime, size) VALUES`, '(?, ?, 1, ?, ?, ?, ?, ?)', files);
    insertRows(db, sql`INSERT INTO chunks (seq, item_id, chunk_id, pack_id, offset, length, plain_length) VALUES`, '(?, ?, ?, ?, ?, ?, ?)', chunks);
    insertRows(db, sql`INSERT INTO file_chunks (file_seq, idx, chunk_seq, file_offset) VALUES`, '(?, ?, ?, ?)', links);
  }
}

/** One past the largest seq of the table: what SQLite gives the next row without one. */
function nextSeq(db: Db, table: 'files' | 'chunks'): number {
  const q = table === 'files' ? sql`SELECT coalesce(max(seq), 0) + 1 AS n FROM files` : sql`SELECT coalesce(max(seq), 0) + 1 AS n FROM chunks`;
  return get<{ n: number }>(db, q)!.n;
}
