// Whole files a phone has finished uploading, held in memory until the commit that stores
// them in the vault. [Note: Held uploads] Staging a file on disk costs an encryption, a
// write, a read and a decryption before the vault chunks it; a file that arrives whole in
// one range (most photos) skips all four by waiting here instead. Memory is bounded by a
// byte budget: a file that does not fit goes to encrypted disk staging as before, and
// when room is needed the oldest held files not being committed are spilled to disk
// staging (spill() writes them there), which is exactly the state they would be in had
// they never been held. Nothing held is ever acknowledged: a crash loses only bytes the
// phone still has and will send again.
// A held file's memory goes back to the pool it came from (held-memory.ts) once nothing
// can read it: dropped, not pinned by a commit, no digest running on it, and not part of
// a vault write that failed (its seal workers may still be reading) [Note: Held memory pool].
import { Readable } from 'node:stream';

interface Held {
  data: Buffer;
  /** Commits using the bytes: not spilled, not given back. */
  pins: number;
  /** Readers that do not stop a spill (a digest on the hash worker): not given back. */
  reads: number;
  /** Out of `files` (stored, spilled, replaced): memory goes back when the last user ends. */
  dropped: boolean;
  /** False once a reader may outlive its release (a failed vault write): left to the GC. */
  reusable: boolean;
}

export class HeldUploads {
  /** Insertion order is age: spilling takes the oldest first. */
  private readonly files = new Map<string, Held>();
  /** Bytes of held files plus reservations for files still arriving. */
  private used = 0;
  /** Files written to disk staging to make room (a figure for tests and logs). */
  spilled = 0;

  constructor(
    readonly budget: number,
    /** Writes a held file to disk staging (encrypted) so it can leave memory. */
    private readonly spill: (name: string, data: Buffer) => void,
    /** Takes back the memory of a held file nothing reads any more (held-memory.ts). */
    private readonly giveBack: (data: Buffer) => void = () => undefined,
  ) {}

  get bytes(): number {
    return this.used;
  }

  /**
   * Reserves room for a file of `size` bytes about to arrive, spilling older unpinned
   * files if needed. False when it cannot fit even then: the caller stages on disk.
   */
  reserve(size: number): boolean {
    if (size <= 0 || size > this.budget) return false;
    if (this.used + size > this.budget) {
      for (const [name, h] of this.files) {
        if (this.used + size <= this.budget) break;
        if (h.pins > 0) continue;
        this.spill(name, h.data);
        this.drop(name);
        this.spilled += 1;
      }
    }
    if (this.used + size > this.budget) return false;
    this.used += size;
    return true;
  }

  /** Gives back a reservation whose file did not arrive whole. */
  unreserve(size: number): void {
    this.used = Math.max(0, this.used - size);
  }

  /** Keeps a file that arrived whole; the room reserved for it becomes its room. */
  keep(name: string, data: Buffer): void {
    this.drop(name);
    this.files.set(name, { data, pins: 0, reads: 0, dropped: false, reusable: true });
  }

  has(name: string): boolean {
    return this.files.has(name);
  }

  data(name: string): Buffer | null {
    return this.files.get(name)?.data ?? null;
  }

  /**
   * The file's bytes as a new stream (may be opened more than once), or null if not held.
   * One piece, as a file read whole: the vault's chunker cuts it without re-scanning.
   * Only for readers inside a pin (the vault's write of the file).
   */
  open(name: string): Readable | null {
    const h = this.files.get(name);
    return h ? Readable.from([h.data], { objectMode: false }) : null;
  }

  /**
   * A held file being committed is not spilled meanwhile, and its memory is not reused.
   * Returns the unpin, bound to this file (a later file of the same name is not touched).
   */
  pin(name: string): () => void {
    return this.use(name, 'pins');
  }

  /** A reader that does not stop a spill (a digest): the memory is not reused until it ends. */
  lend(name: string): () => void {
    return this.use(name, 'reads');
  }

  /** Readers of this file's bytes may outlive their release (a failed vault write): never reuse its memory. */
  noReuse(name: string): void {
    const h = this.files.get(name);
    if (h) h.reusable = false;
  }

  private use(name: string, kind: 'pins' | 'reads'): () => void {
    const h = this.files.get(name);
    if (!h) return () => undefined;
    h[kind] += 1;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      h[kind] -= 1;
      this.release(h);
    };
  }

  drop(name: string): void {
    const h = this.files.get(name);
    if (!h) return;
    this.files.delete(name);
    this.used = Math.max(0, this.used - h.data.length);
    h.dropped = true;
    this.release(h);
  }

  /** Forgets everything (the service is closing); no memory is reused after this. */
  clear(): void {
    for (const h of this.files.values()) h.reusable = false;
    this.files.clear();
    this.used = 0;
  }

  private release(h: Held): void {
    if (!h.dropped || h.pins > 0 || h.reads > 0 || !h.reusable) return;
    h.reusable = false; // given back once
    this.giveBack(h.data);
  }
}
