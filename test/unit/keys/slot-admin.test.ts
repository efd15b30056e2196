// Slot management on an open vault: change passphrase and rotate the recovery key (re-wrap
// only; the old secret stops working and its slot is gone from the file), keychain slot
// fail-closed and backend-change refusal (RELIABILITY row 20, audit item 30), list, drill.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createKeySlots, unlockKeySlots } from '../../../main/core/vault/keys/key-slots';
import { changePassphrase, drillRecoveryKey, listKeySlots, rotateRecoveryKey, setKeychainSlot } from '../../../main/core/vault/keys/slot-admin';
import { FAST, readDoc, slotOf, tempLayout } from './helpers';
import { TestDoubleKeyStore } from './test-key-store';

const code = (c: string, extra: object = {}) => expect.objectContaining({ code: c, ...extra });

async function newVault() {
  const layout = tempLayout();
  const made = await createKeySlots(layout, 'old passphrase', FAST);
  return { layout, ...made };
}

describe('changePassphrase', () => {
  it('re-wraps the same master key under the new passphrase and destroys the old slot', async () => {
    const { layout, masterKey, recoveryKey } = await newVault();
    const old = slotOf(readDoc(layout).body, 'passphrase');
    await changePassphrase(layout, masterKey, 'new passphrase', FAST);
    await expect(unlockKeySlots(layout, { passphrase: 'old passphrase' }, FAST)).rejects.toThrowError(code('WRONG_PASSPHRASE'));
    const u = await unlockKeySlots(layout, { passphrase: 'new passphrase' }, FAST);
    expect(u.masterKey.equals(masterKey)).toBe(true);
    expect((await unlockKeySlots(layout, { recoveryKey }, FAST)).masterKey.equals(masterKey)).toBe(true);
    const text = readFileSync(layout.keySlots, 'utf8');
    for (const field of [old.id, old.wrapped, old.kdf.salt, old.nonce]) expect(text).not.toContain(field);
    expect(readDoc(layout).body.slots.filter((s: { kind: string }) => s.kind === 'passphrase')).toHaveLength(1);
    expect(readDoc(layout).body.generation).toBe(2);
  });

  it('refuses to change anything with a master key that is not this vault\'s', async () => {
    const { layout } = await newVault();
    const before = readFileSync(layout.keySlots);
    await expect(changePassphrase(layout, Buffer.alloc(32, 1), 'x', FAST)).rejects.toThrowError(code('CORRUPT'));
    expect(readFileSync(layout.keySlots).equals(before)).toBe(true);
  });
});

describe('rotateRecoveryKey', () => {
  it('gives a new key that opens the vault; the old key stops working', async () => {
    const { layout, masterKey, recoveryKey: oldKey } = await newVault();
    const { recoveryKey: newKey } = await rotateRecoveryKey(layout, masterKey);
    expect(newKey).not.toBe(oldKey);
    await expect(unlockKeySlots(layout, { recoveryKey: oldKey }, FAST)).rejects.toThrowError(code('WRONG_PASSPHRASE', { details: { reason: 'recovery-key-wrong' } }));
    expect((await unlockKeySlots(layout, { recoveryKey: newKey }, FAST)).masterKey.equals(masterKey)).toBe(true);
    expect((await unlockKeySlots(layout, { passphrase: 'old passphrase' }, FAST)).masterKey.equals(masterKey)).toBe(true);
    expect(readDoc(layout).body.slots.filter((s: { kind: string }) => s.kind === 'recovery')).toHaveLength(1);
  });
});

describe('drillRecoveryKey', () => {
  it('proves the kit opens the vault without changing the file, and rejects a rotated-out key', async () => {
    const { layout, masterKey, recoveryKey } = await newVault();
    const before = readFileSync(layout.keySlots);
    await expect(drillRecoveryKey(layout, masterKey, recoveryKey)).resolves.toEqual({ ok: true });
    expect(readFileSync(layout.keySlots).equals(before)).toBe(true);
    await rotateRecoveryKey(layout, masterKey);
    await expect(drillRecoveryKey(layout, masterKey, recoveryKey)).rejects.toThrowError(code('WRONG_PASSPHRASE'));
  });
});

describe('keychain slot', () => {
  it('remembers the vault in a trustworthy keychain and opens with it', async () => {
    const { layout, masterKey } = await newVault();
    const ks = new TestDoubleKeyStore();
    expect(await setKeychainSlot(layout, masterKey, ks, true)).toEqual({ enabled: true, backendId: ks.backend });
    const u = await unlockKeySlots(layout, { keyStore: ks }, FAST);
    expect(u.masterKey.equals(masterKey)).toBe(true);
    const text = readFileSync(layout.keySlots, 'utf8');
    expect(text).toContain(ks.backend);
    // Turning it on again replaces the slot rather than adding a second one.
    await setKeychainSlot(layout, masterKey, ks, true);
    expect(readDoc(layout).body.slots.filter((s: { kind: string }) => s.kind === 'keychain')).toHaveLength(1);
  });

  it('fails closed when the keychain is unavailable: nothing is written, nothing sealed', async () => {
    const { layout, masterKey } = await newVault();
    const ks = new TestDoubleKeyStore();
    ks.available = false; // e.g. Linux safeStorage on basic_text
    const before = readFileSync(layout.keySlots);
    await expect(setKeychainSlot(layout, masterKey, ks, true)).rejects.toThrowError(code('UNSUPPORTED', { details: { reason: 'keychain-unavailable' } }));
    expect(ks.encryptCalls).toBe(0);
    expect(readFileSync(layout.keySlots).equals(before)).toBe(true);
  });

  it('stores nothing when the keychain does not give back what it sealed', async () => {
    const { layout, masterKey } = await newVault();
    const ks = new TestDoubleKeyStore();
    ks.decryptOverride = Buffer.alloc(32, 9);
    const before = readFileSync(layout.keySlots);
    await expect(setKeychainSlot(layout, masterKey, ks, true)).rejects.toThrowError(code('UNSUPPORTED', { details: { reason: 'keychain-roundtrip' } }));
    expect(readFileSync(layout.keySlots).equals(before)).toBe(true);
  });

  it('refuses a changed backend with a clear message and keeps the vault and the slot', async () => {
    const { layout, masterKey } = await newVault();
    const ks = new TestDoubleKeyStore();
    ks.backend = 'kwallet6';
    await setKeychainSlot(layout, masterKey, ks, true);
    const before = readFileSync(layout.keySlots);
    ks.backend = 'gnome_libsecret';
    await expect(unlockKeySlots(layout, { keyStore: ks }, FAST)).rejects.toThrowError(
      code('UNSUPPORTED', { details: { reason: 'keychain-backend-changed', stored: 'kwallet6', current: 'gnome_libsecret' }, message: expect.stringMatching(/kwallet6.*gnome_libsecret.*passphrase or recovery key/) }),
    );
    expect(readFileSync(layout.keySlots).equals(before)).toBe(true);
    expect((await unlockKeySlots(layout, { passphrase: 'old passphrase' }, FAST)).masterKey.equals(masterKey)).toBe(true);
    // Unavailable at unlock time: refused the same way, nothing touched.
    ks.backend = 'kwallet6';
    ks.available = false;
    await expect(unlockKeySlots(layout, { keyStore: ks }, FAST)).rejects.toThrowError(code('UNSUPPORTED', { details: { reason: 'keychain-unavailable' } }));
  });

  it('reports a keychain that returns a different value (the Flatpak case) without touching the vault', async () => {
    const { layout, masterKey } = await newVault();
    const ks = new TestDoubleKeyStore();
    await setKeychainSlot(layout, masterKey, ks, true);
    ks.decryptOverride = Buffer.alloc(32, 3);
    await expect(unlockKeySlots(layout, { keyStore: ks }, FAST)).rejects.toThrowError(code('WRONG_PASSPHRASE', { details: { reason: 'keychain-mismatch' } }));
    ks.decryptOverride = Buffer.from('short');
    await expect(unlockKeySlots(layout, { keyStore: ks }, FAST)).rejects.toThrowError(code('WRONG_PASSPHRASE', { details: { reason: 'keychain-mismatch' } }));
  });

  it('turning it off removes the slot; unlocking by keychain then says so', async () => {
    const { layout, masterKey } = await newVault();
    const ks = new TestDoubleKeyStore();
    await setKeychainSlot(layout, masterKey, ks, true);
    expect(await setKeychainSlot(layout, masterKey, ks, false)).toEqual({ enabled: false, backendId: null });
    expect(slotOf(readDoc(layout).body, 'keychain')).toBeUndefined();
    await expect(unlockKeySlots(layout, { keyStore: ks }, FAST)).rejects.toThrowError(code('NOT_FOUND'));
  });
});

describe('listKeySlots and concurrent changes', () => {
  it('lists the slots with their Argon2 settings and keeps both of two concurrent changes', async () => {
    const { layout, masterKey } = await newVault();
    const ks = new TestDoubleKeyStore();
    await Promise.all([changePassphrase(layout, masterKey, 'newer', FAST), setKeychainSlot(layout, masterKey, ks, true), rotateRecoveryKey(layout, masterKey)]);
    const list = await listKeySlots(layout, masterKey);
    expect(list.generation).toBe(4);
    expect(list.slots.map((s) => s.kind).sort()).toEqual(['keychain', 'passphrase', 'recovery']);
    const pass = list.slots.find((s) => s.kind === 'passphrase');
    // Test parameters are deliberately weak, and the listing says so.
    expect(pass?.argon2).toMatchObject({ memoryKiB: 1024, timeCost: 1, parallelism: 1, meetsFloor: false, meetsOwaspMinimum: false });
    expect(list.slots.find((s) => s.kind === 'keychain')?.backendId).toBe(ks.backend);
    expect((await unlockKeySlots(layout, { passphrase: 'newer' }, FAST)).masterKey.equals(masterKey)).toBe(true);
  });
});
