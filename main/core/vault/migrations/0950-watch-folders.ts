// Watch folders (docs/intake.md, "Watch folders"): the folders Keepsake imports from
// continuously, each with its status, and the size and mtime of every file already
// imported from it, so an unlock re-imports only what changed while the vault was locked.
// Numbered 950, not 610 (taken by pairing-attempts): a number below the vault's latest
// migration would never run on a vault that already has it. Statements are IF NOT EXISTS
// so the watch store can also apply it on first use.
import type { Migration } from './migration';

export const watchFolders: Migration = {
  version: 950,
  name: 'watch-folders',
  up(db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS watch_folders (
        id TEXT PRIMARY KEY,
        path TEXT NOT NULL UNIQUE,
        added_at INTEGER NOT NULL,
        last_scan_at INTEGER,
        files_imported INTEGER NOT NULL DEFAULT 0,
        last_error TEXT
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS watch_files (
        watch_id TEXT NOT NULL REFERENCES watch_folders(id) ON DELETE CASCADE,
        path TEXT NOT NULL,
        size INTEGER NOT NULL,
        mtime_ms INTEGER NOT NULL,
        PRIMARY KEY (watch_id, path)
      ) WITHOUT ROWID;
    `);
  },
};
