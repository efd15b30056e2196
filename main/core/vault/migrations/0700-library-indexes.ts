// Indexes the browse screens need (owned by main/core/library; numbers 0700–0790).
// Every list is read newest-first (or A–Z) with a keyset cursor, so each list has an
// index in exactly that order: the photo timeline (photos + videos, and screenshots as
// their own view), message threads by address, contacts by name. Partial indexes keep
// them small: a 1,000,000-message vault does not pay for photo indexes and vice versa.
// All statements are IF NOT EXISTS: the library applies them itself (meta
// 'library_schema'), and adding them to the vault's allMigrations() later is harmless.
import type { Migration } from './migration';

export const libraryIndexes: Migration = {
  version: 700,
  name: 'library-indexes',
  up(db) {
    db.exec(`
      CREATE INDEX IF NOT EXISTS lib_media_time ON items (occurred_at, seq) WHERE category IN ('photo', 'video');
      CREATE INDEX IF NOT EXISTS lib_shot_time ON items (occurred_at, seq) WHERE category = 'screenshot';
      CREATE INDEX IF NOT EXISTS lib_geo ON items (lat, lon) WHERE lat IS NOT NULL AND category IN ('photo', 'video', 'screenshot');
      CREATE INDEX IF NOT EXISTS lib_msg_thread ON items (json_extract(fields, '$.address'), occurred_at, seq) WHERE category = 'message';
      CREATE INDEX IF NOT EXISTS lib_contact_name ON items (title COLLATE NOCASE, seq) WHERE category = 'contact';
      CREATE INDEX IF NOT EXISTS lib_device_category ON items (device_id, category);
    `);
  },
};
