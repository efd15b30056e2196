// Devices: location reports that arrived without a live consent are dropped, never stored;
// this table records each drop (device, when, how many reports, why) so the consent
// ledger view can show it. No coordinates are kept here.
import type { Migration } from './migration';

export const locationDrops: Migration = {
  version: 630,
  name: 'location-drops',
  up(db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS device_location_drops (
        seq INTEGER PRIMARY KEY,
        device_id TEXT NOT NULL,
        at INTEGER NOT NULL,
        reports INTEGER NOT NULL,
        reason TEXT NOT NULL
      );
    `);
  },
};
