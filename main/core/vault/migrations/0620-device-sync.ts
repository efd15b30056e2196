// Devices: what each phone has had acknowledged (device item id, content hash, size,
// category, when) and the state of resumable uploads (bytes received so far into an
// encrypted staging file). device_items is written only after the vault reported the item
// durable; it feeds the manifest answer and the per-device statistics.
import type { Migration } from './migration';

export const deviceSync: Migration = {
  version: 620,
  name: 'device-sync',
  up(db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS device_items (
        device_id TEXT NOT NULL,
        item_id TEXT NOT NULL,
        hash TEXT NOT NULL,
        size INTEGER NOT NULL,
        category TEXT NOT NULL,
        vault_item_id TEXT,
        state TEXT NOT NULL DEFAULT 'stored' CHECK (state IN ('stored', 'tombstoned')),
        acked_at INTEGER NOT NULL,
        removed_at INTEGER,
        PRIMARY KEY (device_id, item_id)
      ) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS device_items_hash ON device_items (device_id, hash);

      CREATE TABLE IF NOT EXISTS device_uploads (
        device_id TEXT NOT NULL,
        item_id TEXT NOT NULL,
        hash TEXT NOT NULL,
        size INTEGER NOT NULL,
        category TEXT NOT NULL,
        name TEXT NOT NULL,
        mime TEXT NOT NULL,
        modified INTEGER NOT NULL,
        staging TEXT NOT NULL,
        received INTEGER NOT NULL DEFAULT 0,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (device_id, item_id)
      ) WITHOUT ROWID;
    `);
  },
};
