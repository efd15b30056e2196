// Devices (issue 5): the desktop's own TLS identity (private key sealed under the
// 'device-identity' purpose key) and one row per paired phone with its pinned certificate
// fingerprint, options (child flag, whether phone deletions erase the archive) and
// revocation time. A revoked device keeps its row (history) but loses its pin.
import type { Migration } from './migration';

export const devicePairings: Migration = {
  version: 600,
  name: 'device-pairings',
  up(db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS device_identity (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        cert_pem TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        key_sealed BLOB NOT NULL,
        created_at INTEGER NOT NULL
      );

      CREATE TABLE IF NOT EXISTS device_pairings (
        device_id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        model TEXT,
        pinned_fingerprint TEXT UNIQUE,
        paired_at INTEGER NOT NULL,
        revoked_at INTEGER,
        last_sync_at INTEGER,
        child INTEGER NOT NULL DEFAULT 0 CHECK (child IN (0, 1)),
        delete_follows_phone INTEGER NOT NULL DEFAULT 0 CHECK (delete_follows_phone IN (0, 1)),
        sync_categories TEXT NOT NULL DEFAULT '[]'
      ) WITHOUT ROWID;
    `);
  },
};
