// Which kind of full-text index a vault has: new and small vaults index words without their
// positions (FTS5 detail=column, migration 0960), larger vaults made before it keep
// detail=full. FTS5 refuses phrase queries without positions, so the search code asks here
// whether to send a quoted phrase as a phrase or as its words (then checking their order
// against the text itself). Read once per connection: the schema does not change under an
// open connection (migrations run when the vault opens).
import type { Db } from './sql';

const cache = new WeakMap<Db, boolean>();

/** True when the vault's search index keeps token positions (phrase queries work in FTS5). */
export function ftsKeepsPositions(db: Db): boolean {
  let v = cache.get(db);
  if (v === undefined) {
    const row = db.prepare(`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'items_fts'`).get() as { sql: string } | undefined;
    v = !/detail\s*=\s*'?(column|none)/i.test(row?.sql ?? '');
    cache.set(db, v);
  }
  return v;
}
