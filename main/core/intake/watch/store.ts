// The watch folders' rows in the vault index: the folders, their status, and the size and
// mtime of each file already imported from them (so a rescan imports only what changed).
import { randomBytes } from 'node:crypto';
import { all, get, run, sql, type Db } from '../../vault/sql';
import { watchFolders } from '../../vault/migrations/0950-watch-folders';

export interface WatchRow {
  id: string;
  path: string;
  addedAt: number;
  lastScanAt: number | null;
  filesImported: number;
  lastError: string | null;
}

export interface FileSig {
  size: number;
  mtimeMs: number;
}

const ensured = new WeakSet<Db>();

/** Creates the tables if this index has not got them yet (IF NOT EXISTS: harmless). */
function ready(db: Db): Db {
  if (!ensured.has(db)) {
    watchFolders.up(db);
    ensured.add(db);
  }
  return db;
}

interface RawRow {
  id: string;
  path: string;
  added_at: number;
  last_scan_at: number | null;
  files_imported: number;
  last_error: string | null;
}

const toRow = (r: RawRow): WatchRow => ({ id: r.id, path: r.path, addedAt: r.added_at, lastScanAt: r.last_scan_at, filesImported: r.files_imported, lastError: r.last_error });

export function listWatches(db: Db): WatchRow[] {
  return all<RawRow>(ready(db), sql`SELECT * FROM watch_folders ORDER BY added_at, id`).map(toRow);
}

export function findWatch(db: Db, id: string): WatchRow | null {
  const r = get<RawRow>(ready(db), sql`SELECT * FROM watch_folders WHERE id = ${id}`);
  return r ? toRow(r) : null;
}

export function findWatchByPath(db: Db, path: string): WatchRow | null {
  const r = get<RawRow>(ready(db), sql`SELECT * FROM watch_folders WHERE path = ${path}`);
  return r ? toRow(r) : null;
}

export function insertWatch(db: Db, path: string, now: number): WatchRow {
  const id = randomBytes(8).toString('hex');
  run(ready(db), sql`INSERT INTO watch_folders (id, path, added_at) VALUES (${id}, ${path}, ${now})`);
  return { id, path, addedAt: now, lastScanAt: null, filesImported: 0, lastError: null };
}

export function deleteWatch(db: Db, id: string): boolean {
  ready(db);
  return db.transaction(() => {
    run(db, sql`DELETE FROM watch_files WHERE watch_id = ${id}`);
    return run(db, sql`DELETE FROM watch_folders WHERE id = ${id}`).changes > 0;
  })();
}

export function recordScan(db: Db, id: string, now: number, error: string | null): void {
  run(ready(db), sql`UPDATE watch_folders SET last_scan_at = ${now}, last_error = ${error} WHERE id = ${id}`);
}

/** Sizes and mtimes of the files already imported from a watch. */
export function importedFiles(db: Db, id: string): Map<string, FileSig> {
  const m = new Map<string, FileSig>();
  for (const r of all<{ path: string; size: number; mtime_ms: number }>(ready(db), sql`SELECT path, size, mtime_ms FROM watch_files WHERE watch_id = ${id}`)) {
    m.set(r.path, { size: r.size, mtimeMs: r.mtime_ms });
  }
  return m;
}

/** After an import finished: remembers the files and adds them to the count. */
export function recordImported(db: Db, id: string, files: Array<{ path: string } & FileSig>): void {
  ready(db);
  db.transaction(() => {
    for (const f of files) {
      run(db, sql`INSERT INTO watch_files (watch_id, path, size, mtime_ms) VALUES (${id}, ${f.path}, ${f.size}, ${Math.trunc(f.mtimeMs)})
                  ON CONFLICT (watch_id, path) DO UPDATE SET size = excluded.size, mtime_ms = excluded.mtime_ms`);
    }
    run(db, sql`UPDATE watch_folders SET files_imported = files_imported + ${files.length}, last_error = NULL WHERE id = ${id}`);
  })();
}
