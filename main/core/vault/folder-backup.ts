// Generic folder backup and snapshot restore (the `keepsake backup` / `restore` commands
// and the benchmark). Each regular file becomes an item (photo/video by extension, else
// 'file') keyed by its absolute path. Incremental twice over: a file whose size, mtime
// and inode match the cache is not read at all; a changed file is re-chunked but only
// chunks the item does not already have are stored. Each batch commits its items and
// its cache rows together, so an interrupted backup resumes where it stopped.
import { spawnSync } from 'node:child_process';
import { chmodSync, closeSync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, utimesSync, writeSync } from 'node:fs';
import { dirname, extname, isAbsolute, join, normalize, relative, resolve, sep } from 'node:path';
import type { Category } from '../../../common/domain';
import { KeepsakeError } from '../../../common/errors';
import type { JobControl } from '../jobs/job-manager';
import type { VaultContext } from './context';
import { ioError } from './durable-fs';
import { fileHandle, streamFile } from './item-read';
import { PackReader } from './pack-store';
import { putItems, type IngestItem } from './item-store';
import { writeHead } from './head-file';
import { getSnapshot, writeSnapshot, type SnapshotEntry } from './snapshots';
import { all, get, run, sql } from './sql';
import type { BackupReport } from './types';

const BATCH_BYTES = 64 * 1024 * 1024;
const BATCH_ITEMS = 2000;

const PHOTO = new Set(['.jpg', '.jpeg', '.png', '.heic', '.heif', '.gif', '.webp', '.tif', '.tiff', '.dng', '.raw', '.bmp']);
const VIDEO = new Set(['.mp4', '.mov', '.m4v', '.avi', '.mkv', '.3gp', '.webm']);
const MIME: Record<string, string> = {
  '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.heic': 'image/heic', '.heif': 'image/heif', '.gif': 'image/gif', '.webp': 'image/webp',
  '.mp4': 'video/mp4', '.mov': 'video/quicktime', '.m4v': 'video/x-m4v', '.webm': 'video/webm', '.txt': 'text/plain', '.pdf': 'application/pdf',
};

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
  const flush = async (): Promise<void> => {
    if (!batch.length) return;
    const current = batch;
    batch = [];
    batchBytes = 0;
    await putItems(
      ctx,
      current.map((b) => b.item),
      (db, results) => {
        results.forEach((r, i) => {
          const f = current[i]!.f;
          report[r.status]++;
          if (r.status === 'tombstoned') return;
          entries.push({ itemId: r.id, version: r.version, path: f.rel, mode: f.mode, mtimeMs: f.mtimeMs });
          run(
            db,
            sql`INSERT INTO file_cache (root, path, size, mtime_ns, inode, item_id, version) VALUES (${root}, ${f.rel}, ${f.size}, ${f.mtimeNs}, ${f.inode}, ${r.id}, ${r.version})
                ON CONFLICT (root, path) DO UPDATE SET size = excluded.size, mtime_ns = excluded.mtime_ns, inode = excluded.inode, item_id = excluded.item_id, version = excluded.version`,
          );
        });
      },
    );
    done += current.length;
    control?.report({ done, bytesDone: report.bytesRead });
    await control?.checkpoint();
  };

  for (const f of found) {
    const cached = get<{ size: number; mtime_ns: string; inode: string; item_id: string; version: number }>(
      ctx.db,
      sql`SELECT size, mtime_ns, inode, item_id, version FROM file_cache WHERE root = ${root} AND path = ${f.rel}`,
    );
    if (cached && cached.size === f.size && cached.mtime_ns === f.mtimeNs && cached.inode === f.inode) {
      report.unchanged++;
      done++;
      entries.push({ itemId: cached.item_id, version: cached.version, path: f.rel, mode: f.mode, mtimeMs: f.mtimeMs });
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
  await flush();
  ctx.db.transaction(() => {
    report.snapshotId = writeSnapshot(ctx.db, ctx.now(), { deviceId: 'local', kind: 'folder', label: root.split(sep).pop() ?? '', source: root }, entries);
  })();
  writeHead(ctx);
  control?.report({ phase: 'Finished', done: found.length, bytesDone: report.bytesRead });
  return report;
}

function walk(root: string, report: BackupReport): Found[] {
  const out: Found[] = [];
  const visit = (dir: string): void => {
    let names;
    try {
      names = readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      throw ioError(e, `list the folder ${relative(root, dir) || '.'}`);
    }
    names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const d of names) {
      const abs = join(dir, d.name);
      if (d.isDirectory()) visit(abs);
      else if (d.isFile()) {
        const st = lstatSync(abs, { bigint: true });
        out.push({
          abs,
          rel: relative(root, abs).split(sep).join('/'),
          size: Number(st.size),
          mtimeNs: String(st.mtimeNs),
          mtimeMs: Number(st.mtimeMs),
          inode: String(st.ino),
          mode: Number(st.mode & 0o777n),
        });
      } else report.skipped++; // symlinks, sockets, devices: not personal content
    }
  };
  visit(root);
  return out;
}

/** Restores a snapshot into `dir`: each file is written under a temp name, then renamed. */
export async function restoreSnapshot(ctx: VaultContext, id: number | 'latest', dir: string, control?: Pick<JobControl, 'report' | 'checkpoint'>): Promise<{ files: number; bytes: number }> {
  const snap = getSnapshot(ctx, id);
  if (!snap) throw new KeepsakeError('NOT_FOUND', id === 'latest' ? 'There are no snapshots yet.' : `There is no snapshot ${id}.`);
  const target = resolve(dir);
  const rows = all<{ item_id: string; version: number; path: string; mode: number | null; mtime_ms: number | null; category: string }>(
    ctx.db,
    sql`SELECT s.item_id, s.version, s.path, s.mode, s.mtime_ms, i.category FROM snapshot_items s JOIN items i ON i.id = s.item_id WHERE s.snapshot_id = ${snap.id} ORDER BY s.path, s.item_id`,
  );
  let files = 0;
  let bytes = 0;
  control?.report({ phase: 'Restoring', done: 0, total: rows.length });
  // Files are written under temporary names in batches; each batch is flushed with one
  // syncfs (not one fsync per file, which made restores of many small files slow) and
  // only then renamed, so no partly written file ever carries its final name.
  const reader = new PackReader(ctx.layout);
  let pending: Array<{ tmp: string; dest: string }> = [];
  let pendingBytes = 0;
  const settle = (): void => {
    if (!pending.length) return;
    syncFolder(target);
    for (const p of pending) renameSync(p.tmp, p.dest);
    pending = [];
    pendingBytes = 0;
  };
  try {
    for (const r of rows) {
      const h = fileHandle(ctx, r.item_id, 'original', 0, r.version);
      if (!h) continue; // an item without file content (a message): nothing to write as a file
      const rel = r.path || `${r.category}/${r.item_id}-${h.name}`;
      const dest = safeJoin(target, rel);
      mkdirSync(dirname(dest), { recursive: true });
      const tmp = `${dest}.keepsake-partial`;
      try {
        const fd = openSync(tmp, 'w', 0o600);
        try {
          if (h.size > 0) for await (const piece of streamFile(ctx, h, 0, h.size - 1, reader)) writeSync(fd, piece as Buffer);
        } finally {
          closeSync(fd);
        }
        if (r.mode !== null) chmodSync(tmp, r.mode);
        if (r.mtime_ms !== null) utimesSync(tmp, new Date(r.mtime_ms), new Date(r.mtime_ms));
      } catch (e) {
        rmSync(tmp, { force: true });
        throw ioError(e, `restore ${rel}`);
      }
      pending.push({ tmp, dest });
      pendingBytes += h.size;
      files++;
      bytes += h.size;
      if (pending.length >= 5000 || pendingBytes >= 512 * 1024 * 1024) settle();
      if (files % 100 === 0) {
        control?.report({ done: files, bytesDone: bytes });
        await control?.checkpoint();
      }
    }
    settle();
    syncFolder(target); // the renames themselves
  } catch (e) {
    for (const p of pending) rmSync(p.tmp, { force: true });
    throw ioError(e, 'finish the restore');
  } finally {
    reader.close();
  }
  return { files, bytes };
}

/** syncfs(2) on the target's file system through coreutils `sync -f`; fsync of the folder where that is missing. */
function syncFolder(dir: string): void {
  const r = spawnSync('sync', ['-f', dir], { stdio: 'ignore' });
  if (r.status === 0 || process.platform === 'win32') return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function safeJoin(root: string, rel: string): string {
  const clean = normalize(rel);
  if (isAbsolute(clean) || clean.split(/[\\/]/).includes('..')) throw new KeepsakeError('CORRUPT', 'A snapshot holds an unsafe path; nothing was written outside the target folder.');
  return join(root, clean);
}
