// Writes a small file so that after a crash it holds either the old or the new content,
// never a mix: tmp (0600, O_EXCL) → fsync → rename over the target → fsync the folder.
// Used for the key-slot file, whose loss would lose the vault.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync, chmodSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { KeepsakeError } from '../../../../common/errors';

export function writeFileAtomic(path: string, data: string | Buffer): void {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  try {
    const fd = openSync(tmp, 'wx', 0o600);
    try {
      let off = 0;
      while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (process.platform !== 'win32') chmodSync(tmp, 0o600);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    const code = (e as NodeJS.ErrnoException).code ?? 'unknown';
    throw new KeepsakeError('IO', `Keepsake could not save its key file (${code === 'ENOSPC' ? 'the disk is full' : code}). Nothing was changed.`, { errno: code });
  }
  fsyncDir(dir);
}

/** Makes a rename durable. Some platforms (Windows) cannot open a folder; there the rename is already journaled. */
function fsyncDir(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
