// Reading an ImportInput's bytes with a hard cap, hashing a stream, and the head sniff.
import { createHash } from 'node:crypto';
import { KeepsakeError } from '../../../../common/errors';
import type { ImportInput } from '../types';

/** Reads the whole input into memory, refusing (UNSUPPORTED) past maxBytes. */
export async function readAllCapped(input: ImportInput, maxBytes: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let total = 0;
  const stream = input.open();
  try {
    for await (const chunk of stream) {
      const b = chunk as Buffer;
      total += b.length;
      if (total > maxBytes) throw new KeepsakeError('UNSUPPORTED', `The file is larger than ${Math.round(maxBytes / 1048576)} MB, more than is read at once.`);
      parts.push(b);
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(parts, total);
}

/** Reads up to n bytes from the start. */
export async function readHead(input: ImportInput, n: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let total = 0;
  const stream = input.open();
  try {
    for await (const chunk of stream) {
      parts.push(chunk as Buffer);
      total += (chunk as Buffer).length;
      if (total >= n) break;
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(parts).subarray(0, n);
}

export async function sha256Of(input: ImportInput): Promise<{ hex: string; size: number }> {
  const h = createHash('sha256');
  let size = 0;
  for await (const chunk of input.open()) {
    h.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { hex: h.digest('hex'), size };
}
