// Migration 1000 (search-prefixes): on a vault with 0020's index it changes nothing; on a
// vault whose items_fts was rebuilt without prefix indexes (a session-3 development build)
// it rebuilds them from items, and words, prefixes, phrases, updates and deletes still work.
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
  run(
    db,
    sql`INSERT INTO items (id, category, device_id, personal, title, body, fingerprint, wrapped_key, created_at, updated_at)
        VALUES (${id}, 'message', 'local', 1, ${title}, ${body}, ${randomBytes(32)}, ${Buffer.alloc(0)}, 0, 0)`,
  );
}

function searchable(db: Db): void {
  expect(hits(db, 'harbour')).toBe(1);
  expect(hits(db, '"by the sea"')).toBe(1);
  expect(hits(db, 'lun*')).toBe(1);
  expect(hits(db, 'ph*')).toBe(1);
  run(db, sql`UPDATE items SET body = 'dinner' WHERE id = 'a'`);
  expect(hits(db, 'lunch')).toBe(0);
  expect(hits(db, 'dinner')).toBe(1);
  run(db, sql`DELETE FROM items WHERE id = 'b'`);
  expect(hits(db, 'ph*')).toBe(0);
  expect(get<{ v: number }>(db, sql`SELECT v FROM items_fts_config WHERE k = 'secure-delete'`)!.v).toBe(1);
  db.exec(`INSERT INTO items_fts (items_fts, rank) VALUES ('integrity-check', 1)`);
}

it('1000-search-prefixes: changes nothing on a vault with the prefix indexes', () => {
  const before = open(950);
  const definition = ftsSql(before);
  addItem(before, 'a', 'Harbour', 'lunch by the sea');
  addItem(before, 'b', 'Ada', 'phone call about photos');
  before.close();
  const db = open(1000);
  expect(db.pragma('user_version', { simple: true })).toBe(1000);
  expect(ftsSql(db)).toBe(definition);
  searchable(db);
  db.close();
});

it('1000-search-prefixes: puts the prefix indexes back on a vault rebuilt without them', () => {
  const before = open(950);
  before.exec(`
    DROP TRIGGER items_fts_insert; DROP TRIGGER items_fts_delete; DROP TRIGGER items_fts_update; DROP TABLE items_fts;
    CREATE VIRTUAL TABLE items_fts USING fts5 (title, body, content = 'items', content_rowid = 'seq', tokenize = 'unicode61 remove_diacritics 2');
    CREATE TRIGGER items_fts_insert AFTER INSERT ON items BEGIN INSERT INTO items_fts (rowid, title, body) VALUES (new.seq, new.title, new.body); END;
  `);
  addItem(before, 'a', 'Harbour', 'lunch by the sea');
  addItem(before, 'b', 'Ada', 'phone call about photos');
  before.close();
  const db = open(1000);
  expect(ftsSql(db)).toMatch(/prefix = '2 3'/);
  // The prefix index answers from the rebuilt postings.
  expect(get<{ n: number }>(db, sql`SELECT count(*) AS n FROM items_fts_data`)!.n).toBeGreaterThan(1);
  searchable(db);
  db.close();
});
