// HKDF purpose keys: pinned test vectors (a change to any label or the salt would silently
// orphan every vault, so these must never change), an independent RFC 5869 re-derivation,
// and independence between purposes.
import { createHmac, hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { internalKey, KEY_PURPOSES, purposeKey, type KeyPurpose } from '../../../main/core/vault/keys/purpose-keys';

const MASTER = Buffer.from('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 'hex');

const VECTORS: Record<KeyPurpose, string> = {
  'index-db': '809be897764327eed92ce4396e63109933eceafc8db19df48674d58a6ece02d3',
  'chunk-id': '1526470a5291d272b42ccc29bd0d8bd82f3de15bdcd7475b8c4028bb3814ae73',
  'item-key-wrap': 'e5b5d30e0b1d76879a0bb3d06229f4272dc9cf7e879ae3b8c105d1ecaed6dd22',
  'pack-header': '87385811985e2dbbd5c92353fe02db0403dfecf35df9998017a46fd7c8f4466c',
  cloud: 'ffee5126a7fbe72fbcb15304763894b67ea2a7c67a654dbcbc4b1f38c8347f32',
  'device-identity': 'db6e847378f21e888244ac31084e96f6fc3cc6fcb7c21e256ba3717cc30d76e8',
  ledger: '94714eba6c0d4c6d54f0b8f0f5579db3678ca8fbdedcdfa63a435f0e0023f934',
};

/** RFC 5869 HKDF written out with HMAC, to check purposeKey against something other than node's hkdf. */
function rfc5869(ikm: Buffer, salt: Buffer, info: Buffer, length: number): Buffer {
  const prk = createHmac('sha256', salt).update(ikm).digest();
  let t = Buffer.alloc(0);
  const out: Buffer[] = [];
  for (let i = 1; Buffer.concat(out).length < length; i++) {
    t = createHmac('sha256', prk).update(Buffer.concat([t, info, Buffer.from([i])])).digest();
    out.push(t);
  }
  return Buffer.concat(out).subarray(0, length);
}

describe('purposeKey', () => {
  it('matches the pinned vectors for every purpose', () => {
    for (const p of KEY_PURPOSES) expect(purposeKey(MASTER, p).toString('hex'), p).toBe(VECTORS[p]);
  });

  it('is RFC 5869 HKDF-SHA256 with the documented salt and info', () => {
    for (const p of KEY_PURPOSES) {
      const expected = rfc5869(MASTER, Buffer.from('keepsake/hkdf-salt/v1'), Buffer.from(`keepsake/purpose/${p}/v1`), 32);
      expect(purposeKey(MASTER, p).equals(expected), p).toBe(true);
    }
  });

  it("node's hkdf passes RFC 5869 test case 1 (the primitive we rely on)", () => {
    const okm = Buffer.from(hkdfSync('sha256', Buffer.alloc(22, 0x0b), Buffer.from('000102030405060708090a0b0c', 'hex'), Buffer.from('f0f1f2f3f4f5f6f7f8f9', 'hex'), 42));
    expect(okm.toString('hex')).toBe('3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865');
  });

  it('gives 32 distinct bytes per purpose, different per master key, and apart from internal keys', () => {
    const keys = KEY_PURPOSES.map((p) => purposeKey(MASTER, p).toString('hex'));
    expect(new Set(keys).size).toBe(KEY_PURPOSES.length);
    expect(keys.every((k) => k.length === 64)).toBe(true);
    const other = Buffer.from(MASTER);
    other[0] = (other[0] ?? 0) ^ 1;
    expect(purposeKey(other, 'index-db').toString('hex')).not.toBe(VECTORS['index-db']);
    expect(keys).not.toContain(internalKey(MASTER, 'keyslots-mac').toString('hex'));
  });

  it('refuses a master key that is not 32 bytes and an unknown purpose', () => {
    expect(() => purposeKey(Buffer.alloc(16), 'index-db')).toThrow(/32-byte/);
    expect(() => purposeKey(MASTER, 'nope' as KeyPurpose)).toThrow(/Unknown key purpose/);
  });
});
