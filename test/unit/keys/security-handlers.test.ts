// The security.* contract methods end to end through core's dispatcher: key changes are
// refused until the identity is confirmed, then work; the kit is produced as HTML/SVG for
// the UI and as a PDF at a chosen path; nothing works while the vault is locked.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { call, dispatch } from '../../../main/core/dispatch';
import { unlockKeySlots } from '../../../main/core/vault/keys/key-slots';
import { coreWithOpenVault } from './core-helpers';
import { FAST } from './helpers';
import { TestDoubleKeyStore } from './test-key-store';

const code = (c: string, extra: object = {}) => expect.objectContaining({ code: c, ...extra });

describe('security.* handlers', () => {
  it('refuses key changes until the passphrase is confirmed, then changes the passphrase', async () => {
    const { core, layout, masterKey } = await coreWithOpenVault();
    await expect(call(core, 'security.changePassphrase', { newPassphrase: 'brand new' })).rejects.toThrowError(code('REVERIFY'));
    await expect(call(core, 'security.rotateRecoveryKey', {})).rejects.toThrowError(code('REVERIFY'));
    await expect(call(core, 'security.setKeychain', { enabled: true })).rejects.toThrowError(code('REVERIFY'));
    expect(await call(core, 'security.identityStatus', {})).toEqual({ fresh: false, freshUntil: null });
    await call(core, 'security.verifyIdentity', { passphrase: 'the right one' });
    expect((await call(core, 'security.identityStatus', {})).fresh).toBe(true);
    await expect(call(core, 'security.changePassphrase', { newPassphrase: 'brand new' })).resolves.toEqual({ ok: true });
    expect((await unlockKeySlots(layout, { passphrase: 'brand new' }, FAST)).masterKey.equals(masterKey)).toBe(true);
    await expect(unlockKeySlots(layout, { passphrase: 'the right one' }, FAST)).rejects.toThrowError(code('WRONG_PASSPHRASE'));
    // The new passphrase's slot is a real one: calibrated Argon2id at or above the floor.
    const { slots } = await call(core, 'security.slots', {});
    expect(slots.find((s) => s.kind === 'passphrase')?.argon2?.meetsFloor).toBe(true);
  });

  it('rotates the recovery key, returns the kit for the UI, drills it and saves the PDF', async () => {
    const { core, layout, recoveryKey: oldKey, vaultId, clock } = await coreWithOpenVault();
    await call(core, 'security.verifyIdentity', { passphrase: 'the right one' });
    const rotated = await call(core, 'security.rotateRecoveryKey', {});
    expect(rotated.kitHtml).toContain(rotated.recoveryKey.split('-')[0]);
    expect(rotated.kitHtml).toContain(vaultId);
    expect(rotated.qrSvg.startsWith('<svg')).toBe(true);
    await expect(call(core, 'security.drillRecoveryKey', { recoveryKey: oldKey })).rejects.toThrowError(code('WRONG_PASSPHRASE'));
    await expect(call(core, 'security.drillRecoveryKey', { recoveryKey: rotated.recoveryKey.toLowerCase() })).resolves.toEqual({ ok: true });

    const pdfPath = join(layout.root, '..', 'kit.pdf');
    await expect(call(core, 'security.kitPdf', { recoveryKey: oldKey, path: pdfPath })).rejects.toThrowError(code('WRONG_PASSPHRASE'));
    expect(existsSync(pdfPath)).toBe(false);
    await expect(call(core, 'security.kitPdf', { recoveryKey: rotated.recoveryKey, path: 'kit.pdf' })).rejects.toThrowError(code('BAD_INPUT'));
    await call(core, 'security.kitPdf', { recoveryKey: rotated.recoveryKey.replace(/-/g, ' '), path: pdfPath });
    expect(readFileSync(pdfPath).subarray(0, 5).toString()).toBe('%PDF-');
    // The confirmation runs out; rotation is refused again.
    clock.advance(5 * 60_000);
    await expect(call(core, 'security.rotateRecoveryKey', {})).rejects.toThrowError(code('REVERIFY'));
  });

  it('turns the keychain on and off and reports whether one is available', async () => {
    const ks = new TestDoubleKeyStore();
    const { core, layout, masterKey } = await coreWithOpenVault('the right one', ks);
    expect((await call(core, 'security.slots', {})).keychainAvailable).toBe(true);
    await call(core, 'security.verifyIdentity', { passphrase: 'the right one' });
    expect(await call(core, 'security.setKeychain', { enabled: true })).toEqual({ enabled: true, backendId: ks.backend });
    expect((await unlockKeySlots(layout, { keyStore: ks }, FAST)).masterKey.equals(masterKey)).toBe(true);
    await call(core, 'security.setKeychain', { enabled: false });
    expect((await call(core, 'security.slots', {})).slots.map((s) => s.kind).sort()).toEqual(['passphrase', 'recovery']);
  });

  it('refuses everything while the vault is locked, as error data across a host boundary', async () => {
    const { core } = await coreWithOpenVault();
    core.vault?.close();
    core.vault = null;
    for (const [m, input] of [
      ['security.slots', {}],
      ['security.verifyIdentity', { passphrase: 'x' }],
      ['security.drillRecoveryKey', { recoveryKey: 'AAAA-BBBB-CCCC' }],
    ] as const) {
      expect(await dispatch(core, m, input)).toEqual({ ok: false, error: code('VAULT_LOCKED') });
    }
    expect(await dispatch(core, 'security.setKeychain', { enabled: 'yes' })).toEqual({ ok: false, error: code('BAD_INPUT') });
  });
});
