// Version rows of row-only items. putRecords() stores a message, call, contact or event
// without copying its first version into item_versions: the items row already holds it,
// and the copy was a third of the index written per message (docs/vault.md, "Row-only
// items"). So an item has either ALL its versions in item_versions (1..version) or NONE
// (version 1, whose content is the items row). Whatever needs the row of the current
// version — writing a second version, pinning it in a snapshot (snapshot_items and files
// reference item_versions) — calls materializeVersion(s) first, which copies the items
// row into item_versions when it is missing; readers that want every version's
// fingerprint read items.fingerprint as well (compaction.ts, destroyItems).
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
