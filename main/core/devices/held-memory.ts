// Shared memory for uploads received whole into memory (held uploads), reused from one
// file to the next. [Note: Held memory pool] A fresh SharedArrayBuffer per photo costs
// the gateway's event loop its allocation (zero-filled), a page fault on every 4 KiB page
// as the TLS records are copied in, and a costlier first post to the hash and seal
// workers (session 5-6 profiles: ~0.15 CPU s per 105 MB together). Memory given back
// after a file's commit is handed to the next upload of the same size class instead.
// - A buffer is given back only when nothing can read it any more (held-uploads.ts
//   decides: not pinned by a commit, no digest running, and never after a vault write that
//   failed, whose seal workers may still be reading it).
// - A reused buffer still holds the previous file's bytes past the view it is taken as;
//   the view [0, size) is overwritten before it is used (a held file is kept only when
//   every byte arrived, and a cut range lands only the bytes that arrived), so no byte of
//   one file is ever seen as part of another. Memory is not storage: the previous file's
//   plaintext stays in this process's RAM until overwritten or freed, exactly as freed
//   memory did before (the allocator does not zero it either); nothing reaches disk.
// - Bounded: at most `capBytes` wait in the pool, and all of it is let go after `idleMs`
//   without uploads, so an idle gateway holds nothing.
// - Small files (up to CARVE_MAX, screenshots) are carved out of a shared slab, one after
//   the other, instead of each getting a buffer of its own [Note: Carved small files]:
//   session 7 counted 150 of a sync's 166 small files received into fresh memory, because
//   the pool held only photo-sized buffers, which a 200 KiB file may not use. A slab is a
//   pooled buffer of SLAB_BYTES or more (a photo's, when one is waiting), so a sync's small
//   files reuse its photos' memory and the other way round. A slab goes back to the pool
//   only when every file carved from it has come back; one that never does (a failed vault
//   write) is left to the GC with its files. Slabs not yet back count against `capBytes`,
//   so files that outlive their neighbours cannot pin more than that.

/** Smallest size class: below it a file's waste does not matter. */
const MIN_CLASS = 16 * 1024;

/** How many classes above a file's own take() may use (four: up to twice its size). */
const LARGER_CLASSES = 4;

/** Files up to this size are carved out of a slab (the hash worker's threshold: hashed here anyway). */
export const CARVE_MAX = 512 * 1024;

/** The smallest slab: at most an eighth of it is left unused when a file does not fit. */
export const SLAB_BYTES = 4 * 1024 * 1024;

/** Carved files start on a cache line of their own (the workers read a neighbour while one is written). */
const CARVE_ALIGN = 64;

interface Slab {
  sab: SharedArrayBuffer;
  /** Where the next carved file starts. */
  next: number;
  /** Files carved from it that have not come back. */
  live: number;
  /** Whether its memory was written before (reused from the pool). */
  reused: boolean;
  /** The pool's generation it was made in: after clear() nothing of it comes back. */
  gen: number;
}

/** The size of buffer a file of `size` bytes is held in: four classes per doubling (≤ 25 % unused). */
export function sizeClass(size: number): number {
  if (size <= MIN_CLASS) return MIN_CLASS;
  const step = 2 ** Math.floor(Math.log2(size)) / 4;
  return Math.ceil(size / step) * step;
}

export class HeldMemory {
  private readonly free = new Map<number, SharedArrayBuffer[]>();
  private pooled = 0;
  private timer: NodeJS.Timeout | null = null;
  /** The slab small files are carved from now. */
  private slab: Slab | null = null;
  /** Every slab with files out, by its memory (weak: a slab left to the GC goes with it). */
  private readonly slabs = new WeakMap<SharedArrayBuffer, Slab>();
  /** Bytes of slabs taken and not back in the pool (counted against capBytes). */
  private slabBytes = 0;
  private gen = 0;
  /** Buffers handed out from the pool instead of fresh (a figure for tests and the bench). */
  reused = 0;

  constructor(
    readonly capBytes: number,
    private readonly idleMs = 10_000,
  ) {}

  /** Bytes waiting in the pool now. */
  get bytes(): number {
    return this.pooled;
  }

  /**
   * A buffer of exactly `size` bytes backed by shared memory (the hash and seal workers
   * read it in place). Fresh memory is zero-filled; reused memory holds old bytes, which
   * the caller overwrites before it reads any of them.
   */
  take(size: number): Buffer {
    if (size > 0 && size <= CARVE_MAX) {
      const carved = this.carve(size);
      if (carved) return carved;
    }
    return this.whole(size);
  }

  /** A buffer of its own for a file of `size` bytes (a class size, from the pool or fresh). */
  private whole(size: number): Buffer {
    const pooled = this.fromPool(size);
    if (!pooled) return Buffer.from(new SharedArrayBuffer(sizeClass(size)), 0, size);
    this.reused += 1;
    return Buffer.from(pooled, 0, size);
  }

  /**
   * Pooled memory for `size` bytes: its own class first, then up to four classes larger (at
   * most twice the size) — a phone's files come in many sizes, and memory reused beats
   * memory faulted in. Null when none is waiting.
   */
  private fromPool(size: number): SharedArrayBuffer | null {
    for (let c = sizeClass(size), i = 0; i <= LARGER_CLASSES; i++, c = sizeClass(c + 1)) {
      const sab = this.free.get(c)?.pop();
      if (!sab) continue;
      this.pooled -= c;
      return sab;
    }
    return null;
  }

  /** Gives back memory from take() that nothing reads or writes any more. */
  give(buf: Buffer): void {
    const sab = buf.buffer;
    if (sab instanceof SharedArrayBuffer) {
      const slab = this.slabs.get(sab);
      if (slab) {
        this.giveCarved(slab);
        return;
      }
    }
    // Only whole buffers this pool made (a class size, taken at offset 0); anything else is left to the GC.
    if (!(sab instanceof SharedArrayBuffer) || buf.byteOffset !== 0 || sab.byteLength !== sizeClass(sab.byteLength) || sab.byteLength < buf.length) return;
    this.keep(sab);
  }

  /**
   * A file of `size` bytes carved out of the current slab, or a new one (a pooled buffer of
   * SLAB_BYTES to twice that, else fresh); null when slabs not yet back would pass the cap.
   */
  private carve(size: number): Buffer | null {
    let slab = this.slab;
    if (slab && slab.next + size > slab.sab.byteLength) {
      // Full: it goes back to the pool when its last file does.
      this.slab = slab = null;
    }
    if (!slab) {
      if (this.slabBytes + SLAB_BYTES > this.capBytes) return null;
      // reuse is counted per file carved below, not per slab
      const pooled = this.fromPool(SLAB_BYTES);
      const sab = pooled ?? new SharedArrayBuffer(sizeClass(SLAB_BYTES));
      slab = { sab, next: 0, live: 0, reused: pooled !== null, gen: this.gen };
      this.slabs.set(sab, slab);
      this.slabBytes += sab.byteLength;
      this.slab = slab;
    }
    const view = Buffer.from(slab.sab, slab.next, size);
    slab.next = Math.ceil((slab.next + size) / CARVE_ALIGN) * CARVE_ALIGN;
    slab.live += 1;
    if (slab.reused) this.reused += 1;
    return view;
  }

  /** A carved file came back: its slab goes to the pool once all of its files have. */
  private giveCarved(slab: Slab): void {
    slab.live -= 1;
    if (slab.live > 0) return;
    this.slabs.delete(slab.sab);
    if (this.slab === slab) this.slab = null;
    // Made before a clear(): nothing of it is reused (and it was not counted since).
    if (slab.gen !== this.gen) return;
    this.slabBytes -= slab.sab.byteLength;
    this.keep(slab.sab);
  }

  /** Puts a whole buffer back in the pool by its class, within the cap. */
  private keep(sab: SharedArrayBuffer): void {
    const cls = sab.byteLength;
    if (this.pooled + cls > this.capBytes) return;
    const list = this.free.get(cls);
    // Never twice in the pool (two files would share its memory), whatever a caller does.
    if (list?.includes(sab)) return;
    if (list) list.push(sab);
    else this.free.set(cls, [sab]);
    this.pooled += cls;
    this.armTrim();
  }

  /** Lets go of everything pooled (idle, or the service is closing). */
  clear(): void {
    this.free.clear();
    this.pooled = 0;
    // Slabs with files out are left to the GC with them; a later carve starts a new one.
    this.slab = null;
    this.slabBytes = 0;
    this.gen += 1;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private armTrim(): void {
    if (this.timer) this.timer.refresh();
    else {
      this.timer = setTimeout(() => this.clear(), this.idleMs);
      this.timer.unref();
    }
  }
}
