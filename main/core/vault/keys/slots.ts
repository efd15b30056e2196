// Building and opening each kind of key slot. A slot = a KEK source (passphrase through
// Argon2id, recovery key through HKDF, or the OS keychain) + the master key wrapped under it.
import { hkdfSync, randomBytes } from 'node:crypto';
import { KeepsakeError } from '../../../../common/errors';
import type { KeyStore } from '../../ports';
import { deriveFromPassphrase, type Argon2Params } from './kdf';
import type { KeychainSlot, PassphraseSlot, RecoverySlot, Slot } from './slot-file';
import { slotAad, unwrapMasterKey, wrapMasterKey } from './wrap';

const newSlotId = (): string => randomBytes(8).toString('hex');
const now = (): string => new Date().toISOString();

export async function makePassphraseSlot(vaultId: string, masterKey: Buffer, passphrase: string, params: Argon2Params): Promise<PassphraseSlot> {
  const id = newSlotId();
  const salt = randomBytes(16);
  const kek = await deriveFromPassphrase(passphrase, salt, params);
  try {
    const w = wrapMasterKey(masterKey, kek, slotAad(vaultId, id, 'passphrase'));
    return { kind: 'passphrase', id, createdAt: now(), ...w, kdf: { name: 'argon2id', version: 19, ...params, salt: salt.toString('base64') } };
  } finally {
    kek.fill(0);
  }
}

/** The recovery key is 256 random bits already, so HKDF (not a slow KDF) turns it into a KEK. */
function recoveryKek(secret: Buffer, salt: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, salt, 'keepsake/recovery-kek/v1', 32));
}

export function makeRecoverySlot(vaultId: string, masterKey: Buffer, secret: Buffer): RecoverySlot {
  const id = newSlotId();
  const salt = randomBytes(16);
  const kek = recoveryKek(secret, salt);
  try {
    const w = wrapMasterKey(masterKey, kek, slotAad(vaultId, id, 'recovery'));
    return { kind: 'recovery', id, createdAt: now(), ...w, kdf: { name: 'hkdf-sha256', salt: salt.toString('base64') } };
  } finally {
    kek.fill(0);
  }
}

const noKeychain = (): KeepsakeError =>
  new KeepsakeError('UNSUPPORTED', 'This computer has no trustworthy system keychain, so Keepsake will not remember the vault key here. Nothing was stored. Unlock with your passphrase.', { reason: 'keychain-unavailable' });

/** Fails closed: with no trustworthy keychain nothing is written, and the seal must round-trip before it is used. */
export function makeKeychainSlot(vaultId: string, masterKey: Buffer, keyStore: KeyStore): KeychainSlot {
  if (!keyStore.isAvailable()) throw noKeychain();
  const id = newSlotId();
  const kek = randomBytes(32);
  try {
    let sealed: Buffer;
    try {
      sealed = keyStore.encrypt(kek);
      if (!keyStore.decrypt(sealed).equals(kek)) throw new Error('round trip');
    } catch {
      throw new KeepsakeError('UNSUPPORTED', 'The system keychain did not give back what Keepsake stored in it, so it is not used. Nothing was stored. Unlock with your passphrase.', { reason: 'keychain-roundtrip' });
    }
    const w = wrapMasterKey(masterKey, kek, slotAad(vaultId, id, 'keychain'));
    return { kind: 'keychain', id, createdAt: now(), ...w, backendId: keyStore.backendId(), sealed: sealed.toString('base64') };
  } finally {
    kek.fill(0);
  }
}

export async function openPassphraseSlot(vaultId: string, slot: PassphraseSlot, passphrase: string): Promise<Buffer | null> {
  const { salt, memoryKiB, timeCost, parallelism } = slot.kdf;
  const kek = await deriveFromPassphrase(passphrase, Buffer.from(salt, 'base64'), { memoryKiB, timeCost, parallelism });
  try {
    return unwrapMasterKey(slot, kek, slotAad(vaultId, slot.id, 'passphrase'));
  } finally {
    kek.fill(0);
  }
}

export function openRecoverySlot(vaultId: string, slot: RecoverySlot, secret: Buffer): Buffer | null {
  const kek = recoveryKek(secret, Buffer.from(slot.kdf.salt, 'base64'));
  try {
    return unwrapMasterKey(slot, kek, slotAad(vaultId, slot.id, 'recovery'));
  } finally {
    kek.fill(0);
  }
}

/**
 * Opens the keychain slot or explains why not. A changed backend (kwallet → libsecret, a
 * Flatpak sandbox) is refused with a clear message and the slot is kept: the passphrase and
 * recovery key still open the vault, and nothing is ever deleted because of a keychain.
 */
export function openKeychainSlot(vaultId: string, slot: KeychainSlot, keyStore: KeyStore): Buffer {
  if (!keyStore.isAvailable()) throw noKeychain();
  const current = keyStore.backendId();
  if (current !== slot.backendId) {
    throw new KeepsakeError(
      'UNSUPPORTED',
      `The vault key was remembered by the system keychain "${slot.backendId}", but this computer now uses "${current}". Keepsake will not guess: unlock with your passphrase or recovery key, then turn "Remember on this computer" on again.`,
      { reason: 'keychain-backend-changed', stored: slot.backendId, current },
    );
  }
  let kek: Buffer;
  try {
    kek = keyStore.decrypt(Buffer.from(slot.sealed, 'base64'));
  } catch {
    kek = Buffer.alloc(0);
  }
  const master = kek.length === 32 ? unwrapMasterKey(slot, kek, slotAad(vaultId, slot.id, 'keychain')) : null;
  kek.fill(0);
  if (!master) {
    throw new KeepsakeError('WRONG_PASSPHRASE', 'The system keychain no longer gives back the key Keepsake stored. Unlock with your passphrase or recovery key, then turn "Remember on this computer" on again.', { reason: 'keychain-mismatch' });
  }
  return master;
}

export function isKind<K extends Slot['kind']>(kind: K) {
  return (s: Slot): s is Extract<Slot, { kind: K }> => s.kind === kind;
}
