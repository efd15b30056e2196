// The vault's core tables: devices, items and their versions and sources, the blob store
// (packs, chunks, files), snapshots, locations and copies (the data map), tombstones and
// job checkpoints. docs/vault.md explains each table and why it is shaped this way.
import type { Migration } from './migration';

export const coreSchema: Migration = {
  version: 10,
  name: 'core-schema',
  up(db) {
    db.exec(`
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

      CREATE TABLE devices (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        model TEXT,
        platform TEXT,
        created_at INTEGER NOT NULL,
        last_seen_at INTEGER
      ) WITHOUT ROWID;
      INSERT INTO devices (id, name, created_at) VALUES ('local', 'This computer', 0);

      CREATE TABLE items (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        category TEXT NOT NULL,
        device_id TEXT NOT NULL REFERENCES devices(id),
        personal INTEGER NOT NULL CHECK (personal IN (0, 1)),
        occurred_at INTEGER,
        title TEXT NOT NULL DEFAULT '',
        summary TEXT NOT NULL DEFAULT '',
        body TEXT NOT NULL DEFAULT '',
        fields TEXT NOT NULL DEFAULT '{}',
        lat REAL,
        lon REAL,
        fingerprint BLOB NOT NULL,
        wrapped_key BLOB NOT NULL,
        key_uses INTEGER NOT NULL DEFAULT 0,
        version INTEGER NOT NULL DEFAULT 1,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX items_category_time ON items (category, occurred_at);
      CREATE INDEX items_fingerprint ON items (fingerprint);
      CREATE INDEX items_device ON items (device_id);

      CREATE TABLE item_versions (
        item_id TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
        version INTEGER NOT NULL,
        occurred_at INTEGER,
        title TEXT NOT NULL,
        summary TEXT NOT NULL,
        body TEXT NOT NULL,
        fields TEXT NOT NULL,
        lat REAL,
        lon REAL,
        fingerprint BLOB NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (item_id, version)
      ) WITHOUT ROWID;

      CREATE TABLE item_sources (
        device_id TEXT NOT NULL REFERENCES devices(id),
        source_key TEXT NOT NULL,
        item_id TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
        first_seen_at INTEGER NOT NULL,
        PRIMARY KEY (device_id, source_key)
      ) WITHOUT ROWID;
      CREATE INDEX item_sources_item ON item_sources (item_id);

      CREATE TABLE packs (
        id TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        chunk_count INTEGER NOT NULL,
        created_at INTEGER NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE chunks (
        seq INTEGER PRIMARY KEY,
        item_id TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
        chunk_id BLOB NOT NULL,
        pack_id TEXT NOT NULL REFERENCES packs(id),
        offset INTEGER NOT NULL,
        length INTEGER NOT NULL,
        plain_length INTEGER NOT NULL,
        UNIQUE (item_id, chunk_id)
      );
      CREATE INDEX chunks_pack ON chunks (pack_id);

      CREATE TABLE files (
        seq INTEGER PRIMARY KEY,
        item_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('original', 'thumbnail', 'attachment')),
        ordinal INTEGER NOT NULL DEFAULT 0,
        name TEXT NOT NULL,
        mime TEXT NOT NULL,
        size INTEGER NOT NULL,
        FOREIGN KEY (item_id, version) REFERENCES item_versions (item_id, version) ON DELETE CASCADE,
        UNIQUE (item_id, version, role, ordinal)
      );

      CREATE TABLE file_chunks (
        file_seq INTEGER NOT NULL REFERENCES files(seq) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        chunk_seq INTEGER NOT NULL REFERENCES chunks(seq) ON DELETE CASCADE,
        file_offset INTEGER NOT NULL,
        PRIMARY KEY (file_seq, idx)
      ) WITHOUT ROWID;
      CREATE INDEX file_chunks_chunk ON file_chunks (chunk_seq);

      CREATE TABLE snapshots (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        device_id TEXT NOT NULL REFERENCES devices(id),
        kind TEXT NOT NULL,
        label TEXT NOT NULL DEFAULT '',
        source TEXT NOT NULL DEFAULT '',
        created_at INTEGER NOT NULL,
        item_count INTEGER NOT NULL DEFAULT 0,
        total_bytes INTEGER NOT NULL DEFAULT 0
      );

      CREATE TABLE snapshot_items (
        snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
        item_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        path TEXT NOT NULL DEFAULT '',
        mode INTEGER,
        mtime_ms INTEGER,
        PRIMARY KEY (snapshot_id, item_id, path),
        FOREIGN KEY (item_id, version) REFERENCES item_versions (item_id, version) ON DELETE CASCADE
      ) WITHOUT ROWID;
      CREATE INDEX snapshot_items_item ON snapshot_items (item_id, version);

      CREATE TABLE locations (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('vault', 'phone', 'cloud', 'snapshot', 'export')),
        name TEXT NOT NULL,
        ref TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        UNIQUE (kind, ref)
      );
      INSERT INTO locations (id, kind, name, ref, created_at) VALUES (1, 'vault', 'This computer', 'local', 0);

      CREATE TABLE copies (
        item_id TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
        location_id INTEGER NOT NULL REFERENCES locations(id) ON DELETE CASCADE,
        state TEXT NOT NULL CHECK (state IN ('present', 'pending', 'deleting', 'erased', 'unknown')),
        since INTEGER NOT NULL,
        last_verified INTEGER,
        encryption TEXT NOT NULL,
        PRIMARY KEY (item_id, location_id)
      ) WITHOUT ROWID;
      CREATE INDEX copies_location ON copies (location_id, state);

      CREATE TABLE tombstones (
        fingerprint BLOB PRIMARY KEY,
        category TEXT NOT NULL,
        erased_at INTEGER NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE job_checkpoints (
        kind TEXT NOT NULL,
        key TEXT NOT NULL,
        state TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (kind, key)
      ) WITHOUT ROWID;

      CREATE TABLE key_usage (purpose TEXT PRIMARY KEY, uses INTEGER NOT NULL) WITHOUT ROWID;
    `);
  },
};
