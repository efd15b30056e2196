// HeldUploads: whole uploaded files waiting in memory for their commit, within a byte
// budget; the oldest unpinned files are spilled (handed to the disk writer) to make room.
import { describe, expect, it } from 'vitest';
import { HeldUploads } from '../../../main/core/devices/held-uploads';

async function readAll(s: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of s as AsyncIterable<Buffer>) parts.push(c);
  return Buffer.concat(parts);
}

function held(budget: number): { h: HeldUploads; spilled: Map<string, Buffer> } {
  const spilled = new Map<string, Buffer>();
  return { h: new HeldUploads(budget, (name, data) => spilled.set(name, Buffer.from(data))), spilled };
}

describe('held uploads', () => {
  it('keeps whole files within the budget and opens them as often as asked', async () => {
    const { h } = held(100);
    expect(h.reserve(40)).toBe(true);
    h.keep('a', Buffer.alloc(40, 1));
    expect(h.bytes).toBe(40);
    expect(await readAll(h.open('a') as NodeJS.ReadableStream)).toEqual(Buffer.alloc(40, 1));
    expect(await readAll(h.open('a') as NodeJS.ReadableStream)).toEqual(Buffer.alloc(40, 1));
    expect(h.open('missing')).toBeNull();
    h.drop('a');
    expect(h.bytes).toBe(0);
    expect(h.has('a')).toBe(false);
  });

  it('refuses files bigger than the budget, and empty ones (they go to disk staging)', () => {
    const { h } = held(100);
    expect(h.reserve(101)).toBe(false);
    expect(h.reserve(0)).toBe(false);
    expect(h.bytes).toBe(0);
    expect(held(0).h.reserve(1)).toBe(false);
  });

  it('spills the oldest files to make room, never a pinned one', () => {
    const { h, spilled } = held(100);
    for (const [name, fill] of [['a', 1], ['b', 2], ['c', 3]] as const) {
      expect(h.reserve(30)).toBe(true);
      h.keep(name, Buffer.alloc(30, fill));
    }
    const unpinA = h.pin('a'); // being committed
    expect(h.reserve(50)).toBe(true); // 90 + 50 > 100: 'b' (oldest unpinned) goes, then 'c'
    expect([...spilled.keys()]).toEqual(['b', 'c']);
    expect(spilled.get('b')).toEqual(Buffer.alloc(30, 2));
    expect(h.has('a')).toBe(true);
    expect(h.has('b')).toBe(false);
    expect(h.spilled).toBe(2);
    expect(h.bytes).toBe(80);
    // Nothing spillable is left: a file that cannot fit is refused, not squeezed in.
    expect(h.reserve(30)).toBe(false);
    unpinA();
    expect(h.reserve(30)).toBe(true);
    expect([...spilled.keys()]).toEqual(['b', 'c', 'a']);
  });

  it('gives back the room of a file that did not arrive whole', () => {
    const { h } = held(100);
    expect(h.reserve(60)).toBe(true);
    expect(h.reserve(60)).toBe(false); // nothing held to spill, only a reservation
    h.unreserve(60);
    expect(h.bytes).toBe(0);
    expect(h.reserve(60)).toBe(true);
    h.clear();
    expect(h.bytes).toBe(0);
  });
});
