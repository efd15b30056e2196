// Snapshot rows without their per-row index on (item_id, version). Every snapshot writes a
// row per file (a folder of 20,000 files: 20,000 rows a run), and the index kept those
// rows grouped by item, so each run inserted next to every item's earlier rows: it dirtied
// nearly every page of an index that grows with each snapshot (the 1 GB bench set: +3 MB
// of index per run, and ~20 ms more CPU in every later re-run per snapshot kept; at the
// third snapshot the index alone was ~1.4 MB of WAL and checkpoint per run). Without it a
// snapshot's rows are appended at the end of the table's primary key (snapshot_id first).
// What the index served, kept:
//  - deleting a version (an item erased or compacted away) removes its snapshot rows: was
//    the foreign key's ON DELETE CASCADE, now the trigger below, which finds them through
//    the primary key one snapshot at a time (snapshot_id IN (SELECT id FROM snapshots));
//  - "which snapshots hold this item" (erasure): the same primary-key search;
//  - a row must name a stored version: rows are only written for versions written in the
//    same transaction or named by the file cache / items table (both removed with their
//    item), and `keepsake check` counts rows whose version is missing (vault-check.ts).
// The table is rebuilt (SQLite cannot drop a foreign key in place): same columns, same
// primary key, same rows.
import type { Migration } from './migration';

export const snapshotRows: Migration = {
  version: 990,
  name: 'snapshot-rows',
  up(db) {
    db.exec(`
      CREATE TABLE snapshot_items_0990 (
        snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
        item_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        path TEXT NOT NULL DEFAULT '',
        mode INTEGER,
        mtime_ms INTEGER,
        PRIMARY KEY (snapshot_id, item_id, path)
      ) WITHOUT ROWID;
      INSERT INTO snapshot_items_0990 (snapshot_id, item_id, version, path, mode, mtime_ms)
        SELECT snapshot_id, item_id, version, path, mode, mtime_ms FROM snapshot_items;
      DROP TABLE snapshot_items;
      ALTER TABLE snapshot_items_0990 RENAME TO snapshot_items;
      CREATE TRIGGER snapshot_items_version_gone AFTER DELETE ON item_versions BEGIN
        DELETE FROM snapshot_items WHERE snapshot_id IN (SELECT id FROM snapshots) AND item_id = old.item_id AND version = old.version;
      END;
    `);
  },
};
