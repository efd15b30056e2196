// Generic folder backup (the `keepsake backup` command and the benchmark); restore lives
// in snapshot-restore.ts and is re-exported here. Each regular file becomes an item (photo/video by extension, else
// 'file') keyed by its absolute path. Incremental twice over: a file whose size, mtime
// and inode match the cache is not read at all; a changed file is re-chunked but only
// chunks the item does not already have are stored. Each batch commits its items and
// its cache rows together, so an interrupted backup resumes where it stopped.
import { lstatSync, readdirSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import type { Category } from '../../../common/domain';
import { KeepsakeError } from '../../../common/errors';
import type { JobControl } from '../jobs/job-manager';
import type { VaultContext } from './context';
import { ioError } from './durable-fs';
import { putItems, type IngestItem } from './item-store';
import { writeHead } from './head-file';
import { restoreSnapshot as restoreWithOptions } from './snapshot-restore';
import { writeSnapshot, type SnapshotEntry } from './snapshots';
import { all, insertRows, sql, type SqlValue } from './sql';
import type { BackupReport } from './types';
import { checkpointInBackground, withCacheSize } from './index-db';

// A batch ends with a wait for its packs' fsync and the index commit's fsync, during
// which nothing else runs; fewer, larger batches mean fewer such stalls. A killed backup
// resumes at the last committed batch, so this is also the most work a kill can lose.
const BATCH_BYTES = 256 * 1024 * 1024;
const BATCH_ITEMS = 5000;
/** SQLite page cache during a backup, in KiB. */
const BACKUP_CACHE_KIB = 8192;

const PHOTO = new Set(['.jpg', '.jpeg', '.png', '.heic', '.heif', '.gif', '.webp', '.tif', '.tiff', '.dng', '.raw', '.bmp']);
const VIDEO = new Set(['.mp4', '.mov', '.m4v', '.avi', '.mkv', '.3gp', '.webm']);
const MIME: Record<string, string> = {
  '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.heic': 'image/heic', '.heif': 'image/heif', '.gif': 'image/gif', '.webp': 'image/webp',
  '.mp4': 'video/mp4', '.mov': 'video/quicktime', '.m4v': 'video/x-m4v', '.webm': 'video/webm', '.txt': 'text/plain', '.pdf': 'application/pdf',
};

interface CacheRow {
  size: number;
  mtime_ns: string;
  inode: string;
  item_id: string;
  version: number;
}

interface Found {
  abs: string;
  rel: string;
  size: number;
  mtimeNs: string;
  mtimeMs: number;
  inode: string;
  mode: number;
}

export async function backupFolder(ctx: VaultContext, dir: string, control?: Pick<JobControl, 'report' | 'checkpoint'>): Promise<BackupReport> {
  // A backup appends at the ends of the indexes (item ids are time-ordered) and reads the
  // folder's cache rows once, so a smaller page cache serves it as well: measured on
  // 20,000 small files, 8 MiB instead of the connection's 32 MiB gave the same CPU and
  // 26–29 MB less peak RSS. The connection's own size comes back afterwards.
  return withCacheSize(ctx.db, BACKUP_CACHE_KIB, () => backupInto(ctx, dir, control));
}

async function backupInto(ctx: VaultContext, dir: string, control?: Pick<JobControl, 'report' | 'checkpoint'>): Promise<BackupReport> {
  const root = resolve(dir);
  let rootStat;
  try {
    rootStat = lstatSync(root);
  } catch (e) {
    throw ioError(e, 'open the folder to back up');
  }
  if (!rootStat.isDirectory()) throw new KeepsakeError('BAD_INPUT', 'The path to back up is not a folder.');
  const report: BackupReport = { snapshotId: 0, files: 0, added: 0, updated: 0, unchanged: 0, duplicate: 0, tombstoned: 0, skipped: 0, bytesRead: 0, bytesTotal: 0 };
  const found = walk(root, report);
  report.files = found.length;
  report.bytesTotal = found.reduce((s, f) => s + f.size, 0);
  control?.report({ phase: 'Backing up', done: 0, total: found.length, bytesDone: 0, bytesTotal: report.bytesTotal });

  const entries: SnapshotEntry[] = [];
  let batch: Array<{ f: Found; item: IngestItem }> = [];
  let batchBytes = 0;
  let done = 0;
  const snapshotMeta = { deviceId: 'local', kind: 'folder', label: root.split(sep).pop() ?? '', source: root };
  /** The last batch (`last`) writes the snapshot in its own transaction: one commit and one fsync fewer per run. */
  const flush = async (last = false): Promise<void> => {
    if (!batch.length) return;
    const current = batch;
    batch = [];
    batchBytes = 0;
    await putItems(
      ctx,
      current.map((b) => b.item),
      (db, results) => {
        const rows: SqlValue[] = [];
        results.forEach((r, i) => {
          const f = current[i]!.f;
          report[r.status]++;
          if (r.status === 'tombstoned') return;
          entries.push({ itemId: r.id, version: r.version, path: f.rel, mode: f.mode, mtimeMs: f.mtimeMs, size: f.size });
          rows.push(root, f.rel, f.size, f.mtimeNs, f.inode, r.id, r.version);
        });
        // the batch's cache rows in a few statements (sql.ts insertRows), like the
        // snapshot rows: a statement per small file was a measurable part of a first backup
        insertRows(
          db,
          sql`INSERT INTO file_cache (root, path, size, mtime_ns, inode, item_id, version) VALUES`,
          '(?, ?, ?, ?, ?, ?, ?)',
          rows,
          'ON CONFLICT (root, path) DO UPDATE SET size = excluded.size, mtime_ns = excluded.mtime_ns, inode = excluded.inode, item_id = excluded.item_id, version = excluded.version',
        );
        // every other entry is known by now: unchanged files were listed as the walk went
        if (last) report.snapshotId = writeSnapshot(db, ctx.now(), snapshotMeta, entries);
      },
    );
    // more batches follow: this one's WAL frames are copied into the index file on another
    // thread while this one goes on, instead of all at once in the close when nothing else
    // runs (index-db.ts BackgroundCheckpointer). Tried: asking just before the next commit,
    // when the seal workers are idle — the same process CPU, more left to the close.
    if (!last) checkpointInBackground(ctx.db);
    done += current.length;
    control?.report({ done, bytesDone: report.bytesRead });
    // after the last batch the snapshot is committed: the run is done, nothing left to pause
    if (!last) await control?.checkpoint();
  };

  // the whole cache for this folder in one query: a lookup per file was most of a no-change run
  const cache = new Map<string, CacheRow>();
  for (const r of all<CacheRow & { path: string }>(ctx.db, sql`SELECT path, size, mtime_ns, inode, item_id, version FROM file_cache WHERE root = ${root}`)) cache.set(r.path, r);
  for (const f of found) {
    const cached = cache.get(f.rel);
    if (cached && cached.size === f.size && cached.mtime_ns === f.mtimeNs && cached.inode === f.inode) {
      report.unchanged++;
      done++;
      entries.push({ itemId: cached.item_id, version: cached.version, path: f.rel, mode: f.mode, mtimeMs: f.mtimeMs, size: f.size });
      continue;
    }
    const ext = extname(f.rel).toLowerCase();
    const category: Category = PHOTO.has(ext) ? 'photo' : VIDEO.has(ext) ? 'video' : 'file';
    const name = f.rel.split('/').pop() ?? f.rel;
    batch.push({
      f,
      item: {
        category,
        sourceKey: `file:${join(root, f.rel)}`,
        occurredAt: f.mtimeMs,
        title: name,
        fields: {},
        personal: true,
        files: [{ role: 'original', name, mime: MIME[ext] ?? 'application/octet-stream', path: f.abs, size: f.size }],
      },
    });
    batchBytes += f.size;
    report.bytesRead += f.size;
    if (batchBytes >= BATCH_BYTES || batch.length >= BATCH_ITEMS) await flush();
  }
  await flush(true);
  if (!report.snapshotId) {
    // no batch was left to commit (e.g. a no-change run): the snapshot in a transaction of its own
    ctx.db.transaction(() => {
      report.snapshotId = writeSnapshot(ctx.db, ctx.now(), snapshotMeta, entries);
    })();
  }
  writeHead(ctx);
  control?.report({ phase: 'Finished', done: found.length, bytesDone: report.bytesRead });
  return report;
}

function walk(root: string, report: BackupReport): Found[] {
  const out: Found[] = [];
  // Paths are built by appending names (readdir names hold no separator) rather than with
  // join() and relative() per file: a third of the walk's CPU on 20,000 files.
  const visit = (dir: string, rel: string): void => {
    let names;
    try {
      names = readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      throw ioError(e, `list the folder ${rel || '.'}`);
    }
    names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const prefix = dir.endsWith(sep) ? dir : dir + sep;
    for (const d of names) {
      const abs = prefix + d.name;
      const relPath = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory()) visit(abs, relPath);
      else if (d.isFile()) {
        const st = lstatSync(abs, { bigint: true });
        out.push({
          abs,
          rel: relPath,
          size: Number(st.size),
          mtimeNs: String(st.mtimeNs),
          mtimeMs: Number(st.mtimeMs),
          inode: String(st.ino),
          mode: Number(st.mode & 0o777n),
        });
      } else report.skipped++; // symlinks, sockets, devices: not personal content
    }
  };
  visit(root, '');
  return out;
}

/** Restores a snapshot into `dir` (snapshot-restore.ts; the Vault façade calls it with a job control). */
export function restoreSnapshot(ctx: VaultContext, id: number | 'latest', dir: string, control?: Pick<JobControl, 'report' | 'checkpoint'>): Promise<{ files: number; bytes: number }> {
  return restoreWithOptions(ctx, id, dir, control ? { control } : {});
}
