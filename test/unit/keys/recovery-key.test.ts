// Recovery key format: 256 bits, Crockford base32 in 14 groups of 4, 24-bit checksum,
// forgiving normalisation on input and plain-words errors on typos.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatRecoveryKey, generateRecoveryKey, normalizeRecoveryKey, parseRecoveryKey } from '../../../main/core/vault/keys/recovery-key';

describe('recovery key', () => {
  it('prints 14 groups of 4 unambiguous characters and parses back to the same 32 bytes', () => {
    const { secret, text } = generateRecoveryKey();
    expect(text).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){13}$/);
    expect(parseRecoveryKey(text).equals(secret)).toBe(true);
  });

  it('round-trips any 32-byte secret', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (bytes) => {
        const secret = Buffer.from(bytes);
        expect(parseRecoveryKey(formatRecoveryKey(secret)).equals(secret)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('ignores case, spaces, dashes and the O/0, I/1, L/1 look-alikes', () => {
    const secret = Buffer.alloc(32, 0);
    const text = formatRecoveryKey(secret); // all zeros → many '0' characters
    const sloppy = text.toLowerCase().replace(/0/g, 'o').replace(/-/g, '  ');
    expect(parseRecoveryKey(sloppy).equals(secret)).toBe(true);
    expect(normalizeRecoveryKey('il1-Oo0')).toBe('111000');
    expect(normalizeRecoveryKey('ab-cd ef\tgh')).toBe('ABCDEFGH');
  });

  it('catches a single mistyped character by its checksum', () => {
    const { text } = generateRecoveryKey();
    const chars = [...text];
    const i = chars.findIndex((c) => c !== '-' && c !== 'Z');
    chars[i] = chars[i] === 'A' ? 'B' : 'A';
    expect(() => parseRecoveryKey(chars.join(''))).toThrowError(expect.objectContaining({ code: 'WRONG_PASSPHRASE', details: { reason: 'recovery-key-typo' } }));
  });

  it('says what is wrong with a short key or a foreign character', () => {
    const { text } = generateRecoveryKey();
    expect(() => parseRecoveryKey(text.slice(0, -5))).toThrow(/has 56 letters and digits.*you typed 52/);
    expect(() => parseRecoveryKey(`${text.slice(0, -1)}U`)).toThrow(/"U" is not one of them/);
  });
});
