// A small random-access byte source, so the box walker and metadata readers can look at a
// multi-gigabyte video's moov box (often at the END of the file) without reading the file
// whole. Backed by a Buffer (tests, archive entries held in memory) or a file handle.
import { open } from 'node:fs/promises';

export interface RandomAccess {
  readonly size: number;
  /** Reads up to `length` bytes at `position`; shorter only at the end of the source. */
  read(position: number, length: number): Promise<Buffer>;
}

export function bufferSource(buf: Buffer): RandomAccess {
  return {
    size: buf.length,
    read: async (position, length) => buf.subarray(Math.max(0, position), Math.max(0, Math.min(buf.length, position + length))),
  };
}

/** Opens a file for random reads; call close() when done. */
export async function fileSource(path: string): Promise<RandomAccess & { close(): Promise<void> }> {
  const fh = await open(path, 'r');
  const { size } = await fh.stat();
  return {
    size,
    async read(position, length) {
      const len = Math.max(0, Math.min(length, size - position));
      if (len === 0 || position < 0) return Buffer.alloc(0);
      const buf = Buffer.alloc(len);
      const { bytesRead } = await fh.read(buf, 0, len, position);
      return buf.subarray(0, bytesRead);
    },
    close: () => fh.close(),
  };
}
