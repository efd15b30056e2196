// Upload bandwidth limit: one token bucket per target, shared by every concurrent upload,
// applied by a Transform in front of the request body so the limit holds for streamed
// multipart parts as much as for single PUTs. A limit of 0 means unlimited.
import { Readable, Transform, type Writable } from 'node:stream';
import { abortableSleep } from './retry';

export class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(
    private bytesPerSecond: number,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void> = abortableSleep,
  ) {
    this.tokens = bytesPerSecond;
    this.last = now();
  }

  get limit(): number {
    return this.bytesPerSecond;
  }

  setLimit(bytesPerSecond: number): void {
    this.bytesPerSecond = bytesPerSecond;
    this.tokens = Math.min(this.tokens, bytesPerSecond);
  }

  /** Waits until `bytes` may be sent. Burst is one second's worth. */
  async take(bytes: number, signal?: AbortSignal): Promise<void> {
    if (this.bytesPerSecond <= 0) return;
    this.refill();
    this.tokens -= bytes;
    if (this.tokens >= 0) return;
    // Debt is paid by waiting; later callers queue behind it because tokens stay negative.
    await this.sleep(Math.ceil((-this.tokens / this.bytesPerSecond) * 1000), signal);
  }

  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.bytesPerSecond, this.tokens + ((t - this.last) / 1000) * this.bytesPerSecond);
    this.last = t;
  }
}

const SLICE = 64 * 1024;

/** A Transform that releases bytes no faster than the bucket allows. */
export function throttle(bucket: TokenBucket, signal?: AbortSignal): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      void (async () => {
        for (let off = 0; off < chunk.length; off += SLICE) {
          const piece = chunk.subarray(off, off + SLICE);
          await bucket.take(piece.length, signal);
          this.push(piece);
        }
      })().then(() => done(), done);
    },
  });
}

/** A fresh readable over a buffer, throttled when a limit is set. */
export function bodyStream(data: Buffer | (() => Readable), bucket: TokenBucket | null, signal?: AbortSignal): Readable {
  const src = typeof data === 'function' ? data() : Readable.from(sliceBuffer(data));
  if (!bucket || bucket.limit <= 0) return src;
  return pipeInto(src, throttle(bucket, signal));
}

/**
 * `src.pipe(dest)` that also hands src's error on to dest. `pipe` alone does not: a pack
 * deleted by a compaction or a failing disk mid-upload was an uncaught 'error' event
 * (the end of the process) while the request waited out its timeout with a body that
 * never ended. Now the request fails with the error and is retried or named.
 */
export function pipeInto<T extends Writable>(src: Readable, dest: T): T {
  src.on('error', (e) => dest.destroy(e));
  return src.pipe(dest);
}

function* sliceBuffer(b: Buffer): Generator<Buffer> {
  if (b.length === 0) return;
  for (let off = 0; off < b.length; off += SLICE) yield b.subarray(off, off + SLICE);
}
