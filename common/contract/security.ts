// security.*: identity re-verification and the vault's keys (passphrase, recovery key and
// Emergency Kit, "remember on this computer"). Secrets go in, never come back out, except
// a newly made recovery key, which is shown once.
import * as z from 'zod';
import { method } from './define';
import { Passphrase } from './vault';

const RecoveryKey = z.string().min(10).max(200);

export const KeySlotInfo = z.object({
  id: z.string(),
  kind: z.enum(['passphrase', 'recovery', 'keychain']),
  createdAt: z.string(),
  argon2: z.object({ memoryKiB: z.number(), timeCost: z.number(), parallelism: z.number(), meetsFloor: z.boolean(), meetsOwaspMinimum: z.boolean() }).optional(),
  backendId: z.string().optional(),
});
export type KeySlotInfo = z.infer<typeof KeySlotInfo>;

export const securityMethods = {
  'security.verifyIdentity': method({
    doc: 'Confirm it is you by typing the passphrase again; sensitive actions then work for a few minutes.',
    input: z.object({ passphrase: Passphrase }).strict(),
    output: z.object({ freshUntil: z.number() }),
  }),
  'security.identityStatus': method({
    doc: 'Whether the passphrase was confirmed recently enough for sensitive actions, and until when.',
    input: z.object({}).strict(),
    output: z.object({ fresh: z.boolean(), freshUntil: z.number().nullable() }),
  }),
  'security.changePassphrase': method({
    doc: 'Change the passphrase (needs a fresh confirmation). Only the key is re-wrapped; the old passphrase stops working.',
    input: z.object({ newPassphrase: Passphrase }).strict(),
    output: z.object({ ok: z.literal(true) }),
  }),
  'security.rotateRecoveryKey': method({
    doc: 'Make a new recovery key (needs a fresh confirmation); the old one and its Emergency Kit stop working. Returns the new key once, with the kit as HTML and the QR code as SVG.',
    input: z.object({}).strict(),
    output: z.object({ recoveryKey: z.string(), kitHtml: z.string(), qrSvg: z.string() }),
  }),
  'security.slots': method({
    doc: 'List the ways this vault can be opened (passphrase, recovery key, this computer\'s keychain).',
    input: z.object({}).strict(),
    output: z.object({ vaultId: z.string(), slots: z.array(KeySlotInfo), keychainAvailable: z.boolean() }),
  }),
  'security.setKeychain': method({
    doc: 'Turn "remember on this computer" (the OS keychain) on or off; needs a fresh confirmation. Refused when no trustworthy keychain exists.',
    input: z.object({ enabled: z.boolean() }).strict(),
    output: z.object({ enabled: z.boolean(), backendId: z.string().nullable() }),
  }),
  'security.drillRecoveryKey': method({
    doc: 'Prove the Emergency Kit still opens this vault, without storing or changing anything.',
    input: z.object({ recoveryKey: RecoveryKey }).strict(),
    output: z.object({ ok: z.literal(true) }),
  }),
  'security.kitPdf': method({
    doc: 'Save the Emergency Kit as a PDF at a path the person chose; the key is checked against this vault first.',
    input: z.object({ recoveryKey: RecoveryKey, path: z.string().min(1).max(4096) }).strict(),
    output: z.object({ path: z.string() }),
  }),
};
