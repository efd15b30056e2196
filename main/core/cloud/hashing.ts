// Hashes computed while bytes flow to a target, so a put reports the SHA-256 and MD5 of
// exactly what was sent without a second pass over the data.
import { createHash, type Hash } from 'node:crypto';
import { Transform } from 'node:stream';

export interface Digests {
  size: number;
  sha256: string;
  md5: string;
}

export function digestsOf(data: Buffer): Digests {
  return { size: data.length, sha256: createHash('sha256').update(data).digest('hex'), md5: createHash('md5').update(data).digest('hex') };
}

export class HashingStream extends Transform {
  private readonly sha: Hash = createHash('sha256');
  private readonly md: Hash = createHash('md5');
  private n = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: (e?: Error | null, data?: Buffer) => void): void {
    this.sha.update(chunk);
    this.md.update(chunk);
    this.n += chunk.length;
    done(null, chunk);
  }
  digests(): Digests {
    return { size: this.n, sha256: this.sha.digest('hex'), md5: this.md.digest('hex') };
  }
}

/** Counts the bytes that pass (a stream whose hashes are already known needs only its length checked). */
export class ByteCounter extends Transform {
  bytes = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: (e?: Error | null, data?: Buffer) => void): void {
    this.bytes += chunk.length;
    done(null, chunk);
  }
}
