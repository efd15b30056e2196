// The incremental-backup cache: for each backed-up path, the size, mtime and inode seen
// last time and the item version that holds it, so an unchanged file is not read again.
import type { Migration } from './migration';

export const fileCache: Migration = {
  version: 30,
  name: 'file-cache',
  up(db) {
    db.exec(`
      CREATE TABLE file_cache (
        root TEXT NOT NULL,
        path TEXT NOT NULL,
        size INTEGER NOT NULL,
        mtime_ns TEXT NOT NULL,
        inode TEXT NOT NULL,
        item_id TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
        version INTEGER NOT NULL,
        PRIMARY KEY (root, path)
      ) WITHOUT ROWID;
      CREATE INDEX file_cache_item ON file_cache (item_id);
    `);
  },
};
