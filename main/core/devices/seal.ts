// AES-256-GCM sealing of small secrets (the desktop identity's private key) with Node's
// OpenSSL. The associated data binds a sealed value to what it is, so a sealed blob
// copied into another slot fails to open instead of being misused.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { KeepsakeError } from '../../../common/errors';

const VERSION = 1;

/** [version(1) | iv(12) | tag(16) | ciphertext]. */
export function seal(key: Buffer, plain: Buffer, aad: string): Buffer {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([c.update(plain), c.final()]);
  return Buffer.concat([Buffer.from([VERSION]), iv, c.getAuthTag(), body]);
}

export function open(key: Buffer, sealed: Buffer, aad: string): Buffer {
  if (sealed.length < 29 || sealed[0] !== VERSION) throw new KeepsakeError('CORRUPT', 'A sealed device secret is damaged.');
  const d = createDecipheriv('aes-256-gcm', key, sealed.subarray(1, 13));
  d.setAAD(Buffer.from(aad, 'utf8'));
  d.setAuthTag(sealed.subarray(13, 29));
  try {
    return Buffer.concat([d.update(sealed.subarray(29)), d.final()]);
  } catch {
    throw new KeepsakeError('CORRUPT', 'A sealed device secret failed its integrity check: it is damaged or belongs to another vault.');
  }
}
