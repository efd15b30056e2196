// Snapshots: point-in-time manifests (item × version, and a path for folder backups).
// Ids come from AUTOINCREMENT, so they only ever grow; meta.snapshot_counter records the
// highest one so a rolled-back index (an older copy put back) can be noticed.
import type { VaultContext } from './context';
import { writeHead } from './head-file';
import { all, get, insertRows, run, sql, type Db, type SqlValue } from './sql';
import type { SnapshotInfo } from './types';
import { materializeDeviceVersions } from './version-rows';

export interface SnapshotEntry {
  itemId: string;
  version: number;
  path: string;
  mode: number | null;
  mtimeMs: number | null;
  /**
   * The file's size as the caller listed it (a folder backup's walk). When every entry has
   * one, the snapshot's total is their sum instead of a query joining every row to its file
   * (~20 ms for 20,000 rows, in every re-run).
   */
  size?: number;
}

/** Writes a snapshot inside the caller's transaction; returns its id. */
export function writeSnapshot(db: Db, now: number, meta: { deviceId: string; kind: string; label: string; source: string }, entries: SnapshotEntry[]): number {
  const id = Number(
    run(db, sql`INSERT INTO snapshots (device_id, kind, label, source, created_at) VALUES (${meta.deviceId}, ${meta.kind}, ${meta.label}, ${meta.source}, ${now})`).lastInsertRowid,
  );
  // Many rows per statement (sql.ts insertRows: bound parameters, never spliced into
  // the SQL text): a statement per row cost more in call overhead than in SQLite, and a JSON
  // array per statement more in building and parsing it again than the rows themselves.
  const rows: SqlValue[] = [];
  let listed = 0;
  let sized = true;
  for (const e of entries) {
    rows.push(id, e.itemId, e.version, e.path, e.mode, e.mtimeMs);
    if (e.size === undefined) sized = false;
    else listed += e.size;
  }
  const written = insertRows(db, sql`INSERT INTO snapshot_items (snapshot_id, item_id, version, path, mode, mtime_ms) VALUES`, '(?, ?, ?, ?, ?, ?)', rows, 'ON CONFLICT (snapshot_id, item_id, path) DO NOTHING');
  // Listed sizes count only when no entry was skipped as a repeat; they equal the stored
  // sizes unless a file changed while it was read (its next backup reads it again).
  const totals =
    sized && written === entries.length
      ? { n: written, bytes: listed }
      : get<{ n: number; bytes: number | null }>(
          db,
          sql`SELECT count(*) AS n, sum(f.size) AS bytes FROM snapshot_items s LEFT JOIN files f ON f.item_id = s.item_id AND f.version = s.version AND f.role = 'original' AND f.ordinal = 0
              WHERE s.snapshot_id = ${id}`,
        );
  run(db, sql`UPDATE snapshots SET item_count = ${totals?.n ?? 0}, total_bytes = ${totals?.bytes ?? 0} WHERE id = ${id}`);
  run(db, sql`INSERT INTO meta (key, value) VALUES ('snapshot_counter', ${String(id)}) ON CONFLICT (key) DO UPDATE SET value = excluded.value`);
  return id;
}

/** A snapshot of every current item of one device (what a phone backup ends with). */
export function createSnapshot(ctx: VaultContext, opts: { deviceId?: string; label?: string; kind?: string } = {}): SnapshotInfo {
  const deviceId = opts.deviceId ?? 'local';
  let id = 0;
  ctx.db.transaction(() => {
    // A snapshot pins versions (its rows name item_versions rows): records stored in
    // bulk get their version rows now (version-rows.ts). Folder backups hold only items
    // with files, which always have them.
    materializeDeviceVersions(ctx.db, deviceId);
    const entries = all<{ itemId: string; version: number }>(ctx.db, sql`SELECT id AS itemId, version FROM items WHERE device_id = ${deviceId}`).map((r) => ({
      ...r,
      path: '',
      mode: null,
      mtimeMs: null,
    }));
    id = writeSnapshot(ctx.db, ctx.now(), { deviceId, kind: opts.kind ?? 'device', label: opts.label ?? '', source: '' }, entries);
  })();
  writeHead(ctx);
  return getSnapshot(ctx, id)!;
}

export function listSnapshots(ctx: VaultContext): SnapshotInfo[] {
  return all<SnapshotInfo>(ctx.db, sql`SELECT id, device_id AS deviceId, kind, label, source, created_at AS createdAt, item_count AS itemCount, total_bytes AS totalBytes FROM snapshots ORDER BY id DESC`);
}

export function getSnapshot(ctx: VaultContext, id: number | 'latest'): SnapshotInfo | null {
  if (id === 'latest') return get<SnapshotInfo>(ctx.db, sql`SELECT id, device_id AS deviceId, kind, label, source, created_at AS createdAt, item_count AS itemCount, total_bytes AS totalBytes FROM snapshots ORDER BY id DESC LIMIT 1`) ?? null;
  return get<SnapshotInfo>(ctx.db, sql`SELECT id, device_id AS deviceId, kind, label, source, created_at AS createdAt, item_count AS itemCount, total_bytes AS totalBytes FROM snapshots WHERE id = ${id}`) ?? null;
}
