// HeldMemory [Note: Held memory pool]: shared memory for held uploads, reused by size
// class; only whole buffers it made come back, within its cap, and an idle pool lets
// everything go. HeldUploads decides when a held file's memory may go back: never while
// a commit or a digest can read it, never after a failed vault write, never after close.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HeldMemory, sizeClass } from '../../../main/core/devices/held-memory';
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
