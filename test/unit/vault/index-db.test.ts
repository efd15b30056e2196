// The encrypted index: pragmas on every connection, owner-only files, the sql tag,
// refusing a database from a newer version, and a wrong key told as CORRUPT.
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, openIndexDb } from '../../../main/core/vault/index-db';
import { allMigrations } from '../../../main/core/vault/migrations/migration';

const LATEST = Math.max(...allMigrations().map((m) => m.version));
import { all, get, run, sql } from '../../../main/core/vault/sql';
import { tempDir } from './helpers';

let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  t = tempDir();
});
afterEach(() => t.cleanup());

function pragmas(db: ReturnType<typeof openIndexDb>): Record<string, unknown> {
  return {
    journal_mode: db.pragma('journal_mode', { simple: true }),
    synchronous: db.pragma('synchronous', { simple: true }),
    foreign_keys: db.pragma('foreign_keys', { simple: true }),
    secure_delete: db.pragma('secure_delete', { simple: true }),
    temp_store: db.pragma('temp_store', { simple: true }),
  };
}

describe('index db', () => {
  it('sets the pragmas on every connection, including a reopen', () => {
    const key = randomBytes(32);
    const path = join(t.dir, 'index.db');
    for (let i = 0; i < 2; i++) {
      const db = openIndexDb(path, key);
      expect(pragmas(db)).toEqual({ journal_mode: 'wal', synchronous: 2, foreign_keys: 1, secure_delete: 1, temp_store: 2 });
      expect(db.pragma('user_version', { simple: true })).toBe(LATEST);
      db.close();
    }
  });

  it('keeps its files owner-only and unreadable without the key', () => {
    const key = randomBytes(32);
    const path = join(t.dir, 'sub', 'index.db');
    const db = openIndexDb(path, key);
    run(db, sql`INSERT INTO meta (key, value) VALUES ('k', 'v')`);
    for (const p of [path, `${path}-wal`, `${path}-shm`]) expect(statSync(p).mode & 0o777).toBe(0o600);
    expect(statSync(join(t.dir, 'sub')).mode & 0o777).toBe(0o700);
    db.close();
    const plain = new Database(path);
    expect(() => plain.prepare('SELECT * FROM sqlite_master').all()).toThrow(/not a database/);
    plain.close();
    expect(() => openIndexDb(path, randomBytes(32))).toThrow(expect.objectContaining({ code: 'CORRUPT' }));
  });

  it('refuses a database written by a newer version', () => {
    const key = randomBytes(32);
    const path = join(t.dir, 'index.db');
    const db = openIndexDb(path, key);
    db.pragma(`user_version=${LATEST + 1000}`);
    db.close();
    expect(() => openIndexDb(path, key)).toThrow(expect.objectContaining({ code: 'UNSUPPORTED' }));
  });

  it('sql binds every interpolation as a parameter', () => {
    const db = openIndexDb(join(t.dir, 'index.db'), randomBytes(32));
    const evil = "x'); DROP TABLE meta; --";
    const q = sql`INSERT INTO meta (key, value) VALUES (${evil}, ${'v'})`;
    expect(q.text).toBe('INSERT INTO meta (key, value) VALUES (?, ?)');
    expect(q.params).toEqual([evil, 'v']);
    run(db, q);
    expect(get<{ value: string }>(db, sql`SELECT value FROM meta WHERE key = ${evil}`)!.value).toBe('v');
    expect(all(db, sql`SELECT * FROM meta`)).toHaveLength(1);
    db.close();
  });

  it('a failing migration leaves the version where it was', () => {
    const db = openIndexDb(join(t.dir, 'index.db'), randomBytes(32));
    const broken = { version: LATEST + 10, name: 'broken', up: (d: typeof db) => d.exec('CREATE TABLE half (x); SELECT * FROM no_such_table;') };
    expect(() => migrate(db, [...allMigrations(), broken])).toThrow();
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST);
    expect(all(db, sql`SELECT name FROM sqlite_master WHERE name = 'half'`)).toHaveLength(0);
    db.close();
  });

  it('a file that is not a database at all is CORRUPT, not a crash', () => {
    const path = join(t.dir, 'index.db');
    writeFileSync(path, randomBytes(8192));
    expect(() => openIndexDb(path, randomBytes(32))).toThrow(expect.objectContaining({ code: 'CORRUPT' }));
  });
});
