// Migration 1000 (lean-search-index) on an index built by the migrations before it: the
// full-text index is rebuilt without prefix indexes and still answers words, prefixes
// and phrases, follows inserts, updates and deletes, keeps secure-delete, and an item
// stored before it (with its version-1 row, as every item then had) keeps working.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openIndexDb } from '../../../main/core/vault/index-db';
import { allMigrations } from '../../../main/core/vault/migrations/migration';
import { all, get, run, sql, type Db } from '../../../main/core/vault/sql';
import { tempDir } from './helpers';

let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  t = tempDir();
});
afterEach(() => t.cleanup());

const key = randomBytes(32);
const open = (upTo: number): Db => openIndexDb(join(t.dir, 'index.db'), key, { migrations: allMigrations().filter((m) => m.version <= upTo) });
const hits = (db: Db, q: string): number => all(db, sql`SELECT rowid FROM items_fts WHERE items_fts MATCH ${q}`).length;
const ftsSql = (db: Db): string => get<{ sql: string }>(db, sql`SELECT sql FROM sqlite_master WHERE name = 'items_fts'`)!.sql;

function addItem(db: Db, id: string, title: string, body: string): void {
  const fp = randomBytes(32);
  run(
    db,
    sql`INSERT INTO items (id, category, device_id, personal, title, body, fingerprint, wrapped_key, created_at, updated_at)
        VALUES (${id}, 'message', 'local', 1, ${title}, ${body}, ${fp}, ${randomBytes(60)}, 0, 0)`,
  );
  run(
    db,
    sql`INSERT INTO item_versions (item_id, version, title, summary, body, fields, fingerprint, created_at) VALUES (${id}, 1, ${title}, '', ${body}, '{}', ${fp}, 0)`,
  );
}

it('1000-lean-search-index: rebuilds the index without prefixes; search, edits and erasure still work', () => {
  const before = open(950);
  expect(ftsSql(before)).toMatch(/prefix/);
  addItem(before, 'a', 'Harbour', 'lunch by the sea');
  addItem(before, 'b', 'Ada', 'phone call about photos');
  before.close();

  const db = open(1000);
  expect(db.pragma('user_version', { simple: true })).toBe(1000);
  expect(ftsSql(db)).not.toMatch(/prefix/);
  expect(ftsSql(db)).toMatch(/remove_diacritics 2/);
  // What was indexed before the migration is found again: words, prefixes, phrases, ranking.
  expect(hits(db, 'harbour')).toBe(1);
  expect(hits(db, '"by the sea"')).toBe(1);
  expect(hits(db, 'lun*')).toBe(1);
  expect(hits(db, 'ph*')).toBe(1);
  expect(hits(db, '"ph"*')).toBe(1);
  expect(all(db, sql`SELECT rowid FROM items_fts WHERE items_fts MATCH 'ph*' ORDER BY bm25(items_fts, 4.0, 1.0)`)).toHaveLength(1);
  expect(get<{ v: number }>(db, sql`SELECT v FROM items_fts_config WHERE k = 'secure-delete'`)!.v).toBe(1);
  // The triggers follow inserts, updates and deletes.
  addItem(db, 'c', 'Zeppelin', 'over the harbour');
  expect(hits(db, 'harbour')).toBe(2);
  run(db, sql`UPDATE items SET body = 'dinner' WHERE id = 'a'`);
  expect(hits(db, 'lunch')).toBe(0);
  expect(hits(db, 'dinner')).toBe(1);
  run(db, sql`DELETE FROM items WHERE id = 'b'`);
  expect(hits(db, 'photos')).toBe(0);
  expect(hits(db, 'ph*')).toBe(0);
  // The older item kept its version-1 row (erasure cascades it as before).
  expect(all(db, sql`SELECT item_id FROM item_versions ORDER BY item_id`)).toEqual([{ item_id: 'a' }, { item_id: 'c' }]);
  expect(get<{ n: number }>(db, sql`SELECT count(*) AS n FROM items_fts WHERE items_fts MATCH 'zeppelin'`)!.n).toBe(1);
  db.exec(`INSERT INTO items_fts (items_fts, rank) VALUES ('integrity-check', 1)`);
  db.close();
});
