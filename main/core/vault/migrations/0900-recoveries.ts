// Recovery (docs/recovery.md): each recovery with its plan and verification report, the
// files it wrote (path, hash, size — so a rerun resumes without duplicates and erasure can
// find export folders later), and the location data collected for it (which item's
// location travelled, at what precision), which is purged when the recovery ends.
import type { Migration } from './migration';

export const recoveries: Migration = {
  version: 900,
  name: 'recoveries',
  up(db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS recoveries (
        id TEXT PRIMARY KEY,
        job_id TEXT,
        plan TEXT NOT NULL,
        report TEXT NOT NULL,
        state TEXT NOT NULL,
        consent_id TEXT,
        location_id INTEGER,
        created_at INTEGER NOT NULL,
        finished_at INTEGER
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS recovery_files (
        recovery_key TEXT NOT NULL,
        path TEXT NOT NULL,
        category TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        size INTEGER NOT NULL,
        PRIMARY KEY (recovery_key, path)
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS recovery_location_log (
        recovery_id TEXT NOT NULL,
        item_id TEXT NOT NULL,
        what TEXT NOT NULL,
        shared_as TEXT NOT NULL,
        at INTEGER NOT NULL,
        PRIMARY KEY (recovery_id, item_id, what)
      ) WITHOUT ROWID;
    `);
  },
};
