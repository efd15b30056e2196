// Argon2id parameters (RELIABILITY row 39): the floors are at least OWASP's minimum,
// calibration never goes below them, a real vault stores parameters that meet them, and a
// weak slot is re-wrapped at unlock with the master key unchanged. No timing assertions.
import { describe, expect, it } from 'vitest';
import { calibratedParams, CURRENT_FLOOR, meetsFloor, OWASP_MINIMUM, withinBounds } from '../../../main/core/vault/keys/kdf';
import { createKeySlots, unlockKeySlots } from '../../../main/core/vault/keys/key-slots';
import { changePassphrase, listKeySlots } from '../../../main/core/vault/keys/slot-admin';
import { FAST, readDoc, slotOf, tempLayout } from './helpers';

describe('Argon2id parameters', () => {
  it('the OWASP minimum is m = 19 MiB, t = 2, p = 1 and the current floor is at or above it (64 MiB, t = 3)', () => {
    expect(OWASP_MINIMUM).toEqual({ memoryKiB: 19456, timeCost: 2, parallelism: 1 });
    expect(CURRENT_FLOOR).toEqual({ memoryKiB: 65536, timeCost: 3, parallelism: 1 });
    expect(meetsFloor(CURRENT_FLOOR, OWASP_MINIMUM)).toBe(true);
  });

  it('calibration on this machine lands at or above both floors', async () => {
    const p = await calibratedParams();
    expect(meetsFloor(p, CURRENT_FLOOR)).toBe(true);
    expect(meetsFloor(p, OWASP_MINIMUM)).toBe(true);
    expect(withinBounds(p)).toBe(true);
  });

  it('a real vault (no test shortcut) stores parameters that meet the floors', async () => {
    const layout = tempLayout();
    const made = await createKeySlots(layout, 'a real passphrase');
    const pass = (await listKeySlots(layout, made.masterKey)).slots.find((s) => s.kind === 'passphrase');
    expect(pass?.argon2?.meetsFloor).toBe(true);
    expect(pass?.argon2?.meetsOwaspMinimum).toBe(true);
    expect(pass?.argon2?.memoryKiB).toBeGreaterThanOrEqual(19456);
    expect(pass?.argon2?.timeCost).toBeGreaterThanOrEqual(2);
  });

  it('re-wraps a below-floor slot at unlock: same master key, new parameters, old slot gone', async () => {
    const layout = tempLayout();
    const made = await createKeySlots(layout, 'upgrade me', FAST);
    const weak = slotOf(readDoc(layout).body, 'passphrase');
    expect(meetsFloor(weak.kdf)).toBe(false);
    const first = await unlockKeySlots(layout, { passphrase: 'upgrade me' });
    expect(first.upgraded).toBe(true);
    expect(first.generation).toBe(2);
    expect(first.masterKey.equals(made.masterKey)).toBe(true);
    const strong = slotOf(readDoc(layout).body, 'passphrase');
    expect(strong.id).toBe(first.slotId);
    expect(strong.id).not.toBe(weak.id);
    expect(strong.kdf.salt).not.toBe(weak.kdf.salt);
    expect(meetsFloor(strong.kdf, OWASP_MINIMUM) && meetsFloor(strong.kdf)).toBe(true);
    const second = await unlockKeySlots(layout, { passphrase: 'upgrade me' });
    expect(second.upgraded).toBe(false);
    expect(second.generation).toBe(2);
    expect(second.masterKey.equals(made.masterKey)).toBe(true);
    // A passphrase change keeps the calibrated settings (calibrated once) with a new salt.
    await changePassphrase(layout, made.masterKey, 'changed');
    const changed = slotOf(readDoc(layout).body, 'passphrase');
    expect({ m: changed.kdf.memoryKiB, t: changed.kdf.timeCost, p: changed.kdf.parallelism }).toEqual({ m: strong.kdf.memoryKiB, t: strong.kdf.timeCost, p: strong.kdf.parallelism });
    expect(changed.kdf.salt).not.toBe(strong.kdf.salt);
  });

  it('rejects out-of-range parameters a damaged file could ask for', () => {
    expect(withinBounds({ memoryKiB: 2 ** 40, timeCost: 3, parallelism: 1 })).toBe(false);
    expect(withinBounds({ memoryKiB: 65536, timeCost: 0, parallelism: 1 })).toBe(false);
    expect(withinBounds({ memoryKiB: 65536, timeCost: 3, parallelism: 0 })).toBe(false);
    expect(withinBounds({ memoryKiB: 65536, timeCost: 2.5, parallelism: 1 })).toBe(false);
  });
});
