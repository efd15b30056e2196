// Opens the vault's encrypted index (SQLite through better-sqlite3-multiple-ciphers in
// SQLCipher v4 mode) with the pragmas every connection must have, owner-only file
// permissions, and the numbered migrations applied. [Note: index pragmas]
// cipher and legacy must be set BEFORE the key, on every open, or the library picks its
// default cipher and the file is unreadable elsewhere. synchronous=FULL makes a returned
// COMMIT durable (WAL + NORMAL can lose the last commits on power loss, and we
// acknowledge to phones after commit). secure_delete overwrites freed pages so erased
// rows do not linger; temp_store=MEMORY keeps sort/temp spill files off the disk.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Worker } from 'node:worker_threads';
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

/**
 * Copies committed WAL frames into the index file on a worker thread of its own, with a
 * second connection (PRAGMA wal_checkpoint(PASSIVE)), while this thread goes on with the
 * next batch. Why: with the encrypting VFS a checkpoint reads every WAL frame back,
 * decrypts it and encrypts it again into the index file — after a first backup of 20,000
 * small files 36 MB of WAL and ~0.25 s of this thread's CPU at close, when nothing else
 * runs. A PASSIVE checkpoint never blocks this thread's writers or readers and copies only
 * committed frames, each fsynced as SQLite does it itself, so a kill at any moment leaves a
 * WAL that the next open replays as before (durability and kill -9 safety unchanged).
 *
 * Started on the first request only (most commands never need it). If the worker cannot
 * start or its connection fails, requests are ignored: the close checkpoints as before.
 * The worker is plain JavaScript given as source (no loader needed in the source tree or
 * the bundles) and loads the same SQLite binding by its resolved path.
 */
export class BackgroundCheckpointer {
  private worker: Worker | null = null;
  private failed = false;
  private busy = false;
  private again = false;
  /** Int32 slot the worker sets to 1 once its connection is closed (close() waits on it). */
  private readonly closedFlag = new Int32Array(new SharedArrayBuffer(4));

  constructor(
    private readonly path: string,
    private readonly key: () => Buffer,
  ) {}

  /** False once its worker failed or it was closed: requests are then ignored. */
  get usable(): boolean {
    return !this.failed;
  }

  /** True while a requested checkpoint has not reported back. */
  get running(): boolean {
    return this.busy;
  }

  /** Asks for a checkpoint of what is committed now (one runs at a time; a request during one queues one more). */
  request(): void {
    if (this.failed) return;
    if (!this.worker) this.start();
    if (!this.worker) return;
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    this.worker.postMessage('checkpoint');
  }

  /**
   * Closes the worker's connection and waits for it (at most `timeoutMs`), so the caller's
   * own close is the last connection and removes the WAL as before. A checkpoint under way
   * finishes first: that is work the caller's close would otherwise do.
   */
  close(timeoutMs = 5_000): void {
    const w = this.worker;
    this.worker = null;
    this.failed = true;
    if (!w) return;
    w.postMessage('close');
    Atomics.wait(this.closedFlag, 0, 0, timeoutMs);
    void w.terminate();
  }

  private start(): void {
    let key: Buffer | null = null;
    try {
      key = this.key();
      const binding = createRequire(import.meta.url).resolve('better-sqlite3-multiple-ciphers');
      const w = new Worker(CHECKPOINT_WORKER_SOURCE, {
        eval: true,
        workerData: { binding, path: this.path, keyHex: key.toString('hex'), closed: this.closedFlag },
        // a checkpoint needs no JS heap to speak of
        resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 8 },
      });
      w.unref();
      w.on('message', (m: unknown) => {
        if (m !== 'done') {
          this.failed = true; // its connection failed: leave the checkpoint to the close
          this.busy = false;
          return;
        }
        this.busy = false;
        if (this.again && this.worker) {
          this.again = false;
          this.busy = true;
          this.worker.postMessage('checkpoint');
        }
      });
      // a worker that dies (load failure, out of memory) holds no connection any more
      const gone = (): void => {
        this.failed = true;
        this.busy = false;
        this.worker = null;
        Atomics.store(this.closedFlag, 0, 1);
      };
      w.on('error', gone);
      w.on('exit', gone);
      this.worker = w;
    } catch {
      this.failed = true;
    } finally {
      key?.fill(0);
    }
  }
}

const CHECKPOINT_WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { binding, path, closed } = workerData;
let db = null;
const done = () => { Atomics.store(closed, 0, 1); Atomics.notify(closed, 0); };
try {
  const Database = require(binding);
  db = new Database(path, { fileMustExist: true, timeout: 0 });
  db.pragma("cipher='sqlcipher'");
  db.pragma('legacy=4');
  db.pragma('key="x\\'' + workerData.keyHex + '\\'"');
  workerData.keyHex = '';
  db.pragma('synchronous=${INDEX_PRAGMAS.synchronous}');
} catch {
  db = null;
}
parentPort.on('message', (m) => {
  if (m === 'close') {
    try { db?.close(); } catch {}
    db = null;
    done();
    parentPort.close();
    return;
  }
  try {
    if (!db) throw new Error('no connection');
    db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage('done');
  } catch {
    // no more tries: the connection goes at once, so it holds nothing the close needs
    try { db?.close(); } catch {}
    db = null;
    parentPort.postMessage('failed');
  }
});
`;

/** Each open index's checkpointer (vault.ts attaches one at open and closes it before the connection). */
const checkpointers = new WeakMap<Db, BackgroundCheckpointer>();

export function attachCheckpointer(db: Db, checkpointer: BackgroundCheckpointer): void {
  checkpointers.set(db, checkpointer);
}

/** Closes and forgets the connection's checkpointer, if it has one (before the connection's own close). */
export function closeCheckpointer(db: Db): void {
  checkpointers.get(db)?.close();
  checkpointers.delete(db);
}

/**
 * Asks the connection's checkpointer to copy what is committed into the index file in the
 * background. Callers ask between large batches of one job, while they go on with the next
 * one (folder-backup.ts); a connection without a checkpointer ignores the request.
 */
export function checkpointInBackground(db: Db): void {
  checkpointers.get(db)?.request();
}
