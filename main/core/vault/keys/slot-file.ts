// The key-slot file (vault/keyslots.json): its format, parsing with damage reported as
// CORRUPT, and its two integrity checks. [Note: Key-slot file integrity]
//   - `checksum` (SHA-256 of the body, no key) catches accidental damage — bit rot, a
//     truncated copy — before any secret is tried, so damage is never mistaken for a
//     wrong passphrase.
//   - `mac` (HMAC-SHA256 under a key derived from the master key) catches deliberate
//     edits; it can only be checked once a slot has been opened.
//   - each slot's `check` value tells a wrong secret (check differs) from a damaged
//     wrapped key (check matches, AES-GCM tag fails).
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { KeepsakeError } from '../../../../common/errors';
import { writeFileAtomic } from './atomic-file';
import { internalKey } from './purpose-keys';

export const FORMAT = 'keepsake-keyslots';
export const FORMAT_VERSION = 1;

const b64 = (bytes: number | [number, number]) =>
  z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/).refine((s) => {
    const n = Buffer.from(s, 'base64').length;
    return typeof bytes === 'number' ? n === bytes : n >= bytes[0] && n <= bytes[1];
  });
const iso = z.string().max(40);

const wrapFields = {
  id: z.string().regex(/^[0-9a-f]{16}$/),
  createdAt: iso,
  nonce: b64(12),
  /** AES-256-GCM(master key): 32 bytes of ciphertext then the 16-byte tag. */
  wrapped: b64(48),
  /** First 16 bytes of HMAC(KEK, label): tells a wrong secret from a damaged slot. */
  check: b64(16),
};

export const PassphraseSlot = z.object({
  kind: z.literal('passphrase'),
  ...wrapFields,
  kdf: z.object({ name: z.literal('argon2id'), version: z.literal(19), memoryKiB: z.number().int(), timeCost: z.number().int(), parallelism: z.number().int(), salt: b64(16) }).strict(),
}).strict();
export const RecoverySlot = z.object({
  kind: z.literal('recovery'),
  ...wrapFields,
  kdf: z.object({ name: z.literal('hkdf-sha256'), salt: b64(16) }).strict(),
}).strict();
export const KeychainSlot = z.object({
  kind: z.literal('keychain'),
  ...wrapFields,
  /** The KeyStore backend that sealed the KEK; a different one is refused, never guessed at. */
  backendId: z.string().min(1).max(200),
  /** The 32-byte KEK as sealed by the OS keychain (opaque to us). */
  sealed: b64([1, 8192]),
}).strict();
export const Slot = z.discriminatedUnion('kind', [PassphraseSlot, RecoverySlot, KeychainSlot]);
export type PassphraseSlot = z.infer<typeof PassphraseSlot>;
export type RecoverySlot = z.infer<typeof RecoverySlot>;
export type KeychainSlot = z.infer<typeof KeychainSlot>;
export type Slot = z.infer<typeof Slot>;
export type SlotKind = Slot['kind'];

export const SlotBody = z.object({
  vaultId: z.string().regex(/^[0-9a-f-]{36}$/),
  createdAt: iso,
  updatedAt: iso,
  /** Counts rewrites; lets a caller notice a file replaced by an older copy. */
  generation: z.number().int().min(1),
  slots: z.array(Slot).min(1).max(32),
}).strict();
export type SlotBody = z.infer<typeof SlotBody>;

const Envelope = z.object({
  format: z.literal(FORMAT),
  version: z.number().int(),
  body: z.unknown(),
  checksum: z.string(),
  mac: z.string(),
}).strict();

/** JSON with keys sorted at every level, so the checksum and MAC do not depend on key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The unkeyed checksum of a body (exported for tests that simulate a deliberate edit). */
export const checksumOf = (body: unknown): string => createHash('sha256').update(`${FORMAT}/${FORMAT_VERSION}\n`).update(canonical(body)).digest('hex');
const macOf = (body: unknown, masterKey: Buffer): string => createHmac('sha256', internalKey(masterKey, 'keyslots-mac')).update(`${FORMAT}/${FORMAT_VERSION}\n`).update(canonical(body)).digest('hex');

const corrupt = (what: string): KeepsakeError =>
  new KeepsakeError('CORRUPT', `The vault's key file is damaged (${what}). Restore vault/keyslots.json from a backup copy; your data files are untouched.`);

export interface LoadedSlotFile {
  body: SlotBody;
  mac: string;
}

/** Reads and structurally checks the slot file. Missing → VAULT_MISSING; damaged → CORRUPT; newer → UNSUPPORTED. */
export function readSlotFile(path: string): LoadedSlotFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new KeepsakeError('VAULT_MISSING', 'There is no vault in this data folder yet.');
    throw new KeepsakeError('IO', `Keepsake could not read the vault's key file (${code ?? 'unknown error'}).`, { errno: code ?? 'unknown' });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw corrupt('it is not valid JSON');
  }
  const env = Envelope.safeParse(raw);
  if (!env.success) throw corrupt('its outer structure is wrong');
  if (env.data.version > FORMAT_VERSION) {
    throw new KeepsakeError('UNSUPPORTED', 'This vault was made by a newer version of Keepsake. Update Keepsake to open it.');
  }
  if (env.data.version !== FORMAT_VERSION) throw corrupt(`unknown format version ${env.data.version}`);
  if (!safeEqualHex(env.data.checksum, checksumOf(env.data.body))) throw corrupt('its checksum does not match');
  const body = SlotBody.safeParse(env.data.body);
  if (!body.success) throw corrupt('a key slot has the wrong shape or length');
  if (new Set(body.data.slots.map((s) => s.id)).size !== body.data.slots.length) throw corrupt('two key slots share an id');
  return { body: body.data, mac: env.data.mac };
}

/** Checks the file MAC with the master key just recovered from one of its slots. */
export function verifySlotFileMac(file: LoadedSlotFile, masterKey: Buffer): void {
  if (!safeEqualHex(file.mac, macOf(file.body, masterKey))) {
    throw new KeepsakeError('CORRUPT', "The vault's key file was changed outside Keepsake (its seal does not match). Restore vault/keyslots.json from a backup copy.");
  }
}

/** Seals the body (checksum + MAC) and writes it atomically, owner-only. */
export function writeSlotFile(path: string, body: SlotBody, masterKey: Buffer): void {
  const parsed = SlotBody.parse(body);
  const doc = { format: FORMAT, version: FORMAT_VERSION, body: parsed, checksum: checksumOf(parsed), mac: macOf(parsed, masterKey) };
  writeFileAtomic(path, `${JSON.stringify(doc, null, 2)}\n`);
}

function safeEqualHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
