// Version rows of row-only items. putRecords() stores a message, call, contact or event
// without copying its first version into item_versions: the items row already holds it,
// and the copy was a third of the index written per message (docs/vault.md, "Row-only
// items"). So an item has either ALL its versions in item_versions (1..version) or NONE
// (version 1, whose content is the items row). Whatever needs the row of the current
// version — writing a second version, pinning it in a snapshot (snapshot_items and files
// reference item_versions) — calls materializeVersion(s) first, which copies the items
// row into item_versions when it is missing; readers that want every version's
// fingerprint read items.fingerprint as well (compaction.ts, destroyItems). A new version
// becomes the items row's current one through updateItemRow(), shared by both writers.
import { run, sql, type Db } from './sql';

/** Ensures the current version of one item has its item_versions row. */
export function materializeVersion(db: Db, itemId: string): void {
  run(
    db,
    sql`INSERT INTO item_versions (item_id, version, occurred_at, title, summary, body, fields, lat, lon, fingerprint, created_at)
        SELECT id, version, occurred_at, title, summary, body, fields, lat, lon, fingerprint, updated_at FROM items WHERE id = ${itemId}
        ON CONFLICT (item_id, version) DO NOTHING`,
  );
}

/** The same for every item of one device (before a snapshot of that device). */
export function materializeDeviceVersions(db: Db, deviceId: string): void {
  run(
    db,
    sql`INSERT INTO item_versions (item_id, version, occurred_at, title, summary, body, fields, lat, lon, fingerprint, created_at)
        SELECT id, version, occurred_at, title, summary, body, fields, lat, lon, fingerprint, updated_at FROM items WHERE device_id = ${deviceId}
        ON CONFLICT (item_id, version) DO NOTHING`,
  );
}

/** An items row's content as the writers hold it (added-rows.ts for new items, updateItemRow for new versions). */
export interface ItemContent {
  occurredAt: number | null;
  title: string;
  summary: string;
  body: string;
  /** Already as JSON text. */
  fields: string;
  lat: number | null;
  lon: number | null;
  personal: boolean;
  fingerprint: Buffer;
}

/** The new current version, written into the items row by updateItemRow(). */
export interface CurrentVersion extends ItemContent {
  version: number;
  now: number;
  /** The item's wrapped data key and its nonce count, when this version sealed anything. */
  key?: { wrapped: Buffer; uses: number };
}

/**
 * Makes `v` the items row's current version. The title, summary and body are set only
 * when they differ from the row's: assigning title or body fires items_fts_update, whose
 * FTS5 'delete' (secure-delete on, migration 0960) rewrites the term's entries in place —
 * measured at ~170 µs per item on a 20,000-item vault, most of a 5 % re-run's commit,
 * where a changed file keeps its name (title) and has no body.
 */
export function updateItemRow(db: Db, itemId: string, v: CurrentVersion): void {
  // without a new key (a row-only version) the item keeps its wrapped key and nonce count
  run(
    db,
    sql`UPDATE items SET occurred_at = ${v.occurredAt}, fields = ${v.fields}, lat = ${v.lat}, lon = ${v.lon}, personal = ${v.personal ? 1 : 0}, fingerprint = ${v.fingerprint},
        wrapped_key = coalesce(${v.key?.wrapped ?? null}, wrapped_key), key_uses = coalesce(${v.key?.uses ?? null}, key_uses), version = ${v.version}, updated_at = ${v.now} WHERE id = ${itemId}`,
  );
  run(
    db,
    sql`UPDATE items SET title = ${v.title}, summary = ${v.summary}, body = ${v.body}
        WHERE id = ${itemId} AND (title IS NOT ${v.title} OR summary IS NOT ${v.summary} OR body IS NOT ${v.body})`,
  );
}
