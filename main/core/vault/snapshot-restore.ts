// Snapshot restore (`keepsake restore`, the benchmark, a phone's restore): every file of a
// snapshot written under a temporary name, flushed in batches with one syncfs, then renamed.
// The snapshot's rows are read a page of files at a time (keyset on the snapshot_items
// primary key, so each page is a range scan and memory stays bounded for millions of
// files). Files go to the seal workers a few dozen at a time: a worker reads the packs,
// opens each chunk under the item key with its (id, item, type) bound, and writes the file
// itself; this thread unwraps item keys, makes folders, hands out jobs in order and does
// the syncfs and renames. Without workers (or once one has crashed) the same files are
// written on this thread, with the same checks and the same errors.
import { spawnSync } from 'node:child_process';
import { closeSync, fchmodSync, fsyncSync, futimesSync, mkdirSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, resolve } from 'node:path';
import { KeepsakeError } from '../../../common/errors';
import type { JobControl } from '../jobs/job-manager';
import { holdPacks } from './compaction';
import type { VaultContext } from './context';
import { ioError } from './durable-fs';
import { chunkAad, NONCE_BYTES, open, TAG_BYTES, unwrapItemKey } from './item-crypto';
import { packPath } from './layout';
import type { RestoreFailure, RestoreFileJob, SealPool } from './seal-pool';
import { getSnapshot } from './snapshots';
import { all, get, sql } from './sql';
import { withCacheSize } from './index-db';

export interface RestoreOptions {
  control?: Pick<JobControl, 'report' | 'checkpoint'>;
  /** Files read from the index per query (tests use a small one to cross page boundaries). */
  pageFiles?: number;
  /** false: write every file on this thread even when seal workers are available. */
  workers?: boolean;
  /** A job goes to the workers when its files average at least this many bytes (0: every job). */
  workerMinBytes?: number;
}

/**
 * Files read from the index per page query. A page's files stay alive until the workers
 * have written them, so a big page aged into V8's old generation: 256 instead of 2,000
 * kept the 1 GB set's restore ~20 MB lower at the same CPU (80 range scans instead of 10).
 */
const PAGE_FILES = 256;
/**
 * SQLite page cache during a restore, in KiB. The page queries walk the snapshot's rows and
 * their chunks once, in key order: the host's 32 MiB cache filled with pages never read
 * again (a 1 GB set's restore grew by ~30 MB towards its end).
 */
const RESTORE_CACHE_KIB = 2048;
const WORKER_MIN_BYTES = 0;
/** A worker job: up to this many files or bytes (a larger file is a job of its own). */
const JOB_FILES = 64;
const JOB_BYTES = 8 * 1024 * 1024;
/**
 * Jobs handed out and not yet settled (they are settled in order). Deeper than the two
 * workers so that one slow job (a large video) at the head does not leave the other
 * worker idle. Memory does not grow with it: a job in flight holds only its chunk
 * locations; a worker holds one read-ahead window and one chunk's plaintext.
 */
const IN_FLIGHT = 8;
/** Pack bytes read at once: chunks lie mostly in pack order, so most reads hit the window. */
const READ_AHEAD = 4 * 1024 * 1024;
/** Files written and not yet renamed before a syncfs flushes them (count / bytes). */
const SETTLE_FILES = 5000;
const SETTLE_BYTES = 512 * 1024 * 1024;

/** One chunk of a file to restore, in file order. */
interface ChunkLoc {
  pack: string;
  offset: number;
  length: number;
  plain: number;
  id: Buffer;
}

/** One file to restore: where it goes and where its chunks are. */
interface RestoreFile {
  rel: string;
  dest: string;
  tmp: string;
  itemId: string;
  wrapped: Buffer;
  size: number;
  mode: number | null;
  mtimeMs: number | null;
  chunks: ChunkLoc[];
}

interface PageRow {
  item_id: string;
  path: string;
  mode: number | null;
  mtime_ms: number | null;
  category: string | null;
  wrapped_key: Buffer | null;
  file_seq: number | null;
  name: string;
  size: number;
  pack_id: string | null;
  offset: number | null;
  length: number | null;
  plain_length: number | null;
  chunk_id: Buffer | null;
}

type FaultKind = RestoreFailure['kind'];

/** The words for a file that cannot be restored: the same on a worker and on this thread. */
function restoreError(kind: FaultKind, rel: string, packId: string | null, cause?: { code: string; message: string }): KeepsakeError {
  const details = packId ? { packId, path: rel } : { path: rel };
  switch (kind) {
    case 'missing':
      return new KeepsakeError('CORRUPT', `A pack file of the vault is missing: ${rel} cannot be restored.`, details);
    case 'short':
      return new KeepsakeError('CORRUPT', `A pack file is shorter than the index says: part of the vault is missing (${rel} cannot be restored).`, details);
    case 'truncated':
      return new KeepsakeError('CORRUPT', `A stored chunk of ${rel} is truncated.`, details);
    case 'damaged':
      return new KeepsakeError('CORRUPT', `A stored chunk of ${rel} failed its integrity check: it was damaged or moved.`, details);
    case 'length':
      return new KeepsakeError('CORRUPT', `A stored chunk of ${rel} has the wrong length.`, details);
    case 'incomplete':
      return new KeepsakeError('CORRUPT', `The stored file ${rel} is incomplete: its chunks do not add up to its size.`, details);
    case 'io':
      return ioError(Object.assign(new Error(cause?.message ?? ''), { code: cause?.code ?? '' }), `restore ${rel}`);
  }
}

class Fault {
  constructor(
    readonly kind: FaultKind,
    readonly pack: string | null = null,
  ) {}
}

/** Restores a snapshot into `dir`: each file is written under a temp name, then renamed. */
export async function restoreSnapshot(ctx: VaultContext, id: number | 'latest', dir: string, opts: RestoreOptions = {}): Promise<{ files: number; bytes: number }> {
  const snap = getSnapshot(ctx, id);
  if (!snap) throw new KeepsakeError('NOT_FOUND', id === 'latest' ? 'There are no snapshots yet.' : `There is no snapshot ${id}.`);
  // Packs a compaction replaces while this runs stay on disk until it ends (compaction.ts).
  const release = holdPacks(ctx);
  try {
    return await withCacheSize(ctx.db, RESTORE_CACHE_KIB, () => new RestoreRun(ctx, resolve(dir), opts).run(snap.id));
  } finally {
    release();
  }
}

/** Pages of the snapshot's files in primary-key order (item id, then path), each file with its chunks. */
function* pages(ctx: VaultContext, snapshotId: number, pageFiles: number, target: string): Generator<RestoreFile[]> {
  // item ids are never empty, so ('', '') sorts before every row
  let after: [string, string] = ['', ''];
  for (;;) {
    const rows = all<PageRow>(
      ctx.db,
      sql`WITH page AS (SELECT item_id, version, path, mode, mtime_ms FROM snapshot_items
                        WHERE snapshot_id = ${snapshotId} AND (item_id, path) > (${after[0]}, ${after[1]})
                        ORDER BY item_id, path LIMIT ${pageFiles})
          SELECT p.item_id, p.path, p.mode, p.mtime_ms, i.category, i.wrapped_key, f.seq AS file_seq, f.name, f.size,
                 c.pack_id, c.offset, c.length, c.plain_length, c.chunk_id
          FROM page p LEFT JOIN items i ON i.id = p.item_id
          LEFT JOIN files f ON f.item_id = p.item_id AND f.version = p.version AND f.role = 'original' AND f.ordinal = 0
          LEFT JOIN file_chunks fc ON fc.file_seq = f.seq LEFT JOIN chunks c ON c.seq = fc.chunk_seq
          ORDER BY p.item_id, p.path, fc.idx`,
    );
    if (!rows.length) return;
    const files: RestoreFile[] = [];
    let cur: RestoreFile | null = null;
    for (const r of rows) {
      after = [r.item_id, r.path];
      // items without file content (messages) have no 'original' file and are not written
      if (r.file_seq === null || r.wrapped_key === null) continue;
      if (!cur || cur.itemId !== r.item_id || cur.rel !== (r.path || `${r.category}/${r.item_id}-${r.name}`)) {
        const rel = r.path || `${r.category}/${r.item_id}-${r.name}`;
        const dest = safeJoin(target, rel);
        cur = { rel, dest, tmp: `${dest}.keepsake-partial`, itemId: r.item_id, wrapped: r.wrapped_key, size: r.size, mode: r.mode, mtimeMs: r.mtime_ms, chunks: [] };
        files.push(cur);
      }
      // an empty file has no chunks; a chunk row gone from under its file leaves the file short (incomplete)
      if (r.pack_id !== null) cur.chunks.push({ pack: r.pack_id, offset: r.offset!, length: r.length!, plain: r.plain_length!, id: r.chunk_id! });
    }
    // Within a page, files go in path order: neighbours in a folder are created one after
    // another (the pages themselves follow the item ids, i.e. the order of the backup).
    files.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
    yield files;
  }
}

function safeJoin(root: string, rel: string): string {
  const clean = normalize(rel);
  if (isAbsolute(clean) || clean.split(/[\\/]/).includes('..')) throw new KeepsakeError('CORRUPT', 'A snapshot holds an unsafe path; nothing was written outside the target folder.');
  return join(root, clean);
}

interface InFlight {
  files: RestoreFile[];
  packIds: string[];
  result: Promise<{ failed: RestoreFailure | null; bytes: number }>;
}

class RestoreRun {
  private pool: SealPool | null;
  private readonly made = new Set<string>();
  /** Temp files that may exist (written or being written): removed if the restore fails. */
  private readonly maybe = new Set<string>();
  /**
   * Files written and waiting for the next syncfs and rename: only their two names. Keeping
   * whole RestoreFiles (chunk lists, ids, wrapped keys) here for up to SETTLE_FILES files
   * let them age into V8's old generation: ~10 MB more peak RSS on the 1 GB set.
   */
  private pending: Array<Pick<RestoreFile, 'tmp' | 'dest'>> = [];
  private pendingBytes = 0;
  private readonly inFlight: InFlight[] = [];
  private files = 0;
  private bytes = 0;
  private reader: HereReader | null = null;
  private readonly workerMinBytes: number;

  constructor(
    private readonly ctx: VaultContext,
    private readonly target: string,
    private readonly opts: RestoreOptions,
  ) {
    this.pool = opts.workers === false ? null : ctx.sealPool();
    this.workerMinBytes = opts.workerMinBytes ?? WORKER_MIN_BYTES;
  }

  async run(snapshotId: number): Promise<{ files: number; bytes: number }> {
    const total = get<{ n: number }>(this.ctx.db, sql`SELECT count(*) AS n FROM snapshot_items WHERE snapshot_id = ${snapshotId}`)?.n ?? 0;
    this.opts.control?.report({ phase: 'Restoring', done: 0, total });
    try {
      let job: RestoreFile[] = [];
      let jobBytes = 0;
      for (const page of pages(this.ctx, snapshotId, Math.max(1, this.opts.pageFiles ?? PAGE_FILES), this.target)) {
        for (const f of page) {
          job.push(f);
          jobBytes += f.size;
          if (job.length >= JOB_FILES || jobBytes >= JOB_BYTES) {
            await this.submit(job);
            job = [];
            jobBytes = 0;
          }
        }
      }
      if (job.length) await this.submit(job);
      while (this.inFlight.length) await this.settleOldest();
      this.settle();
      syncFolder(this.target); // the renames themselves
    } catch (e) {
      // nothing of ours may still be writing when the temp files are removed
      await Promise.allSettled(this.inFlight.map((j) => j.result));
      for (const tmp of this.maybe) rmSync(tmp, { force: true });
      throw ioError(e, 'finish the restore');
    } finally {
      this.reader?.close();
    }
    return { files: this.files, bytes: this.bytes };
  }

  private async submit(files: RestoreFile[]): Promise<void> {
    for (const f of files) {
      const parent = dirname(f.dest);
      if (!this.made.has(parent)) {
        mkdirSync(parent, { recursive: true });
        this.made.add(parent);
      }
      this.maybe.add(f.tmp);
    }
    const jobBytes = files.reduce((n, f) => n + f.size, 0);
    if (!this.pool || jobBytes < files.length * this.workerMinBytes) {
      if (!this.inFlight.length) {
        this.writeHere(files);
        await this.finished(files);
        return;
      }
      // Jobs are still on the workers: this one is written now but settled in its turn,
      // so the failure reported is still the first in file order.
      let result: InFlight['result'];
      try {
        this.writeHere(files);
        result = Promise.resolve({ failed: null, bytes: jobBytes });
      } catch (e) {
        result = Promise.reject(e);
        result.catch(() => undefined);
      }
      this.inFlight.push({ files, packIds: [], result });
      if (this.inFlight.length >= IN_FLIGHT) await this.settleOldest();
      return;
    }
    const packIds: string[] = [];
    const ends: number[] = [];
    const packIndex = new Map<string, number>();
    const chunkCount = files.reduce((n, f) => n + f.chunks.length, 0);
    const ids = new Uint8Array(chunkCount * 32);
    const keys = new Uint8Array(files.length * 32);
    const jobs: RestoreFileJob[] = [];
    let c = 0;
    try {
      files.forEach((f, i) => {
        const key = unwrapItemKey(this.ctx.keys.itemWrap, f.wrapped, f.itemId);
        keys.set(key, i * 32);
        key.fill(0);
        const flat: number[] = [];
        for (const ch of f.chunks) {
          let p = packIndex.get(ch.pack);
          if (p === undefined) {
            p = packIds.push(ch.pack) - 1;
            packIndex.set(ch.pack, p);
            ends.push(0);
          }
          ends[p] = Math.max(ends[p]!, ch.offset + ch.length);
          flat.push(p, ch.offset, ch.length, ch.plain);
          ids.set(ch.id, c++ * 32);
        }
        jobs.push({ tmp: f.tmp, item: f.itemId, size: f.size, mode: f.mode, mtime: f.mtimeMs, chunks: flat });
      });
    } catch (e) {
      keys.fill(0); // a damaged wrapped key: the keys unwrapped before it go too
      throw e;
    }
    const result = this.pool.restoreFiles({ packs: packIds.map((p) => packPath(this.ctx.layout, p)), ends, files: jobs, ids, keys, readAhead: READ_AHEAD });
    result.catch(() => undefined); // awaited in order by settleOldest; not an unhandled rejection meanwhile
    this.inFlight.push({ files, packIds, result });
    if (this.inFlight.length >= IN_FLIGHT) await this.settleOldest();
  }

  private async settleOldest(): Promise<void> {
    const job = this.inFlight.shift()!;
    let r;
    try {
      r = await job.result;
    } catch (e) {
      if (e instanceof KeepsakeError) throw e;
      // A worker crashed: every worker is stopped (none still writes a temp file), then
      // this job and every one after it are written on this thread.
      const pool = this.pool;
      this.pool = null;
      const rest = [job, ...this.inFlight.splice(0)];
      await Promise.allSettled(rest.map((j) => j.result));
      await pool?.shutdown();
      for (const j of rest) {
        this.writeHere(j.files);
        await this.finished(j.files);
      }
      return;
    }
    if (r.failed) {
      const f = job.files[r.failed.file]!;
      throw restoreError(r.failed.kind, f.rel, job.packIds[r.failed.pack] ?? null, r.failed);
    }
    await this.finished(job.files);
  }

  /** Files written whole under their temp names: queued for the next syncfs and rename. */
  private async finished(files: RestoreFile[]): Promise<void> {
    for (const f of files) {
      this.pending.push({ tmp: f.tmp, dest: f.dest });
      this.pendingBytes += f.size;
      this.files++;
      this.bytes += f.size;
    }
    if (this.pending.length >= SETTLE_FILES || this.pendingBytes >= SETTLE_BYTES) this.settle();
    this.opts.control?.report({ done: this.files, bytesDone: this.bytes });
    await this.opts.control?.checkpoint();
  }

  /** One syncfs for every pending file, then their renames: no partly written file carries its final name. */
  private settle(): void {
    if (!this.pending.length) return;
    syncFolder(this.target);
    for (const f of this.pending) {
      renameSync(f.tmp, f.dest);
      this.maybe.delete(f.tmp);
    }
    this.pending = [];
    this.pendingBytes = 0;
  }

  /** Writes files on this thread, with the worker's checks and errors. */
  private writeHere(files: RestoreFile[]): void {
    this.reader ??= new HereReader(this.ctx);
    for (const f of files) {
      const key = unwrapItemKey(this.ctx.keys.itemWrap, f.wrapped, f.itemId);
      try {
        writeOne(this.reader, f, key);
      } catch (e) {
        rmSync(f.tmp, { force: true });
        if (e instanceof Fault) throw restoreError(e.kind, f.rel, e.pack);
        throw ioError(e, `restore ${f.rel}`);
      } finally {
        key.fill(0);
      }
    }
  }
}

function writeOne(reader: HereReader, f: RestoreFile, key: Buffer): void {
  const fd = openSync(f.tmp, 'w', 0o600);
  try {
    let written = 0;
    for (const c of f.chunks) {
      const sealed = reader.read(c.pack, c.offset, c.length);
      if (sealed.length < NONCE_BYTES + TAG_BYTES) throw new Fault('truncated');
      let plain: Buffer;
      try {
        plain = open(key, sealed, chunkAad(c.id, f.itemId));
      } catch {
        throw new Fault('damaged');
      }
      if (plain.length !== c.plain) throw new Fault('length');
      let off = 0;
      while (off < plain.length) off += writeSync(fd, plain, off, plain.length - off);
      written += plain.length;
    }
    if (written !== f.size) throw new Fault('incomplete');
    if (f.mode !== null) fchmodSync(fd, f.mode);
    if (f.mtimeMs !== null) futimesSync(fd, new Date(f.mtimeMs), new Date(f.mtimeMs));
  } finally {
    closeSync(fd);
  }
}

/** Reads sealed chunks on this thread through a read-ahead window, like the worker does. */
class HereReader {
  private readonly fds = new Map<string, number>();
  private window: { pack: string; offset: number; data: Buffer } | null = null;

  constructor(private readonly ctx: VaultContext) {}

  read(pack: string, offset: number, length: number): Buffer {
    const w = this.window;
    if (w && w.pack === pack && offset >= w.offset && offset + length <= w.offset + w.data.length) return w.data.subarray(offset - w.offset, offset - w.offset + length);
    let fd = this.fds.get(pack);
    if (fd === undefined) {
      try {
        fd = openSync(packPath(this.ctx.layout, pack), 'r');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new Fault('missing', pack);
        throw e;
      }
      if (this.fds.size >= 64) this.close();
      this.fds.set(pack, fd);
    }
    const want = Math.max(length, READ_AHEAD);
    const buf = Buffer.allocUnsafe(want);
    let got = 0;
    while (got < length) {
      const n = readSync(fd, buf, got, want - got, offset + got);
      if (n === 0) throw new Fault('short', pack);
      got += n;
    }
    this.window = { pack, offset, data: buf.subarray(0, got) };
    return buf.subarray(0, length);
  }

  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
    this.window = null;
  }
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
