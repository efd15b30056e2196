// Opens the vault's encrypted index (SQLite through better-sqlite3-multiple-ciphers in
// SQLCipher v4 mode) with the pragmas every connection must have, owner-only file
// permissions, and the numbered migrations applied. [Note: index pragmas]
// cipher and legacy must be set BEFORE the key, on every open, or the library picks its
// default cipher and the file is unreadable elsewhere. synchronous=FULL makes a returned
// COMMIT durable (WAL + NORMAL can lose the last commits on power loss, and we
// acknowledge to phones after commit). secure_delete overwrites freed pages so erased
// rows do not linger; temp_store=MEMORY keeps sort/temp spill files off the disk.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { KeepsakeError } from '../../../common/errors';
import { immediateByDefault } from './immediate-transactions';
import { allMigrations, type Migration } from './migrations/migration';
import type { Db } from './sql';

export const INDEX_PRAGMAS = {
  journal_mode: 'wal',
  synchronous: 2, // FULL
  foreign_keys: 1,
  secure_delete: 1,
  temp_store: 2, // MEMORY
} as const;

export interface OpenIndexOptions {
  /** Only for tests of the migration runner. */
  migrations?: Migration[];
  readonly?: boolean;
}

/** Opens (creating if needed) the index at `path` with a 32-byte key. */
export function openIndexDb(path: string, key: Buffer, options: OpenIndexOptions = {}): Db {
  if (key.length !== 32) throw new KeepsakeError('INTERNAL', 'The index key has the wrong size.');
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600)); // SQLite gives -wal/-shm the db file's mode
  let db: Db;
  try {
    db = new Database(path, { readonly: options.readonly ?? false });
  } catch (e) {
    throw new KeepsakeError('IO', `The vault index could not be opened (${(e as Error).message}).`);
  }
  if (!options.readonly) immediateByDefault(db); // another connection (the storage worker) may write: see there
  try {
    db.pragma(`cipher='sqlcipher'`);
    db.pragma('legacy=4');
    // PRAGMA cannot take bound parameters; the value is our own 32-byte key as hex.
    db.pragma(`key="x'${key.toString('hex')}'"`);
    try {
      db.prepare('SELECT count(*) FROM sqlite_master').get();
    } catch {
      throw new KeepsakeError('CORRUPT', 'The vault index cannot be decrypted: it is damaged or belongs to another vault.');
    }
    if (!options.readonly) {
      db.pragma(`journal_mode=${INDEX_PRAGMAS.journal_mode}`);
    }
    db.pragma(`synchronous=${INDEX_PRAGMAS.synchronous}`);
    db.pragma(`foreign_keys=${INDEX_PRAGMAS.foreign_keys}`);
    db.pragma(`secure_delete=${INDEX_PRAGMAS.secure_delete}`);
    db.pragma(`temp_store=${INDEX_PRAGMAS.temp_store}`);
    // 32 MiB of decrypted pages in memory: a page-cache miss costs a decrypt + HMAC check.
    db.pragma('cache_size=-32768');
    // Checkpoint every ~40 MiB of WAL instead of 4 MiB: each checkpoint re-encrypts pages,
    // and a backup of many small files otherwise spends a fifth of its index time there.
    db.pragma('wal_autocheckpoint=10000');
    if (!options.readonly) migrate(db, options.migrations ?? allMigrations());
    tightenPermissions(path);
    return db;
  } catch (e) {
    db.close();
    if (e instanceof KeepsakeError) throw e;
    const code = (e as { code?: string }).code ?? '';
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') throw new KeepsakeError('CORRUPT', 'The vault index is damaged.');
    if (code === 'SQLITE_FULL' || code === 'SQLITE_IOERR') throw new KeepsakeError('IO', 'The vault index could not be written: the disk may be full.');
    throw e;
  }
}

/** Applies every migration newer than PRAGMA user_version, each in its own transaction. */
export function migrate(db: Db, migrations: Migration[]): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations.reduce((m, x) => Math.max(m, x.version), 0);
  if (current > latest) {
    throw new KeepsakeError('UNSUPPORTED', `This vault was written by a newer version of Keepsake (schema ${current}, this one knows ${latest}). Update Keepsake to open it.`);
  }
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (m.version <= current) continue;
    if (!Number.isInteger(m.version) || m.version <= 0) throw new KeepsakeError('INTERNAL', `Bad migration number ${m.version}.`);
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version=${m.version}`); // an integer from our own list, not input
    })();
  }
  return db.pragma('user_version', { simple: true }) as number;
}

/** Owner-only permissions on the database and its WAL/shared-memory side files. */
export function tightenPermissions(path: string): void {
  if (process.platform === 'win32') return;
  for (const p of [path, `${path}-wal`, `${path}-shm`]) {
    if (existsSync(p)) chmodSync(p, 0o600);
  }
}

/**
 * Runs `fn` with the connection's SQLite page cache set to `kib` KiB, then puts the
 * connection's own size back (also when `fn` fails). For work that reads its pages once
 * (backup, restore, check): the host's 32 MiB cache would only hold pages never read again.
 */
export async function withCacheSize<T>(db: Db, kib: number, fn: () => Promise<T>): Promise<T> {
  const before = Number(db.pragma('cache_size', { simple: true }));
  db.pragma(`cache_size=-${kib}`);
  try {
    return await fn();
  } finally {
    db.pragma(`cache_size=${before}`);
  }
}
