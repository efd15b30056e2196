// The recovery key: 256 random bits a person can type back from paper. Written in
// Crockford base32 (no I, L, O or U, so nothing looks alike) as 14 groups of 4, with a
// 24-bit checksum so a typo is caught before any unlock is tried and reported as a typo
// rather than as "wrong key". Input is normalised: case, spaces, dashes, O→0, I/L→1.
import { createHash, randomBytes } from 'node:crypto';
import { KeepsakeError } from '../../../../common/errors';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const KEY_BYTES = 32;
const CHECK_BYTES = 3;
/** (32 + 3) bytes = 280 bits = exactly 56 base32 characters, so there is no padding. */
export const RECOVERY_KEY_CHARS = 56;
const GROUP = 4;

function checksum(secret: Buffer): Buffer {
  return createHash('sha256').update('keepsake/recovery-key-check/v1').update(secret).digest().subarray(0, CHECK_BYTES);
}

function encodeBase32(bytes: Buffer): string {
  let out = '';
  let acc = 0;
  let bits = 0;
  for (const byte of bytes) {
    acc = (acc << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(acc >>> bits) & 31];
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(acc << (5 - bits)) & 31];
  return out;
}

function decodeBase32(text: string): Buffer {
  const out: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const ch of text) {
    const v = ALPHABET.indexOf(ch);
    acc = (acc << 5) | v;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((acc >>> bits) & 0xff);
    }
    acc &= (1 << bits) - 1;
  }
  return Buffer.from(out);
}

/** Groups a 56-character key as XXXX-XXXX-… for display and print. */
export function formatRecoveryKey(secret: Buffer): string {
  if (secret.length !== KEY_BYTES) throw new KeepsakeError('INTERNAL', 'A recovery key must be 32 bytes.');
  const chars = encodeBase32(Buffer.concat([secret, checksum(secret)]));
  return chars.match(new RegExp(`.{1,${GROUP}}`, 'g'))!.join('-');
}

/** A fresh recovery key: the secret (for the key slot) and its printable form (for the person). */
export function generateRecoveryKey(): { secret: Buffer; text: string } {
  const secret = randomBytes(KEY_BYTES);
  return { secret, text: formatRecoveryKey(secret) };
}

/** Case, spaces, dashes and the look-alikes O/0, I/1, L/1 do not matter when typing a key back. */
export function normalizeRecoveryKey(input: string): string {
  return input.toUpperCase().replace(/[\s\-_.]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
}

const typo = (message: string, reason: string): KeepsakeError => new KeepsakeError('WRONG_PASSPHRASE', message, { reason });

/**
 * Turns what a person typed back into the 32-byte secret, or explains what is wrong with
 * it in plain words (WRONG_PASSPHRASE with details.reason = 'recovery-key-typo').
 */
export function parseRecoveryKey(input: string): Buffer {
  const chars = normalizeRecoveryKey(input);
  const bad = [...chars].find((c) => !ALPHABET.includes(c));
  if (bad !== undefined) {
    throw typo(`A recovery key contains only the digits 0–9 and the letters A–Z except I, L, O and U; "${bad}" is not one of them. Check what you typed against your Emergency Kit.`, 'recovery-key-typo');
  }
  if (chars.length !== RECOVERY_KEY_CHARS) {
    throw typo(`A recovery key has ${RECOVERY_KEY_CHARS} letters and digits (14 groups of 4); you typed ${chars.length}. Check that no group is missing or doubled.`, 'recovery-key-typo');
  }
  const bytes = decodeBase32(chars);
  const secret = bytes.subarray(0, KEY_BYTES);
  if (!checksum(secret).equals(bytes.subarray(KEY_BYTES))) {
    throw typo('There is a typo in this recovery key: its check letters do not match. Compare each group of 4 with your Emergency Kit.', 'recovery-key-typo');
  }
  return Buffer.from(secret);
}

/** What a person typed, checked and rewritten in the printed form (for a fresh kit). */
export function canonicalRecoveryKey(input: string): string {
  const secret = parseRecoveryKey(input);
  try {
    return formatRecoveryKey(secret);
  } finally {
    secret.fill(0);
  }
}
