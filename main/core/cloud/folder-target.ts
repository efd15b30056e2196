// FolderTarget: a mounted drive or a folder a sync client (Dropbox, OneDrive, Syncthing)
// copies elsewhere — the zero-setup default. Objects are files fanned out into 256
// sub-folders by the first two characters of their (hex) name, written tmp → fsync →
// rename → fsync(dir) so a crash leaves either the old file or the whole new one, and a
// sync client never uploads half a file under its final name.
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { KeepsakeError } from '../../../common/errors';
import { bodyStream, type TokenBucket } from './bandwidth';
import { HashingStream, type Digests } from './hashing';
import { checkObjectName, type Body, type CloudTarget, type ObjectInfo, type PutResult, type Range, type TargetCapabilities } from './target';

const TMP_PREFIX = '.tmp-';

export class FolderTarget implements CloudTarget {
  readonly kind = 'folder' as const;
  readonly description: string;

  constructor(
    readonly root: string,
    private readonly bucket: TokenBucket | null = null,
  ) {
    this.description = `Folder ${root}`;
  }

  async capabilities(): Promise<TargetCapabilities> {
    await this.ensureRoot();
    return { kind: 'folder', serverChecksum: false, versioned: false, objectLock: false };
  }

  private pathOf(name: string): { dir: string; file: string } {
    checkObjectName(name);
    const dir = join(this.root, name.slice(0, 2));
    return { dir, file: join(dir, name) };
  }

  private async ensureRoot(): Promise<void> {
    try {
      const s = await stat(this.root);
      if (!s.isDirectory()) throw new KeepsakeError('BAD_INPUT', `${this.root} is not a folder.`);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new KeepsakeError('NOT_FOUND', `The folder ${this.root} does not exist (is the drive connected?).`);
      throw ioError(e, 'open the target folder');
    }
  }

  async put(name: string, body: Body, size: number, signal?: AbortSignal, known?: Digests): Promise<PutResult> {
    const { dir, file } = this.pathOf(name);
    await this.ensureRoot();
    await mkdir(dir, { recursive: true });
    const tmp = join(dir, `${TMP_PREFIX}${randomBytes(8).toString('hex')}`);
    // A buffer the caller already hashed is not hashed again on the way out.
    const trusted = Buffer.isBuffer(body) && known?.size === body.length ? known : null;
    const hasher = new HashingStream();
    try {
      const sink = createWriteStream(tmp, { mode: 0o600 });
      const source = bodyStream(body, this.bucket, signal);
      await (trusted ? pipeline(source, sink, signal ? { signal } : {}) : pipeline(source, hasher, sink, signal ? { signal } : {}));
      const d = trusted ?? hasher.digests();
      if (d.size !== size) throw new KeepsakeError('IO', `Wrote ${d.size} bytes but expected ${size}.`, { retryable: true });
      await fsyncPath(tmp);
      await rename(tmp, file);
      await fsyncPath(dir);
      return d;
    } catch (e) {
      await rm(tmp, { force: true });
      throw ioError(e, 'write to the target folder');
    }
  }

  async get(name: string, range?: Range): Promise<Buffer> {
    const { file } = this.pathOf(name);
    let fh;
    try {
      fh = await open(file, 'r');
    } catch (e) {
      throw ioError(e, 'read from the target folder');
    }
    try {
      const { size } = await fh.stat();
      const start = range ? range.start : 0;
      const end = range ? Math.min(range.end, size - 1) : size - 1;
      const len = Math.max(0, end - start + 1);
      const buf = Buffer.alloc(len);
      let off = 0;
      while (off < len) {
        const { bytesRead } = await fh.read(buf, off, len - off, start + off);
        if (bytesRead === 0) break;
        off += bytesRead;
      }
      return buf.subarray(0, off);
    } finally {
      await fh.close();
    }
  }

  async head(name: string): Promise<ObjectInfo | null> {
    const { file } = this.pathOf(name);
    try {
      const s = await stat(file);
      return { name, size: s.size, modifiedAt: s.mtimeMs };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw ioError(e, 'look at the target folder');
    }
  }

  async list(prefix = ''): Promise<ObjectInfo[]> {
    await this.ensureRoot();
    const out: ObjectInfo[] = [];
    let dirs: string[];
    try {
      dirs = (await readdir(this.root, { withFileTypes: true })).filter((d) => d.isDirectory() && d.name.length === 2).map((d) => d.name);
    } catch (e) {
      throw ioError(e, 'list the target folder');
    }
    for (const d of dirs.sort()) {
      if (prefix.length >= 2 ? d !== prefix.slice(0, 2) : !d.startsWith(prefix)) continue;
      let names: string[];
      try {
        names = await readdir(join(this.root, d));
      } catch (e) {
        throw ioError(e, 'list the target folder');
      }
      for (const n of names.sort()) {
        if (n.startsWith(TMP_PREFIX) || !n.startsWith(prefix)) continue;
        try {
          const s = await stat(join(this.root, d, n));
          if (s.isFile()) out.push({ name: n, size: s.size, modifiedAt: s.mtimeMs });
        } catch (e) {
          // Deleted between readdir and stat: it is gone, which is what a listing says.
          if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw ioError(e, 'list the target folder');
        }
      }
    }
    return out;
  }

  async delete(name: string): Promise<void> {
    const { file } = this.pathOf(name);
    try {
      await rm(file, { force: true });
    } catch (e) {
      throw ioError(e, 'delete from the target folder');
    }
  }

  /** Leftover temporary files from an interrupted write are this target's orphaned uploads. */
  async abortOrphanedUploads(olderThanMs: number): Promise<number> {
    let n = 0;
    const cutoff = Date.now() - olderThanMs;
    for (const d of await readdir(this.root, { withFileTypes: true })) {
      if (!d.isDirectory()) continue;
      for (const f of await readdir(join(this.root, d.name))) {
        if (!f.startsWith(TMP_PREFIX)) continue;
        const p = join(this.root, d.name, f);
        const s = await stat(p).catch(() => null);
        if (s && s.mtimeMs < cutoff) {
          await rm(p, { force: true });
          n++;
        }
      }
    }
    return n;
  }

  async close(): Promise<void> {}
}

async function fsyncPath(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

function ioError(e: unknown, what: string): KeepsakeError {
  if (e instanceof KeepsakeError) return e;
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new KeepsakeError('NOT_FOUND', `Could not ${what}: the object is not there.`);
  if (code === 'ENOSPC') return new KeepsakeError('IO', `Could not ${what}: the drive is full.`);
  if (code === 'EACCES' || code === 'EPERM') return new KeepsakeError('IO', `Could not ${what}: permission denied.`);
  if (code === 'ABORT_ERR') return new KeepsakeError('CANCELLED', 'The cloud transfer was cancelled.');
  return new KeepsakeError('IO', `Could not ${what} (${code ?? 'unknown error'}).`, { retryable: code === 'EIO' || code === 'EAGAIN' || code === 'EBUSY' });
}
