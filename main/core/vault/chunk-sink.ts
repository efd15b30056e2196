// Turns file bytes into stored chunks for one write batch: content-defined cuts, keyed
// chunk ids, AES-GCM under the item's key, appended to the batch's current pack (a new
// pack starts at PACK_TARGET_BYTES). A chunk the item already has (same id, in the index
// or earlier in this batch) is not stored again: that is what makes re-backups cheap.
// Nothing here touches the index; the batch commits rows only after flush() made every
// pack durable [Note: durability before acknowledgement].
import { closeSync, openSync, readSync } from 'node:fs';
import { Readable } from 'node:stream';
import { KeepsakeError } from '../../../common/errors';
import { chunkAad, chunkId, seal, type NonceBudget } from './item-crypto';
import type { VaultContext } from './context';
import { ioError } from './durable-fs';
import { PACK_TARGET_BYTES, PackWriter, type WrittenPack } from './pack-store';
import { freeNow, type SmallResult } from './seal-pool';
import { all, get, sql } from './sql';

/** Queued pack bytes above which the reader waits for the disk (see throttle()). */
const THROTTLE_BYTES = 8 * 1024 * 1024;
/** Small files sent to a seal worker in one message: enough to make the round trip cheap per file. */
const SMALL_BATCH = 64;
/**
 * A "small" file that has grown past this since it was listed is read on this thread
 * instead (streamed): a worker reads small files whole into memory.
 */
export const SMALL_FILE_LIMIT = 2 * 1024 * 1024;

interface SmallRequest {
  itemId: string;
  itemKey: Buffer;
  budget: NonceBudget;
  path: string;
  size: number;
  /** Have the worker wrap itemKey as well (a new item's key; see SmallFileResult.wrapped). */
  wrap: boolean;
  /** The item's fingerprint heads when this file is all of it (SmallFileResult.fp). */
  fp: [string, string] | undefined;
  resolve(r: SmallFileResult): void;
  reject(e: unknown): void;
}

/** A small file's chunks, and its item key wrapped by the worker when that was asked and done. */
export interface SmallFileResult {
  refs: ChunkRef[];
  size: number;
  /** Absent when the file was read another way (no workers, grown): the caller wraps the key itself. */
  wrapped?: Buffer;
  /** The item's fingerprint, made on the worker when heads were given; absent: the caller makes it. */
  fp?: Buffer;
}

/** A chunk a file refers to: either already in the index (seq) or new in this batch. */
export interface ChunkRef {
  id: Buffer;
  plain: number;
  seq?: number;
  packId?: string;
  offset?: number;
  length?: number;
}

export class ChunkSink {
  private pack: PackWriter | null = null;
  readonly packs: WrittenPack[] = [];
  /** Packs whose data fsync is running on the thread pool while chunking goes on. */
  private readonly finishing: Array<Promise<WrittenPack>> = [];
  private readonly fresh = new Map<string, ChunkRef>();
  /** Items created in this batch: they have no stored chunks yet, so the index is not asked. */
  private readonly newItems = new Set<string>();
  /** One reading window for the whole batch: a fresh 16 MiB buffer per small file was most of the GC time. */
  private window: Window | null = null;
  /** Small files waiting to be sent to a seal worker, and the batches the workers are on. */
  private smallQueue: SmallRequest[] = [];
  private smallScheduled = false;
  private readonly smallInFlight = new Set<Promise<void>>();
  /**
   * Memory the seal workers sent (sealed chunks, small-file batches) already placed in a
   * pack, by pack: freed with freeNow once that pack has no write in flight, not left for
   * V8's full GCs (see freeNow).
   */
  private readonly spent = new Map<PackWriter, ArrayBufferLike[]>();
  /** This batch's packs that were rolled over, in order (spend() looks at those since a placement began). */
  private readonly rolled: PackWriter[] = [];
  bytesIn = 0;

  constructor(private readonly ctx: VaultContext) {}

  /** Stores one plaintext chunk for an item (or finds it already stored). */
  add(itemId: string, itemKey: Buffer, budget: NonceBudget, plain: Uint8Array): ChunkRef {
    const id = chunkId(this.ctx.keys.chunkId, plain);
    return this.place(itemId, id, plain.length, budget, () => seal(itemKey, plain, chunkAad(id, itemId)));
  }

  /** Finds the chunk already stored for the item, or appends the sealed bytes to the pack. */
  private place(itemId: string, id: Buffer, plainLength: number, budget: NonceBudget | null, sealed: () => Buffer | readonly Buffer[]): ChunkRef {
    this.bytesIn += plainLength;
    const k = `${itemId}:${id.toString('hex')}`;
    const seen = this.fresh.get(k);
    if (seen) return seen;
    const existing = this.newItems.has(itemId) ? undefined : get<{ seq: number }>(this.ctx.db, sql`SELECT seq FROM chunks WHERE item_id = ${itemId} AND chunk_id = ${id}`);
    if (existing) {
      const ref = { id, plain: plainLength, seq: existing.seq };
      this.fresh.set(k, ref);
      return ref;
    }
    budget?.take(); // null: the caller counted the encryption when it was made
    return this.append(itemId, id, plainLength, sealed());
  }

  private append(itemId: string, id: Buffer, plainLength: number, sealed: Buffer | readonly Buffer[]): ChunkRef {
    const length = Buffer.isBuffer(sealed) ? sealed.length : sealed.reduce((n, p) => n + p.length, 0);
    if (this.pack && this.pack.bytes + length > PACK_TARGET_BYTES && this.pack.entries.length > 0) this.rollover();
    this.pack ??= new PackWriter(this.ctx.layout, this.ctx.keys.packHeader, this.ctx.budgets.packHeader, this.ctx.fs, { asyncWrites: true });
    const e = this.pack.add(sealed, { id: id.toString('hex'), item: itemId, plain: plainLength });
    const ref = { id, plain: plainLength, packId: this.pack.id, offset: e.offset, length: e.length };
    this.fresh.set(`${itemId}:${id.toString('hex')}`, ref);
    return ref;
  }

  /**
   * Back-pressure for the thread-pool writes: waits while more than THROTTLE_BYTES of the
   * open pack are still queued, or more than two finished packs are still being written
   * and fsynced, so a disk slower than the reader cannot make memory grow without bound.
   */
  async throttle(): Promise<void> {
    if (this.pack && this.pack.unwritten > THROTTLE_BYTES) await this.pack.drained(THROTTLE_BYTES / 2);
    // wait without consuming: flush() still collects every result (and every failure)
    if (this.finishing.length > 1) await Promise.allSettled(this.finishing.slice(0, this.finishing.length - 1));
  }

  markNew(itemId: string): void {
    this.newItems.add(itemId);
  }

  /** Chunks a buffer, a stream or a file on disk into this sink. */
  async addData(itemId: string, itemKey: Buffer, budget: NonceBudget, data: Buffer | (() => NodeJS.ReadableStream)): Promise<{ refs: ChunkRef[]; size: number }> {
    const refs: ChunkRef[] = [];
    let size = 0;
    const take = (c: Uint8Array): void => {
      refs.push(this.add(itemId, itemKey, budget, c));
      size += c.length;
    };
    if (Buffer.isBuffer(data)) {
      for (const c of this.ctx.chunker.split(data)) take(c);
      return { refs, size };
    }
    const window = new Window(this.ctx.chunker.params.maxSize);
    for await (const piece of Readable.from(data() as AsyncIterable<Buffer>)) {
      window.push(piece as Buffer);
      window.drain(this.ctx.chunker, false, take);
    }
    window.drain(this.ctx.chunker, true, take);
    return { refs, size };
  }

  /**
   * Like addFile, but the whole file — read, cut, chunk id, seal — is done by a worker
   * thread (seal-pool.ts); this thread only places the sealed chunks. `source` is a path,
   * or bytes already in memory (a phone's upload held until its commit: shared memory,
   * read by the worker in place). The worker is
   * given the ids of the chunks the item already has and does not seal those again (one
   * query per changed file, no encryption and no nonce for an unchanged chunk). Every
   * seal counts against the item key's nonce budget.
   */
  async addFileParallel(itemId: string, itemKey: Buffer, budget: NonceBudget, source: string | Buffer): Promise<{ refs: ChunkRef[]; size: number }> {
    const pool = this.ctx.sealPool();
    if (!pool) return typeof source === 'string' ? this.addFile(itemId, itemKey, budget, source) : this.addData(itemId, itemKey, budget, source);
    const refs: ChunkRef[] = [];
    // a re-run of a changed file: the chunks the item already has are not sealed again
    const known = this.newItems.has(itemId) ? [] : all<{ chunk_id: Buffer }>(this.ctx.db, sql`SELECT chunk_id FROM chunks WHERE item_id = ${itemId}`);
    const chunks = pool.sealFile({
      ...(typeof source === 'string' ? { path: source } : { data: source }),
      key: itemKey,
      macKey: this.ctx.keys.chunkId,
      itemId,
      cut: this.ctx.chunker.cutParams,
      maxSeals: budget.remaining,
      ...(known.length ? { known: Buffer.concat(known.map((k) => k.chunk_id)) } : {}),
    });
    try {
      for (;;) {
        const next = await chunks.next();
        if (next.done) return { refs, size: next.value };
        const c = next.value;
        const parts = c.parts;
        if (parts) budget.take();
        const since = this.rolled.length;
        refs.push(
          this.place(itemId, c.id, c.plain, null, () => {
            // only reached for a chunk not stored: a "known" one must be found by place()
            if (!parts) throw new KeepsakeError('CONFLICT', 'The vault changed while this backup ran; run it again.');
            return parts;
          }),
        );
        if (parts) this.spend(parts[1].buffer, since); // the ciphertext: its own buffer from the worker
        await this.throttle();
      }
    } catch (e) {
      await chunks.return(0); // cancels the worker's job if it is still running
      throw ioError(e, 'read a file to back up');
    }
  }

  /**
   * A small file read, cut, MAC'd and sealed on a seal worker, batched with other small
   * files (SMALL_BATCH per message); this thread only places the sealed chunks. The
   * caller keeps itemKey intact until the promise settles. Without workers: addFile.
   */
  addSmallFile(itemId: string, itemKey: Buffer, budget: NonceBudget, path: string, listedSize: number, wrap = false, fp?: [string, string]): Promise<SmallFileResult> {
    if (!this.ctx.sealPool()) return Promise.resolve(this.addFile(itemId, itemKey, budget, path, listedSize));
    return new Promise((resolve, reject) => {
      this.smallQueue.push({ itemId, itemKey, budget, path, size: listedSize, wrap, fp, resolve, reject });
      if (this.smallQueue.length >= SMALL_BATCH) this.sendSmall();
      else if (!this.smallScheduled) {
        // the rest of this turn's files join the batch first (callers enqueue in a burst)
        this.smallScheduled = true;
        setImmediate(() => {
          this.smallScheduled = false;
          this.sendSmall();
        });
      }
    });
  }

  private sendSmall(): void {
    const batch = this.smallQueue;
    if (!batch.length) return;
    this.smallQueue = [];
    const pool = this.ctx.sealPool();
    const work = (async () => {
      if (!pool) {
        for (const r of batch) this.settleSmall(r, () => this.addFile(r.itemId, r.itemKey, r.budget, r.path, r.size));
        return;
      }
      let results;
      try {
        // maxSeals bounds each file on the worker; placeSmall counts every chunk against the
        // item's budget here as well, which is what refuses an item with several files
        // in one batch that together go past the limit
        results = await pool.sealSmall(
          batch.map((r) => ({ path: r.path, key: r.itemKey, itemId: r.itemId, maxSeals: r.budget.remaining, size: r.size, wrap: r.wrap, ...(r.fp ? { fp: r.fp } : {}) })),
          this.ctx.keys.chunkId,
          this.ctx.chunker.cutParams,
          SMALL_FILE_LIMIT,
          this.ctx.keys.itemWrap,
          this.ctx.keys.fingerprint,
        );
      } catch (e) {
        for (const r of batch) r.reject(ioError(e, 'read a file to back up'));
        return;
      }
      const since = this.rolled.length;
      batch.forEach((r, i) => this.settleSmall(r, () => this.placeSmall(r, results[i]!)));
      // every sealed chunk of the batch is a view of one buffer from the worker
      for (const r of results) {
        if ('error' in r || !r.chunks[0]) continue;
        this.spend(r.chunks[0].sealed.buffer, since);
        break;
      }
    })();
    this.smallInFlight.add(work);
    void work.finally(() => this.smallInFlight.delete(work));
  }

  private settleSmall(r: SmallRequest, fn: () => SmallFileResult): void {
    try {
      r.resolve(fn());
    } catch (e) {
      r.reject(e);
    }
  }

  private placeSmall(r: SmallRequest, result: SmallResult): SmallFileResult {
    if ('error' in result) {
      if (result.error === 'GROWN') return this.addFile(r.itemId, r.itemKey, r.budget, r.path);
      if (result.error === 'BUDGET') throw new KeepsakeError('FORBIDDEN', 'This key has reached its safe number of encryptions; the item must be re-keyed before more data is added.');
      throw ioError(Object.assign(new Error(result.message ?? result.error), { code: result.error }), 'read a file to back up');
    }
    const refs = result.chunks.map((c) => {
      r.budget.take();
      // the id is copied: a view would keep the whole batch's buffer alive until the commit
      return this.place(r.itemId, Buffer.from(c.id), c.plain, null, () => c.sealed);
    });
    // copied for the same reason: the wrapped key and the fingerprint live until the batch's commit
    return {
      refs,
      size: result.size,
      ...(result.wrapped && r.wrap ? { wrapped: Buffer.from(result.wrapped) } : {}),
      ...(result.fp && r.fp ? { fp: Buffer.from(result.fp) } : {}),
    };
  }

  /** Reads a file with large synchronous reads straight into the chunking window. */
  addFile(itemId: string, itemKey: Buffer, budget: NonceBudget, path: string, listedSize?: number): { refs: ChunkRef[]; size: number } {
    const refs: ChunkRef[] = [];
    let size = 0;
    const take = (c: Uint8Array): void => {
      refs.push(this.add(itemId, itemKey, budget, c));
      size += c.length;
    };
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (e) {
      throw ioError(e, 'read a file to back up');
    }
    try {
      this.window ??= new Window(this.ctx.chunker.params.maxSize);
      const window = this.window;
      window.reset();
      let read = 0;
      for (;;) {
        const { n, short } = window.readFrom(fd);
        read += n;
        // A local file returns fewer bytes than asked only at its end: a small file whose
        // size was listed is then done after one read instead of two (the second would
        // return 0). A network or FUSE file system may return short reads anywhere, so
        // a short read counts as the end only when it reached the listed size.
        const eof = n === 0 || (short && read === listedSize);
        window.drain(this.ctx.chunker, eof, take);
        if (eof) break;
      }
    } finally {
      closeSync(fd);
    }
    return { refs, size };
  }

  /** Finishes the open pack and waits for every pack of the batch: afterwards all chunks added so far are durable. */
  async flush(): Promise<WrittenPack[]> {
    while (this.smallQueue.length || this.smallInFlight.size) {
      this.sendSmall();
      await Promise.allSettled([...this.smallInFlight]);
    }
    if (this.pack && this.pack.entries.length > 0) this.rollover();
    else if (this.pack) {
      this.pack.abort();
      this.pack = null;
    }
    const done = await Promise.allSettled(this.finishing);
    const failed = done.find((d) => d.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    for (const d of done) if (d.status === 'fulfilled') this.packs.push(d.value);
    this.finishing.length = 0;
    return this.packs;
  }

  /** Drops the open pack; packs already finishing become orphans that compaction removes. */
  abort(): void {
    this.pack?.abort();
    this.pack = null;
    for (const f of this.finishing) f.catch(() => undefined);
  }

  /**
   * Frees worker memory just placed — into the open pack, or into packs rolled over during
   * the placement (`since`: rolled.length when it began; a batch of small files may fill
   * several) — as soon as those packs have no write in flight: at once when nothing of it
   * is queued, else when drained(0) resolves (every write queued so far has finished then).
   * A failed write rejects it: the memory is then left to the GC.
   */
  private spend(buffer: ArrayBufferLike, since: number): void {
    const packs = [...this.rolled.slice(since), this.pack].filter((p): p is PackWriter => p !== null && p.unwritten > 0);
    if (packs.length === 0) return freeNow(buffer);
    if (packs.length > 1) {
      void Promise.all(packs.map((p) => p.drained(0))).then(() => freeNow(buffer), () => undefined);
      return;
    }
    const p = packs[0]!;
    const waiting = this.spent.get(p);
    if (waiting) {
      waiting.push(buffer);
      return;
    }
    this.spent.set(p, [buffer]);
    this.freeWhenDrained(p);
  }

  private freeWhenDrained(p: PackWriter): void {
    p.drained(0).then(
      () => {
        // a chunk placed between the moment the writes drained and this callback may have
        // a write in flight again: then wait once more, for the whole list
        if (p.unwritten > 0) return this.freeWhenDrained(p);
        for (const b of this.spent.get(p) ?? []) freeNow(b);
        this.spent.delete(p);
      },
      () => this.spent.delete(p),
    );
  }

  private rollover(): void {
    const p = this.pack!;
    this.pack = null;
    this.rolled.push(p);
    const f = p.finishAsync();
    f.catch(() => undefined); // observed in flush(); never an unhandled rejection meanwhile
    this.finishing.push(f);
  }
}

/** A reusable buffer of up to 2 × max chunk size from which chunks are cut. */
class Window {
  private buf: Buffer;
  private start = 0;
  private end = 0;
  constructor(max: number) {
    this.buf = Buffer.allocUnsafe(Math.max(2 * max, 1 << 20));
  }
  reset(): void {
    this.start = 0;
    this.end = 0;
  }
  private compact(need: number): void {
    if (this.buf.length - this.end >= need) return;
    this.buf.copy(this.buf, 0, this.start, this.end);
    this.end -= this.start;
    this.start = 0;
    if (this.buf.length - this.end < need) {
      const bigger = Buffer.allocUnsafe(this.end + need);
      this.buf.copy(bigger, 0, 0, this.end);
      this.buf = bigger;
    }
  }
  push(data: Buffer): void {
    this.compact(data.length);
    data.copy(this.buf, this.end);
    this.end += data.length;
  }
  readFrom(fd: number): { n: number; short: boolean } {
    this.compact(this.buf.length >>> 1);
    const want = this.buf.length - this.end;
    const n = readSync(fd, this.buf, this.end, want, null);
    this.end += n;
    return { n, short: n < want };
  }
  drain(chunker: { cut(d: Uint8Array, eof: boolean): number }, eof: boolean, take: (c: Uint8Array) => void): void {
    while (this.end > this.start) {
      const len = chunker.cut(this.buf.subarray(this.start, this.end), eof);
      if (len === 0) return;
      take(this.buf.subarray(this.start, this.start + len));
      this.start += len;
    }
  }
}
