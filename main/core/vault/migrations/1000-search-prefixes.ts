// Keeps the full-text index's 2- and 3-letter prefix indexes. A development build (session
// 3, issue 4's import target) rebuilt items_fts without them as migration 1000: measured
// 15–20 µs less CPU per stored message (~13 %), but over 1,000,000 messages a two-letter
// prefix search ("th*", "bi*", "ha*": newest 500 in rowid order, as library search reads
// them) took 26–61 ms instead of under 1 ms, because FTS5 merges the doclists of every
// matching term without them — against issue 7's p95 < 50 ms for the search box. So the
// index keeps 0020's configuration; this migration puts it back on a vault that ran the
// development build (rebuilt from items in this transaction) and changes nothing on any
// other vault. docs/vault.md ("Search") has the figures.
import type { Db } from '../sql';
import { get, sql } from '../sql';
import type { Migration } from './migration';

export const searchPrefixes: Migration = {
  version: 1000,
  name: 'search-prefixes',
  up(db: Db) {
    const fts = get<{ sql: string }>(db, sql`SELECT sql FROM sqlite_master WHERE name = 'items_fts'`);
    if (fts && /prefix/i.test(fts.sql)) return;
    db.exec(`
      DROP TRIGGER IF EXISTS items_fts_insert;
      DROP TRIGGER IF EXISTS items_fts_delete;
      DROP TRIGGER IF EXISTS items_fts_update;
      DROP TABLE IF EXISTS items_fts;
      CREATE VIRTUAL TABLE items_fts USING fts5 (
        title, body,
        content = 'items', content_rowid = 'seq',
        prefix = '2 3',
        tokenize = 'unicode61 remove_diacritics 2'
      );
      INSERT INTO items_fts (items_fts, rank) VALUES ('secure-delete', 1);
      INSERT INTO items_fts (items_fts) VALUES ('rebuild');
      CREATE TRIGGER items_fts_insert AFTER INSERT ON items BEGIN
        INSERT INTO items_fts (rowid, title, body) VALUES (new.seq, new.title, new.body);
      END;
      CREATE TRIGGER items_fts_delete AFTER DELETE ON items BEGIN
        INSERT INTO items_fts (items_fts, rowid, title, body) VALUES ('delete', old.seq, old.title, old.body);
      END;
      CREATE TRIGGER items_fts_update AFTER UPDATE OF title, body ON items BEGIN
        INSERT INTO items_fts (items_fts, rowid, title, body) VALUES ('delete', old.seq, old.title, old.body);
        INSERT INTO items_fts (rowid, title, body) VALUES (new.seq, new.title, new.body);
      END;
    `);
  },
};
