// WebDavTarget: Nextcloud, ownCloud, a NAS — anything speaking WebDAV — through the
// maintained `webdav` client (v5, ESM-only, so it is loaded with a dynamic import that
// also works from the bundled Electron main). Objects are fanned out into two-character
// folders like FolderTarget. PUT goes to a temporary name and is then MOVEd over the final
// name, because a plain WebDAV PUT is visible to readers while it is still arriving.
// WebDAV returns no content checksum, so the mirror verifies these objects by reading
// them back (capabilities().serverChecksum is false).
import { createHash, randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { FileStat, WebDAVClient } from 'webdav';
import { KeepsakeError } from '../../../common/errors';
import { bodyStream, pipeInto, type TokenBucket } from './bandwidth';
import { ByteCounter, HashingStream, type Digests } from './hashing';
import { pool } from './mirror/local-packs';
import { toCloudError } from './retry';
import { checkObjectName, type Body, type CloudTarget, type ObjectInfo, type PutResult, type Range, type StoredDigest, type TargetCapabilities } from './target';

export interface WebDavTargetOptions {
  url: string;
  username: string;
  password: string;
}

const TMP_PREFIX = '.tmp-';
const LIST_CONCURRENCY = 8;

export class WebDavTarget implements CloudTarget {
  readonly kind = 'webdav' as const;
  readonly description: string;
  private client: WebDAVClient | null = null;
  private readonly madeDirs = new Set<string>();
  /** Temporary files the last complete list() saw, for the next orphan clean-up. */
  private leftovers: FileStat[] | null = null;

  constructor(
    private readonly opts: WebDavTargetOptions,
    private readonly bucket: TokenBucket | null = null,
  ) {
    const u = new URL(opts.url);
    this.description = `WebDAV folder ${u.pathname} at ${u.host}`;
  }

  private async dav(): Promise<WebDAVClient> {
    if (!this.client) {
      const { createClient } = await import('webdav');
      this.client = createClient(this.opts.url, { username: this.opts.username, password: this.opts.password, maxBodyLength: Infinity, maxContentLength: Infinity });
    }
    return this.client;
  }

  private pathOf(name: string): { dir: string; file: string } {
    checkObjectName(name);
    const dir = `/${name.slice(0, 2)}`;
    return { dir, file: `${dir}/${name}` };
  }

  async capabilities(): Promise<TargetCapabilities> {
    const c = await this.dav();
    try {
      const s = (await c.stat('/')) as FileStat;
      if (s.type !== 'directory') throw new KeepsakeError('BAD_INPUT', 'The WebDAV address points at a file, not a folder.');
    } catch (e) {
      throw davError(e, 'open the WebDAV folder');
    }
    return { kind: 'webdav', serverChecksum: false, versioned: false, objectLock: false };
  }

  private async ensureDir(dir: string, signal?: AbortSignal): Promise<void> {
    if (this.madeDirs.has(dir)) return;
    const c = await this.dav();
    try {
      // A plain MKCOL (the root exists): no PROPFIND round trips before every first upload.
      await c.createDirectory(dir, signal ? { signal } : {});
    } catch (e) {
      // 405: it already exists (the usual answer to MKCOL on an existing collection).
      if ((e as { status?: number }).status !== 405) throw e;
    }
    this.madeDirs.add(dir);
  }

  async put(name: string, body: Body, size: number, signal?: AbortSignal, known?: Digests): Promise<PutResult> {
    const { dir, file } = this.pathOf(name);
    const c = await this.dav();
    const tmp = `${dir}/${TMP_PREFIX}${randomBytes(8).toString('hex')}`;
    // Bytes the caller already hashed (the mirror hashes each pack once, on a worker) are
    // only counted on the way out, not hashed again: WebDAV has no server checksum, so the
    // mirror reads every object back and compares it with those same hashes anyway.
    const trusted = known?.size === size ? known : null;
    const hasher = new HashingStream();
    const counter = new ByteCounter();
    try {
      await this.ensureDir(dir, signal);
      const source = bodyStream(body, this.bucket, signal);
      const stream: Readable = trusted ? pipeInto(source, counter) : pipeInto(source, hasher);
      await c.putFileContents(tmp, stream, { overwrite: true, contentLength: size, ...(signal ? { signal } : {}) });
      const d = trusted ?? hasher.digests();
      const sent = trusted ? counter.bytes : d.size;
      if (sent !== size) throw new KeepsakeError('NETWORK', `Sent ${sent} bytes but expected ${size}.`, { retryable: true });
      await c.moveFile(tmp, file, { overwrite: true, ...(signal ? { signal } : {}) });
      return d;
    } catch (e) {
      await c.deleteFile(tmp).catch(() => undefined);
      throw davError(e, 'upload an object');
    }
  }

  /**
   * Reads the object back and hashes it as it streams (one GET, nothing buffered): how the
   * mirror verifies an upload here. null when the object is not there.
   */
  async digest(name: string, signal?: AbortSignal): Promise<StoredDigest | null> {
    const { file } = this.pathOf(name);
    const c = await this.dav();
    try {
      const res = await c.customRequest(file, { method: 'GET', ...(signal ? { signal } : {}) });
      const sha = createHash('sha256');
      let size = 0;
      // In Node the fetch body is a stream (the type is kept platform-neutral); an empty object may have none.
      const body = (res as unknown as { body: AsyncIterable<Uint8Array> | null }).body ?? [];
      for await (const chunk of body) {
        sha.update(chunk);
        size += chunk.length;
      }
      const declared = res.headers.get('content-length');
      if (declared !== null && Number(declared) !== size) {
        throw new KeepsakeError('NETWORK', `Could not read an object back: got ${size} of ${declared} bytes.`, { retryable: true });
      }
      return { size, sha256: sha.digest('hex') };
    } catch (e) {
      const err = davError(e, 'check an object');
      if (err.code === 'NOT_FOUND') return null;
      throw err;
    }
  }

  async get(name: string, range?: Range, signal?: AbortSignal): Promise<Buffer> {
    const { file } = this.pathOf(name);
    const c = await this.dav();
    try {
      const headers = range ? { Range: `bytes=${range.start}-${range.end}` } : undefined;
      const res = (await c.getFileContents(file, { format: 'binary', details: true, ...(headers ? { headers } : {}), ...(signal ? { signal } : {}) })) as { data: ArrayBuffer | Buffer; headers: Record<string, string>; status: number };
      const bytes = Buffer.isBuffer(res.data) ? res.data : Buffer.from(res.data);
      if (range && res.status !== 206) {
        // A server that ignores Range sends the whole object; cut it here rather than fail.
        return bytes.subarray(range.start, range.end + 1);
      }
      const declared = res.headers['content-length'];
      if (declared !== undefined && Number(declared) !== bytes.length) {
        throw new KeepsakeError('NETWORK', `Could not download an object: got ${bytes.length} of ${declared} bytes.`, { retryable: true });
      }
      return bytes;
    } catch (e) {
      throw davError(e, 'download an object');
    }
  }

  async head(name: string, signal?: AbortSignal): Promise<ObjectInfo | null> {
    const { file } = this.pathOf(name);
    const c = await this.dav();
    try {
      const s = (await c.stat(file, signal ? { signal } : {})) as FileStat;
      return toInfo(s);
    } catch (e) {
      const err = davError(e, 'check an object');
      if (err.code === 'NOT_FOUND') return null;
      throw err;
    }
  }

  async list(prefix = '', signal?: AbortSignal): Promise<ObjectInfo[]> {
    const c = await this.dav();
    const out: ObjectInfo[] = [];
    const tmp: FileStat[] = [];
    let top: FileStat[];
    try {
      // A missing root is an error, not an empty target [Note: A failed listing is not an empty one].
      top = (await c.getDirectoryContents('/', signal ? { signal } : {})) as FileStat[];
    } catch (e) {
      throw davError(e, 'list the WebDAV folder');
    }
    const dirs = top
      .filter((s) => s.type === 'directory' && s.basename.length === 2)
      .map((s) => s.basename)
      .filter((d) => (prefix.length >= 2 ? d === prefix.slice(0, 2) : d.startsWith(prefix)));
    // One Depth: 1 PROPFIND per fan-out folder (Depth: infinity is refused by many servers,
    // Nextcloud included), several at once: up to 256 of them one after the other made the
    // listing the slowest part of a small sync. Any folder that fails fails the listing.
    const failed = await pool(dirs, LIST_CONCURRENCY, async (d) => {
      const entries = (await c.getDirectoryContents(`/${d}`, signal ? { signal } : {})) as FileStat[];
      for (const s of entries) {
        if (s.type === 'file' && s.basename.startsWith(TMP_PREFIX)) tmp.push(s);
        if (s.type !== 'file' || s.basename.startsWith(TMP_PREFIX) || !s.basename.startsWith(prefix)) continue;
        out.push(toInfo(s));
      }
    });
    if (failed[0]) throw davError(failed[0].error, 'list the WebDAV folder');
    // A complete listing saw every leftover temporary file too: the orphan clean-up that
    // follows it in a sync uses these instead of reading every folder a second time.
    this.leftovers = prefix === '' ? tmp : null;
    return out.sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  async delete(name: string, signal?: AbortSignal): Promise<void> {
    const { file } = this.pathOf(name);
    const c = await this.dav();
    try {
      await c.deleteFile(file, signal ? { signal } : {});
    } catch (e) {
      const err = davError(e, 'delete an object');
      if (err.code !== 'NOT_FOUND') throw err;
    }
  }

  async abortOrphanedUploads(olderThanMs: number): Promise<number> {
    const c = await this.dav();
    const cutoff = Date.now() - olderThanMs;
    let n = 0;
    const seen = this.leftovers;
    this.leftovers = null;
    if (seen) {
      for (const s of seen.filter((x) => Date.parse(x.lastmod) < cutoff)) {
        try {
          await c.deleteFile(s.filename);
        } catch (e) {
          const err = davError(e, 'clean up unfinished uploads');
          if (err.code !== 'NOT_FOUND') throw err;
        }
        n++;
      }
      return n;
    }
    let top: FileStat[];
    try {
      top = (await c.getDirectoryContents('/')) as FileStat[];
    } catch (e) {
      throw davError(e, 'clean up unfinished uploads');
    }
    // Every sync runs this: the folders are read several at once, like list().
    const failed = await pool(top.filter((s) => s.type === 'directory'), LIST_CONCURRENCY, async (d) => {
      for (const s of (await c.getDirectoryContents(d.filename)) as FileStat[]) {
        if (s.type === 'file' && s.basename.startsWith(TMP_PREFIX) && Date.parse(s.lastmod) < cutoff) {
          await c.deleteFile(s.filename);
          n++;
        }
      }
    });
    if (failed[0]) throw davError(failed[0].error, 'clean up unfinished uploads');
    return n;
  }

  async close(): Promise<void> {
    this.client = null;
  }
}

function toInfo(s: FileStat): ObjectInfo {
  const info: ObjectInfo = { name: s.basename, size: s.size, modifiedAt: Date.parse(s.lastmod) || 0 };
  if (s.etag) info.etag = s.etag.replace(/"/g, '');
  return info;
}

function davError(e: unknown, what: string): KeepsakeError {
  if (e instanceof KeepsakeError) return e;
  const err = e as { status?: number; response?: { headers?: { get?(n: string): string | null } } };
  const http: { status?: number; retryAfter?: string | null } = { retryAfter: err.response?.headers?.get?.('retry-after') ?? null };
  if (err.status !== undefined) http.status = err.status;
  return toCloudError(e, what, http);
}
