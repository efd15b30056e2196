// Full-text search over item title and body text (the summary is a prefix of the body). External-content FTS5 (the text
// lives once, in items) kept in step by triggers; detail=full so phrase queries work;
// prefix indexes for 2- and 3-character prefixes so "pho*" does not scan the vocabulary.
import type { Migration } from './migration';

export const searchIndex: Migration = {
  version: 20,
  name: 'search-index',
  up(db) {
    db.exec(`
      CREATE VIRTUAL TABLE items_fts USING fts5 (
        title, body,
        content = 'items', content_rowid = 'seq',
        prefix = '2 3',
        tokenize = 'unicode61 remove_diacritics 2'
      );
      -- secure-delete: a deleted row's tokens leave the index at once (erasure), not at the next merge
      INSERT INTO items_fts (items_fts, rank) VALUES ('secure-delete', 1);
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
