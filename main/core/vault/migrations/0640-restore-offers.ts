// Devices: items the desktop offers a paired phone to restore (the recovery flow fills
// it), with the path on the phone and the state of each offer (offered → delivered).
import type { Migration } from './migration';

export const restoreOffers: Migration = {
  version: 640,
  name: 'restore-offers',
  up(db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS device_restore_offers (
        offer_id TEXT PRIMARY KEY,
        device_id TEXT NOT NULL,
        vault_item_id TEXT NOT NULL,
        category TEXT NOT NULL,
        path TEXT NOT NULL,
        size INTEGER NOT NULL,
        hash TEXT NOT NULL,
        modified INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('offered', 'delivered')),
        created_at INTEGER NOT NULL,
        delivered_at INTEGER
      ) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS device_restore_offers_device ON device_restore_offers (device_id, state);
    `);
  },
};
