// Bad input never crashes or fools the unlock: any single corrupted byte anywhere in the
// key-slot file, with the right passphrase, ends in CORRUPT (or UNSUPPORTED when the flip
// turns the format version into a future one) — never a wrong passphrase, never a
// different key, never a non-Keepsake error. Also: arbitrary junk files are CORRUPT.
import { readFileSync, writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isKeepsakeError } from '../../../common/errors';
import { createKeySlots, unlockKeySlots } from '../../../main/core/vault/keys/key-slots';
import { FAST, tempLayout } from './helpers';

async function outcome(run: () => Promise<{ masterKey: Buffer }>, master: Buffer): Promise<string> {
  try {
    const u = await run();
    return u.masterKey.equals(master) ? 'same-key' : 'DIFFERENT-KEY';
  } catch (e) {
    return isKeepsakeError(e) ? e.code : `NON-KEEPSAKE: ${String(e)}`;
  }
}

describe('slot file against damage', () => {
  it('one corrupted byte anywhere is CORRUPT (or UNSUPPORTED), never a wrong passphrase or another key', async () => {
    const layout = tempLayout();
    const { masterKey } = await createKeySlots(layout, 'right', FAST);
    const original = readFileSync(layout.keySlots);
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: original.length - 1 }), fc.integer({ min: 1, max: 255 }), async (pos, xor) => {
        const bytes = Buffer.from(original);
        bytes[pos] = (bytes[pos] ?? 0) ^ xor;
        writeFileSync(layout.keySlots, bytes);
        const result = await outcome(() => unlockKeySlots(layout, { passphrase: 'right' }, FAST), masterKey);
        // A flip inside insignificant JSON whitespace can leave the same document; then the same key is fine.
        expect(['CORRUPT', 'UNSUPPORTED', 'same-key']).toContain(result);
      }),
      { numRuns: 300, seed: 20261129 },
    );
  });

  it('junk of any kind is CORRUPT', async () => {
    const layout = tempLayout();
    const { masterKey } = await createKeySlots(layout, 'right', FAST);
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.json(), fc.string(), fc.uint8Array({ maxLength: 2000 }).map((a) => Buffer.from(a))), async (junk) => {
        writeFileSync(layout.keySlots, junk);
        expect(await outcome(() => unlockKeySlots(layout, { passphrase: 'right' }, FAST), masterKey)).toBe('CORRUPT');
      }),
      { numRuns: 200, seed: 7 },
    );
  });
});
