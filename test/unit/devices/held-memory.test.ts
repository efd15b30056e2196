// HeldMemory [Note: Held memory pool]: shared memory for held uploads, reused by size
// class; only whole buffers it made come back, within its cap, and an idle pool lets
// everything go. HeldUploads decides when a held file's memory may go back: never while
// a commit or a digest can read it, never after a failed vault write, never after close.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CARVE_MAX, HeldMemory, SLAB_BYTES, sizeClass } from '../../../main/core/devices/held-memory';
import { HeldUploads } from '../../../main/core/devices/held-uploads';

describe('size classes', () => {
  it('hold the file, waste at most a quarter, and are their own class', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 33 }), (size) => {
        const c = sizeClass(size);
        expect(c).toBeGreaterThanOrEqual(size);
        expect(c).toBe(sizeClass(c));
        if (size > 16 * 1024) expect(c).toBeLessThanOrEqual(size * 1.25);
      }),
    );
    expect([1, 16 * 1024, 16 * 1024 + 1, 1024 * 1024, 1024 * 1024 + 1, 3 * 1024 * 1024].map(sizeClass)).toEqual([16384, 16384, 20480, 1048576, 1310720, 3145728]);
  });
});

describe('HeldMemory', () => {
  it('hands out exact-size shared views, fresh ones zeroed, and reuses what comes back by class', () => {
    const m = new HeldMemory(10 * 1024 * 1024);
    const a = m.take(1_000_000);
    expect(a.length).toBe(1_000_000);
    expect(a.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(a.buffer.byteLength).toBe(sizeClass(1_000_000));
    expect(a.every((x) => x === 0)).toBe(true);
    a.fill(7);
    m.give(a);
    expect(m.bytes).toBe(sizeClass(1_000_000));
    const b = m.take(999_999); // same class: the same memory, old bytes and all
    expect(b.buffer).toBe(a.buffer);
    expect(b.length).toBe(999_999);
    expect(m.reused).toBe(1);
    expect(m.bytes).toBe(0);
    const c = m.take(2_000_000); // another class: fresh
    expect(c.buffer).not.toBe(a.buffer);
    expect(m.reused).toBe(1);
  });

  it('uses a larger class when its own is empty, up to twice the size, never more', () => {
    const m = new HeldMemory(10 * 1024 * 1024);
    const big = m.take(2 * 1024 * 1024);
    m.give(big);
    expect(m.take(600 * 1024).buffer).not.toBe(big.buffer); // over twice its size: fresh
    const mid = m.take(1_200_000);
    expect(mid.buffer).toBe(big.buffer);
    expect(mid.length).toBe(1_200_000);
    expect(m.reused).toBe(1);
  });

  it('takes back only whole buffers it made, and no more than its cap', () => {
    const m = new HeldMemory(2 * 1024 * 1024);
    m.give(Buffer.alloc(1024 * 1024)); // not shared memory
    m.give(m.take(1024 * 1024).subarray(10)); // a view inside, not the buffer
    m.give(Buffer.from(new SharedArrayBuffer(1000))); // not a class size
    expect(m.bytes).toBe(0);
    const [x, y, z] = [m.take(1024 * 1024), m.take(1024 * 1024), m.take(1024 * 1024)];
    for (const b of [x, y, z]) m.give(b);
    expect(m.bytes).toBe(2 * 1024 * 1024); // the third did not fit under the cap
    m.clear();
    expect(m.bytes).toBe(0);
    expect(m.take(1024 * 1024).buffer).not.toBe(x.buffer);
  });

  it('lets everything go once no buffer has come back for its idle time', async () => {
    const m = new HeldMemory(4 * 1024 * 1024, 10);
    m.give(m.take(100_000));
    expect(m.bytes).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 60));
    expect(m.bytes).toBe(0);
  });
});

describe('HeldMemory carving small files out of slabs [Note: Carved small files]', () => {
  const MiB = 1024 * 1024;

  it('carves small files one after the other out of one slab, exact and apart', () => {
    const m = new HeldMemory(64 * MiB);
    const [a, b, c] = [m.take(100_000), m.take(1), m.take(CARVE_MAX)];
    for (const x of [a, b, c]) expect(x.buffer).toBe(a.buffer);
    expect(a.buffer.byteLength).toBe(SLAB_BYTES);
    expect([a.length, b.length, c.length]).toEqual([100_000, 1, CARVE_MAX]);
    expect(a.byteOffset).toBe(0);
    expect(b.byteOffset).toBeGreaterThanOrEqual(100_000);
    expect(c.byteOffset).toBeGreaterThan(b.byteOffset);
    expect(b.byteOffset % 64).toBe(0);
    expect([a, b, c].every((x) => x.every((v) => v === 0))).toBe(true); // fresh memory
    a.fill(1);
    expect(b[0]).toBe(0);
    expect(m.take(CARVE_MAX + 1).byteOffset).toBe(0); // above CARVE_MAX: a buffer of its own
    expect(m.reused).toBe(0);
  });

  it('a slab goes back only when every file carved from it has, and is then reused', () => {
    const m = new HeldMemory(64 * MiB);
    const files = Array.from({ length: 5 }, () => m.take(300_000));
    const slab = files[0]?.buffer;
    for (const f of files.slice(0, 4)) m.give(f);
    expect(m.bytes).toBe(0); // one file still out: the slab is not back
    m.give(files[4] as Buffer);
    expect(m.bytes).toBe(SLAB_BYTES);
    const next = m.take(200_000);
    expect(next.buffer).toBe(slab); // carved from the same memory again
    expect(m.reused).toBe(1);
    m.give(next);
    const photo = m.take(3 * MiB + 1); // a photo may use a slab's memory too (within twice its size)
    expect(photo.buffer).toBe(slab);
  });

  it('a slab fills up, and small files go on in a new one; a photo-sized pooled buffer becomes a slab', () => {
    const m = new HeldMemory(64 * MiB);
    const photo = m.take(5 * MiB);
    m.give(photo);
    const files = Array.from({ length: 11 }, () => m.take(CARVE_MAX));
    expect(files[0]?.buffer).toBe(photo.buffer); // the pooled 5 MiB buffer is the first slab
    expect(files[9]?.buffer).toBe(photo.buffer);
    expect(files[10]?.buffer).not.toBe(photo.buffer); // 5 MiB holds ten of them
    expect(m.reused).toBe(10);
  });

  it('a file never given back (a failed vault write) keeps its slab out of the pool for good', () => {
    const m = new HeldMemory(64 * MiB);
    const kept = m.take(100_000);
    const others = [m.take(100_000), m.take(100_000)];
    for (const f of others) m.give(f);
    // Fill the slab so the next file needs another one: the first is never pooled.
    while (m.take(CARVE_MAX).buffer === kept.buffer) {
      // carving on
    }
    expect(m.bytes).toBe(0);
    expect(m.take(CARVE_MAX).buffer).not.toBe(kept.buffer);
  });

  it('slabs not yet back count against the cap: past it, small files get buffers of their own', () => {
    const m = new HeldMemory(2 * SLAB_BYTES);
    const out: Buffer[] = [];
    for (let i = 0; i < 16; i++) out.push(m.take(CARVE_MAX)); // two full slabs
    expect(new Set(out.map((b) => b.buffer)).size).toBe(2);
    const own = m.take(CARVE_MAX);
    expect(own.byteOffset).toBe(0);
    expect(own.buffer.byteLength).toBe(sizeClass(CARVE_MAX));
  });

  it('after clear() nothing carved before comes back to the pool', () => {
    const m = new HeldMemory(64 * MiB);
    const f = m.take(100_000);
    m.clear();
    m.give(f);
    expect(m.bytes).toBe(0);
    expect(m.take(100_000).buffer).not.toBe(f.buffer);
  });

  it('no two files out at the same time ever share a byte, whatever the order of takes and gives', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.record({ take: fc.integer({ min: 1, max: 2 * CARVE_MAX }) }), fc.record({ give: fc.nat() })), { maxLength: 120 }),
        (ops) => {
          const m = new HeldMemory(16 * MiB);
          const out: Buffer[] = [];
          for (const op of ops) {
            if ('take' in op) {
              const b = m.take(op.take);
              expect(b.length).toBe(op.take);
              for (const o of out) {
                if (o.buffer !== b.buffer) continue;
                const apart = o.byteOffset + o.length <= b.byteOffset || b.byteOffset + b.length <= o.byteOffset;
                expect(apart).toBe(true);
              }
              out.push(b);
            } else if (out.length) {
              const [b] = out.splice(op.give % out.length, 1);
              m.give(b as Buffer);
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('HeldUploads giving memory back', () => {
  function make(): { h: HeldUploads; given: Buffer[]; spilled: string[] } {
    const given: Buffer[] = [];
    const spilled: string[] = [];
    return { h: new HeldUploads(100, (name) => spilled.push(name), (b) => given.push(b)), given, spilled };
  }
  const file = (n: number): Buffer => Buffer.alloc(n, n);

  it('gives a dropped file back at once when nothing reads it, and only once', () => {
    const { h, given } = make();
    const a = file(10);
    h.keep('a', a);
    h.drop('a');
    h.drop('a');
    expect(given).toEqual([a]);
  });

  it('waits for the commit (pin) and the digest (lend) before giving back', () => {
    const { h, given } = make();
    const a = file(10);
    h.keep('a', a);
    const unpin = h.pin('a');
    const read = h.lend('a');
    h.drop('a');
    expect(given).toEqual([]);
    unpin();
    unpin(); // a second call changes nothing
    expect(given).toEqual([]);
    read();
    expect(given).toEqual([a]);
  });

  it('a file spilled while its digest runs goes back only when the digest ends', () => {
    const { h, given, spilled } = make();
    const a = file(60);
    expect(h.reserve(60)).toBe(true);
    h.keep('a', a);
    const read = h.lend('a');
    expect(h.reserve(60)).toBe(true); // spills 'a' (a lend does not stop a spill)
    expect(spilled).toEqual(['a']);
    expect(given).toEqual([]);
    read();
    expect(given).toEqual([a]);
  });

  it('never gives back after a failed vault write or after close', () => {
    const { h, given } = make();
    h.keep('a', file(10));
    const unpin = h.pin('a');
    h.noReuse('a');
    unpin();
    h.drop('a');
    h.keep('b', file(20));
    h.clear();
    h.drop('b');
    expect(given).toEqual([]);
  });

  it('an unpin is bound to its file: a new file under the same name is not released by it', () => {
    const { h, given } = make();
    const a = file(10);
    const b = file(20);
    h.keep('x', a);
    const unpinA = h.pin('x');
    h.keep('x', b); // replaces 'a' (dropped, still pinned)
    const unpinB = h.pin('x');
    unpinA();
    expect(given).toEqual([a]);
    h.drop('x');
    expect(given).toEqual([a]); // 'b' is still pinned
    unpinB();
    expect(given).toEqual([a, b]);
  });
});
