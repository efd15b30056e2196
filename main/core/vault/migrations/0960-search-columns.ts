// Full-text search without token positions (FTS5 detail=column) for new and small vaults:
// positions are most of what FTS5 writes per message, and storing a million messages spent
// ~11 µs of its ~100 µs each on them (measured in pairs at 100,000; docs/intake.md). Phrase
// search stays: a quoted phrase is matched as its words, then the words' order is checked
// against the stored text (library/fts-query.ts holdsPhrases; search.ts and item-read.ts).
// Same columns, prefix indexes ('2 3': two-letter prefix search), tokenizer, secure-delete
// and triggers as 0020. The index is rebuilt from items, so only vaults of at most
// REBUILD_AT_MOST items are converted (a fresh vault is empty: nothing to rebuild); a larger
// one keeps detail=full — rebuilding a million messages would hold the vault's opening for
// tens of seconds — and the readers ask which kind they have (vault/fts-detail.ts).
import type { Migration } from './migration';

/** At most this many items are re-indexed while the vault opens (~1 s). */
export const REBUILD_AT_MOST = 20_000;

export const searchColumns: Migration = {
  version: 960,
  name: 'search-columns',
  up(db) {
    const n = (db.prepare(`SELECT count(*) AS n FROM (SELECT 1 FROM items LIMIT ${REBUILD_AT_MOST + 1})`).get() as { n: number }).n;
    if (n > REBUILD_AT_MOST) return;
    db.exec(`
      DROP TRIGGER items_fts_insert;
      DROP TRIGGER items_fts_delete;
      DROP TRIGGER items_fts_update;
      DROP TABLE items_fts;
      CREATE VIRTUAL TABLE items_fts USING fts5 (
        title, body,
        content = 'items', content_rowid = 'seq',
        prefix = '2 3',
        detail = column,
        tokenize = 'unicode61 remove_diacritics 2'
      );
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
      INSERT INTO items_fts (items_fts) VALUES ('rebuild');
    `);
  },
};
