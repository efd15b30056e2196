// Packs: files of several MiB holding many sealed chunks, so a 20,000-photo vault is a
// few hundred files, not 20,000. Layout:
//   "KSPACK01" ‖ sealed chunk … ‖ sealed header ‖ u32le header length ‖ "KSPKEND1"
// The header (JSON, sealed under the pack-header key with the pack id as associated
// data) lists every chunk's id, item, offset and lengths, so the index can be rebuilt
// from the packs alone. A pack is written to tmp/, fsynced, renamed into packs/xx/ and
// the folder fsynced (durable-fs.ts) before any index row points at it.
import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { KeepsakeError } from '../../../common/errors';
import { ioError, realFs, type DurableFs } from './durable-fs';
import { open, seal, type NonceBudget } from './item-crypto';
import { packPath, type VaultLayout } from './layout';

const MAGIC = Buffer.from('KSPACK01');
const END = Buffer.from('KSPKEND1');
export const PACK_TARGET_BYTES = 16 * 1024 * 1024;

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

export class PackWriter {
  readonly id = randomBytes(16).toString('hex');
  private readonly tmpPath: string;
  private fd: number;
  private size = 0;
  readonly entries: PackEntry[] = [];

  constructor(
    private readonly layout: VaultLayout,
    private readonly headerKey: Buffer,
    private readonly headerBudget: NonceBudget,
    private readonly fs: DurableFs = realFs,
  ) {
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

  /** Appends one sealed chunk; returns its offset in the pack. */
  add(sealed: Buffer, entry: Omit<PackEntry, 'offset' | 'length'>): PackEntry {
    const full: PackEntry = { ...entry, offset: this.size, length: sealed.length };
    try {
      this.append(sealed);
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

  /** finish() with the data fsync on the thread pool; the same order of operations. */
  async finishAsync(): Promise<WrittenPack> {
    try {
      this.writeHeader();
      await this.fs.fsyncAsync(this.fd);
      return this.publish();
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
    try {
      if (this.fd >= 0) this.fs.close(this.fd);
    } catch {
      /* already closed */
    }
    this.fd = -1;
    try {
      this.fs.unlink(this.tmpPath);
    } catch {
      /* never created, or already renamed */
    }
  }

  private append(data: Uint8Array): void {
    this.fs.write(this.fd, data);
    this.size += data.length;
  }
}

/** Reads byte ranges of pack files. No caching of its own: every read goes to the file. */
export class PackReader {
  private readonly fds = new Map<string, number>();
  constructor(private readonly layout: VaultLayout) {}

  read(packId: string, offset: number, length: number): Buffer {
    const fd = this.fd(packId);
    const buf = Buffer.allocUnsafe(length);
    let got = 0;
    while (got < length) {
      const n = readSync(fd, buf, got, length - got, offset + got);
      if (n === 0) throw new KeepsakeError('CORRUPT', 'A pack file is shorter than the index says: part of the vault is missing.', { packId });
      got += n;
    }
    return buf;
  }

  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
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

export function fileSize(path: string): number {
  const fd = openSync(path, 'r');
  try {
    return fstatSync(fd).size;
  } finally {
    closeSync(fd);
  }
}
