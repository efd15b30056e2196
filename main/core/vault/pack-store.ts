// Packs: files of several MiB holding many sealed chunks, so a 20,000-photo vault is a
// few hundred files, not 20,000. Layout:
//   "KSPACK01" ‖ sealed chunk … ‖ sealed header ‖ u32le header length ‖ "KSPKEND1"
// The header (JSON, sealed under the pack-header key with the pack id as associated
// data) lists every chunk's id, item, offset and lengths, so the index can be rebuilt
// from the packs alone. A pack is written to tmp/, fsynced, renamed into packs/xx/ and
// the folder fsynced (durable-fs.ts) before any index row points at it.
import { randomBytes } from 'node:crypto';
import { close as closeAsync, closeSync, fstatSync, openSync, readSync, write as writeAsync } from 'node:fs';
import { dirname, join } from 'node:path';
import { KeepsakeError } from '../../../common/errors';
import { ioError, publishAsync, realFs, type DurableFs } from './durable-fs';
import { open, seal, type NonceBudget } from './item-crypto';
import { packPath, type VaultLayout } from './layout';

const MAGIC = Buffer.from('KSPACK01');
const END = Buffer.from('KSPKEND1');
export const PACK_TARGET_BYTES = 16 * 1024 * 1024;
/** Async mode: appends smaller than this are gathered and written together. */
const STAGE_BYTES = 1024 * 1024;
/**
 * Staging buffers whose writes have finished, kept for the next stages (of any pack): a
 * fresh 1 MiB buffer per MiB of small chunks was garbage that only a full GC freed — on
 * 20,000 small files, reusing them cut the first backup's peak RSS by ~25 MB at the same
 * CPU (docs/performance.md, "Session 7: memory"). They hold sealed bytes only, and a stage
 * writes only what it filled. At most STAGE_SPARES (4 MiB) stay; writes in flight are
 * bounded by the chunk sink's throttle.
 */
const STAGE_SPARES = 4;
const spareStages: Buffer[] = [];

export interface PackEntry {
  /** Chunk id (hex). */
  id: string;
  item: string;
  offset: number;
  length: number;
  plain: number;
}

export interface WrittenPack {
  id: string;
  size: number;
  entries: PackEntry[];
}

export function headerAad(packId: string): Buffer {
  return Buffer.from(`pack-header:${packId}`);
}

export interface PackWriterOptions {
  /**
   * Write chunks with positional writes on the libuv thread pool instead of blocking this
   * thread (a backup's main thread then goes on reading and cutting while the kernel
   * copies the bytes). Only with the real file system: test doubles record the sync path.
   * finishAsync() waits for every write before the fsync, so the durability order holds.
   */
  asyncWrites?: boolean;
}

export class PackWriter {
  readonly id = randomBytes(16).toString('hex');
  private readonly tmpPath: string;
  private fd: number;
  private size = 0;
  readonly entries: PackEntry[] = [];
  private readonly async: boolean;
  /** Bytes handed to the thread pool and not yet written. */
  private pendingBytes = 0;
  private pendingWrites = 0;
  private writeError: unknown = null;
  private waiters: Array<{ limit: number; resolve(): void }> = [];
  /** Small appends not yet handed to the thread pool, and the pack offset they start at. */
  private stage: Buffer | null = null;
  private staged = 0;
  private stageAt = 0;
  /** abort() while writes are still in flight: the fd is closed by the last one. */
  private closeWhenIdle = false;

  constructor(
    private readonly layout: VaultLayout,
    private readonly headerKey: Buffer,
    private readonly headerBudget: NonceBudget,
    private readonly fs: DurableFs = realFs,
    options: PackWriterOptions = {},
  ) {
    this.async = options.asyncWrites === true && fs === realFs;
    this.tmpPath = join(layout.tmp, `${this.id}.pack.tmp`);
    try {
      this.fd = fs.open(this.tmpPath, 'wx', 0o600);
      this.append(MAGIC);
    } catch (e) {
      throw ioError(e, 'start a new pack file');
    }
  }

  get bytes(): number {
    return this.size;
  }

  /** Bytes queued for writing that the thread pool has not written yet (async mode). */
  get unwritten(): number {
    return this.pendingBytes;
  }

  /** Resolves once at most `limit` bytes are still queued; rejects with the first write error. */
  async drained(limit = 0): Promise<void> {
    this.flushStage();
    if (this.pendingBytes > limit && !this.writeError) await new Promise<void>((resolve) => this.waiters.push({ limit, resolve }));
    if (this.writeError) throw this.writeError;
  }

  /** Appends one sealed chunk (nonce ‖ ciphertext ‖ tag, whole or in parts); returns its entry. */
  add(sealed: Uint8Array | readonly Uint8Array[], entry: Omit<PackEntry, 'offset' | 'length'>): PackEntry {
    // a sealed chunk may come in parts (nonce, ciphertext, tag) so a worker's ciphertext
    // is written as it arrived instead of being copied into one buffer first
    const parts = sealed instanceof Uint8Array ? [sealed] : sealed;
    const full: PackEntry = { ...entry, offset: this.size, length: parts.reduce((n, p) => n + p.length, 0) };
    try {
      for (const p of parts) this.append(p);
    } catch (e) {
      throw ioError(e, 'write to the vault');
    }
    this.entries.push(full);
    return full;
  }

  /** Writes the header, makes the pack durable and moves it to its final name. */
  finish(): WrittenPack {
    const fs = this.fs;
    try {
      this.writeHeader();
      fs.fsync(this.fd);
      return this.publish();
    } catch (e) {
      this.abort();
      throw ioError(e, 'save a pack file');
    }
  }

  /** finish() with the writes and the data fsync on the thread pool; the same order of operations. */
  async finishAsync(): Promise<WrittenPack> {
    try {
      this.writeHeader();
      await this.drained(0); // every byte written before the fsync that makes them durable
      await this.fs.fsyncAsync(this.fd);
      if (!this.async) return this.publish();
      // real file system: close, then rename and folder fsync on the thread pool (same order as publish())
      const fd = this.fd;
      this.fd = -1;
      this.fs.close(fd);
      await publishAsync(this.tmpPath, packPath(this.layout, this.id));
      return { id: this.id, size: this.size, entries: this.entries };
    } catch (e) {
      this.abort();
      throw ioError(e, 'save a pack file');
    }
  }

  private writeHeader(): void {
    this.headerBudget.take();
    const header = seal(this.headerKey, Buffer.from(JSON.stringify({ v: 1, pack: this.id, chunks: this.entries })), headerAad(this.id));
    const trailer = Buffer.alloc(4 + END.length);
    trailer.writeUInt32LE(header.length, 0);
    END.copy(trailer, 4);
    this.append(header);
    this.append(trailer);
  }

  /** After the data fsync: close, rename into packs/xx/, fsync that folder. */
  private publish(): WrittenPack {
    const fs = this.fs;
    fs.close(this.fd);
    this.fd = -1;
    const final = packPath(this.layout, this.id);
    fs.mkdir(dirname(final));
    fs.rename(this.tmpPath, final);
    fs.fsyncDir(dirname(final));
    return { id: this.id, size: this.size, entries: this.entries };
  }

  /** Drops the unfinished pack (nothing references it yet). */
  abort(): void {
    this.stage = null;
    this.staged = 0;
    if (this.pendingWrites > 0 && this.fd >= 0) {
      // a queued write still uses this fd: closing it now could let the number be reused
      // by another file before that write runs, so the last write closes it instead
      this.closeWhenIdle = true;
    } else {
      try {
        if (this.fd >= 0) this.fs.close(this.fd);
      } catch {
        /* already closed */
      }
      this.fd = -1;
    }
    try {
      this.fs.unlink(this.tmpPath);
    } catch {
      /* never created, or already renamed */
    }
  }

  private append(data: Uint8Array): void {
    if (!this.async) {
      this.fs.write(this.fd, data);
      this.size += data.length;
      return;
    }
    if (this.writeError) throw this.writeError;
    // Small chunks (small files) are gathered into one staging buffer and written together:
    // a thread-pool write per 4 KiB file cost more in thread hand-offs than in copying.
    if (data.length >= STAGE_BYTES) {
      this.flushStage();
      this.submit(data, this.size);
    } else {
      if (this.stage && this.staged + data.length > this.stage.length) this.flushStage();
      if (!this.stage) {
        this.stage = spareStages.pop() ?? Buffer.allocUnsafe(STAGE_BYTES);
        this.stageAt = this.size;
      }
      this.stage.set(data, this.staged);
      this.staged += data.length;
    }
    this.size += data.length;
  }

  private flushStage(): void {
    if (!this.stage || this.staged === 0) return;
    const stage = this.stage;
    const data = stage.subarray(0, this.staged);
    this.stage = null;
    this.staged = 0;
    this.submit(data, this.stageAt, stage);
  }

  /** `spare`: a staging buffer to keep for later stages once this write is over. */
  private submit(data: Uint8Array, position: number, spare?: Buffer): void {
    this.pendingBytes += data.length;
    this.pendingWrites++;
    this.writeAt(data, 0, position, spare);
  }

  /** One positional write on the thread pool, continued until every byte is written. */
  private writeAt(data: Uint8Array, done: number, position: number, spare?: Buffer): void {
    writeAsync(this.fd, data, done, data.length - done, position + done, (err, n) => {
      if (!err && done + n < data.length && n > 0) return this.writeAt(data, done + n, position, spare);
      // nothing reads the staging buffer any more: the next stage may fill it
      if (spare && spareStages.length < STAGE_SPARES) spareStages.push(spare);
      if (err) this.writeError ??= err;
      else if (n === 0) this.writeError ??= Object.assign(new Error('a write made no progress'), { code: 'EIO' });
      this.pendingBytes -= data.length;
      this.pendingWrites--;
      for (const w of this.waiters.filter((x) => this.writeError || this.pendingBytes <= x.limit)) w.resolve();
      this.waiters = this.waiters.filter((x) => !(this.writeError || this.pendingBytes <= x.limit));
      if (this.pendingWrites === 0 && this.closeWhenIdle && this.fd >= 0) {
        const fd = this.fd;
        this.fd = -1;
        closeAsync(fd, () => undefined);
      }
    });
  }
}

/**
 * Reads byte ranges of pack files. Without read-ahead every read goes to the file. With
 * `readAhead` (restore), a read fetches at least that many bytes from its offset and
 * later reads inside that window are served from it: a restore reads chunks in pack
 * order, so thousands of small files become a few large reads. Each window is a fresh
 * buffer, so a Buffer handed out earlier is never overwritten.
 */
export class PackReader {
  private readonly fds = new Map<string, number>();
  private window: { packId: string; offset: number; data: Buffer } | null = null;

  constructor(
    private readonly layout: VaultLayout,
    private readonly readAhead = 0,
  ) {}

  read(packId: string, offset: number, length: number): Buffer {
    const w = this.window;
    if (w && w.packId === packId && offset >= w.offset && offset + length <= w.offset + w.data.length) {
      return w.data.subarray(offset - w.offset, offset - w.offset + length);
    }
    const fd = this.fd(packId);
    const want = Math.max(length, this.readAhead);
    const buf = Buffer.allocUnsafe(want);
    let got = 0;
    while (got < length) {
      const n = readSync(fd, buf, got, want - got, offset + got);
      if (n === 0) throw new KeepsakeError('CORRUPT', 'A pack file is shorter than the index says: part of the vault is missing.', { packId });
      got += n;
    }
    if (this.readAhead > 0) this.window = { packId, offset, data: buf.subarray(0, got) };
    return buf.subarray(0, length);
  }

  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
    this.window = null;
  }

  private fd(packId: string): number {
    let fd = this.fds.get(packId);
    if (fd === undefined) {
      try {
        fd = openSync(packPath(this.layout, packId), 'r');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new KeepsakeError('CORRUPT', 'A pack file of the vault is missing.', { packId });
        throw ioError(e, 'read the vault');
      }
      if (this.fds.size > 64) this.close();
      this.fds.set(packId, fd);
    }
    return fd;
  }
}

/** Decrypts and parses a whole pack's header (used by check and by index rebuild). */
export function readPackHeader(whole: Buffer, packId: string, headerKey: Buffer): PackEntry[] {
  if (whole.length < MAGIC.length + 4 + END.length || !whole.subarray(0, MAGIC.length).equals(MAGIC) || !whole.subarray(whole.length - END.length).equals(END)) {
    throw new KeepsakeError('CORRUPT', 'A pack file is damaged (its frame is wrong).', { packId });
  }
  const hlen = whole.readUInt32LE(whole.length - END.length - 4);
  const hstart = whole.length - END.length - 4 - hlen;
  if (hstart < MAGIC.length) throw new KeepsakeError('CORRUPT', 'A pack file is damaged (its header length is wrong).', { packId });
  const plain = open(headerKey, whole.subarray(hstart, hstart + hlen), headerAad(packId), 'A pack header');
  const parsed = JSON.parse(plain.toString('utf8')) as { v: number; pack: string; chunks: PackEntry[] };
  if (parsed.pack !== packId) throw new KeepsakeError('CORRUPT', 'A pack file carries another pack’s header.', { packId });
  return parsed.chunks;
}

/**
 * The authenticated header of the pack at `path`, reading only its frame and header (a
 * few KiB) — for check, whose workers read the chunks. Same checks as readPackHeader.
 */
export function readPackHeaderAt(path: string, size: number, packId: string, headerKey: Buffer): PackEntry[] {
  const fd = openSync(path, 'r');
  try {
    const at = (position: number, length: number): Buffer => {
      const b = Buffer.alloc(Math.max(0, length));
      if (position >= 0 && length > 0) readSync(fd, b, 0, length, position);
      return b;
    };
    const trailer = END.length + 4;
    if (size < MAGIC.length + trailer) return readPackHeader(at(0, size), packId, headerKey);
    const tail = at(size - trailer, trailer);
    const hlen = tail.readUInt32LE(0);
    const hstart = size - trailer - hlen;
    if (hstart < MAGIC.length) throw new KeepsakeError('CORRUPT', 'A pack file is damaged (its header length is wrong).', { packId });
    return readPackHeader(Buffer.concat([at(0, MAGIC.length), at(hstart, hlen), tail]), packId, headerKey);
  } finally {
    closeSync(fd);
  }
}

export function fileSize(path: string): number {
  const fd = openSync(path, 'r');
  try {
    return fstatSync(fd).size;
  } finally {
    closeSync(fd);
  }
}
