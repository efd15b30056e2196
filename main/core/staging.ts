// The staging area: files handed to Keepsake through a browser upload wait here (inside
// the data folder, owner-only) until an import reads them, and are removed afterwards.
// Importers also unpack archives only below this folder, never elsewhere.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { basename, join, resolve, sep } from 'node:path';
import { ensurePrivateDir } from './paths';

export function stagingRoot(dataFolder: string): string {
  return ensurePrivateDir(join(dataFolder, 'staging'));
}

/** A new private folder for one upload batch. */
export function newUploadDir(dataFolder: string): string {
  const dir = join(stagingRoot(dataFolder), 'uploads', randomBytes(8).toString('hex'));
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** A file name that is safe to create: no folders, no control characters, not empty. */
export function safeFileName(name: string): string {
  const base = basename(name.replace(/\\/g, '/'))
    // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
    .replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '_')
    .replace(/^\.+/, '_')
    .slice(0, 200);
  return base || 'upload';
}

export function isInsideStaging(dataFolder: string, path: string): boolean {
  const root = resolve(stagingRoot(dataFolder));
  return resolve(path).startsWith(root + sep);
}

/** Removes upload batches older than maxAgeMs (left behind by a crash or a closed tab). */
export function sweepStaging(dataFolder: string, maxAgeMs = 24 * 3600_000, now = Date.now()): number {
  const uploads = join(stagingRoot(dataFolder), 'uploads');
  let removed = 0;
  let entries: string[] = [];
  try {
    entries = readdirSync(uploads);
  } catch {
    return 0;
  }
  for (const name of entries) {
    const dir = join(uploads, name);
    try {
      if (now - statSync(dir).mtimeMs > maxAgeMs) {
        rmSync(dir, { recursive: true, force: true });
        removed++;
      }
    } catch {
      // Already gone.
    }
  }
  return removed;
}
