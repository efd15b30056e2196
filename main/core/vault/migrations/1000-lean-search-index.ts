// The full-text index without prefix indexes. 0020 built items_fts with prefix = '2 3':
// every token was stored three times (the word, its first two and its first three
// letters), which made the index the largest share of what storing a message writes
// (docs/vault.md, "Row-only items"; measured in docs/intake.md, "Performance"). A
// trailing * in the search box still works without them: FTS5 answers "ph*" from the
// sorted term list (the terms from "ph" to "pi"), only without a ready-made doclist.
// Everything else stays as 0020 made it: external content (items), the same tokenizer
// (so fts-query.ts's reading is unchanged), detail=full (phrase search needs positions),
// the per-document sizes bm25 ranks with, secure-delete (erasure), the same triggers.
// An existing vault's index is rebuilt from items in this migration's transaction.
import type { Migration } from './migration';

export const leanSearchIndex: Migration = {
  version: 1000,
  name: 'lean-search-index',
  up(db) {
    db.exec(`
      DROP TRIGGER IF EXISTS items_fts_insert;
      DROP TRIGGER IF EXISTS items_fts_delete;
      DROP TRIGGER IF EXISTS items_fts_update;
      DROP TABLE IF EXISTS items_fts;
      CREATE VIRTUAL TABLE items_fts USING fts5 (
        title, body,
        content = 'items', content_rowid = 'seq',
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
