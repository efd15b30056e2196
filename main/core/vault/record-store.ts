// The bulk path for row-only items (messages, calls, contacts, calendar events: items
// without files). putItems() is built for items with files — chunking, packs, fsync of
// packs, then rows — and pays for that machinery per item; a record has none of it, so
// putRecords() writes a batch of thousands in ONE transaction with cached prepared
// statements and nothing else. It keeps every guarantee putItems gives such an item:
//  - the same rows: items, item_sources, copies (and the FTS rows, which the items
//    triggers write), so search, lists, snapshots and the data map see them — except the
//    copy of version 1 in item_versions, which the items row already is (version-rows.ts);
//  - the same identity rules: (device, source key) finds the item again (re-import is a
//    duplicate, changed content a new version, content equal to an earlier version keeps
//    the person's edit); equal content from a new source is one item with a second
//    source; content matching a tombstone is not stored [Note: tombstones];
//  - the same fingerprint (fingerprint.ts, called exactly as putItems calls it for an
//    item without files), so a record stored here and the same item stored by putItems
//    are one item;
//  - per-item keys, made when they are first needed: nothing of a row-only item is
//    encrypted under a data key (its personal fields live in the encrypted index, and
//    erasure removes them with secure_delete), so a record is stored with an EMPTY
//    wrapped_key and gets its own fresh key — wrapped under the vault's item-key-wrap key
//    with its id bound, counted against that key's nonce budget — when a file is added
//    later (item-store.ts, updateItem). Erasing it deletes that key row like any other
//    item's. docs/vault.md ("Row-only items") explains why this is equivalent; it saved
//    a random key, a random nonce and an AES-GCM wrap per message;
//  - durability: the promise resolves after COMMIT under synchronous=FULL.
// docs/vault.md ("Row-only items") records the measurements behind this file.
import { randomBytes } from 'node:crypto';
import { KeepsakeError } from '../../../common/errors';
import type { VaultContext, VaultKeys } from './context';
import { fingerprint, fingerprintContent } from './fingerprint';
import { summaryOf, validateItem } from './item-store';
import { get, run, sql } from './sql';
import type { NewItem, PutResult } from './types';
import { materializeVersion, updateItemRow } from './version-rows';

/** A row-only item: a NewItem without files (one that has files is refused). */
export type RecordItem = Omit<NewItem, 'files'>;

/** One transaction holds at most this many records (memory and WAL size stay bounded). */
export const MAX_RECORDS_PER_BATCH = 50_000;

/**
 * Ids of a batch: 32 hex digits like newItemId()'s (12 of milliseconds, then 20 more), but
 * the 20 are 8 random bytes drawn once for the batch and a 4-digit counter (a batch holds
 * at most 50,000 < 0x10000 records). newItemId()'s 80 random bits per id put a batch's
 * 25,000 ids in random order under one time prefix, so every index keyed by item id
 * (items.id, item_sources_item, copies and copies_location) took its inserts at random
 * places inside the batch's range: half-full pages split over and over. Counted ids take
 * appends (SQLite's quick balance fills each page): ~7 µs (6-7 %) less CPU per message,
 * measured in pairs at 100,000 messages (docs/intake.md). Still unique: a second batch
 * would need the same millisecond AND the same 64 random bits, and the UNIQUE index on
 * items.id would roll that batch back whole rather than mix two items.
 */
const ID_BATCH_RANDOM_BYTES = 8;
const ID_COUNTER_DIGITS = 4;

/**
 * Page cache (KiB) while records are stored in bulk. Two indexes take inserts in random
 * order — item_sources (hashed source keys) and items_fingerprint — and at a million
 * messages they are ~150 MB: with the connection's default 32 MiB nearly every insert
 * misses, and each miss costs a page read, decrypt and HMAC check, and a re-encrypted
 * write. 256 MiB keeps them in memory (measured at 100,000 messages, where they still
 * nearly fit the default: 0–8 % less CPU; the difference grows with the vault). Raised once, on the first large batch, and kept for the
 * connection: lowering it again would drop the pages the next batch needs. Bounded, so
 * memory still does not grow with the size of the import.
 */
export const BULK_CACHE_KIB = 256 * 1024;
const LARGE_BATCH = 1000;

/** wrapped_key of an item with nothing encrypted under a data key yet (see the header). */
const NO_KEY_YET = Buffer.alloc(0);

interface ExistingRow {
  id: string;
  version: number;
  fingerprint: Buffer;
}

/**
 * What storing records needs of an open vault: the index connection, the fingerprint key
 * and the clock. The host thread passes its VaultContext; the storage worker
 * (storage-worker-thread.ts) its own connection and a copy of the key.
 */
export type RecordContext = Pick<VaultContext, 'db' | 'now'> & { keys: Pick<VaultKeys, 'fingerprint'> };

/** Stores row-only items in one transaction; results are in batch order. */
export function putRecords(ctx: RecordContext, batch: readonly RecordItem[]): PutResult[] {
  if (batch.length > MAX_RECORDS_PER_BATCH) {
    throw new KeepsakeError('BAD_INPUT', `At most ${MAX_RECORDS_PER_BATCH.toLocaleString('en')} records can be stored in one batch.`);
  }
  for (const item of batch) {
    if ((item as { files?: unknown[] }).files?.length) throw new KeepsakeError('BAD_INPUT', 'An item with files cannot be stored as a record; store it with its files.');
    validateItem(item);
  }
  const db = ctx.db;
  if (batch.length >= LARGE_BATCH) raiseCache(ctx);
  const results: PutResult[] = [];
  // One draw from the CSPRNG for the whole batch (a call per item was the largest single
  // JavaScript cost of storing a message), then a counter: ids in insertion order.
  const idPrefix = Date.now().toString(16).padStart(12, '0').slice(-12) + randomBytes(ID_BATCH_RANDOM_BYTES).toString('hex');
  // IMMEDIATE: the write lock is taken at BEGIN. A deferred transaction would read (the
  // tombstone check) on a snapshot that another connection's commit — the host's, when
  // this runs on the storage worker — can make stale, and its first write would then fail
  // with SQLITE_BUSY_SNAPSHOT instead of waiting on the busy handler.
  db.transaction(() => {
    const now = ctx.now();
    // No tombstones at all (the common case for a first import): skip the per-item lookup.
    // Read inside the transaction, so no erasure can slip in between.
    const anyTombstone = get(db, sql`SELECT 1 AS x FROM tombstones LIMIT 1`) !== undefined;
    const devices = new Set<string>();
    batch.forEach((item, index) => {
      const deviceId = item.deviceId ?? 'local';
      if (!devices.has(deviceId)) {
        run(db, sql`INSERT INTO devices (id, name, created_at) VALUES (${deviceId}, ${deviceId}, ${now}) ON CONFLICT (id) DO NOTHING`);
        devices.add(deviceId);
      }
      results.push(storeOne(ctx, item, deviceId, idPrefix + index.toString(16).padStart(ID_COUNTER_DIGITS, '0'), anyTombstone, now));
    });
  }).immediate();
  return results;
}

function raiseCache(ctx: RecordContext): void {
  const current = Number(ctx.db.pragma('cache_size', { simple: true }));
  // Negative values are KiB, positive ones pages (4 KiB); compare in KiB.
  const kib = current < 0 ? -current : current * 4;
  // PRAGMA cannot take bound parameters; the value is our own integer constant.
  if (kib < BULK_CACHE_KIB) ctx.db.pragma(`cache_size=-${BULK_CACHE_KIB}`);
}

function storeOne(ctx: RecordContext, item: RecordItem, deviceId: string, newId: string, anyTombstone: boolean, now: number): PutResult {
  const db = ctx.db;
  const fp = fingerprint(ctx.keys.fingerprint, { ...fingerprintContent(item), files: [] });
  // Lookups run inside the batch's transaction, so an earlier record of the same batch is
  // found like any stored item (two equal messages in one file are one item).
  const existing = get<ExistingRow>(
    db,
    sql`SELECT i.id, i.version, i.fingerprint FROM item_sources s JOIN items i ON i.id = s.item_id
        WHERE s.device_id = ${deviceId} AND s.source_key = ${item.sourceKey}`,
  );
  const title = item.title ?? '';
  const text = item.text ?? '';
  const summary = summaryOf(item.text);
  const fieldsJson = JSON.stringify(item.fields);
  const lat = item.location?.lat ?? null;
  const lon = item.location?.lon ?? null;
  const occurredAt = item.occurredAt ?? null;
  if (existing) {
    if (existing.fingerprint.equals(fp)) return { id: existing.id, status: 'duplicate', version: existing.version };
    // The source still says what an earlier version said: keep the person's edit (as putItems).
    if (get(db, sql`SELECT 1 AS x FROM item_versions WHERE item_id = ${existing.id} AND fingerprint = ${fp}`)) {
      return { id: existing.id, status: 'duplicate', version: existing.version };
    }
    const version = existing.version + 1;
    materializeVersion(db, existing.id);
    run(
      db,
      sql`INSERT INTO item_versions (item_id, version, occurred_at, title, summary, body, fields, lat, lon, fingerprint, created_at)
          VALUES (${existing.id}, ${version}, ${occurredAt}, ${title}, ${summary}, ${text}, ${fieldsJson}, ${lat}, ${lon}, ${fp}, ${now})`,
    );
    updateItemRow(db, existing.id, { occurredAt, title, summary, body: text, fields: fieldsJson, lat, lon, personal: item.personal, fingerprint: fp, version, now });
    return { id: existing.id, status: 'updated', version };
  }
  if (anyTombstone && get(db, sql`SELECT 1 AS x FROM tombstones WHERE fingerprint = ${fp}`)) return { id: '', status: 'tombstoned', version: 0 };
  const twin = get<{ id: string; version: number }>(db, sql`SELECT id, version FROM items WHERE fingerprint = ${fp} LIMIT 1`);
  if (twin) {
    run(db, sql`INSERT INTO item_sources (device_id, source_key, item_id, first_seen_at) VALUES (${deviceId}, ${item.sourceKey}, ${twin.id}, ${now})`);
    return { id: twin.id, status: 'duplicate', version: twin.version };
  }
  const id = newId;
  run(
    db,
    sql`INSERT INTO items (id, category, device_id, personal, occurred_at, title, summary, body, fields, lat, lon, fingerprint, wrapped_key, key_uses, version, created_at, updated_at)
        VALUES (${id}, ${item.category}, ${deviceId}, ${item.personal ? 1 : 0}, ${occurredAt}, ${title}, ${summary}, ${text},
                ${fieldsJson}, ${lat}, ${lon}, ${fp}, ${NO_KEY_YET}, 0, 1, ${now}, ${now})`,
  );
  // No item_versions row for version 1: the items row is it (version-rows.ts).
  run(db, sql`INSERT INTO item_sources (device_id, source_key, item_id, first_seen_at) VALUES (${deviceId}, ${item.sourceKey}, ${id}, ${now})`);
  run(db, sql`INSERT INTO copies (item_id, location_id, state, since, last_verified, encryption) VALUES (${id}, 1, 'present', ${now}, ${now}, 'aes-256-gcm/item-key')`);
  return { id, status: 'added', version: 1 };
}
