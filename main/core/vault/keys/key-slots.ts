// The vault's key slots, public API: create a vault's master key and slots, and unlock
// with a passphrase, the recovery key or the OS keychain. Slot management (change the
// passphrase, rotate the recovery key, keychain on/off, list) is in slot-admin.ts.
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { KeepsakeError } from '../../../../common/errors';
import { ensurePrivateDir } from '../../paths';
import type { KeyStore } from '../../ports';
import type { VaultLayout } from '../layout';
import { calibratedParams, meetsFloor, TEST_PARAMS, type Argon2Params } from './kdf';
import { generateRecoveryKey, parseRecoveryKey } from './recovery-key';
import { readSlotFile, verifySlotFileMac, writeSlotFile, type LoadedSlotFile, type SlotBody } from './slot-file';
import { withSlotFileLock } from './slot-lock';
import { isKind, makePassphraseSlot, makeRecoverySlot, openKeychainSlot, openPassphraseSlot, openRecoverySlot } from './slots';

export type Credential = { passphrase: string } | { recoveryKey: string } | { keyStore: KeyStore };

export interface KdfOptions {
  /** Tiny Argon2 parameters for unit tests; never for a vault holding real data. */
  fastKdfForTests?: boolean;
}

export interface Unlocked {
  masterKey: Buffer;
  vaultId: string;
  /** Which slot opened it. */
  slotId: string;
  /** True when the passphrase slot was re-wrapped with stronger parameters during this unlock. */
  upgraded: boolean;
  /**
   * The slot file's rewrite counter (after any upgrade). The vault engine can keep the
   * highest seen in the encrypted index to notice a key file replaced by an older copy.
   */
  generation: number;
}

/** The Argon2 parameters new passphrase slots get: calibrated here, or tiny for tests. */
export async function passphraseParams(opts?: KdfOptions): Promise<Argon2Params> {
  return opts?.fastKdfForTests ? { ...TEST_PARAMS } : calibratedParams();
}

export function checkPassphraseShape(passphrase: string): void {
  if (typeof passphrase !== 'string' || passphrase.length === 0) throw new KeepsakeError('BAD_INPUT', 'The passphrase is empty.');
  if (passphrase.length > 1024) throw new KeepsakeError('BAD_INPUT', 'The passphrase is longer than 1024 characters.');
}

/** Creates the master key, a passphrase slot and a recovery slot. Refuses if a vault already exists. */
export async function createKeySlots(layout: VaultLayout, passphrase: string, opts?: KdfOptions): Promise<{ masterKey: Buffer; recoveryKey: string; vaultId: string }> {
  checkPassphraseShape(passphrase);
  ensurePrivateDir(layout.root);
  return withSlotFileLock(layout.keySlots, async () => {
    if (existsSync(layout.keySlots)) throw new KeepsakeError('CONFLICT', 'A vault already exists in this data folder.');
    const masterKey = randomBytes(32);
    const vaultId = randomUUID();
    const recovery = generateRecoveryKey();
    const stamp = new Date().toISOString();
    const body: SlotBody = {
      vaultId,
      createdAt: stamp,
      updatedAt: stamp,
      generation: 1,
      slots: [await makePassphraseSlot(vaultId, masterKey, passphrase, await passphraseParams(opts)), makeRecoverySlot(vaultId, masterKey, recovery.secret)],
    };
    recovery.secret.fill(0);
    writeSlotFile(layout.keySlots, body, masterKey);
    return { masterKey, recoveryKey: recovery.text, vaultId };
  });
}

const wrong = (what: 'passphrase' | 'recovery'): KeepsakeError =>
  what === 'passphrase'
    ? new KeepsakeError('WRONG_PASSPHRASE', 'That passphrase does not open this vault.')
    : new KeepsakeError('WRONG_PASSPHRASE', 'That recovery key does not open this vault. If you rotated it, only the newest Emergency Kit works.', { reason: 'recovery-key-wrong' });

async function openWith(file: LoadedSlotFile, credential: Credential): Promise<{ masterKey: Buffer; slotId: string }> {
  const { vaultId, slots } = file.body;
  if ('passphrase' in credential) {
    checkPassphraseShape(credential.passphrase);
    for (const slot of slots.filter(isKind('passphrase'))) {
      const masterKey = await openPassphraseSlot(vaultId, slot, credential.passphrase);
      if (masterKey) return { masterKey, slotId: slot.id };
    }
    throw wrong('passphrase');
  }
  if ('recoveryKey' in credential) {
    const secret = parseRecoveryKey(credential.recoveryKey);
    try {
      for (const slot of slots.filter(isKind('recovery'))) {
        const masterKey = openRecoverySlot(vaultId, slot, secret);
        if (masterKey) return { masterKey, slotId: slot.id };
      }
    } finally {
      secret.fill(0);
    }
    throw wrong('recovery');
  }
  const slot = slots.find(isKind('keychain'));
  if (!slot) throw new KeepsakeError('NOT_FOUND', 'This vault is not remembered by the system keychain. Unlock with your passphrase.', { reason: 'no-keychain-slot' });
  return { masterKey: openKeychainSlot(vaultId, slot, credential.keyStore), slotId: slot.id };
}

/**
 * Recovers the master key. Throws WRONG_PASSPHRASE when the secret is wrong, CORRUPT when
 * the slot file is damaged or was edited, VAULT_MISSING when there is none. A passphrase
 * slot below the current Argon2 floor is re-wrapped with calibrated parameters.
 */
export async function unlockKeySlots(layout: VaultLayout, credential: Credential, opts?: KdfOptions): Promise<Unlocked> {
  const file = readSlotFile(layout.keySlots);
  const { masterKey, slotId } = await openWith(file, credential);
  try {
    verifySlotFileMac(file, masterKey);
  } catch (e) {
    masterKey.fill(0);
    throw e;
  }
  const upgraded = 'passphrase' in credential && !opts?.fastKdfForTests ? await upgradeIfWeak(layout, masterKey, slotId, credential.passphrase) : null;
  return { masterKey, vaultId: file.body.vaultId, slotId: upgraded?.slotId ?? slotId, upgraded: upgraded !== null, generation: upgraded?.generation ?? file.body.generation };
}

/**
 * Re-wraps a passphrase slot whose Argon2 parameters are below the current floor. The
 * unlock has already succeeded, so any failure here (disk full, the file changed meanwhile)
 * leaves the slot as it was, to be upgraded at a later unlock.
 */
async function upgradeIfWeak(layout: VaultLayout, masterKey: Buffer, slotId: string, passphrase: string): Promise<{ slotId: string; generation: number } | null> {
  return withSlotFileLock(layout.keySlots, async () => {
    try {
      const file = readSlotFile(layout.keySlots);
      verifySlotFileMac(file, masterKey);
      const slot = file.body.slots.find((s) => s.id === slotId);
      if (!slot || slot.kind !== 'passphrase' || meetsFloor(slot.kdf)) return null;
      const fresh = await makePassphraseSlot(file.body.vaultId, masterKey, passphrase, await calibratedParams());
      const generation = file.body.generation + 1;
      writeSlotFile(layout.keySlots, { ...file.body, updatedAt: new Date().toISOString(), generation, slots: file.body.slots.map((s) => (s.id === slotId ? fresh : s)) }, masterKey);
      return { slotId: fresh.id, generation };
    } catch {
      return null;
    }
  });
}
