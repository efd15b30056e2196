// The mirror's own cryptography, all from the vault's cloud purpose key
// (purposeKey(masterKey, 'cloud')): a MAC key that turns logical names ("pack/<id>",
// "manifest/a") into object names that reveal nothing, and an AES-256-GCM key that seals
// the index segments and manifests. Every sealed object binds its type and logical name
// as associated data, so an object moved, swapped or replayed under another name fails
// to open instead of being read as something else. Packs are uploaded as they are: the
// vault already encrypted them.
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { KeepsakeError } from '../../../../common/errors';

export interface CloudKeys {
  names: Buffer;
  seal: Buffer;
  /** A MAC for segment contents, so unchanged index segments are recognised without revealing them. */
  content: Buffer;
}

export function deriveCloudKeys(cloudKey: Buffer): CloudKeys {
  if (cloudKey.length !== 32) throw new KeepsakeError('INTERNAL', 'The cloud key has the wrong size.');
  const sub = (info: string): Buffer => Buffer.from(hkdfSync('sha256', cloudKey, Buffer.alloc(0), `keepsake/cloud/${info}/v1`, 32));
  return { names: sub('object-names'), seal: sub('seal'), content: sub('content-mac') };
}

export function wipeCloudKeys(k: CloudKeys): void {
  k.names.fill(0);
  k.seal.fill(0);
  k.content.fill(0);
}

/** The object name for a logical name: 64 hex characters that say nothing about what is inside. */
export function objectName(keys: CloudKeys, logical: string): string {
  return createHmac('sha256', keys.names).update(logical).digest('hex');
}

export function contentMac(keys: CloudKeys, data: Buffer): string {
  return createHmac('sha256', keys.content).update(data).digest('hex');
}

/**
 * The fixed name of the uploaded key-slot file. It must be found before any key is known,
 * so it cannot be a keyed MAC; a hash of a constant looks like every other object name and
 * is the same for every vault, so it tells nothing about this one.
 */
export function keySlotObjectNames(): [string, string] {
  const n = (slot: string): string => createHash('sha256').update(`keepsake/cloud/key-slots/${slot}/v1`).digest('hex');
  return [n('a'), n('b')];
}

const VERSION = 1;
const NONCE = 12;
const TAG = 16;

function aad(type: string, logical: string): Buffer {
  return Buffer.from(`keepsake/cloud/v${VERSION}/${type}/${logical}`, 'utf8');
}

/** version(1) ‖ nonce(12) ‖ ciphertext ‖ tag(16). Random 96-bit nonces: few seals per key. */
export function seal(keys: CloudKeys, type: string, logical: string, plain: Buffer): Buffer {
  const nonce = randomBytes(NONCE);
  const c = createCipheriv('aes-256-gcm', keys.seal, nonce);
  c.setAAD(aad(type, logical));
  const body = Buffer.concat([c.update(plain), c.final()]);
  return Buffer.concat([Buffer.from([VERSION]), nonce, body, c.getAuthTag()]);
}

export function open(keys: CloudKeys, type: string, logical: string, sealed: Buffer): Buffer {
  if (sealed.length < 1 + NONCE + TAG || sealed[0] !== VERSION) {
    throw new KeepsakeError('CORRUPT', `A cloud ${type} is damaged or not in a format this Keepsake understands.`, { type });
  }
  const d = createDecipheriv('aes-256-gcm', keys.seal, sealed.subarray(1, 1 + NONCE));
  d.setAAD(aad(type, logical));
  d.setAuthTag(sealed.subarray(sealed.length - TAG));
  try {
    return Buffer.concat([d.update(sealed.subarray(1 + NONCE, sealed.length - TAG)), d.final()]);
  } catch {
    throw new KeepsakeError('CORRUPT', `A cloud ${type} failed its integrity check: it was damaged, swapped with another object, or belongs to another vault.`, { type });
  }
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
