// Whole files a phone has finished uploading, held in memory until the commit that stores
// them in the vault. [Note: Held uploads] Staging a file on disk costs an encryption, a
// write, a read and a decryption before the vault chunks it; a file that arrives whole in
// one range (most photos) skips all four by waiting here instead. Memory is bounded by a
// byte budget: a file that does not fit goes to encrypted disk staging as before, and
// when room is needed the oldest held files not being committed are spilled to disk
// staging (spill() writes them there), which is exactly the state they would be in had
// they never been held. Nothing held is ever acknowledged: a crash loses only bytes the
// phone still has and will send again.
import { Readable } from 'node:stream';

interface Held {
  data: Buffer;
  pins: number;
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
    this.files.set(name, { data, pins: 0 });
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
   */
  open(name: string): Readable | null {
    const h = this.files.get(name);
    return h ? Readable.from([h.data], { objectMode: false }) : null;
  }

  /** A held file being committed is not spilled meanwhile. */
  pin(name: string): void {
    const h = this.files.get(name);
    if (h) h.pins += 1;
  }

  unpin(name: string): void {
    const h = this.files.get(name);
    if (h && h.pins > 0) h.pins -= 1;
  }

  drop(name: string): void {
    const h = this.files.get(name);
    if (!h) return;
    this.files.delete(name);
    this.used = Math.max(0, this.used - h.data.length);
  }

  clear(): void {
    this.files.clear();
    this.used = 0;
  }
}
