// The file operations the blob store uses, behind one small interface so tests can record
// their order (RELIABILITY row 4: tmp write → fsync → rename → fsync(dir)) and so every
// failure becomes a plain IO error (disk full, file too large) instead of a crash.
import { closeSync, fsync, fsyncSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { mkdir as mkdirAsync, open as openAsync, rename as renameAsync } from 'node:fs/promises';
import { dirname } from 'node:path';
import { KeepsakeError } from '../../../common/errors';

export interface DurableFs {
  open(path: string, flags: string, mode?: number): number;
  write(fd: number, data: Uint8Array): void;
  fsync(fd: number): void;
  close(fd: number): void;
  rename(from: string, to: string): void;
  fsyncDir(dir: string): void;
  unlink(path: string): void;
  /** Creates the folder (and missing parents) durably: each new folder's parent is fsynced. */
  mkdir(dir: string): void;
  /** fsync on the thread pool, so chunking goes on while a finished pack reaches the disk. */
  fsyncAsync(fd: number): Promise<void>;
}

export const realFs: DurableFs = {
  open: (path, flags, mode) => openSync(path, flags, mode),
  write(fd, data) {
    let off = 0;
    while (off < data.length) off += writeSync(fd, data, off, data.length - off);
  },
  fsync: (fd) => fsyncSync(fd),
  close: (fd) => closeSync(fd),
  rename: (from, to) => renameSync(from, to),
  fsyncDir(dir) {
    if (process.platform === 'win32') return; // folders cannot be opened there; renames are journaled
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  },
  unlink: (path) => unlinkSync(path),
  mkdir(dir) {
    const first = mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (first === undefined) return;
    // A new folder's name lives in its parent: without this fsync a power cut can lose a
    // new packs/xx/ folder with the packs just renamed into it (found by RELIABILITY row 3).
    for (let d = dir; ; d = dirname(d)) {
      realFs.fsyncDir(dirname(d));
      if (d === first || dirname(d) === d) break;
    }
  },
  fsyncAsync: (fd) => new Promise((resolve, reject) => fsync(fd, (e) => (e ? reject(e) : resolve()))),
};

/**
 * realFs's rename → fsync(folder) step (with the durable mkdir of the folder first) on the
 * thread pool: the same operations in the same order, but this thread goes on chunking
 * while the disk answers. A folder fsync took 5–60 ms here under load, paid once per pack
 * on the main thread before. The caller awaits it before any index row may point at the file.
 */
export async function publishAsync(from: string, to: string): Promise<void> {
  const dir = dirname(to);
  const first = await mkdirAsync(dir, { recursive: true, mode: 0o700 });
  if (first !== undefined) {
    for (let d = dir; ; d = dirname(d)) {
      await fsyncDirAsync(dirname(d));
      if (d === first || dirname(d) === d) break;
    }
  }
  await renameAsync(from, to);
  await fsyncDirAsync(dir);
}

async function fsyncDirAsync(dir: string): Promise<void> {
  if (process.platform === 'win32') return; // as realFs.fsyncDir
  const h = await openAsync(dir, 'r');
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}

/** Turns a Node file-system error into a KeepsakeError a person can act on. */
export function ioError(e: unknown, doing: string): KeepsakeError {
  if (e instanceof KeepsakeError) return e;
  const code = (e as NodeJS.ErrnoException).code ?? '';
  const why: Record<string, string> = {
    ENOSPC: 'the disk is full',
    EDQUOT: 'the disk quota is used up',
    EFBIG: 'the file grew larger than this system allows',
    EACCES: 'permission was denied',
    EPERM: 'permission was denied',
    EROFS: 'the disk is read-only',
    EIO: 'the disk reported a read or write error',
    ENOENT: 'a file is missing',
  };
  return new KeepsakeError('IO', `Keepsake could not ${doing}: ${why[code] ?? (code || (e as Error).message)}. Nothing already saved was lost.`, code ? { errno: code } : undefined);
}

/** Maps SQLite failures (damaged pages, disk full) to KeepsakeErrors; others pass through. */
export function dbError(e: unknown): unknown {
  if (e instanceof KeepsakeError) return e;
  const code = (e as { code?: string }).code ?? '';
  if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT_')) {
    return new KeepsakeError('CORRUPT', 'The vault index is damaged. Run "keepsake check" to see what is affected.');
  }
  if (code === 'SQLITE_FULL' || code.startsWith('SQLITE_IOERR')) {
    return new KeepsakeError('IO', 'The vault index could not be written: the disk may be full. Nothing already saved was lost.', { sqlite: code });
  }
  return e;
}
