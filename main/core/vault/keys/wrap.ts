// Wrapping the master key in a slot: AES-256-GCM under a key-encryption key (KEK) that
// comes from a passphrase, a recovery key or the OS keychain. The associated data binds
// the vault id, slot id and slot kind, so a wrapped key cannot be moved to another slot
// or vault. See [Note: Key-slot file integrity] in slot-file.ts for the `check` value.
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { KeepsakeError } from '../../../../common/errors';
import type { SlotKind } from './slot-file';

export interface Wrapped {
  nonce: string;
  wrapped: string;
  check: string;
}

export function slotAad(vaultId: string, slotId: string, kind: SlotKind): Buffer {
  return Buffer.from(`keepsake/keyslot/v1\0${vaultId}\0${slotId}\0${kind}`, 'utf8');
}

/**
 * A 16-byte fingerprint of the KEK alone. It deliberately leaves out the associated data:
 * with the right secret, an edited slot id, kind, vault id, nonce or ciphertext then shows
 * as "check matches, tag fails" = CORRUPT, not as a wrong passphrase. It tells an attacker
 * nothing the GCM tag would not (both need the KEK, i.e. a full Argon2id run per guess).
 */
function checkValue(kek: Buffer): Buffer {
  return createHmac('sha256', kek).update('keepsake/keyslot-check/v1').digest().subarray(0, 16);
}

export function wrapMasterKey(masterKey: Buffer, kek: Buffer, aad: Buffer): Wrapped {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', kek, nonce);
  cipher.setAAD(aad);
  const ct = Buffer.concat([cipher.update(masterKey), cipher.final(), cipher.getAuthTag()]);
  return { nonce: nonce.toString('base64'), wrapped: ct.toString('base64'), check: checkValue(kek).toString('base64') };
}

/**
 * Returns the master key, or null when the KEK is simply wrong (its check value differs
 * and the tag fails). Throws CORRUPT when the KEK is right but the wrapped key fails
 * authentication: the slot itself was damaged or edited.
 */
export function unwrapMasterKey(slot: Wrapped, kek: Buffer, aad: Buffer): Buffer | null {
  const expected = Buffer.from(slot.check, 'base64');
  const actual = checkValue(kek);
  const kekIsRight = expected.length === actual.length && timingSafeEqual(expected, actual);
  const data = Buffer.from(slot.wrapped, 'base64');
  try {
    const decipher = createDecipheriv('aes-256-gcm', kek, Buffer.from(slot.nonce, 'base64'));
    decipher.setAAD(aad);
    decipher.setAuthTag(data.subarray(32));
    const master = Buffer.concat([decipher.update(data.subarray(0, 32)), decipher.final()]);
    if (master.length !== 32) throw new Error('length');
    return master;
  } catch {
    if (kekIsRight) {
      throw new KeepsakeError('CORRUPT', "A key slot in the vault's key file is damaged: the secret is right but the key it protects does not verify. Restore vault/keyslots.json from a backup copy.");
    }
    return null;
  }
}
