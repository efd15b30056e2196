// The `sql` tagged template: the only way vault code builds a statement. Every
// interpolation becomes a bound parameter, so no value is ever spliced into SQL text.
// Statements are cached per database by their text, so a loop reuses one prepared statement.
import type BetterSqlite3 from 'better-sqlite3-multiple-ciphers';

export type Db = BetterSqlite3.Database;
type Statement = BetterSqlite3.Statement;

export type SqlValue = string | number | bigint | Buffer | null;

export interface SqlQuery {
  readonly text: string;
  readonly params: SqlValue[];
}

// A tagged template's strings array is one frozen object per call site, so its text is
// joined once and then found by identity: joining on every call made a new string that the
// statement cache had to hash in full each time (~5 statements per stored message).
const texts = new WeakMap<TemplateStringsArray, string>();

export function sql(strings: TemplateStringsArray, ...values: SqlValue[]): SqlQuery {
  let text = texts.get(strings);
  if (text === undefined) {
    text = strings.join('?');
    texts.set(strings, text);
  }
  return { text, params: values };
}

const caches = new WeakMap<Db, Map<string, Statement>>();

function prepare(db: Db, text: string): Statement {
  let cache = caches.get(db);
  if (!cache) {
    cache = new Map();
    caches.set(db, cache);
  }
  let stmt = cache.get(text);
  if (!stmt) {
    stmt = db.prepare(text);
    cache.set(text, stmt);
  }
  return stmt;
}

/** Runs a statement that returns no rows; gives the change count and last row id. */
export function run(db: Db, q: SqlQuery): { changes: number; lastInsertRowid: number | bigint } {
  return prepare(db, q.text).run(...q.params);
}

export function get<T>(db: Db, q: SqlQuery): T | undefined {
  return prepare(db, q.text).get(...q.params) as T | undefined;
}

export function all<T>(db: Db, q: SqlQuery): T[] {
  return prepare(db, q.text).all(...q.params) as T[];
}

export function* iterate<T>(db: Db, q: SqlQuery): IterableIterator<T> {
  // iterate() needs its own statement: a cached one may be busy in an outer loop.
  yield* db.prepare(q.text).iterate(...q.params) as IterableIterator<T>;
}
