// Unlocking an encrypted Android backup. PBKDF2-HMAC-SHA1(password, user salt, rounds) →
// user key; AES-256-CBC(user key, user IV) over the master-key blob → [len][master IV]
// [len][master key][len][checksum]. [Note: Android checksum quirk] The checksum is
// PBKDF2 over the master key bytes *as a Java char[] password*: Android casts each signed
// byte to char (0x80..0xFF become U+FF80..U+FFFF) and the KDF encodes the chars as UTF-8
// (versions ≥ 2; version 1 used the low 8 bits). android-backup-extractor tries both, and
// so do we. A blob that fails to decrypt or a checksum that matches neither form means the
// password is wrong.
import { createDecipheriv, pbkdf2Sync, timingSafeEqual, type Decipher } from 'node:crypto';
import { KeepsakeError } from '../../../../common/errors';
import type { AbCrypto } from './ab-header';

export interface MasterKey {
  key: Buffer;
  iv: Buffer;
}

/** Java's (char) cast of each signed byte, encoded as UTF-8 (the version ≥ 2 checksum input). */
export function javaCharsUtf8(bytes: Buffer): Buffer {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b >= 0x80 ? 0xff00 | b : b);
  return Buffer.from(s, 'utf8');
}

function wrong(): KeepsakeError {
  return new KeepsakeError('WRONG_PASSPHRASE', 'The password for this Android backup is wrong. It is the password typed on the phone when the backup was made.');
}

export function unlockMasterKey(c: AbCrypto, password: string, version: number): MasterKey {
  const userKey = pbkdf2Sync(Buffer.from(password, 'utf8'), c.userSalt, c.rounds, 32, 'sha1');
  let blob: Buffer;
  try {
    const d = createDecipheriv('aes-256-cbc', userKey, c.userIv);
    blob = Buffer.concat([d.update(c.masterKeyBlob), d.final()]);
  } catch {
    throw wrong(); // bad padding: the user key (so the password) is wrong
  }
  let o = 0;
  const take = (): Buffer => {
    const len = blob[o];
    if (len === undefined || o + 1 + len > blob.length) throw wrong();
    const out = blob.subarray(o + 1, o + 1 + len);
    o += 1 + len;
    return out;
  };
  const iv = take();
  const key = take();
  const checksum = take();
  if (iv.length !== 16 || key.length !== 32 || checksum.length === 0) throw wrong();
  const forms = version >= 2 ? [javaCharsUtf8(key), key] : [key, javaCharsUtf8(key)];
  const ok = forms.some((pw) => {
    const calc = pbkdf2Sync(pw, c.checksumSalt, c.rounds, checksum.length, 'sha1');
    return timingSafeEqual(calc, checksum);
  });
  if (!ok) throw wrong();
  return { key: Buffer.from(key), iv: Buffer.from(iv) };
}

export function payloadDecipher(master: MasterKey): Decipher {
  return createDecipheriv('aes-256-cbc', master.key, master.iv);
}
