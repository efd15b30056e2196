// Purpose keys: one HKDF-SHA256 derivation per use of the master key, so the index
// database key, the chunk-id MAC key, the item-key wrapping key and so on are independent
// (a key leaked from one use says nothing about another) and the master key itself is
// never used directly by any cipher.
import { hkdfSync } from 'node:crypto';
import { KeepsakeError } from '../../../../common/errors';

export type KeyPurpose = 'index-db' | 'chunk-id' | 'item-key-wrap' | 'pack-header' | 'cloud' | 'device-identity' | 'ledger';

export const KEY_PURPOSES: readonly KeyPurpose[] = ['index-db', 'chunk-id', 'item-key-wrap', 'pack-header', 'cloud', 'device-identity', 'ledger'];

/**
 * The HKDF salt is a fixed, public domain separator: RFC 5869 §3.1 allows a non-secret
 * salt when the input key is already uniformly random (our master key is 32 random bytes).
 */
const SALT = Buffer.from('keepsake/hkdf-salt/v1', 'utf8');

/** The HKDF "info" of each purpose. Changing one changes every derived key: never edit. */
export function purposeInfo(purpose: KeyPurpose | `internal:${string}`): Buffer {
  return Buffer.from(`keepsake/purpose/${purpose}/v1`, 'utf8');
}

function derive(masterKey: Buffer, info: Buffer): Buffer {
  if (!Buffer.isBuffer(masterKey) || masterKey.length !== 32) {
    throw new KeepsakeError('INTERNAL', 'A purpose key was asked for without a 32-byte master key.');
  }
  return Buffer.from(hkdfSync('sha256', masterKey, SALT, info, 32));
}

/** A 32-byte key for one purpose, derived from the master key with HKDF-SHA256. */
export function purposeKey(masterKey: Buffer, purpose: KeyPurpose): Buffer {
  if (!KEY_PURPOSES.includes(purpose)) throw new KeepsakeError('INTERNAL', `Unknown key purpose "${String(purpose)}".`);
  return derive(masterKey, purposeInfo(purpose));
}

/** Keys only the keys module uses (the key-slot file MAC); kept apart from the public purposes. */
export function internalKey(masterKey: Buffer, name: string): Buffer {
  return derive(masterKey, purposeInfo(`internal:${name}`));
}
