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

/** Smallest size class: below it a file's waste does not matter. */
const MIN_CLASS = 16 * 1024;

/** How many classes above a file's own take() may use (four: up to twice its size). */
const LARGER_CLASSES = 4;

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
    const cls = sizeClass(size);
    // Its own class first, then up to four classes larger (at most twice the size): a
    // phone's files come in many sizes, and memory reused beats memory faulted in.
    for (let c = cls, i = 0; i <= LARGER_CLASSES; i++, c = sizeClass(c + 1)) {
      const sab = this.free.get(c)?.pop();
      if (!sab) continue;
      this.pooled -= c;
      this.reused += 1;
      return Buffer.from(sab, 0, size);
    }
    return Buffer.from(new SharedArrayBuffer(cls), 0, size);
  }

  /** Gives back memory from take() that nothing reads or writes any more. */
  give(buf: Buffer): void {
    const sab = buf.buffer;
    const cls = sab.byteLength;
    // Only whole buffers this pool made (a class size, taken at offset 0); anything else is left to the GC.
    if (!(sab instanceof SharedArrayBuffer) || buf.byteOffset !== 0 || cls !== sizeClass(cls) || cls < buf.length) return;
    if (this.pooled + cls > this.capBytes) return;
    const list = this.free.get(cls);
    if (list) list.push(sab);
    else this.free.set(cls, [sab]);
    this.pooled += cls;
    this.armTrim();
  }

  /** Lets go of everything pooled (idle, or the service is closing). */
  clear(): void {
    this.free.clear();
    this.pooled = 0;
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
