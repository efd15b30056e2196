// One test per numbered migration: each applies on top of the ones before it and leaves
// the tables and behaviour it promises.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openIndexDb } from '../../../main/core/vault/index-db';
import { allMigrations } from '../../../main/core/vault/migrations/migration';
import { all, get, run, sql, type Db } from '../../../main/core/vault/sql';
import { tempDir } from './helpers';

let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  t = tempDir();
});
afterEach(() => t.cleanup());

function upTo(version: number): Db {
  return openIndexDb(join(t.dir, 'index.db'), randomBytes(32), { migrations: allMigrations().filter((m) => m.version <= version) });
}

const tables = (db: Db): string[] => all<{ name: string }>(db, sql`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).map((r) => r.name);

function addItem(db: Db, id: string, title: string, body: string): void {
  run(
    db,
    sql`INSERT INTO items (id, category, device_id, personal, title, body, fingerprint, wrapped_key, created_at, updated_at)
        VALUES (${id}, 'note', 'local', 1, ${title}, ${body}, ${randomBytes(32)}, ${randomBytes(60)}, 0, 0)`,
  );
}

describe('migrations', () => {
  it('are numbered in steps of 10 and unique', () => {
    const v = allMigrations().map((m) => m.version);
    expect(v).toEqual([...v].sort((a, b) => a - b));
    expect(v.every((x) => x % 10 === 0)).toBe(true);
    expect(new Set(v).size).toBe(v.length);
  });

  it('0010-core-schema: tables, seeds and cascading deletes', () => {
    const db = upTo(10);
    expect(db.pragma('user_version', { simple: true })).toBe(10);
    for (const name of ['items', 'item_versions', 'item_sources', 'files', 'file_chunks', 'chunks', 'packs', 'snapshots', 'snapshot_items', 'locations', 'copies', 'tombstones', 'job_checkpoints', 'devices', 'meta']) {
      expect(tables(db)).toContain(name);
    }
    expect(get<{ kind: string }>(db, sql`SELECT kind FROM locations WHERE id = 1`)!.kind).toBe('vault');
    addItem(db, 'a', 't', 'b');
    run(db, sql`INSERT INTO copies (item_id, location_id, state, since, encryption) VALUES ('a', 1, 'present', 0, 'x')`);
    run(db, sql`DELETE FROM items WHERE id = 'a'`);
    expect(all(db, sql`SELECT * FROM copies`)).toHaveLength(0);
    expect(() => run(db, sql`INSERT INTO copies (item_id, location_id, state, since, encryption) VALUES ('ghost', 1, 'present', 0, 'x')`)).toThrow(/FOREIGN KEY/);
    db.close();
  });

  it('0020-search-index: the FTS index follows inserts, updates and deletes', () => {
    const db = upTo(20);
    expect(db.pragma('user_version', { simple: true })).toBe(20);
    addItem(db, 'a', 'Harbour', 'lunch by the sea');
    const hits = (q: string): number => all(db, sql`SELECT rowid FROM items_fts WHERE items_fts MATCH ${q}`).length;
    expect(hits('harbour')).toBe(1);
    expect(hits('"by the sea"')).toBe(1);
    expect(hits('lun*')).toBe(1);
    run(db, sql`UPDATE items SET body = 'dinner' WHERE id = 'a'`);
    expect(hits('lunch')).toBe(0);
    expect(hits('dinner')).toBe(1);
    run(db, sql`DELETE FROM items WHERE id = 'a'`);
    expect(hits('harbour')).toBe(0);
    db.close();
  });

  it('0030-file-cache: one row per root and path, removed with its item', () => {
    const db = upTo(30);
    expect(tables(db)).toContain('file_cache');
    addItem(db, 'a', 't', 'b');
    run(db, sql`INSERT INTO file_cache (root, path, size, mtime_ns, inode, item_id, version) VALUES ('/r', 'x', 1, '1', '1', 'a', 1)`);
    expect(() => run(db, sql`INSERT INTO file_cache (root, path, size, mtime_ns, inode, item_id, version) VALUES ('/r', 'x', 1, '1', '1', 'a', 1)`)).toThrow(/UNIQUE/);
    run(db, sql`DELETE FROM items WHERE id = 'a'`);
    expect(all(db, sql`SELECT * FROM file_cache`)).toHaveLength(0);
    db.close();
  });

  it('0980-cloud-pack-digests: declares the table the cloud mirror used to make on first use, and keeps rows a vault already had', () => {
    const path = join(t.dir, 'index.db');
    const key = randomBytes(32);
    const before = openIndexDb(path, key, { migrations: allMigrations().filter((m) => m.version < 980) });
    expect(tables(before)).not.toContain('cloud_pack_digests');
    // A vault that synced before 0980: the cloud module made the same table itself.
    allMigrations().find((m) => m.version === 980)!.up(before);
    run(before, sql`INSERT INTO cloud_pack_digests (pack_id, size, mtime_ms, sha256, md5) VALUES ('p1', 10, 5, ${'a'.repeat(64)}, '')`);
    before.close();
    const db = openIndexDb(path, key);
    expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(980);
    expect(all(db, sql`SELECT pack_id, size FROM cloud_pack_digests`)).toEqual([{ pack_id: 'p1', size: 10 }]);
    expect(() => run(db, sql`INSERT INTO cloud_pack_digests (pack_id, size, mtime_ms, sha256, md5) VALUES ('p2', 'big', 5, 'x', '')`)).toThrow(/type|INTEGER/i);
    db.close();
    const fresh = openIndexDb(join(t.dir, 'fresh.db'), randomBytes(32), { migrations: allMigrations().filter((m) => m.version <= 980) });
    expect(tables(fresh)).toContain('cloud_pack_digests');
    fresh.close();
  });

  it('0990-snapshot-rows: keeps every snapshot row, drops the per-item index, and a deleted version still leaves no row behind', () => {
    const path = join(t.dir, 'index.db');
    const key = randomBytes(32);
    const before = openIndexDb(path, key, { migrations: allMigrations().filter((m) => m.version < 990) });
    addItem(before, 'a', 't', 'b');
    addItem(before, 'b', 't', 'b');
    for (const [id, v] of [['a', 1], ['a', 2], ['b', 1]] as const) {
      run(before, sql`INSERT INTO item_versions (item_id, version, title, summary, body, fields, fingerprint, created_at) VALUES (${id}, ${v}, '', '', '', '{}', ${randomBytes(32)}, 0)`);
    }
    for (let s = 1; s <= 3; s++) run(before, sql`INSERT INTO snapshots (device_id, kind, created_at) VALUES ('local', 'folder', 0)`);
    const rows = [
      { snapshot_id: 1, item_id: 'a', version: 1, path: 'x', mode: 420, mtime_ms: 5 },
      { snapshot_id: 1, item_id: 'b', version: 1, path: 'y', mode: null, mtime_ms: null },
      { snapshot_id: 2, item_id: 'a', version: 2, path: 'x', mode: 384, mtime_ms: 6 },
      { snapshot_id: 2, item_id: 'b', version: 1, path: 'y', mode: null, mtime_ms: null },
      { snapshot_id: 3, item_id: 'b', version: 1, path: 'y', mode: null, mtime_ms: null },
      { snapshot_id: 3, item_id: 'b', version: 1, path: 'y2', mode: 420, mtime_ms: 7 },
    ];
    for (const r of rows) run(before, sql`INSERT INTO snapshot_items (snapshot_id, item_id, version, path, mode, mtime_ms) VALUES (${r.snapshot_id}, ${r.item_id}, ${r.version}, ${r.path}, ${r.mode}, ${r.mtime_ms})`);
    before.close();

    const db = openIndexDb(path, key);
    expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(990);
    const snapshotRows = (): unknown[] => all(db, sql`SELECT snapshot_id, item_id, version, path, mode, mtime_ms FROM snapshot_items ORDER BY snapshot_id, item_id, path`);
    expect(snapshotRows()).toEqual(rows);
    const indexes = all<{ name: string }>(db, sql`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'snapshot_items' AND sql IS NOT NULL`);
    expect(indexes).toEqual([]);
    // still one row per (snapshot, item, path), and only for snapshots that exist
    expect(() => run(db, sql`INSERT INTO snapshot_items (snapshot_id, item_id, version, path) VALUES (1, 'a', 1, 'x')`)).toThrow(/UNIQUE|PRIMARY/);
    expect(() => run(db, sql`INSERT INTO snapshot_items (snapshot_id, item_id, version, path) VALUES (9, 'a', 1, 'z')`)).toThrow(/FOREIGN KEY/);
    // a version that goes (alone, or with its item) takes its snapshot rows with it, as the old cascade did
    run(db, sql`DELETE FROM item_versions WHERE item_id = 'a' AND version = 1`);
    expect(snapshotRows()).toEqual(rows.filter((r) => !(r.item_id === 'a' && r.version === 1)));
    run(db, sql`DELETE FROM items WHERE id = 'b'`);
    expect(snapshotRows()).toEqual([rows[2]]);
    // and a snapshot that goes takes its rows
    run(db, sql`DELETE FROM snapshots WHERE id = 2`);
    expect(snapshotRows()).toEqual([]);
    db.close();
  });
});
