// Cloud mirror tables (owned by main/core/cloud; numbers 0500–0590 are the cloud's).
// cloud_targets: one row per configured target — its kind and settings, its credentials
// (inside the encrypted index, never in a log or config file), its schedule and bandwidth
// limit, its health line, and the highest manifest counter seen (rollback detection).
// cloud_objects: what has been uploaded to each target and verified there, so a sync
// uploads only what is new and GC knows what it may remove.
import type { Db } from '../sql';
import type { Migration } from './migration';

export const cloudSchema: Migration = {
  version: 500,
  name: 'cloud',
  up(db: Db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS cloud_targets (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('s3', 'webdav', 'folder')),
        label TEXT NOT NULL,
        settings TEXT NOT NULL,
        secrets TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        schedule_minutes INTEGER NOT NULL DEFAULT 0,
        bandwidth_bps INTEGER NOT NULL DEFAULT 0,
        highest_counter INTEGER NOT NULL DEFAULT 0,
        last_success_at INTEGER,
        last_attempt_at INTEGER,
        last_error TEXT,
        bytes_up INTEGER NOT NULL DEFAULT 0,
        objects INTEGER NOT NULL DEFAULT 0,
        errors INTEGER NOT NULL DEFAULT 0,
        conformance TEXT
      ) STRICT;
      CREATE TABLE IF NOT EXISTS cloud_objects (
        target_id TEXT NOT NULL REFERENCES cloud_targets(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('pack', 'segment', 'key-slots')),
        logical TEXT NOT NULL,
        size INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        verified_at INTEGER NOT NULL,
        PRIMARY KEY (target_id, name)
      ) STRICT;
      CREATE INDEX IF NOT EXISTS cloud_objects_logical ON cloud_objects(target_id, kind, logical);
    `);
  },
};
