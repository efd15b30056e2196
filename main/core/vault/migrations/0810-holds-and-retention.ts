// Legal holds (items or whole categories that must not be erased until released — the
// policy's "legal purposes") and retention rules (erase e.g. screenshots older than 30 days).
import type { Migration } from './migration';

export const holdsAndRetention: Migration = {
  version: 810,
  name: 'holds-and-retention',
  up(db) {
    db.exec(`
      CREATE TABLE legal_holds (
        id INTEGER PRIMARY KEY,
        item_id TEXT REFERENCES items(id) ON DELETE CASCADE,
        category TEXT,
        reason TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        CHECK ((item_id IS NULL) <> (category IS NULL))
      );
      CREATE UNIQUE INDEX legal_holds_item ON legal_holds (item_id) WHERE item_id IS NOT NULL;
      CREATE UNIQUE INDEX legal_holds_category ON legal_holds (category) WHERE category IS NOT NULL;

      CREATE TABLE retention_rules (
        id INTEGER PRIMARY KEY,
        category TEXT NOT NULL,
        older_than_days INTEGER NOT NULL CHECK (older_than_days > 0),
        enabled INTEGER NOT NULL DEFAULT 1,
        previewed_at INTEGER,
        last_run_at INTEGER,
        created_at INTEGER NOT NULL,
        UNIQUE (category, older_than_days)
      );
    `);
  },
};
