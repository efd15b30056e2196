// Writing into a bundle folder so that nothing sits under a final name before it is
// complete: bytes go to ".<name>.keepsake-tmp" beside the target, are fsynced, then
// renamed into place (and the folder fsynced). Re-reading the final file gives the hash
// the verification report checks. Leftover temporaries of an interrupted run are swept.
// Files are private to the person (0600, folders 0700): a bundle is personal data in clear.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { KeepsakeError } from '../../../common/errors';

export const TMP_SUFFIX = '.keepsake-tmp';

export function sha256(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

/**
 * A short, stable tag for an item, to tell apart two files that would share a name. Item ids
 * start with their creation time, so a prefix of the id would clash for items made together.
 */
export function shortId(itemId: string): string {
  return createHash('sha256').update(itemId).digest('hex').slice(0, 8);
}

/** A name not yet used in this run: the name itself, then with the item's tag, then numbered. Adds it to `used`. */
export function uniqueName(used: Set<string>, name: string, itemId: string): string {
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  let out = name;
  for (let n = 1; used.has(out.toLowerCase()); n++) out = `${stem}-${shortId(itemId)}${n > 1 ? `-${n}` : ''}${ext}`;
  used.add(out.toLowerCase());
  return out;
}

function tmpOf(path: string): string {
  return join(dirname(path), `.${basename(path)}${TMP_SUFFIX}`);
}

/** A path inside the bundle; refuses anything that would leave it. */
export function inside(root: string, rel: string): string {
  const p = join(root, rel);
  const r = relative(root, p);
  if (r.startsWith('..') || r.includes(`..${sep}`) || r === '') throw new KeepsakeError('BAD_INPUT', `The file name "${rel}" would leave the bundle folder.`);
  return p;
}

export async function syncDir(dir: string): Promise<void> {
  const h = await open(dir, 'r');
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}

/** A write failure in plain words (disk full, not allowed, other). */
export function writeError(e: unknown, path: string): KeepsakeError {
  if (e instanceof KeepsakeError) return e;
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC') return new KeepsakeError('IO', `The disk is full while writing ${path}; free some space and run the restore again — it resumes.`);
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return new KeepsakeError('IO', `Keepsake may not write to ${path}.`);
  return new KeepsakeError('IO', `Writing ${path} failed (${code ?? 'unknown error'}).`);
}

/** Writes bytes atomically; returns their SHA-256. */
export async function writeAtomic(path: string, bytes: Buffer): Promise<string> {
  const tmp = tmpOf(path);
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const h = await open(tmp, 'w', 0o600);
    try {
      await h.writeFile(bytes);
      await h.sync();
    } finally {
      await h.close();
    }
    await rename(tmp, path);
    await syncDir(dirname(path));
  } catch (e) {
    await rm(tmp, { force: true });
    throw e instanceof KeepsakeError ? e : writeError(e, path);
  }
  return sha256(bytes);
}

/** Streams into place atomically (large videos); returns the SHA-256 and size. */
export async function streamAtomic(path: string, source: NodeJS.ReadableStream): Promise<{ sha256: string; size: number }> {
  const tmp = tmpOf(path);
  const hash = createHash('sha256');
  let size = 0;
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const tap = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        hash.update(chunk);
        size += chunk.length;
        cb(null, chunk);
      },
    });
    await pipeline(source, tap, createWriteStream(tmp, { mode: 0o600 }));
    const h = await open(tmp, 'r+');
    try {
      await h.sync();
    } finally {
      await h.close();
    }
    await rename(tmp, path);
    await syncDir(dirname(path));
  } catch (e) {
    await rm(tmp, { force: true });
    throw e instanceof KeepsakeError ? e : writeError(e, path);
  }
  return { sha256: hash.digest('hex'), size };
}

/** Re-reads a written file: its SHA-256 and size, or null if it is not there. */
export async function hashFile(path: string): Promise<{ sha256: string; size: number } | null> {
  try {
    await stat(path);
  } catch {
    return null;
  }
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}

/** Removes temporaries an interrupted run left behind; returns how many. */
export async function sweepTemporaries(root: string): Promise<number> {
  let n = 0;
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.name.endsWith(TMP_SUFFIX)) {
        await rm(p, { force: true });
        n++;
      }
    }
  };
  await walk(root);
  return n;
}
