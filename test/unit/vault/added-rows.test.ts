// insertRows (sql.ts): rows given flat, written as multi-row VALUES statements of
// bound parameters — every row exactly once, in order, whatever the count (full
// statements of 256 plus a tail in powers of two), and a value that would break spliced
// SQL or JSON is stored as a bound string stores it.
import Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, describe, expect, it } from 'vitest';
import { insertRows } from '../../../main/core/vault/sql';
import { sql, type SqlValue } from '../../../main/core/vault/sql';

let db: InstanceType<typeof Database> | null = null;
afterEach(() => {
  db?.close();
  db = null;
});

describe('insertRows', () => {
  it.each([0, 1, 2, 255, 256, 257, 700, 1023])('writes %i rows once each, in order, with constants and blobs', (count) => {
    db = new Database(':memory:');
    db.exec('CREATE TABLE t (seq INTEGER PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, blob BLOB, n REAL)');
    const values: SqlValue[] = [];
    for (let i = 0; i < count; i++) values.push(i + 1, `name ${i} ');--\ud800`, Buffer.from([i & 255, 7]), i % 3 === 0 ? null : i / 4);
    insertRows(db, sql`INSERT INTO t (seq, name, kind, blob, n) VALUES`, "(?, ?, 'file', ?, ?)", values);
    const rows = db.prepare('SELECT seq, name, kind, blob, n FROM t ORDER BY seq').all() as Array<{ seq: number; name: string; kind: string; blob: Buffer; n: number | null }>;
    expect(rows.length).toBe(count);
    const bound = (db.prepare('SELECT ? AS s').get('\ud800') as { s: string }).s;
    rows.forEach((r, i) => {
      expect(r).toEqual({ seq: i + 1, name: `name ${i} ');--${bound}`, kind: 'file', blob: Buffer.from([i & 255, 7]), n: i % 3 === 0 ? null : i / 4 });
    });
  });

  it('refuses values that do not fill whole rows, writing nothing', () => {
    db = new Database(':memory:');
    db.exec('CREATE TABLE p (a TEXT, b TEXT)');
    expect(() => insertRows(db!, sql`INSERT INTO p (a, b) VALUES`, '(?, ?)', ['x', 'y', 'z'])).toThrow(/3 values for rows of 2/);
    expect(() => insertRows(db!, sql`INSERT INTO p (a, b) VALUES`, "('x', 'y')", [])).toThrow(/rows of 0/);
    expect((db.prepare('SELECT count(*) AS n FROM p').get() as { n: number }).n).toBe(0);
  });

  it('applies a tail clause to every statement (an upsert across a full statement and its tail)', () => {
    db = new Database(':memory:');
    db.exec('CREATE TABLE c (path TEXT PRIMARY KEY, size INTEGER NOT NULL)');
    const first: SqlValue[] = [];
    for (let i = 0; i < 300; i++) first.push(`p${i}`, i);
    insertRows(db, sql`INSERT INTO c (path, size) VALUES`, '(?, ?)', first);
    const again: SqlValue[] = [];
    for (let i = 0; i < 300; i++) again.push(`p${i}`, i * 10);
    insertRows(db, sql`INSERT INTO c (path, size) VALUES`, '(?, ?)', again, 'ON CONFLICT (path) DO UPDATE SET size = excluded.size');
    const rows = db.prepare('SELECT path, size FROM c').all() as Array<{ path: string; size: number }>;
    expect(rows.length).toBe(300);
    for (const r of rows) expect(r.size).toBe(Number(r.path.slice(1)) * 10);
  });
});
