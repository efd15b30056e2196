// The eight-bytes-per-turn cutPoint must cut exactly where the one-byte gear loop of
// sessions 1–5 cut: every stored chunk id depends on it, so a single moved boundary would
// make existing vaults store their files again instead of deduplicating them.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Chunker, cutPoint, DEFAULT_CHUNKER, type CutParams } from '../../../main/core/vault/chunker';
import { pseudoRandom, SMALL_CHUNKS } from './helpers';

const FIXTURES = '/work/shared/fixtures';

/**
 * The cut points of sessions 1–5, one byte per step, written as their definition: the
 * first position from minSize on (below maxSize) whose gear hash, rolled from minSize,
 * has the top bits of its region's mask clear (the stricter mask below avgSize).
 */
function cutPointOneByte(data: Uint8Array, eof: boolean, gear: Int32Array, maskS: number, maskL: number, minSize: number, avgSize: number, maxSize: number): number {
  if (data.length <= minSize) return eof ? data.length : 0;
  let hash = 0;
  for (let at = minSize; at < data.length && at < maxSize; at++) {
    hash = ((hash << 1) + gear[data[at]!]!) | 0;
    if ((hash & (at < avgSize ? maskS : maskL)) === 0) return at + 1;
  }
  if (data.length >= maxSize) return maxSize;
  return eof ? data.length : 0;
}

type Cut = typeof cutPoint;

/** Every cut of `data` with `fn`, the last piece cut at eof. */
function cuts(fn: Cut, p: CutParams, data: Uint8Array): number[] {
  const out: number[] = [];
  for (let off = 0; off < data.length; ) {
    const len = fn(data.subarray(off), true, p.gear, p.maskS, p.maskL, p.minSize, p.avgSize, p.maxSize);
    out.push(len);
    off += len;
  }
  return out;
}

function expectSameCuts(p: CutParams, data: Uint8Array): number[] {
  const reference = cuts(cutPointOneByte, p, data);
  expect(cuts(cutPoint, p, data)).toEqual(reference);
  return reference;
}

/** All fixture files, largest first (real photos, HEIC, vCards, archives, databases). */
function fixtureFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const st = statSync(path);
      if (st.isDirectory()) walk(path);
      else if (st.isFile()) out.push(path);
    }
  };
  walk(FIXTURES);
  return out.sort((a, b) => statSync(b).size - statSync(a).size);
}

describe('cutPoint, eight bytes per turn', () => {
  it('cuts random data where the one-byte loop does, default photo/video sizes', () => {
    const p = new Chunker(DEFAULT_CHUNKER, randomBytes(32)).cutParams;
    const cutsMade = expectSameCuts(p, pseudoRandom(24 * 1024 * 1024, 11));
    expect(cutsMade.length).toBeGreaterThan(5);
  });

  it('cuts the real fixture files where the one-byte loop does, one by one and all together', () => {
    const files = fixtureFiles();
    expect(files.length).toBeGreaterThan(20);
    const p = new Chunker(SMALL_CHUNKS, randomBytes(32)).cutParams;
    const tiny = new Chunker({ minSize: 64, avgSize: 256, maxSize: 2048 }, randomBytes(32)).cutParams;
    for (const f of files) {
      const data = readFileSync(f);
      expectSameCuts(p, data);
      expectSameCuts(tiny, data);
    }
    const all = Buffer.concat(files.map((f) => readFileSync(f)));
    expect(expectSameCuts(p, all).length).toBeGreaterThan(100);
  });

  it('agrees for any sizes, keys, lengths and eof, including matches inside every turn', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: 0, max: 20000 }),
        fc.integer({ min: 0, max: 40000 }),
        fc.boolean(),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.integer({ min: 1, max: 0x7fffffff }),
        fc.constantFrom('random', 'zeros', 'pattern'),
        (minSize, avgExtra, maxExtra, length, eof, key, seed, kind) => {
          const sizes = { minSize, avgSize: minSize + avgExtra, maxSize: minSize + avgExtra + maxExtra };
          const p = new Chunker(sizes, Buffer.from(key)).cutParams;
          const data = kind === 'random' ? pseudoRandom(length, seed) : kind === 'zeros' ? Buffer.alloc(length) : Buffer.from(Array.from({ length }, (_, i) => (i * 7 + (i >> 5)) & 0xff));
          const args = [p.gear, p.maskS, p.maskL, p.minSize, p.avgSize, p.maxSize] as const;
          // one call on the whole buffer, with and without eof (0 = "need more data")
          expect(cutPoint(data, eof, ...args)).toBe(cutPointOneByte(data, eof, ...args));
          for (let off = 0; off < data.length; ) {
            const len = cutPointOneByte(data.subarray(off), true, ...args);
            expect(cutPoint(data.subarray(off), true, ...args)).toBe(len);
            off += len;
          }
        },
      ),
      { numRuns: 400, seed: 6 },
    );
  });

  it('the Chunker and streamed cutting give the reference cuts', () => {
    const c = new Chunker(SMALL_CHUNKS, randomBytes(32));
    const data = pseudoRandom(3_000_000, 12);
    expect(c.split(data).map((x) => x.length)).toEqual(cuts(cutPointOneByte, c.cutParams, data));
  });
});
