// Managing an open vault's key slots: list, change the passphrase, rotate the recovery
// key, turn the keychain slot on or off, drill the recovery key. Every change re-wraps the
// master key only (no data is re-encrypted) and rewrites the slot file atomically; the
// replaced slot is not kept anywhere, so the old passphrase/recovery key stops working.
import { KeepsakeError } from '../../../../common/errors';
import type { KeyStore } from '../../ports';
import type { VaultLayout } from '../layout';
import { meetsFloor, OWASP_MINIMUM } from './kdf';
import { checkPassphraseShape, passphraseParams, unlockKeySlots, type KdfOptions } from './key-slots';
import { generateRecoveryKey } from './recovery-key';
import { readSlotFile, verifySlotFileMac, writeSlotFile, type Slot, type SlotBody } from './slot-file';
import { withSlotFileLock } from './slot-lock';
import { makeKeychainSlot, makePassphraseSlot, makeRecoverySlot } from './slots';

export interface SlotInfo {
  id: string;
  kind: Slot['kind'];
  createdAt: string;
  /** Passphrase slots: the stored Argon2id parameters and whether they meet the current floor. */
  argon2?: { memoryKiB: number; timeCost: number; parallelism: number; meetsFloor: boolean; meetsOwaspMinimum: boolean };
  /** Keychain slots: the backend that sealed it. */
  backendId?: string;
}

function info(slot: Slot): SlotInfo {
  const base = { id: slot.id, kind: slot.kind, createdAt: slot.createdAt };
  if (slot.kind === 'passphrase') {
    const { memoryKiB, timeCost, parallelism } = slot.kdf;
    return { ...base, argon2: { memoryKiB, timeCost, parallelism, meetsFloor: meetsFloor(slot.kdf), meetsOwaspMinimum: meetsFloor(slot.kdf, OWASP_MINIMUM) } };
  }
  if (slot.kind === 'keychain') return { ...base, backendId: slot.backendId };
  return base;
}

/** Reads the slot file and checks it belongs to (and was sealed with) this master key. */
function load(layout: VaultLayout, masterKey: Buffer): SlotBody {
  const file = readSlotFile(layout.keySlots);
  verifySlotFileMac(file, masterKey);
  return file.body;
}

function save(layout: VaultLayout, masterKey: Buffer, body: SlotBody, slots: Slot[]): void {
  writeSlotFile(layout.keySlots, { ...body, updatedAt: new Date().toISOString(), generation: body.generation + 1, slots }, masterKey);
}

export async function listKeySlots(layout: VaultLayout, masterKey: Buffer): Promise<{ vaultId: string; generation: number; slots: SlotInfo[] }> {
  const body = load(layout, masterKey);
  return { vaultId: body.vaultId, generation: body.generation, slots: body.slots.map(info) };
}

/**
 * Replaces every passphrase slot with one for the new passphrase (fresh salt). Argon2
 * parameters are calibrated once, when the vault is made: the current slot's are kept when
 * they meet the floor, so a change costs one derivation instead of a new calibration.
 */
export async function changePassphrase(layout: VaultLayout, masterKey: Buffer, newPassphrase: string, opts?: KdfOptions): Promise<{ slotId: string }> {
  checkPassphraseShape(newPassphrase);
  return withSlotFileLock(layout.keySlots, async () => {
    const body = load(layout, masterKey);
    const current = body.slots.find((s) => s.kind === 'passphrase');
    const keep = !opts?.fastKdfForTests && current?.kind === 'passphrase' && meetsFloor(current.kdf) ? current.kdf : null;
    const params = keep ? { memoryKiB: keep.memoryKiB, timeCost: keep.timeCost, parallelism: keep.parallelism } : await passphraseParams(opts);
    const fresh = await makePassphraseSlot(body.vaultId, masterKey, newPassphrase, params);
    save(layout, masterKey, body, [fresh, ...body.slots.filter((s) => s.kind !== 'passphrase')]);
    return { slotId: fresh.id };
  });
}

/** Makes a new recovery key; the old one stops working as soon as this returns. */
export async function rotateRecoveryKey(layout: VaultLayout, masterKey: Buffer): Promise<{ recoveryKey: string; slotId: string }> {
  return withSlotFileLock(layout.keySlots, async () => {
    const body = load(layout, masterKey);
    const recovery = generateRecoveryKey();
    const fresh = makeRecoverySlot(body.vaultId, masterKey, recovery.secret);
    recovery.secret.fill(0);
    save(layout, masterKey, body, [...body.slots.filter((s) => s.kind !== 'recovery'), fresh]);
    return { recoveryKey: recovery.text, slotId: fresh.id };
  });
}

/**
 * Turns "remember on this computer" on (one keychain slot, replacing an older one only
 * after the new seal has round-tripped) or off. Fails closed when no keychain is trustworthy.
 */
export async function setKeychainSlot(layout: VaultLayout, masterKey: Buffer, keyStore: KeyStore, enabled: boolean): Promise<{ enabled: boolean; backendId: string | null }> {
  return withSlotFileLock(layout.keySlots, async () => {
    const body = load(layout, masterKey);
    const others = body.slots.filter((s) => s.kind !== 'keychain');
    if (!enabled) {
      if (others.length !== body.slots.length) save(layout, masterKey, body, others);
      return { enabled: false, backendId: null };
    }
    const fresh = makeKeychainSlot(body.vaultId, masterKey, keyStore);
    save(layout, masterKey, body, [...others, fresh]);
    return { enabled: true, backendId: fresh.backendId };
  });
}

/**
 * "Prove the kit still opens the vault": checks a recovery key against this vault without
 * storing or changing anything. Throws WRONG_PASSPHRASE (typo or not this vault's key).
 */
export async function drillRecoveryKey(layout: VaultLayout, masterKey: Buffer, recoveryKey: string): Promise<{ ok: true }> {
  const opened = await unlockKeySlots(layout, { recoveryKey });
  const same = opened.masterKey.equals(masterKey);
  opened.masterKey.fill(0);
  if (!same) throw new KeepsakeError('WRONG_PASSPHRASE', 'That recovery key opens a different vault, not this one.', { reason: 'recovery-key-other-vault' });
  return { ok: true };
}
