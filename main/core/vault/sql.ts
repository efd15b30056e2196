// The `sql` tagged template: the only way vault code builds a statement. Every
// interpolation becomes a bound parameter, so no value is ever spliced into SQL text.
// Statements are cached per database by their text, so a loop reuses one prepared statement;
// insertRows() writes many rows per statement from the same fixed texts.
import type BetterSqlite3 from 'better-sqlite3-multiple-ciphers';
import { KeepsakeError } from '../../../common/errors';

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

/**
 * Rows per statement. A shorter tail is written in powers of two (128, 64, … 1 rows), so
 * a table never has more than 9 statement texts in the connection's statement cache; the
 * widest row (items, 16 parameters) stays far below SQLite's 32,766 parameters.
 */
const ROWS_PER_STATEMENT = 256;

const rowTexts = new Map<string, string>();

/**
 * Inserts rows given flat, row after row (`values.length` a multiple of the row's `?`
 * count), ROWS_PER_STATEMENT per statement. `head` is the statement up to VALUES, from the
 * `sql` tag; `row` is one row's parenthesised list of `?` and constants; `tail` what
 * follows the list (an ON CONFLICT clause). Only these fixed texts make up the statement:
 * every value stays a bound parameter, as with the `sql` tag. Returns the rows written
 * (an ON CONFLICT … DO NOTHING tail skips some).
 */
export function insertRows(db: Db, head: SqlQuery, row: string, values: SqlValue[], tail = ''): number {
  const width = row.split('?').length - 1;
  // a caller's mistake, never a person's input: refused before any row is written
  if (width === 0 || values.length % width !== 0) throw new KeepsakeError('INTERNAL', `Rows to store were malformed (${values.length} values for rows of ${width}).`);
  const total = values.length / width;
  let changed = 0;
  for (let done = 0; done < total; ) {
    let n = ROWS_PER_STATEMENT;
    while (n > total - done) n >>>= 1;
    const key = `${n}\u0000${row}\u0000${tail}\u0000${head.text}`;
    let text = rowTexts.get(key);
    if (text === undefined) {
      text = `${head.text} ${new Array<string>(n).fill(row).join(', ')} ${tail}`;
      rowTexts.set(key, text);
    }
    changed += run(db, { text, params: values.slice(done * width, (done + n) * width) }).changes;
    done += n;
  }
  return changed;
}
