// Chunk and key cryptography: AAD binds (chunk id, item, type) so swapped or moved
// ciphertext fails (RELIABILITY row 37); nonces never repeat and each key's use is
// counted and refused far below 2^32 (row 38); item keys unwrap only for their own item.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { chunkAad, chunkId, NONCE_BYTES, NONCE_LIMIT, NonceBudget, open, seal, unwrapItemKey, wrapItemKey } from '../../../main/core/vault/item-crypto';

describe('item crypto', () => {
  const key = randomBytes(32);
  const mac = randomBytes(32);

  it('round-trips, and refuses a chunk under another id, item or type', () => {
    const a = Buffer.from('chunk A');
    const b = Buffer.from('chunk B');
    const idA = chunkId(mac, a);
    const idB = chunkId(mac, b);
    const sealedA = seal(key, a, chunkAad(idA, 'item-1'));
    expect(open(key, sealedA, chunkAad(idA, 'item-1')).equals(a)).toBe(true);
    expect(() => open(key, sealedA, chunkAad(idB, 'item-1'))).toThrow(expect.objectContaining({ code: 'CORRUPT' })); // swapped into B's slot
    expect(() => open(key, sealedA, chunkAad(idA, 'item-2'))).toThrow(expect.objectContaining({ code: 'CORRUPT' })); // moved to another item
    expect(() => open(key, sealedA, chunkAad(idA, 'item-1', 'pack-header'))).toThrow(expect.objectContaining({ code: 'CORRUPT' })); // other type
    expect(() => open(randomBytes(32), sealedA, chunkAad(idA, 'item-1'))).toThrow(expect.objectContaining({ code: 'CORRUPT' }));
    const flipped = Buffer.from(sealedA);
    flipped[NONCE_BYTES + 2] = flipped[NONCE_BYTES + 2]! ^ 0x40;
    expect(() => open(key, flipped, chunkAad(idA, 'item-1'))).toThrow(expect.objectContaining({ code: 'CORRUPT' }));
    expect(() => open(key, sealedA.subarray(0, 10), chunkAad(idA, 'item-1'))).toThrow(expect.objectContaining({ code: 'CORRUPT' }));
  });

  it('AAD encoding is unambiguous between item ids', () => {
    const id = randomBytes(32);
    expect(chunkAad(id, 'ab').equals(chunkAad(id, 'a'))).toBe(false);
  });

  it('item keys unwrap only for their own item', () => {
    const wrap = randomBytes(32);
    const itemKey = randomBytes(32);
    const w = wrapItemKey(wrap, itemKey, 'one');
    expect(unwrapItemKey(wrap, w, 'one').equals(itemKey)).toBe(true);
    expect(() => unwrapItemKey(wrap, w, 'two')).toThrow(expect.objectContaining({ code: 'CORRUPT' }));
  });

  it('never repeats a nonce (10^5 by default, 10^6 with KEEPSAKE_RELIABILITY=1)', () => {
    const n = process.env.KEEPSAKE_RELIABILITY === '1' ? 1_000_000 : 100_000;
    const seen = new Set<string>();
    const plain = Buffer.alloc(1);
    const aad = Buffer.alloc(1);
    for (let i = 0; i < n; i++) seen.add(seal(key, plain, aad).subarray(0, NONCE_BYTES).toString('latin1'));
    expect(seen.size).toBe(n);
  });

  it('counts key uses and refuses past the budget, which is far below 2^32', () => {
    expect(NONCE_LIMIT).toBeLessThanOrEqual(2 ** 30);
    const b = new NonceBudget(0, 3);
    b.take();
    b.take(2);
    expect(b.uses).toBe(3);
    expect(() => b.take()).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    expect(b.uses).toBe(3);
  });
});
