// The content-defined chunker: sizes within bounds, deterministic, keyed, and boundaries
// that survive an insertion (the property that makes re-backups of edited files cheap).
import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Chunker } from '../../../main/core/vault/chunker';
import { pseudoRandom, SMALL_CHUNKS } from './helpers';

const ids = (parts: Uint8Array[]): string[] => parts.map((p) => createHash('sha256').update(p).digest('hex'));

describe('Chunker', () => {
  it('cuts within min..max and reassembles to the input', () => {
    const c = new Chunker(SMALL_CHUNKS);
    const data = pseudoRandom(2_000_000, 7);
    const parts = c.split(data);
    expect(Buffer.concat(parts).equals(data)).toBe(true);
    parts.slice(0, -1).forEach((p) => {
      expect(p.length).toBeGreaterThanOrEqual(SMALL_CHUNKS.minSize);
      expect(p.length).toBeLessThanOrEqual(SMALL_CHUNKS.maxSize);
    });
    const avg = data.length / parts.length;
    expect(avg).toBeGreaterThan(SMALL_CHUNKS.minSize);
    expect(avg).toBeLessThan(SMALL_CHUNKS.maxSize);
  });

  it('cuts zeros (no entropy) at the maximum size', () => {
    const parts = new Chunker(SMALL_CHUNKS).split(Buffer.alloc(300_000));
    expect(parts[0]!.length).toBe(SMALL_CHUNKS.maxSize);
  });

  it('is deterministic for one key and differs between keys', () => {
    const data = pseudoRandom(1_000_000, 8);
    const k = randomBytes(32);
    expect(new Chunker(SMALL_CHUNKS, k).split(data).map((p) => p.length)).toEqual(new Chunker(SMALL_CHUNKS, k).split(data).map((p) => p.length));
    expect(new Chunker(SMALL_CHUNKS, randomBytes(32)).split(data).map((p) => p.length)).not.toEqual(new Chunker(SMALL_CHUNKS, k).split(data).map((p) => p.length));
  });

  it('keeps most chunks after an insertion anywhere (CDC property)', () => {
    const c = new Chunker(SMALL_CHUNKS);
    const base = pseudoRandom(1_500_000, 9);
    const before = new Set(ids(c.split(base)));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: base.length }), fc.uint8Array({ minLength: 1, maxLength: 5000 }), (at, ins) => {
        const edited = Buffer.concat([base.subarray(0, at), ins, base.subarray(at)]);
        const after = ids(c.split(edited));
        const kept = after.filter((id) => before.has(id)).length;
        // an insertion disturbs at most the chunk it lands in and the one after
        expect(kept).toBeGreaterThanOrEqual(before.size - 3);
      }),
      { numRuns: 25, seed: 42 },
    );
  });

  it('gives the same cuts when data arrives in pieces', () => {
    const c = new Chunker(SMALL_CHUNKS);
    const data = pseudoRandom(700_000, 10);
    const whole = c.split(data).map((p) => p.length);
    const streamed: number[] = [];
    let buf = Buffer.alloc(0);
    for (let off = 0; off < data.length; off += 7777) {
      buf = Buffer.concat([buf, data.subarray(off, off + 7777)]);
      for (let n = c.cut(buf, false); n > 0; n = c.cut(buf, false)) {
        streamed.push(n);
        buf = buf.subarray(n);
      }
    }
    while (buf.length) {
      const n = c.cut(buf, true);
      streamed.push(n);
      buf = buf.subarray(n);
    }
    expect(streamed).toEqual(whole);
  });
});
