// The cloud mirror's remembered pack digests (main/core/cloud/mirror/pack-digests.ts): size,
// modification time, SHA-256 and MD5 of each local pack, so a pack is hashed once ever.
// Until this migration the cloud module made the table itself on first use, so it was the
// one table of the index no numbered migration declared; the statement stays IF NOT EXISTS
// because vaults that synced before it already have it, and pack-digests.ts still applies
// it on first use (a cache must never stop a sync). Numbered 980: 970 is kept for the
// vault's own next schema change.
import type { Migration } from './migration';

export const cloudPackDigests: Migration = {
  version: 980,
  name: 'cloud-pack-digests',
  up(db) {
    db.exec(`CREATE TABLE IF NOT EXISTS cloud_pack_digests (
      pack_id TEXT PRIMARY KEY,
      size INTEGER NOT NULL,
      mtime_ms INTEGER NOT NULL,
      sha256 TEXT NOT NULL,
      md5 TEXT NOT NULL
    ) STRICT`);
  },
};
