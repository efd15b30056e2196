// A big, deterministic body for the multipart test (not a test file): bytes follow from
// their offset, so the parent can hash what the child sends without holding it.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';

const BLOCK = 1024 * 1024;

/** 1 MiB of xorshift32 output seeded by the block number: cheap, and never repeating. */
function block(i: number): Buffer {
  const words = new Uint32Array(BLOCK / 4);
  let x = (i * 2654435761 + 1) >>> 0 || 1;
  for (let w = 0; w < words.length; w++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    words[w] = x;
  }
  return Buffer.from(words.buffer);
}

export function patternStream(size: number): Readable {
  let i = 0;
  return new Readable({
    read() {
      const left = size - i * BLOCK;
      if (left <= 0) return void this.push(null);
      this.push(left >= BLOCK ? block(i) : block(i).subarray(0, left));
      i++;
    },
  });
}

export function patternSha256(size: number): string {
  const h = createHash('sha256');
  for (let i = 0; i * BLOCK < size; i++) h.update(Math.min(BLOCK, size - i * BLOCK) === BLOCK ? block(i) : block(i).subarray(0, size - i * BLOCK));
  return h.digest('hex');
}
